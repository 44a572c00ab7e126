"""JSON and JSONL records: ``{"id","title","text","url","published","outlet"}``.

Extra fields are kept in ``metadata.extra``. The record's ``text`` is analysed
as it is (offsets index into it); the title stays in metadata.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ..errors import IngestError, MalformedRecord
from ..model import Article, Metadata
from .dates import parse_date

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


def read_json(text: str, source: str) -> Iterator[Article | IngestError]:
    """A JSON file: one record or a list of records."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield MalformedRecord(source, f"invalid JSON at line {exc.lineno} column {exc.colno}: "
                                      f"{exc.msg}")
        return
    items = data if isinstance(data, list) else [data]
    for i, rec in enumerate(items):
        where = source if len(items) == 1 else f"{source}[{i}]"
        try:
            yield from_record(rec, where)
        except IngestError as exc:
            yield exc


def read_jsonl(text: str, source: str) -> Iterator[Article | IngestError]:
    """A JSONL file: one record per line; a bad line is reported and skipped."""
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{source}:{lineno}"
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            yield MalformedRecord(where, f"invalid JSON at column {exc.colno}: {exc.msg}")
            continue
        try:
            yield from_record(rec, where)
        except IngestError as exc:
            yield exc
