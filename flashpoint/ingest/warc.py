"""WARC archives (warcio): HTML responses become articles."""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from ..errors import IngestError, NoArticleFound, TruncatedArchive
from ..model import Article
from .decode import decode
from .html import extract


def read_warc(data: bytes, source: str) -> Iterator[Article | IngestError]:
    count = 0
    try:
        for record in ArchiveIterator(io.BytesIO(data)):
            count += 1
            if record.rec_type != "response" or record.http_headers is None:
                continue
            ctype = record.http_headers.get_header("Content-Type") or ""
            status = record.http_headers.get_statuscode()
            if "html" not in ctype.lower() or status != "200":
                continue
            uri = record.rec_headers.get_header("WARC-Target-URI")
            where = f"{source}#{uri or count}"
            payload = record.content_stream().read()
            try:
                html = decode(payload, where)
                yield extract(html, where, url=uri)
            except IngestError as exc:
                yield exc
    except (ArchiveLoadFailed, EOFError, zlib.error, ValueError, OSError) as exc:
        yield TruncatedArchive(source, f"WARC is truncated or corrupt after {count} record(s): "
                                       f"{type(exc).__name__}: {exc}")
        return
    if count == 0:
        yield NoArticleFound(source, "WARC file holds no records")
