"""Finding stored articles (FTS5 query plus filters) and the store's statistics."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from ..errors import BadStoreQuery, StoreError
from .db import Store

DENSE = 50
"""An actor in at least 1 article in this many is searched by scanning newest first."""
SUMMARY_COLUMNS = ("id", "published", "outlet", "title", "url", "language", "genre",
                   "cluster_id", "source")


@dataclass(frozen=True, slots=True)
class Filters:
    """Which articles: all given conditions hold (``None`` means "any").

    ``query`` is FTS5 syntax over title and text (``ceasefire AND "Black Sea"``,
    ``sanction*``, ``title:summit``); ``actor`` matches an actor id or the id an
    actor belongs to (``RUS`` finds articles naming Russia or a Russian official);
    ``since``/``until`` are inclusive ``YYYY-MM-DD`` days and leave undated articles out.
    """

    query: str | None = None
    outlet: str | None = None
    actor: str | None = None
    since: str | None = None
    until: str | None = None
    limit: int | None = None

    def where(self, actor_scan: bool = False) -> tuple[str, list[Any]]:
        """A WHERE clause over ``articles a``.

        ``actor_scan`` tests the actor per article row (fast when the rows are few or
        the actor is frequent); otherwise the actor's article ids are listed first.
        """
        parts, params = ["1=1"], []
        if self.query:
            parts.append("a.seq IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)")
            params.append(self.query)
        if self.outlet:
            parts.append("a.outlet = ?")
            params.append(self.outlet)
        if self.actor and actor_scan:
            parts.append("EXISTS (SELECT 1 FROM actors x WHERE x.article_id = a.id AND "
                         "(x.actor_id = ? OR x.belongs_to = ?))")
            params += [self.actor, self.actor]
        elif self.actor:
            parts.append("a.id IN (SELECT article_id FROM actors WHERE actor_id = ? UNION "
                         "SELECT article_id FROM actors WHERE belongs_to = ?)")
            params += [self.actor, self.actor]
        if self.since:
            parts.append("a.published_day >= ?")
            params.append(_day("since", self.since))
        if self.until:
            parts.append("a.published_day <= ?")
            params.append(_day("until", self.until))
        return " AND ".join(parts), params

    def actor_scan(self, store: Store) -> bool:
        """Whether to test the actor row by row: with a date range or a query (few rows),
        or when the actor is in at least 1 article in ``DENSE`` (the first hits come soon)."""
        if not self.actor:
            return False
        if self.query or self.since or self.until:
            return True
        size = store.query("SELECT max(seq) AS n FROM articles")[0]["n"] or 0
        hits = store.query("SELECT count(*) AS n FROM (SELECT 1 FROM actors WHERE actor_id = ? "
                           "UNION ALL SELECT 1 FROM actors WHERE belongs_to = ?)",
                           (self.actor, self.actor))[0]["n"]
        return bool(hits * DENSE >= size)

    def check(self, store: Store) -> None:
        """Raise :class:`BadStoreQuery` unless ``query`` is valid FTS5 syntax."""
        if not self.query:
            return
        try:
            store.query("SELECT 1 FROM articles_fts WHERE articles_fts MATCH ? LIMIT 1",
                        (self.query,))
        except (BadStoreQuery, StoreError) as exc:
            if type(exc) not in (BadStoreQuery, StoreError):
                raise
            raise BadStoreQuery(f"--query {self.query!r} is not a valid full-text query "
                                f"(FTS5 syntax: words, \"phrases\", AND/OR/NOT, prefix*, "
                                f"title:word): {exc.message.rsplit(': ', 1)[-1]}") from None


def _day(name: str, value: str) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise BadStoreQuery(f"--{name} {value!r} is not a date; expected YYYY-MM-DD") from None


def search(store: Store, filters: Filters) -> list[dict[str, Any]]:
    """Summary rows of the matching articles: best FTS match first, else newest first."""
    filters.check(store)
    scan = filters.actor_scan(store)
    cols = ", ".join(f"a.{c}" for c in SUMMARY_COLUMNS)
    limit = f" LIMIT {int(filters.limit)}" if filters.limit is not None else ""
    if filters.query:
        where, params = replace(filters, query=None).where(scan)
        sql = (f"SELECT {cols} FROM articles_fts f JOIN articles a ON a.seq = f.rowid "
               f"WHERE articles_fts MATCH ? AND {where} ORDER BY f.rank{limit}")
        return store.query(sql, [filters.query, *params])
    where, params = filters.where(scan)
    # NULL days sort last in DESC order; (published_day, seq) is the articles_day index order
    sql = (f"SELECT {cols} FROM articles a WHERE {where} "
           f"ORDER BY a.published_day DESC, a.seq DESC{limit}")
    return store.query(sql, params)


def matching_ids(store: Store, filters: Filters, batch: int = 1000) -> Iterator[str]:
    """Ids of the matching articles in storage order, streamed."""
    filters.check(store)
    where, params = filters.where()
    last, left = 0, filters.limit
    while left is None or left > 0:
        n = batch if left is None else min(batch, left)
        rows = store.query(f"SELECT a.seq, a.id FROM articles a WHERE {where} AND a.seq > ? "
                           f"ORDER BY a.seq LIMIT {n}", [*params, last])
        yield from (r["id"] for r in rows)
        if len(rows) < n:
            return
        last = rows[-1]["seq"]
        left = None if left is None else left - len(rows)


def stats(store: Store) -> dict[str, Any]:
    """Counts a user checks first: articles, outlets, dates, clusters, events by mode."""
    q = store.query
    head = q("SELECT count(*) AS articles, count(DISTINCT outlet) AS outlets, "
             "min(published_day) AS first_day, max(published_day) AS last_day, "
             "sum(published_day IS NULL) AS undated, sum(failures > 0) AS with_failures "
             "FROM articles")[0]
    clusters = q("SELECT count(*) AS clusters, coalesce(sum(size > 1), 0) AS multi, "
                 "coalesce(sum(size) - count(*), 0) AS near_duplicates FROM clusters")[0]
    modes = {r["mode"]: r["n"] for r in
             q("SELECT mode, count(*) AS n FROM events GROUP BY mode ORDER BY n DESC")}
    top = q("SELECT outlet, count(*) AS n FROM articles WHERE outlet IS NOT NULL "
            "GROUP BY outlet ORDER BY n DESC, outlet LIMIT 10")
    return {
        "db": str(store.path),
        "articles": head["articles"],
        "outlets": head["outlets"],
        "first_day": head["first_day"],
        "last_day": head["last_day"],
        "undated": head["undated"] or 0,
        "with_analyzer_failures": head["with_failures"] or 0,
        "clusters": clusters["clusters"],
        "clusters_with_copies": clusters["multi"],
        "near_duplicates": clusters["near_duplicates"],
        "superseded_texts": q("SELECT count(*) AS n FROM superseded")[0]["n"],
        "events": sum(modes.values()),
        "events_by_mode": modes,
        "quotes": q("SELECT count(*) AS n FROM quotes")[0]["n"],
        "claims": q("SELECT count(*) AS n FROM claims")[0]["n"],
        "top_outlets": {r["outlet"]: r["n"] for r in top},
    }


def format_stats(s: dict[str, Any]) -> str:
    """``stats`` as lines for a terminal."""
    lines = [
        f"database        {s['db']}",
        f"articles        {s['articles']}  (undated {s['undated']}, "
        f"with analyzer failures {s['with_analyzer_failures']})",
        f"outlets         {s['outlets']}",
        f"dates           {s['first_day'] or '-'} .. {s['last_day'] or '-'}",
        f"clusters        {s['clusters']}  ({s['clusters_with_copies']} with copies, "
        f"{s['near_duplicates']} near-duplicate articles)",
        f"replaced texts  {s['superseded_texts']}",
        f"events          {s['events']}  "
        + ", ".join(f"{k} {v}" for k, v in s["events_by_mode"].items()),
        f"quotes          {s['quotes']}",
        f"claims          {s['claims']}",
    ]
    if s["top_outlets"]:
        lines.append("top outlets     " + json.dumps(s["top_outlets"], ensure_ascii=False))
    return "\n".join(lines)
