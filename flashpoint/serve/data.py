"""What the pages and the API show, read from the store and the index.

Every read goes through :meth:`flashpoint.store.Store.query` (the server never opens SQLite
itself) or a :mod:`flashpoint.index` function, so the JSON here has the same shapes as the
CLI's. Each worker thread of the server keeps its own read-only :class:`Store` (a SQLite
connection is not shared between threads); WAL mode lets an ingest write meanwhile.

Queries that scan a whole table (corpus totals, the actor list) are cached for
:data:`CACHE_SECONDS`: the corpus grows by ingest, and a page a few seconds stale is fine.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from markupsafe import Markup, escape

from ..errors import BadStoreQuery, IndexNotBuilt, StoreError
from ..model import Article, article_to_json

Row = dict[str, Any]
T = TypeVar("T")

CACHE_SECONDS = 30.0
"""How long whole-corpus figures are reused before they are recomputed."""
SUMMARY_COLUMNS = ("id", "published", "published_day", "outlet", "title", "url", "language",
                   "genre", "cluster_id", "source")
"""The columns of ``flashpoint articles --format json`` plus ``published_day``."""
MAX_LIMIT = 100
"""Largest page of any list (API ``limit``)."""
MAX_OFFSET = 10_000
"""Deepest page of any list (API ``offset``): deeper paging is a query, not a browse."""
SNIPPET_OPEN, SNIPPET_CLOSE = "\x02", "\x03"
"""Markers FTS5 puts around matched words; replaced by ``<b>`` only after escaping."""


class NotFound(Exception):
    """The thing asked for is not in the store (answered 404)."""


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a list: the rows and where the next page starts (None when none)."""

    items: list[Row]
    limit: int
    offset: int
    next_offset: int | None

    def to_json(self) -> Row:
        return {"items": self.items, "limit": self.limit, "offset": self.offset,
                "next_offset": self.next_offset}


def page_of(rows: list[Row], limit: int, offset: int) -> Page:
    """A :class:`Page` from ``limit + 1`` fetched rows (the extra one says there is more)."""
    more = len(rows) > limit
    return Page(rows[:limit], limit, offset, offset + limit if more else None)


def snippet_html(snippet: str) -> Markup:
    """An FTS5 snippet with its match markers as ``<b>``, everything else escaped."""
    text = str(escape(snippet))
    return Markup(text.replace(SNIPPET_OPEN, "<b>").replace(SNIPPET_CLOSE, "</b>"))


