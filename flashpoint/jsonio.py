"""Article JSON and JSONL, read and written in one place (schema ``flashpoint.article/1``).

Everything that writes or reads analysed articles goes through here: ``analyze``
(JSON, JSONL), ``show``, the corpus store's ``load``/``export``, the batch engine.
The module sits just above :mod:`flashpoint.model` and imports nothing else of
flashpoint but :mod:`flashpoint.errors`.

Writing is strict JSON: UTF-8, ``ensure_ascii=False``, one record per line in
JSONL, written with one ``write`` call so a record is never cut by an interrupt.
``NaN``, ``Infinity`` and ``-Infinity`` are not JSON: a non-finite float anywhere
in a record is written as ``null`` (inputs read by :mod:`flashpoint.ingest` already
turn those tokens into ``null``, see :func:`loads`).

Reading splits JSONL on ``"\\n"`` only: U+2028, U+0085, vertical tab and form feed
are valid inside a record (``str.splitlines`` would cut there). A bad record is
*returned* as a :class:`~flashpoint.errors.MalformedRecord` naming ``path:line``,
never raised, so one bad line does not hide the others.

API::

    dumps_article(article, indent=None) -> str
    write_jsonl(stream, articles) -> int          # one line per article
    write_json(stream, articles) -> int           # an object for one article, else an array
    loads_article(text, where) -> Article          # raises MalformedRecord
    iter_jsonl(path) -> Iterator[Article | MalformedRecord]
    read_json_file(path) -> Iterator[Article | MalformedRecord]   # an object or an array
    read_results(path) -> Iterator[Article | MalformedRecord]     # either of the two above
    loads(text, max_depth=...) -> JSON            # any JSON value, depth-checked, NaN -> null
    split_lines(text) -> Iterator[tuple[int, str]]  # (line number, line) on "\\n" only
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator
from itertools import chain
from pathlib import Path
from typing import IO, Any

from .errors import MalformedRecord, ModelError
from .model import JSON, SCHEMA_ID, Article, article_from_json, article_to_json

DEFAULT_MAX_DEPTH = 100
"""Deepest nesting :func:`loads` accepts unless told otherwise."""

_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


class TooDeep(ValueError):
    """A JSON text nests deeper than allowed."""


# --- writing ---------------------------------------------------------------------------


def dumps(value: JSON, *, indent: int | None = None) -> str:
    """Strict JSON text of ``value``: non-finite floats become ``null``."""
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False, indent=indent)
    except ValueError:  # NaN or Infinity somewhere: rare, so only then walk the value
        return json.dumps(_finite(value), ensure_ascii=False, allow_nan=False, indent=indent)


def _finite(value: JSON) -> JSON:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def dumps_article(article: Article, *, indent: int | None = None) -> str:
    """The strict JSON text of one article (no trailing newline)."""
    return dumps(article_to_json(article), indent=indent)


def write_jsonl(stream: IO[str], articles: Iterable[Article], *, flush: bool = False) -> int:
    """Write one line per article; returns how many. ``flush`` after each line (files)."""
    n = 0
    for article in articles:
        stream.write(dumps_article(article) + "\n")
        if flush:
            stream.flush()
        n += 1
    return n


def write_json(stream: IO[str], articles: Iterable[Article], *, flush: bool = False) -> int:
    """Write one JSON object for a single article, an array for several (streamed).

    If the articles stop with an exception (an interrupt), what was written is
    closed first, so the output stays valid JSON.
    """
    it = iter(articles)
    first = next(it, None)
    if first is None:
        stream.write("[]\n")
        return 0
    try:
        second = next(it, None)
    except BaseException:
        stream.write(dumps_article(first, indent=2) + "\n")
        raise
    if second is None:
        stream.write(dumps_article(first, indent=2) + "\n")
        return 1
    stream.write("[\n" + dumps_article(first, indent=2))
    n = 1
    try:
        for a in chain((second,), it):
            stream.write(",\n" + dumps_article(a, indent=2))
            if flush:
                stream.flush()
            n += 1
    finally:
        stream.write("\n]\n")
    return n


# --- reading ---------------------------------------------------------------------------


def _nan_to_none(token: str) -> None:
    return None


def check_depth(text: str, max_depth: int) -> None:
    """Raise :class:`TooDeep` if ``text`` nests arrays/objects deeper than ``max_depth``."""
    if text.count("[") + text.count("{") <= max_depth:
        return
    depth = 0
    for m in _TOKEN.finditer(text):
        c = text[m.start()]
        if c in "[{":
            depth += 1
            if depth > max_depth:
                raise TooDeep(f"nested deeper than {max_depth} levels")
        elif c in "]}":
            depth -= 1


def loads(text: str, *, max_depth: int = DEFAULT_MAX_DEPTH) -> JSON:
    """Parse any JSON value. ``NaN``/``Infinity`` tokens become ``None``.

    Raises :class:`json.JSONDecodeError` for invalid JSON and :class:`TooDeep`
    (a ``ValueError``) for nesting deeper than ``max_depth``.
    """
    check_depth(text, max_depth)
    try:
        return json.loads(text, parse_constant=_nan_to_none)
    except RecursionError:
        raise TooDeep("nested deeper than Python's JSON parser can follow") from None


def split_lines(text: str) -> Iterator[tuple[int, str]]:
    """``(line number, line)`` of a JSONL text, split on ``"\\n"`` only; a final ``"\\r"`` goes.

    U+2028, U+2029, U+0085, vertical tab and form feed stay inside their line.
    """
    start, lineno = 0, 0
    while start < len(text):
        end = text.find("\n", start)
        if end < 0:
            end = len(text)
        lineno += 1
        line = text[start:end]
        yield lineno, line[:-1] if line.endswith("\r") else line
        start = end + 1


def loads_article(text: str, where: str) -> Article:
    """One article from its JSON text; raises :class:`MalformedRecord` naming ``where``."""
    try:
        data = loads(text)
    except ValueError as exc:  # JSONDecodeError and TooDeep
        raise MalformedRecord(where, f"invalid JSON: {exc}") from None
    return article_from_data(data, where)


def article_from_data(data: JSON, where: str) -> Article:
    """One article from a parsed JSON value; raises :class:`MalformedRecord` naming ``where``."""
    if not isinstance(data, dict):
        raise MalformedRecord(where, f"expected a JSON object, got {type(data).__name__}")
    schema = data.get("schema")
    if schema != SCHEMA_ID:
        raise MalformedRecord(where, f"not a flashpoint article: schema {schema!r}, "
                                     f"expected {SCHEMA_ID!r}")
    try:
        return article_from_json(data)
    except ModelError as exc:
        raise MalformedRecord(where, f"not a flashpoint article: {exc.message}") from None


def iter_jsonl(path: str | Path) -> Iterator[Article | MalformedRecord]:
    """Articles of a JSONL file, one per line, streamed; a bad line is yielded as an error."""
    with open(path, "rb") as fh:
        for lineno, raw in enumerate(fh, 1):  # binary lines end at b"\n" only
            where = f"{path}:{lineno}"
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield MalformedRecord(where, f"not UTF-8 at byte {exc.start}")
                continue
            if not line.strip():
                continue
            try:
                yield loads_article(line, where)
            except MalformedRecord as exc:
                yield exc


def read_json_file(path: str | Path) -> Iterator[Article | MalformedRecord]:
    """Articles of a JSON file holding one article object or an array of them."""
    try:
        data = loads(Path(path).read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        yield MalformedRecord(str(path), f"not a flashpoint output file: invalid JSON ({exc})")
        return
    items: list[Any] = data if isinstance(data, list) else [data]
    for i, item in enumerate(items):
        where = str(path) if not isinstance(data, list) else f"{path}[{i}]"
        try:
            yield article_from_data(item, where)
        except MalformedRecord as exc:
            yield exc


def read_results(path: str | Path) -> Iterator[Article | MalformedRecord]:
    """Articles of a saved ``analyze`` output, JSON or JSONL (told apart by its first line)."""
    first = b""
    with open(path, "rb") as fh:
        for raw in fh:
            first = raw.strip()
            if first:
                break
    if first.startswith(b"{") and first.endswith(b"}"):
        return iter_jsonl(path)
    return read_json_file(path)
