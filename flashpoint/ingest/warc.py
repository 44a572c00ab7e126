"""WARC archives (warcio): HTML responses become articles.

A truncated archive yields the articles of its complete records, then one
:class:`~flashpoint.errors.TruncatedArchive` problem. warcio reads a cut
record silently (uncompressed: a short payload; gzip: nothing), so the
truncation is detected here: by the record's unread ``Content-Length`` and by
checking that the gzip stream ends properly.
"""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Iterator

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from ..errors import IngestError, NoArticleFound, TruncatedArchive
from ..model import Article
from .decode import decode
from .html import extract

_GZIP_MAGIC = b"\x1f\x8b"


def _gzip_complete(data: bytes) -> bool:
    try:
        gzip.decompress(data)
    except (EOFError, OSError, zlib.error):
        return False
    return True


def read_warc(data: bytes, source: str) -> Iterator[Article | IngestError]:
    count = 0
    truncated = data.startswith(_GZIP_MAGIC) and not _gzip_complete(data)
    try:
        for record in ArchiveIterator(io.BytesIO(data)):
            count += 1
            payload = record.content_stream().read()
            if getattr(record.raw_stream, "limit", 0) > 0:
                truncated = True
                break
            if record.rec_type != "response" or record.http_headers is None:
                continue
            ctype = record.http_headers.get_header("Content-Type") or ""
            if "html" not in ctype.lower() or record.http_headers.get_statuscode() != "200":
                continue
            uri = record.rec_headers.get_header("WARC-Target-URI")
            where = f"{source}#{uri or count}"
            try:
                yield extract(decode(payload, where), where, url=uri)
            except IngestError as exc:
                yield exc
    except (ArchiveLoadFailed, EOFError, zlib.error, ValueError, OSError) as exc:
        yield TruncatedArchive(source, f"WARC is corrupt after {count} record(s): "
                                       f"{type(exc).__name__}: {exc}")
        return
    if truncated:
        yield TruncatedArchive(source, f"WARC is truncated: the archive ends inside a record "
                                       f"(after {count} record(s)); complete records were read")
    elif count == 0:
        yield NoArticleFound(source, "WARC file holds no records")