class Corpus:
    """Read access to one store file for the server (thread-safe, read-only)."""

    def __init__(self, db_path: str | Path) -> None:
        self.db_path = Path(db_path)
        self._local = threading.local()
        self._cache: dict[tuple[Any, ...], tuple[float, Any]] = {}
        self._cache_lock = threading.Lock()
        self._stores: list[Any] = []
        self._generation = 0
        """Raised by :meth:`close`: a thread's store from an older generation is reopened."""
        self._pool: ThreadPoolExecutor | None = None
        self._refreshing: set[tuple[Any, ...]] = set()
        self._warmed = False

    # -- connections ------------------------------------------------------------------

    def store(self) -> Any:
        """This thread's read-only :class:`~flashpoint.store.Store`, opened on first use."""
        store = getattr(self._local, "store", None)
        if store is None or self._local.generation != self._generation:
            from ..store import Store

            store = Store.open(self.db_path, readonly=True)
            self._local.store, self._local.generation = store, self._generation
            with self._cache_lock:
                self._stores.append(store)
        return store

    def query(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> list[Row]:
        rows: list[Row] = self.store().query(sql, tuple(params))
        return rows

    def close(self) -> None:
        """Close every thread's store (at server shutdown)."""
        pool, self._pool, self._warmed = self._pool, None, False
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        with self._cache_lock:
            stores, self._stores = self._stores, []
            self._generation += 1
        for store in stores:
            with suppress(Exception):  # closing at shutdown must not raise
                store.close()

    def cached(self, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
        """``compute()``, reused under ``key``; after :data:`CACHE_SECONDS` the old value is
        still answered while one background thread computes the new one (a slow
        whole-corpus query never makes a request wait, except the very first)."""
        now = time.monotonic()
        with self._cache_lock:
            hit = self._cache.get(key)
            stale = hit is not None and now - hit[0] >= CACHE_SECONDS
            if stale and key not in self._refreshing:
                self._refreshing.add(key)
                self._refresher().submit(self._refresh, key, compute)
        if hit is not None:
            return hit[1]  # type: ignore[no-any-return]
        value = compute()
        with self._cache_lock:
            self._cache[key] = (time.monotonic(), value)
        return value

    def _refresher(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fp-cache")
        return self._pool

    def _refresh(self, key: tuple[Any, ...], compute: Callable[[], Any]) -> None:
        try:
            value = compute()
            with self._cache_lock:
                self._cache[key] = (time.monotonic(), value)
        finally:
            with self._cache_lock:
                self._refreshing.discard(key)

    def warm(self) -> None:
        """Compute the overview's figures in the background (at server start), once."""
        with self._cache_lock:
            if self._warmed:
                return
            self._warmed = True
        self._refresher().submit(self.overview)

    # -- corpus -----------------------------------------------------------------------

    def totals(self) -> Row:
        """Articles, undated articles, first and last day, clusters (cached)."""
        def compute() -> Row:
            row = self.query(
                "SELECT (SELECT count(*) FROM articles) AS articles,"
                " (SELECT count(*) FROM articles WHERE published_day IS NULL) AS undated,"
                " (SELECT min(published_day) FROM articles) AS first_day,"
                " (SELECT max(published_day) FROM articles) AS last_day,"
                " (SELECT count(*) FROM clusters) AS clusters")[0]
            return dict(row)
        return self.cached(("totals",), compute)

    def outlets(self, limit: int = 20) -> list[Row]:
        """The outlets with the most articles (cached)."""
        return self.cached(("outlets", limit), lambda: self.query(
            "SELECT outlet, count(*) AS articles FROM articles WHERE outlet IS NOT NULL"
            " GROUP BY outlet ORDER BY articles DESC, outlet LIMIT ?", (limit,)))

    # -- articles ---------------------------------------------------------------------

    def article(self, article_id: str) -> Article:
        """The stored, analysed article; :class:`NotFound` when there is none."""
        rows = self.query("SELECT 1 FROM articles WHERE id = ?", (article_id,))
        if not rows:
            raise NotFound(f"no article with id {article_id}")
        article: Article = self.store().get(article_id)
        return article

    def article_row(self, article_id: str) -> Row:
        """The article's stored provenance (outlet, day, cluster, genre, url...)."""
        rows = self.query(
            "SELECT id, url, source, outlet, title, published, published_day, language, genre,"
            " genre_score, cluster_id, ingested_at, text_changed_from FROM articles WHERE id = ?",
            (article_id,))
        if not rows:
            raise NotFound(f"no article with id {article_id}")
        return rows[0]

    def siblings(self, article_id: str, cluster_id: str, limit: int = 50) -> list[Row]:
        """The other articles of the article's near-duplicate cluster."""
        return self.query(
            "SELECT id, title, outlet, published_day, url FROM articles"
            " WHERE cluster_id = ? AND id != ? ORDER BY published_day, id LIMIT ?",
            (cluster_id, article_id, limit))

    def article_json(self, article_id: str) -> Row:
        """The API's article: the ``flashpoint.article/1`` record, provenance, siblings."""
        row = self.article_row(article_id)
        article = self.article(article_id)
        return {"article": article_to_json(article), "stored": row,
                "siblings": self.siblings(article_id, row["cluster_id"])}

    def search(self, *, q: str | None = None, outlet: str | None = None,
               actor: str | None = None, since: str | None = None, until: str | None = None,
               limit: int = 20, offset: int = 0) -> Page:
        """Articles matching an FTS5 expression and filters (the store's
        :class:`~flashpoint.store.Filters`, as ``flashpoint articles``), best first (newest
        first when there is no expression), each with a snippet of the matching text."""
        from ..store import Filters

        where, params = Filters(outlet=outlet, actor=actor, since=since, until=until).where()
        cols = ", ".join(f"a.{c}" for c in SUMMARY_COLUMNS)
        if q:
            sql = (f"SELECT {cols}, snippet(articles_fts, 1, '{SNIPPET_OPEN}',"
                   f" '{SNIPPET_CLOSE}', '…', 16) AS snippet FROM articles_fts"
                   f" JOIN articles a ON a.seq = articles_fts.rowid WHERE articles_fts MATCH ?"
                   f" AND {where} ORDER BY articles_fts.rank LIMIT ? OFFSET ?")
            params = [q, *params]
        else:
            sql = (f"SELECT {cols}, substr(a.text, 1, 240) AS snippet FROM articles a"
                   f" WHERE {where} ORDER BY a.published_day IS NULL, a.published_day DESC,"
                   " a.seq DESC LIMIT ? OFFSET ?")
        try:
            rows = self.query(sql, [*params, limit + 1, offset])
        except StoreError as exc:
            if q and type(exc) is StoreError:  # SQLite's "unterminated string", "syntax error"
                raise BadStoreQuery(f"search expression {q!r} is not valid FTS5 syntax "
                                    f"({exc.message.rsplit(': ', 1)[-1]})") from None
            raise
        return page_of(rows, limit, offset)

    # -- speakers ---------------------------------------------------------------------

    def speaker(self, key: str, *, limit: int = 50, offset: int = 0) -> Row:
        """Everything one speaker said (by actor id, else by name), newest first.

        Each quote carries where (article, outlet it was told to), when, and to whom: the
        targets of the events inside the quote.
        """
        by_actor = bool(self.query("SELECT 1 FROM quotes WHERE speaker_actor = ? LIMIT 1",
                                   (key,)))
        column = "speaker_actor" if by_actor else "speaker_name"
        rows = self.query(
            "SELECT q.article_id, q.quote_id, q.kind, q.content, q.speaker_name,"
            " q.speaker_actor, q.speaker_text, q.outlet_cited, q.published_day,"
            " a.outlet, a.title, a.url,"
            " (SELECT group_concat(DISTINCT e.target) FROM events e"
            "   WHERE e.article_id = q.article_id AND e.quote = q.quote_id) AS addressed"
            f" FROM quotes q JOIN articles a ON a.id = q.article_id WHERE q.{column} = ?"
            " ORDER BY q.published_day DESC, q.article_id, q.idx LIMIT ? OFFSET ?",
            (key, limit + 1, offset))
        known = self.query("SELECT name FROM actors WHERE actor_id = ? LIMIT 1", (key,))
        if not rows and offset == 0 and not known:
            raise NotFound(f"no quote by a speaker {key!r}")
        for row in rows:
            row["addressed"] = sorted(set((row.get("addressed") or "").split(",")) - {""})
        months = self.query(
            "SELECT substr(published_day, 1, 7) AS month, count(*) AS quotes FROM quotes"
            f" WHERE {column} = ? AND published_day IS NOT NULL GROUP BY month ORDER BY month",
            (key,))
        names = self.query(f"SELECT speaker_name AS name, count(*) AS n FROM quotes WHERE"
                           f" {column} = ? AND speaker_name IS NOT NULL GROUP BY name"
                           " ORDER BY n DESC LIMIT 1", (key,))
        name = names[0]["name"] if names else known[0]["name"] if known else key
        return {"speaker": {"key": key, "by": "actor" if by_actor or known else "name",
                            "name": name},
                "by_month": months, "quotes": page_of(rows, limit, offset).to_json()}

    # -- actors -----------------------------------------------------------------------

    def actors(self, *, limit: int = 50, offset: int = 0, kind: str | None = None) -> Page:
        """Actors by the number of articles that mention them (cached per page)."""
        def compute() -> list[Row]:
            where = " WHERE kind = ?" if kind else ""
            return self.query(
                "SELECT actor_id AS id, max(name) AS name, max(kind) AS kind,"
                " max(belongs_to) AS belongs_to, count(*) AS articles,"
                f" sum(mentions) AS mentions FROM actors{where} GROUP BY actor_id"
                " ORDER BY articles DESC, actor_id LIMIT ? OFFSET ?",
                (*([kind] if kind else []), limit + 1, offset))
        rows = self.cached(("actors", kind, limit, offset), compute)
        return page_of(rows, limit, offset)

    def actor(self, actor_id: str) -> Row:
        """One actor: who it is, the actors that belong to it, mentions by month, its pairs."""
        rows = self.query(
            "SELECT actor_id AS id, name, kind, belongs_to, role, count(*) OVER () AS articles"
            " FROM actors WHERE actor_id = ? LIMIT 1", (actor_id,))
        if not rows:
            raise NotFound(f"no actor with id {actor_id}")
        months = self.query(
            "SELECT substr(a.published_day, 1, 7) AS month, count(*) AS articles,"
            " sum(x.mentions) AS mentions FROM actors x JOIN articles a ON a.id = x.article_id"
            " WHERE (x.actor_id = ? OR x.belongs_to = ?) AND a.published_day IS NOT NULL"
            " GROUP BY month ORDER BY month", (actor_id, actor_id))
        members = self.query(
            "SELECT actor_id AS id, max(name) AS name, max(kind) AS kind, count(*) AS articles"
            " FROM actors WHERE belongs_to = ? GROUP BY actor_id ORDER BY articles DESC"
            " LIMIT 50", (actor_id,))
        pairs = self.query(
            "SELECT CASE WHEN source = ?1 THEN target ELSE source END AS other,"
            " count(*) AS events, sum(quad_class LIKE '%conflict') AS conflict"
            " FROM events WHERE (source = ?1 OR target = ?1) AND source IS NOT NULL"
            " AND target IS NOT NULL AND source != target GROUP BY other"
            " ORDER BY events DESC LIMIT 30", (actor_id,))
        return {"actor": rows[0], "members": members, "by_month": months, "pairs": pairs}


    # -- the tension index -------------------------------------------------------------

    def has_index(self) -> bool:
        """Whether the index tables are there, of this version, and filled (a store ingested
        before the index, or indexed by an older flashpoint, needs ``flashpoint reindex``)."""
        from ..index.tables import SCHEMA_NAME, SCHEMA_VERSION

        def compute() -> bool:
            version = self.query("SELECT version FROM schema_extensions WHERE name = ?",
                                 (SCHEMA_NAME,))
            if not version or version[0]["version"] != SCHEMA_VERSION:
                return False
            return bool(self.query("SELECT 1 FROM ix_article LIMIT 1")) or not self.query(
                "SELECT 1 FROM articles WHERE published_day IS NOT NULL LIMIT 1")
        return self.cached(("has_index",), compute)

    def _need_index(self) -> None:
        if not self.has_index():
            raise IndexNotBuilt(f"{self.db_path}: the tension index is missing or from an "
                                f"older version; run `flashpoint reindex --db {self.db_path}`")

    def overview(self, *, by: str = "week", top: int = 10, alerts: int = 10) -> Row:
        """The overview page's data: corpus figures, outlets, rising pairs, latest alerts.

        Without index tables the pairs and alerts are empty and ``index`` is false.
        """
        out: Row = {"corpus": self.totals(), "outlets": self.outlets(), "by": by,
                    "index": self.has_index(), "latest": None, "dyads": [], "alerts": []}
        if out["index"]:
            rising = self.dyads(by=by, top=top)
            latest = self.cached(("alerts", by), lambda: self._all_alerts(by))
            out.update(latest=rising["latest"], dyads=rising["dyads"], alerts=latest[:alerts])
        return out

    def dyads(self, *, by: str = "week", top: int = 20, since: str | None = None,
              until: str | None = None) -> Row:
        """``flashpoint dyads --format json``: pairs whose tension rose most (cached)."""
        self._need_index()
        from ..index import top_dyads

        def compute() -> Row:
            # Guard (found by the API fuzzer): top_dyads fails on a --since after the last
            # indexed day; that range holds no dyad, so answer the empty list it means.
            last = until or self.query("SELECT max(day) AS d FROM ix_actor_day")[0]["d"]
            if since and last and since > last:
                return {"by": by, "latest": None, "dyads": []}
            result: Row = top_dyads(self.store(), by=by, since=since, until=until, top=top)
            return result
        return self.cached(("dyads", by, top, since, until), compute)

    def dyad(self, a: str, b: str, *, by: str = "week", since: str | None = None,
             until: str | None = None, directed: bool = False) -> Row:
        """``flashpoint dyad A B --format json``: the pair's series, channels and alerts."""
        self._need_index()
        from ..index import dyad

        result: Row = dyad(self.store(), a, b, by=by, since=since, until=until,
                           directed=directed)
        return result

    def evidence(self, a: str, b: str, *, period: str, by: str = "week",
                 channel: str | None = None, directed: bool = False, limit: int = 50,
                 offset: int = 0) -> Row:
        """``flashpoint evidence --format json`` for one point, one page of its events.

        Each event also gets ``sentence_html``: its sentence with the trigger and the
        pair's actor mentions highlighted (escaped, see :mod:`.highlight`).
        """
        self._need_index()
        from ..index import evidence

        result: Row = evidence(self.store(), a, b, period=period, by=by, channel=channel,
                               directed=directed)
        events = result["events"]
        page = page_of(events[offset:offset + limit + 1], limit, offset)
        self._add_sentence_marks(page.items)
        result.update(events=page.items, total=len(events), limit=limit, offset=offset,
                      next_offset=page.next_offset)
        return result

    def alerts(self, *, by: str = "week", since: str | None = None, limit: int = 50,
               offset: int = 0) -> Row:
        """``flashpoint alerts --format json`` (newest first), one page of it (cached)."""
        self._need_index()
        rows = self.cached(("alerts", by), lambda: self._all_alerts(by))
        if since:
            rows = [r for r in rows if r["period"] >= since]
        return page_of(rows[offset:offset + limit + 1], limit, offset).to_json()

    def _all_alerts(self, by: str) -> list[Row]:
        from ..index import all_alerts

        rows: list[Row] = all_alerts(self.store(), by=by)
        return rows

    def _add_sentence_marks(self, events: list[Row]) -> None:
        """Give each evidence row ``sentence_html`` with its trigger and arguments marked."""
        if not events:
            return
        ids = [e["event_id"] for e in events]
        marks = ",".join("?" * len(ids))
        spans = {r["event_id"]: r for r in self.query(
            "SELECT event_id, article_id, sentence_start, sentence_end, trigger_start,"
            f" trigger_end FROM events WHERE event_id IN ({marks})", ids)}
        for event in events:
            span = spans.get(event["event_id"])
            sentence = str(event.get("sentence") or "")
            event["sentence_html"] = (self._sentence_html(event, span, sentence) if span
                                      else Markup(escape(sentence)))

    def _sentence_html(self, event: Row, span: Row, sentence: str) -> Markup:
        from .highlight import Mark, render

        base = int(span["sentence_start"])
        found = [Mark(int(span["trigger_start"]) - base, int(span["trigger_end"]) - base,
                      "event", str(event.get("mode") or ""), f"trigger: {event.get('trigger')}",
                      f"event {event.get('category')} ({event.get('mode')})")]
        actors = {str(x) for x in (event.get("source"), event.get("target")) if x}
        if actors:
            marks = ",".join("?" * len(actors))
            for m in self.query(
                    "SELECT span_start, span_end, actor_id, text FROM mentions"
                    f" WHERE article_id = ? AND actor_id IN ({marks}) AND span_start >= ?"
                    " AND span_end <= ?", (span["article_id"], *sorted(actors), base,
                                           int(span["sentence_end"]))):
                found.append(Mark(int(m["span_start"]) - base, int(m["span_end"]) - base,
                                  "actor", "argument", f"argument {m['actor_id']}",
                                  f"argument: {m['actor_id']}"))
        return render(sentence, found)
