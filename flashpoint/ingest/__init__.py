"""Turn inputs (files, directories, stdin) into :class:`~flashpoint.model.Article` objects.

:func:`read_paths` streams articles and problems in input order. A problem is
an :class:`~flashpoint.errors.IngestError` *yielded*, not raised, so one bad
file never stops the others; callers print it and go on.

Formats are recognised by extension, then by content: plain text, HTML, JSON,
JSONL, RSS/Atom, WARC (``.warc``/``.warc.gz``). With ``verbatim=True`` every
input is one article whose text is the decoded file exactly as it is.

An :class:`~flashpoint.errors.InputWarning` is yielded too (before its article):
the input was read, with a caveat (bytes replaced with U+FFFD). Inputs over an
:class:`IngestLimits` limit are skipped with one line. Inside a directory,
hidden names are skipped and anything that is not a regular file (a FIFO, a
socket, a device) is reported and never opened; a FIFO named directly is read.
Input names are shown as valid text: bytes of a file name that are not UTF-8
appear as ``\\xe9``.
"""

from __future__ import annotations

import dataclasses
import errno
import os
import re
import stat
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Literal

from ..errors import (
    EmptyInput,
    IngestError,
    InputNotFound,
    InputTooLarge,
    NotARegularFile,
    ReplacedCharacters,
    SymlinkLoop,
)
from ..model import JSON, Article, Metadata
from . import feeds, html, language, plaintext, records, warc
from .decode import decode, is_blank
from .limits import DEFAULT_LIMITS, IngestLimits, estimate_sentences, utf8_size

__all__ = [
    "DEFAULT_LIMITS", "Format", "IngestLimits", "detect_format", "display_name", "iter_files",
    "read_bytes", "read_paths",
]

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
    fmt: Format | None = None, limits: IngestLimits = DEFAULT_LIMITS,
) -> Iterator[Article | IngestError]:
    """Articles (and problems, and warnings) from one input's bytes."""
    try:
        if verbatim:
            items: Iterable[Article | IngestError] = _verbatim(data, source, encoding, limits)
        else:
            fmt = fmt or detect_format(source, data)
            if fmt == "warc":
                items = warc.read_warc(data, source, limits)
            elif fmt == "feed":
                items = feeds.read_feed(data, source)
            else:
                items = _read_text_format(data, source, fmt, encoding, limits)
        for item in items:
            if isinstance(item, IngestError):
                yield item
            else:
                yield from _finish(item, limits)
    except IngestError as exc:
        yield exc


def _read_text_format(data: bytes, source: str, fmt: Format, encoding: str | None,
                      limits: IngestLimits) -> Iterator[Article | IngestError]:
    if fmt == "html":
        _check_size(len(data), limits.max_record_bytes, source, "HTML page", "max_record_bytes")
    elif fmt == "text":
        _check_file_size(len(data), source, limits)
    decoded = decode(data, source, encoding)
    if decoded.warning:
        yield decoded.warning
    if fmt == "html":
        yield html.extract(decoded.text, source)
    elif fmt == "json":
        yield from records.read_json(decoded.text, source, limits.max_json_depth)
    elif fmt == "jsonl":
        yield from records.read_jsonl(decoded.text, source, limits.max_json_depth)
    else:
        yield _plain(decoded.text, source)


def _check_file_size(size: int, source: str, limits: IngestLimits) -> None:
    """A text file whose text cannot fit ``max_article_bytes`` is refused before decoding.

    Four bytes per character is the most any encoding (UTF-32) takes.
    """
    if size > 4 * limits.max_article_bytes:
        raise InputTooLarge(source, f"file is {size:,} bytes, too large for an article of at "
                                    f"most {limits.max_article_bytes:,} bytes "
                                    "(max_article_bytes; --max-article-bytes raises it); skipped")


def _check_size(size: int, limit: int, source: str, what: str, name: str) -> None:
    if size > limit:
        option = "--" + name.replace("_", "-")
        raise InputTooLarge(source, f"{what} is {size:,} bytes, over the limit of {limit:,} "
                                    f"({name}; {option} raises it); skipped")


def _plain(text: str, source: str) -> Article:
    parsed = plaintext.parse(text)
    meta = Metadata(
        title=parsed.title, authors=tuple(parsed.authors), editors=tuple(parsed.editors),
        outlet=parsed.outlet, published=parsed.published,
    )
    return Article(text=parsed.text, source=source, metadata=meta)


def _verbatim(data: bytes, source: str, encoding: str | None,
              limits: IngestLimits) -> Iterator[Article | IngestError]:
    _check_file_size(len(data), source, limits)
    decoded = decode(data, source, encoding, keep_bom=True)
    if decoded.warning:
        yield decoded.warning
    parsed = plaintext.parse(decoded.text)
    meta = Metadata(
        title=parsed.title, authors=tuple(parsed.authors), editors=tuple(parsed.editors),
        outlet=parsed.outlet, published=parsed.published,
    )
    yield Article(text=decoded.text, source=source, metadata=meta)


