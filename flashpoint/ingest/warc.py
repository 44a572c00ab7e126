"""WARC archives (warcio): HTML responses become articles.

A truncated archive yields the articles of its complete records, then one
:class:`~flashpoint.errors.TruncatedArchive` problem. warcio reads a cut
record silently (uncompressed: a short payload; gzip: nothing), so the
truncation is detected here: by the record's unread ``Content-Length`` and by
checking that the gzip stream ends properly (streamed, in bounded memory).

warcio is lenient: a gzip file that is no WARC, or garbage after ``WARC/1.0``,
reads as records without a ``WARC-Type``. Such a record stops the archive with
one :class:`~flashpoint.errors.MalformedRecord` line, and an archive that gave
neither an article nor a problem says so with one
:class:`~flashpoint.errors.NoArticleFound` line. A payload over
``limits.max_record_bytes`` (after decompression) is skipped unread.
"""

from __future__ import annotations

import gzip
import io
import zlib
from collections import Counter
from collections.abc import Iterator
from typing import Any

from ..errors import IngestError, InputTooLarge, MalformedRecord, NoArticleFound, TruncatedArchive
from ..model import Article
from .decode import decode
from .html import extract
from .limits import DEFAULT_LIMITS, IngestLimits

_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 20


def _gzip_complete(data: bytes) -> bool:
    """True if every gzip member of ``data`` ends properly (read in chunks, never all at once)."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as fh:
            while fh.read(_CHUNK):
                pass
    except (EOFError, OSError, zlib.error):
        return False
    return True


def read_warc(data: bytes, source: str,
              limits: IngestLimits = DEFAULT_LIMITS) -> Iterator[Article | IngestError]:
    """Articles (and problems) from one WARC archive's bytes, plain or gzipped."""
    from warcio.archiveiterator import ArchiveIterator  # imported on first use
    from warcio.exceptions import ArchiveLoadFailed

    count, yielded = 0, 0
    kinds: Counter[str] = Counter()
    truncated = data.startswith(_GZIP_MAGIC) and not _gzip_complete(data)
    try:
        for record in ArchiveIterator(io.BytesIO(data)):
            count += 1
            if _garbage(record):
                yield MalformedRecord(source, f"record {count} is not a WARC record (no "
                                              "WARC-Type, or an ARC header without a length): "
                                              "not a web archive, or corrupt from here on")
                return
            kinds[str(record.rec_type)] += 1
            try:
                items = _record_items(record, source, count, limits)
            except _CutRecord:
                truncated = True
                break
            yielded += len(items)
            yield from items
    except (ArchiveLoadFailed, EOFError, zlib.error, ValueError, OSError) as exc:
        yield TruncatedArchive(source, f"WARC is corrupt after {count} record(s): "
                                       f"{type(exc).__name__}: {exc}")
        return
    if truncated:
        yield TruncatedArchive(source, f"WARC is truncated: the archive ends inside a record "
                                       f"(after {count} record(s)); complete records were read")
    elif count == 0:
        yield NoArticleFound(source, "WARC file holds no records")
    elif yielded == 0:
        found = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
        yield NoArticleFound(source, f"no HTML response with status 200 among {count} "
                                     f"record(s) ({found})")


def _garbage(record: Any) -> bool:
    """True for what warcio reads as a record from bytes that are not one."""
    if record.format == "arc":
        return not str(record.rec_headers.get_header("length") or "").isdigit()
    return not record.rec_type


class _CutRecord(Exception):
    """The archive ends inside this record."""


def _record_items(record: Any, source: str, count: int,
                  limits: IngestLimits) -> list[Article | IngestError]:
    """The article of one HTML response record, with its warning or problem; else nothing.

    Raises :class:`_CutRecord` when the record's payload is shorter than announced.
    """
    limit = limits.max_record_bytes
    payload = record.content_stream().read(limit + 1)
    if len(payload) <= limit and getattr(record.raw_stream, "limit", 0) > 0:
        raise _CutRecord
    if record.rec_type != "response" or record.http_headers is None:
        return []
    ctype = record.http_headers.get_header("Content-Type") or ""
    if "html" not in ctype.lower() or record.http_headers.get_statuscode() != "200":
        return []
    uri = record.rec_headers.get_header("WARC-Target-URI")
    where = f"{source}#{uri or count}"
    if len(payload) > limit:
        return [InputTooLarge(where, f"HTML payload is over {limit:,} bytes after decompression "
                                     "(limit max_record_bytes; --max-record-bytes raises it); "
                                     "skipped")]
    try:
        decoded = decode(payload, where)
        found: list[Article | IngestError] = [decoded.warning] if decoded.warning else []
        return [*found, extract(decoded.text, where, url=uri)]
    except IngestError as exc:
        return [exc]
