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
    │   └── TruncatedArchive     (I107)
    ├── ModelError               (M2xx) the data model was given inconsistent data
    │   └── InvalidSpan          (M201)
    ├── PipelineError            (P3xx) the pipeline was assembled wrongly
    │   ├── UnmetRequirement     (P301)
    │   ├── UnknownAnalyzer      (P302)
    │   └── BackboneMissing      (P303)
    └── AnalysisError            (A4xx) an analyzer misbehaved on one article
        └── BadAnalyzerOutput    (A401)

An :class:`AnalysisError` never escapes :func:`flashpoint.pipeline.Pipeline.run`:
it is recorded on the article as a :class:`flashpoint.model.Failure`.
"""

from __future__ import annotations


class FlashpointError(Exception):
    """Base of every flashpoint error. ``code`` is stable; the message may change."""

    code = "F000"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


class IngestError(FlashpointError):
    """An input could not be read. ``source`` names the file, URL or record."""

    code = "I100"

    def __init__(self, source: str, message: str) -> None:
        super().__init__(message)
        self.source = source

    def __str__(self) -> str:
        return f"{self.source}: [{self.code}] {self.message}"


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


class AnalysisError(FlashpointError):
    code = "A400"


class BadAnalyzerOutput(AnalysisError):
    code = "A401"


def value_invalid_msg(name: str, value: object, valid: object) -> str:
    """A consistent message for a value outside its allowed set."""
    return f"{name} {value!r} is not valid; expected one of {valid}"