def _finish(article: Article, limits: IngestLimits) -> Iterator[Article | IngestError]:
    """Check one article against the limits, scrub lone surrogates, detect its language."""
    article, replaced = _scrub(article)
    if replaced:
        yield ReplacedCharacters(article.source, f"{replaced} lone surrogate(s) (half of a "
                                                 "UTF-16 pair, not text) replaced with U+FFFD")
    if is_blank(article.text):
        yield EmptyInput(article.source, "the article's text is only white space")
        return
    try:
        _check_size(utf8_size(article.text), limits.max_article_bytes, article.source,
                    "article text", "max_article_bytes")
        sentences = estimate_sentences(article.text)
        if sentences > limits.max_sentences:
            raise InputTooLarge(article.source, f"article has about {sentences:,} sentences, "
                                                f"over the limit of {limits.max_sentences:,} "
                                                "(max_sentences; --max-sentences raises it); "
                                                "skipped")
    except InputTooLarge as exc:
        yield exc
        return
    if article.metadata.language is not None:
        yield article
        return
    meta = dataclasses.replace(article.metadata, language=language.detect(article.text))
    yield dataclasses.replace(article, metadata=meta)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _scrub(article: Article) -> tuple[Article, int]:
    """``article`` with lone surrogates (``\\ud800`` escapes in JSON) replaced, and how many."""
    count = 0

    def fix(value: JSON) -> JSON:
        nonlocal count
        if isinstance(value, str):
            if value.isascii():
                return value
            new, n = _SURROGATE.subn("\ufffd", value)
            count += n
            return new
        if isinstance(value, (list, tuple)):
            return type(value)(fix(v) for v in value)
        if isinstance(value, dict):
            return {fix(k): fix(v) for k, v in value.items()}
        return value

    meta = article.metadata
    new_meta = dataclasses.replace(
        meta, **{f.name: fix(getattr(meta, f.name)) for f in dataclasses.fields(meta)})
    text, source = fix(article.text), fix(article.source)
    if not count:
        return article, 0
    return dataclasses.replace(article, text=text, source=source, metadata=new_meta), count


def display_name(path: str | Path) -> str:
    """``path`` as valid text: bytes of the name that are not UTF-8 become ``\\xNN``."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def iter_files(path: Path) -> Iterator[Path]:
    """Files under a directory, recursively, sorted, skipping hidden names."""
    for root, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(root) / name


def read_paths(
    paths: Iterable[str], *, verbatim: bool = False, encoding: str | None = None,
    limits: IngestLimits = DEFAULT_LIMITS,
) -> Iterator[Article | IngestError]:
    """Articles and problems from files, directories (recursively) and ``-`` (stdin)."""
    for p in paths:
        if p == STDIN:
            data = _stdin_bytes()
            if isinstance(data, IngestError):
                yield data
            else:
                yield from read_bytes(data, "<stdin>", verbatim=verbatim, encoding=encoding,
                                      limits=limits)
            continue
        path = Path(p)
        try:
            is_dir = stat.S_ISDIR(path.stat().st_mode)
        except OSError as exc:
            yield _stat_problem(path, exc)
            continue
        files = _walk(path) if is_dir else iter([path])
        for f in files:
            if isinstance(f, IngestError):
                yield f
                continue
            data = _file_bytes(f, named=not is_dir)
            if isinstance(data, IngestError):
                yield data
            else:
                yield from read_bytes(data, display_name(f), verbatim=verbatim,
                                      encoding=encoding, limits=limits)


def _stdin_bytes() -> bytes | IngestError:
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is None:
        return IngestError("<stdin>", "standard input is closed (nothing to read)")
    try:
        data: bytes = buffer.read()
    except (OSError, ValueError) as exc:
        return IngestError("<stdin>", f"cannot read standard input: {exc}")
    return data


def _stat_problem(path: Path, exc: OSError) -> IngestError:
    name = display_name(path)
    if exc.errno == errno.ELOOP:
        return SymlinkLoop(name, "symlink loop: its links point back at each other")
    if exc.errno == errno.ENOENT:
        if path.is_symlink():
            return InputNotFound(name, f"broken symlink to {display_name(os.readlink(path))}")
        return InputNotFound(name, "no such file or directory")
    return IngestError(name, f"cannot read: {exc.strerror or exc}")


def _walk(path: Path) -> Iterator[Path | IngestError]:
    """Files under a directory (as :func:`iter_files`), with a problem for each unreadable
    subdirectory, and one for a directory with no input file at all."""
    problems: list[OSError] = []
    found = 0
    for root, dirs, files in os.walk(path, onerror=problems.append):
        yield from _dir_problems(problems)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                found += 1
                yield Path(root) / name
    yield from _dir_problems(problems)
    if not found:
        yield EmptyInput(display_name(path), "directory holds no input files (hidden names "
                                             "are skipped)")


def _dir_problems(problems: list[OSError]) -> Iterator[IngestError]:
    while problems:
        exc = problems.pop(0)
        yield IngestError(display_name(exc.filename or "?"),
                          f"cannot read directory: {exc.strerror or exc}")


_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"),
          (stat.S_ISBLK, "a device"))


def _file_bytes(path: Path, *, named: bool) -> bytes | IngestError:
    """The file's bytes; a non-regular file found in a directory is reported, never opened."""
    try:
        mode = path.stat().st_mode
        if not named and not stat.S_ISREG(mode):
            kind = next((k for test, k in _KINDS if test(mode)), "not a regular file")
            return NotARegularFile(display_name(path), f"{kind}, not a regular file; skipped "
                                                       "(name it directly to read it)")
        return path.read_bytes()
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOENT):
            return _stat_problem(path, exc)
        return IngestError(display_name(path), f"cannot read: {exc.strerror or exc}")
