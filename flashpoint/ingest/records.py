"""JSON and JSONL records: ``{"id","title","text","url","published","outlet"}``.

Extra fields are kept in ``metadata.extra``. The record's ``text`` is analysed
as it is (offsets index into it); the title stays in metadata.

Parsing goes through :mod:`flashpoint.jsonio`: JSONL splits on ``"\n"`` only,
``NaN``/``Infinity`` tokens (not JSON, but common in exported data) are read as
``null``, and a record nested deeper than ``max_depth`` is skipped with an
:class:`~flashpoint.errors.InputTooLarge` line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from .. import jsonio
from ..errors import IngestError, InputTooLarge, MalformedRecord
from ..model import JSON, Article, Metadata
from .dates import parse_date
from .limits import DEFAULT_LIMITS

KNOWN = {"id", "title", "text", "url", "published", "outlet", "authors", "author", "editors",
         "language", "date", "source"}


def _names(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,) if value.strip() else ()
    if isinstance(value, list):
        return tuple(str(v) for v in value if str(v).strip())
    return ()


def from_record(rec: Any, source: str) -> Article:
    """One article from one decoded record; raises :class:`MalformedRecord`."""
    if not isinstance(rec, dict):
        raise MalformedRecord(source, f"expected a JSON object, got {type(rec).__name__}")
    text = rec.get("text")
    if not isinstance(text, str) or not text.strip():
        raise MalformedRecord(source, "record has no non-empty string field 'text'")
    published_raw = rec.get("published", rec.get("date"))
    published = parse_date(str(published_raw)) if published_raw else None
    extra = {k: v for k, v in rec.items() if k not in KNOWN}
    if "id" in rec:
        extra["record_id"] = rec["id"]
    if published_raw and not published:
        extra["published_raw"] = published_raw
    meta = Metadata(
        title=rec.get("title") if isinstance(rec.get("title"), str) else None,
        authors=_names(rec.get("authors", rec.get("author"))),
        editors=_names(rec.get("editors")),
        outlet=rec.get("outlet") if isinstance(rec.get("outlet"), str) else None,
        published=published,
        language=rec.get("language") if isinstance(rec.get("language"), str) else None,
        url=rec.get("url") if isinstance(rec.get("url"), str) else None,
        extra=extra,
    )
    name = f"{source}#{rec['id']}" if "id" in rec else source
    return Article(text=text, source=name, metadata=meta)


def _parse(text: str, where: str, max_depth: int, *, lines: bool = False) -> JSON:
    """The JSON value of ``text``; raises :class:`MalformedRecord` or :class:`InputTooLarge`."""
    try:
        return jsonio.loads(text, max_depth=max_depth)
    except jsonio.TooDeep as exc:
        raise InputTooLarge(where, f"JSON {exc} (limit max_json_depth = {max_depth}; "
                                   "--max-json-depth raises it); skipped") from None
    except json.JSONDecodeError as exc:
        at = f"column {exc.colno}" if lines else f"line {exc.lineno} column {exc.colno}"
        raise MalformedRecord(where, f"invalid JSON at {at}: {exc.msg}") from None


def read_json(text: str, source: str,
              max_depth: int = DEFAULT_LIMITS.max_json_depth) -> Iterator[Article | IngestError]:
    """A JSON file: one record or a list of records."""
    try:
        data = _parse(text, source, max_depth)
    except IngestError as exc:
        yield exc
        return
    items = data if isinstance(data, list) else [data]
    for i, rec in enumerate(items):
        where = source if len(items) == 1 else f"{source}[{i}]"
        try:
            yield from_record(rec, where)
        except IngestError as exc:
            yield exc


def read_jsonl(text: str, source: str,
               max_depth: int = DEFAULT_LIMITS.max_json_depth) -> Iterator[Article | IngestError]:
    """A JSONL file: one record per line (split on ``"\n"`` only); a bad line is reported."""
    for lineno, line in jsonio.split_lines(text):
        if not line.strip():
            continue
        where = f"{source}:{lineno}"
        try:
            yield from_record(_parse(line, where, max_depth, lines=True), where)
        except IngestError as exc:
            yield exc
