"""Errors raised by flashpoint, with stable codes.

Every error a user can see derives from :class:`FlashpointError` and carries a
short code, so that messages can be looked up in ``docs/errors.md`` and tests
can assert on the code rather than on the wording::

    FlashpointError
    ├── IngestError              (I1xx) an input could not be read or turned into articles
    │   ├── InputNotFound        (I101)
    │   ├── BinaryInput          (I102)
    │   ├── UndecodableInput     (I103)
    │   ├── EmptyInput           (I104)
    │   ├── NoArticleFound       (I105)
    │   ├── MalformedRecord      (I106)
    │   ├── TruncatedArchive     (I107)
    │   ├── InputTooLarge        (I108) over a limit of :class:`~flashpoint.ingest.IngestLimits`
    │   ├── NotARegularFile      (I109) a FIFO, socket or device inside an input directory
    │   ├── SymlinkLoop          (I110)
    │   └── InputWarning         (I150) not an error: the input was read, with a caveat
    │       └── ReplacedCharacters (I151)
    ├── ModelError               (M2xx) the data model was given inconsistent data
    │   └── InvalidSpan          (M201)
    ├── PipelineError            (P3xx) the pipeline was assembled wrongly
    │   ├── UnmetRequirement     (P301)
    │   ├── UnknownAnalyzer      (P302)
    │   ├── BackboneMissing      (P303)
    │   ├── UnknownBackend       (P304)
    │   ├── TrainingToolMissing  (P305)
    │   └── BadOption            (P306) an analyzer option is unknown or has a bad value
    ├── AnalysisError            (A4xx) an analyzer misbehaved on one article
    │   ├── BadAnalyzerOutput    (A401)
    │   ├── GazetteerError       (A430) a gazetteer table or --gazetteer file is bad
    │   └── LexiconError         (A440) the event lexicon file is malformed
    ├── OutputError              (O600) the output cannot be written
    │   └── OutputIsInput        (O601) ``-o`` would overwrite or be read as an input
    ├── StoreError               (S5xx) the corpus store failed (see docs/store.md)
    └── ServeError               (W600) ``flashpoint serve`` cannot start (see docs/web.md)

An :class:`AnalysisError` never escapes :func:`flashpoint.pipeline.Pipeline.run`:
it is recorded on the article as a :class:`flashpoint.model.Failure`.
"""

from __future__ import annotations

import re

_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                          "\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` safe for one terminal line: control characters (terminal escape
    codes, newlines), bidi overrides and lone surrogates become ``\\x1b``-style escapes."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


class FlashpointError(Exception):
    """Base of every flashpoint error. ``code`` is stable; the message may change."""

    code = "F000"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return printable(f"[{self.code}] {self.message}")


class IngestError(FlashpointError):
    """An input could not be read. ``source`` names the file, URL or record."""

    code = "I100"

    def __init__(self, source: str, message: str) -> None:
        super().__init__(message)
        self.source = source

    def __str__(self) -> str:
        return printable(f"{self.source}: [{self.code}] {self.message}")


class InputNotFound(IngestError):
    code = "I101"


class BinaryInput(IngestError):
    code = "I102"


class UndecodableInput(IngestError):
    code = "I103"


class EmptyInput(IngestError):
    code = "I104"


class NoArticleFound(IngestError):
    code = "I105"


class MalformedRecord(IngestError):
    code = "I106"


class TruncatedArchive(IngestError):
    code = "I107"


class InputTooLarge(IngestError):
    """An input is over a documented limit (``IngestLimits``); it is skipped."""

    code = "I108"


class NotARegularFile(IngestError):
    """A FIFO, socket or device found inside an input directory; it is skipped, never read."""

    code = "I109"


class SymlinkLoop(IngestError):
    code = "I110"


class InputWarning(IngestError):
    """Not an error: the input was read and its article goes on, with a caveat to report."""

    code = "I150"

    def __str__(self) -> str:
        return printable(f"{self.source}: warning [{self.code}] {self.message}")


class ReplacedCharacters(InputWarning):
    """Invalid UTF-8 bytes or lone surrogates were replaced with U+FFFD."""

    code = "I151"


class OutputError(FlashpointError):
    """The output cannot be written (a full disk, a closed pipe, no permission)."""

    code = "O600"


class OutputIsInput(OutputError):
    """``-o`` names an input file or lies inside an input directory."""

    code = "O601"


class ModelError(FlashpointError):
    code = "M200"


class InvalidSpan(ModelError):
    code = "M201"


class PipelineError(FlashpointError):
    code = "P300"


class UnmetRequirement(PipelineError):
    code = "P301"


class UnknownAnalyzer(PipelineError):
    code = "P302"


class BackboneMissing(PipelineError):
    code = "P303"


class TrainingToolMissing(PipelineError):
    """A training-only dependency (torch) is not installed; run time never needs it."""

    code = "P305"


class UnknownBackend(PipelineError):
    """``$FLASHPOINT_ENCODER`` names no encoder backend."""

    code = "P304"


class BadOption(PipelineError):
    """An analyzer option is unknown or has a bad value (checked when the pipeline is built)."""

    code = "P306"


class AnalysisError(FlashpointError):
    code = "A400"


class BadAnalyzerOutput(AnalysisError):
    code = "A401"


class GazetteerError(AnalysisError):
    """A gazetteer table or user file that cannot be read (bad path, kind, role or date)."""

    code = "A430"


class LexiconError(AnalysisError):
    """The event lexicon file is malformed (unknown category, duplicate trigger...)."""

    code = "A440"


class WeightsError(AnalysisError):
    """A model's weights file is missing or was trained for other inputs (genre, frames)."""

    code = "A450"


class DatasetMissing(FlashpointError):
    """An evaluation data set is not where it was looked for."""

    code = "E501"


class StoreError(FlashpointError):
    """The corpus store (``flashpoint.store``) cannot do what was asked. ``path`` names the db."""

    code = "S500"


class NotAStore(StoreError):
    code = "S501"


class StoreCorrupt(StoreError):
    code = "S502"


class StoreTooNew(StoreError):
    code = "S503"


class StoreReadOnly(StoreError):
    code = "S504"


class StoreBusy(StoreError):
    code = "S505"


class StoreFull(StoreError):
    code = "S506"


class ArticleNotStored(StoreError):
    code = "S507"


class BadStoreQuery(StoreError):
    code = "S508"


class ServeError(FlashpointError):
    """``flashpoint serve`` cannot start (no database at ``--db``, port in use)."""

    code = "W600"


class TensionIndexError(FlashpointError):
    """The tension index (``flashpoint.index``, X7xx) cannot answer (see docs/index.md)."""

    code = "X700"


class IndexQueryError(TensionIndexError):
    """A dyad, period, date, channel or ``--by`` value is invalid."""

    code = "X701"


class IndexNotBuilt(TensionIndexError):
    """The store has no index tables yet (an old database): run ``flashpoint reindex``."""

    code = "X702"


def value_invalid_msg(name: str, value: object, valid: object) -> str:
    """A consistent message for a value outside its allowed set."""
    return f"{name} {value!r} is not valid; expected one of {valid}"
