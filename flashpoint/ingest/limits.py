"""Documented limits on what one input may hold, so that no input can exhaust memory or time.

An input over a limit is skipped with one :class:`~flashpoint.errors.InputTooLarge`
line that names the limit and the option that raises it; the other inputs go on.
``analyze`` takes them as ``--max-article-bytes`` and friends; a library caller
passes an :class:`IngestLimits` to :func:`flashpoint.ingest.read_paths`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

from ..errors import FlashpointError

MAX_PYTHON_JSON_DEPTH = 900
"""Python's own JSON parser recurses once per level; deeper than this it cannot read a record."""


@dataclass(frozen=True, slots=True)
class IngestLimits:
    """How much one input may hold. Every limit is a positive integer."""

    max_article_bytes: int = 400_000
    """UTF-8 bytes of one article's text (about 60,000 words of news; the analysis takes time
    linear in the length and bounded memory, see docs/development.md "Long articles").
    A plain-text file over four times this is not even decoded."""
    max_record_bytes: int = 5_000_000
    """Bytes of one HTML page: an ``.html`` file or one WARC record's payload after
    decompression (a 30 KB ``.warc.gz`` can inflate to gigabytes)."""
    max_json_depth: int = 100
    """Nesting depth of one JSON or JSONL record (at most ``MAX_PYTHON_JSON_DEPTH``)."""
    max_sentences: int = 6_000
    """Sentences of one article, estimated before parsing by :func:`estimate_sentences`
    (a 50,000-word news article has about 2,500 to 3,500)."""

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise FlashpointError(f"ingest limit {f.name} must be a positive integer, "
                                      f"got {value!r}")
        if self.max_json_depth > MAX_PYTHON_JSON_DEPTH:
            raise FlashpointError(f"ingest limit max_json_depth {self.max_json_depth} is over "
                                  f"{MAX_PYTHON_JSON_DEPTH}, the deepest Python can parse")


DEFAULT_LIMITS = IngestLimits()

_SENTENCE_END = re.compile(r"[.!?\u2026\u3002]+[\"'\u201d\u2019\u00bb)\]]*(?=\s)")
_NONEMPTY_LINE = re.compile(r"^[ \t]*\S", re.MULTILINE)


def estimate_sentences(text: str) -> int:
    """A quick upper-side estimate of the sentences spaCy will find in ``text``.

    The larger of: sentence-ending punctuation followed by a space, plus one; and
    the non-empty lines (a line without final punctuation is still a sentence).
    """
    ends = sum(1 for _ in _SENTENCE_END.finditer(text)) + 1
    lines = sum(1 for _ in _NONEMPTY_LINE.finditer(text))
    return max(ends, lines)


def utf8_size(text: str) -> int:
    """Bytes of ``text`` in UTF-8, without encoding it when the answer is plain."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-8", "surrogatepass"))
