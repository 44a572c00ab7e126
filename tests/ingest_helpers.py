"""Builders for ingest test inputs (WARC archives need a writer, not a literal)."""

from __future__ import annotations

import io

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

PAGE = """<html><head><title>{title}</title></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>{title}</h1>
<p>{body}</p>
<p>Officials said further talks were planned for next month in Geneva, according to a
statement released on Friday by the foreign ministry.</p>
</article>
<div class="comments"><p>First comment! This is outrageous.</p></div>
</body></html>"""


def page(title: str, body: str) -> str:
    return PAGE.format(title=title, body=body)


def warc_bytes(pages: list[tuple[str, str]], gzip: bool = False) -> bytes:
    """A WARC with a warcinfo record, then one HTML response per (url, html)."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gzip)
    writer.write_record(writer.create_warcinfo_record("test.warc", {"software": "tests"}))
    for url, html in pages:
        payload = html.encode("utf-8")
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                   protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(payload),
                                                      http_headers=headers))
    return buf.getvalue()
