"""RSS and Atom feeds (feedparser): each entry with content becomes an article."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..errors import IngestError, MalformedRecord, NoArticleFound
from ..model import Article, Metadata
from .dates import from_struct
from .html import fragment_to_text

MIN_ENTRY_CHARS = 40


def _entry_html(entry: Any) -> str:
    contents = entry.get("content") or []
    best = max((c.get("value", "") for c in contents), key=len, default="")
    summary = entry.get("summary", "") or ""
    return best if len(best) >= len(summary) else summary


def read_feed(data: bytes, source: str) -> Iterator[Article | IngestError]:
    import feedparser  # imported on first use: most runs read no feed

    parsed = feedparser.parse(data)
    if not parsed.entries:
        why = f" ({parsed.bozo_exception})" if parsed.bozo else ""
        yield MalformedRecord(source, f"feed has no entries{why}")
        return
    outlet = parsed.feed.get("title")
    for i, entry in enumerate(parsed.entries):
        where = f"{source}#{entry.get('id') or entry.get('link') or i}"
        body = fragment_to_text(_entry_html(entry))
        if len(body) < MIN_ENTRY_CHARS:
            yield NoArticleFound(where, "feed entry has no content (only a link or a teaser); "
                                        "flashpoint does not fetch pages")
            continue
        title = (entry.get("title") or "").strip() or None
        text = body if not title or body.startswith(title) else f"{title}\n\n{body}"
        authors = tuple(a["name"] for a in entry.get("authors", []) if a.get("name"))
        meta = Metadata(
            title=title,
            authors=authors,
            outlet=outlet,
            published=from_struct(entry.get("published_parsed") or entry.get("updated_parsed")),
            url=entry.get("link"),
            extra={"tags": [t["term"] for t in entry.get("tags", []) if t.get("term")]}
            if entry.get("tags") else {},
        )
        yield Article(text=text, source=where, metadata=meta)
