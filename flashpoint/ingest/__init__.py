"""Turn inputs (files, directories, stdin) into :class:`~flashpoint.model.Article` objects.

:func:`read_paths` streams articles and problems in input order. A problem is
an :class:`~flashpoint.errors.IngestError` *yielded*, not raised, so one bad
file never stops the others; callers print it and go on.

Formats are recognised by extension, then by content: plain text, HTML, JSON,
JSONL, RSS/Atom, WARC (``.warc``/``.warc.gz``). With ``verbatim=True`` every
input is one article whose text is the decoded file exactly as it is.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Literal

from .. import language
from ..errors import IngestError, InputNotFound
from ..model import Article, Metadata
from . import feeds, html, plaintext, records, warc
from .decode import decode

Format = Literal["text", "html", "json", "jsonl", "feed", "warc"]
STDIN = "-"

_BY_SUFFIX: dict[str, Format] = {
    ".txt": "text", ".text": "text", ".md": "text",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".rss": "feed", ".atom": "feed", ".rdf": "feed", ".xml": "feed",
    ".warc": "warc", ".arc": "warc",
}


def detect_format(name: str, data: bytes) -> Format:
    """The input's format, from its name and its first bytes."""
    lower = name.lower()
    if lower.endswith((".warc.gz", ".arc.gz")):
        return "warc"
    fmt = _BY_SUFFIX.get(Path(lower).suffix)
    if fmt:
        return fmt
    if data.startswith(b"\x1f\x8b"):
        return "warc"  # gzip: the only compressed input we read is .warc.gz
    head_l = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head_l.startswith((b"warc/", b"filedesc:")):
        return "warc"
    xml_feed = b"<rss" in head_l or b"<feed" in head_l or b"<rdf" in head_l
    if head_l.startswith(b"<?xml") and xml_feed:
        return "feed"
    if head_l.startswith((b"<rss", b"<feed")):
        return "feed"
    if head_l.startswith((b"<!doctype html", b"<html")) or b"<body" in head_l:
        return "html"
    if head_l.startswith((b"{", b"[")):
        return "jsonl" if b"}\n{" in data[:65536].replace(b"\r\n", b"\n") else "json"
    return "text"


def read_bytes(
    data: bytes, source: str, *, verbatim: bool = False, encoding: str | None = None,
    fmt: Format | None = None,
) -> Iterator[Article | IngestError]:
    """Articles (and problems) from one input's bytes."""
    try:
        if verbatim:
            yield _finish(_verbatim(data, source, encoding))
            return
        fmt = fmt or detect_format(source, data)
        if fmt == "warc":
            items: Iterable[Article | IngestError] = warc.read_warc(data, source)
        elif fmt == "feed":
            items = feeds.read_feed(data, source)
        else:
            items = _read_text_format(decode(data, source, encoding), source, fmt)
        for item in items:
            yield item if isinstance(item, IngestError) else _finish(item)
    except IngestError as exc:
        yield exc


def _read_text_format(text: str, source: str, fmt: Format) -> Iterable[Article | IngestError]:
    if fmt == "html":
        return [html.extract(text, source)]
    if fmt == "json":
        return records.read_json(text, source)
    if fmt == "jsonl":
        return records.read_jsonl(text, source)
    return [_plain(text, source)]


def _plain(text: str, source: str) -> Article:
    parsed = plaintext.parse(text)
    meta = Metadata(
        title=parsed.title, authors=tuple(parsed.authors), editors=tuple(parsed.editors),
        outlet=parsed.outlet, published=parsed.published,
    )
    return Article(text=parsed.text, source=source, metadata=meta)


def _verbatim(data: bytes, source: str, encoding: str | None) -> Article:
    text = decode(data, source, encoding, keep_bom=True)
    parsed = plaintext.parse(text)
    meta = Metadata(
        title=parsed.title, authors=tuple(parsed.authors), editors=tuple(parsed.editors),
        outlet=parsed.outlet, published=parsed.published,
    )
    return Article(text=text, source=source, metadata=meta)


def _finish(article: Article) -> Article:
    if article.metadata.language is not None:
        return article
    meta = dataclasses.replace(article.metadata, language=language.detect(article.text))
    return dataclasses.replace(article, metadata=meta)


def iter_files(path: Path) -> Iterator[Path]:
    """Files under a directory, recursively, sorted, skipping hidden names."""
    for root, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(root) / name


def read_paths(
    paths: Iterable[str], *, verbatim: bool = False, encoding: str | None = None,
) -> Iterator[Article | IngestError]:
    """Articles and problems from files, directories (recursively) and ``-`` (stdin)."""
    for p in paths:
        if p == STDIN:
            yield from read_bytes(sys.stdin.buffer.read(), "<stdin>", verbatim=verbatim,
                                  encoding=encoding)
            continue
        path = Path(p)
        if path.is_dir():
            files: Iterable[Path] = iter_files(path)
        elif path.exists():
            files = [path]
        else:
            yield InputNotFound(p, "no such file or directory")
            continue
        for f in files:
            try:
                data = f.read_bytes()
            except OSError as exc:
                yield IngestError(str(f), f"cannot read: {exc.strerror or exc}")
                continue
            yield from read_bytes(data, str(f), verbatim=verbatim, encoding=encoding)
