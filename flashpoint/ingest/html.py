"""HTML pages: main text and metadata with trafilatura (navigation, ads, comments dropped)."""

from __future__ import annotations

import re
from typing import Any

import lxml.html
from lxml import etree

from ..errors import NoArticleFound
from ..model import Article, Metadata
from .dates import parse_date

MIN_TEXT_CHARS = 40
_BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr",
           "section", "article", "pre"}


def _authors(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(a.strip() for a in re.split(r"\s*;\s*", value) if a.strip())


def extract(html: str, source: str, url: str | None = None, outlet: str | None = None) -> Article:
    """One article from an HTML page; raises :class:`NoArticleFound` if it has no main text."""
    import trafilatura  # imported on first use: a plain-text or record run never needs it

    doc: Any
    try:
        doc = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=False,
            favor_precision=True,
        )
    except (ValueError, etree.LxmlError) as exc:
        raise NoArticleFound(source, f"HTML could not be parsed: {exc}") from None
    body = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    if len(body) < MIN_TEXT_CHARS:
        raise NoArticleFound(source, "HTML page has no article text (only navigation or markup?)")
    assert doc is not None
    title = (doc.title or "").strip() or None
    text = body if not title or body.startswith(title) else f"{title}\n\n{body}"
    meta = Metadata(
        title=title,
        authors=_authors(doc.author),
        outlet=outlet or doc.sitename or doc.hostname,
        published=parse_date(doc.date),
        url=url or doc.url,
        extra={k: v for k, v in (("description", doc.description),) if v},
    )
    return Article(text=text, source=source, metadata=meta)


def fragment_to_text(html: str) -> str:
    """Text of an HTML fragment (a feed entry's content), one paragraph per block."""
    if "<" not in html:
        return html.strip()
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return re.sub(r"<[^>]+>", " ", html).strip()
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.lower() in _BLOCKS:
            el.tail = "\n\n" + (el.tail or "")
    for bad in root.xpath("//script|//style"):
        bad.drop_tree()
    text = root.text_content()
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    return re.sub(r"\s*\n\s*(?:\n\s*)+", "\n\n", text).strip()
