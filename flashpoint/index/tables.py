"""The index's own tables in the store, and how one article updates them.

``ix_report`` holds one row per counted event (see :mod:`flashpoint.index.rules`);
the per-day aggregates (``ix_day``, ``ix_day_outlet``) are derived from it by SQL
for exactly the (pair, day) keys an article touches, and the exposure tables
(``ix_actor_day``, ``ix_pair_day``) count articles mentioning each actor and each
pair of actors (rolled up). Everything runs through the store's ``Writer`` inside
the article's transaction, so the aggregates are never out of step with the
articles. Because each refresh recomputes a key from ``ix_report`` (rather than
adding to a running total), the result does not depend on ingest order, and
``reindex`` (which replays every stored article) gives the same rows.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from ..model import Article
from .periods import sql_period
from .rules import ArticleFacts, Report, facts_of, mentioned_roots, reports_of, undirected

SCHEMA_NAME = "tension_index"
SCHEMA_VERSION = 3
"""Version 2 added ``ix_corpus_day``, version 3 the story weights of ``ix_day``: the DDL drops
the derived tables of an older version (run ``flashpoint reindex`` once;
:func:`flashpoint.index.open_store` says so)."""

DDL: tuple[str, ...] = (
    *(f"DROP TABLE IF EXISTS {t}" for t in (
        "ix_article", "ix_report", "ix_day", "ix_day_outlet", "ix_actor_day", "ix_pair_day",
        "ix_corpus_day")),
    """CREATE TABLE IF NOT EXISTS ix_corpus_day (
        day TEXT PRIMARY KEY, articles INTEGER NOT NULL) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS ix_article (
        article_id TEXT PRIMARY KEY, day TEXT NOT NULL, roots TEXT NOT NULL) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS ix_report (
        event_id TEXT PRIMARY KEY, article_id TEXT NOT NULL, day TEXT NOT NULL,
        cday TEXT NOT NULL, outlet TEXT, dup TEXT NOT NULL,
        s TEXT NOT NULL, t TEXT NOT NULL, rs TEXT NOT NULL, rt TEXT NOT NULL,
        category TEXT NOT NULL, mode TEXT NOT NULL, channel TEXT NOT NULL,
        weight REAL NOT NULL, speaker TEXT)""",
    "CREATE INDEX IF NOT EXISTS ix_report_article ON ix_report(article_id)",
    "CREATE INDEX IF NOT EXISTS ix_report_dup ON ix_report(dup, rs, rt)",
    "CREATE INDEX IF NOT EXISTS ix_report_pair ON ix_report(rs, rt, day)",
    "CREATE INDEX IF NOT EXISTS ix_report_cpair ON ix_report(rs, rt, cday)",
    "CREATE INDEX IF NOT EXISTS ix_report_exact ON ix_report(s, t, day)",
    """CREATE TABLE IF NOT EXISTS ix_day (
        a TEXT NOT NULL, b TEXT NOT NULL, dir INTEGER NOT NULL, day TEXT NOT NULL,
        week TEXT NOT NULL, month TEXT NOT NULL, events INTEGER NOT NULL,
        articles INTEGER NOT NULL, clusters INTEGER NOT NULL,
        conflict_clusters INTEGER NOT NULL, conflict_stories INTEGER NOT NULL,
        story_w1 REAL NOT NULL, story_w2 REAL NOT NULL,
        action REAL NOT NULL, rhetoric REAL NOT NULL,
        speculation REAL NOT NULL, cooperation REAL NOT NULL,
        PRIMARY KEY (a, b, dir, day)) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS ix_day_day ON ix_day(dir, day)",
    """CREATE TABLE IF NOT EXISTS ix_day_outlet (
        a TEXT NOT NULL, b TEXT NOT NULL, dir INTEGER NOT NULL, day TEXT NOT NULL,
        week TEXT NOT NULL, month TEXT NOT NULL, outlet TEXT NOT NULL,
        PRIMARY KEY (a, b, dir, day, outlet)) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS ix_day_outlet_week ON ix_day_outlet(a, b, dir, week, outlet)",
    "CREATE INDEX IF NOT EXISTS ix_day_outlet_month ON ix_day_outlet(a, b, dir, month, outlet)",
    """CREATE TABLE IF NOT EXISTS ix_actor_day (
        actor TEXT NOT NULL, day TEXT NOT NULL, articles INTEGER NOT NULL,
        PRIMARY KEY (actor, day)) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS ix_actor_day_day ON ix_actor_day(day)",
    """CREATE TABLE IF NOT EXISTS ix_pair_day (
        a TEXT NOT NULL, b TEXT NOT NULL, day TEXT NOT NULL, articles INTEGER NOT NULL,
        PRIMARY KEY (a, b, day)) WITHOUT ROWID""",
)
TABLES = ("ix_article", "ix_report", "ix_day", "ix_day_outlet", "ix_actor_day", "ix_pair_day",
          "ix_corpus_day")
DIRTY = "CREATE TEMP TABLE IF NOT EXISTS ix_dirty (a TEXT, b TEXT, day TEXT, " \
        "PRIMARY KEY (a, b, day)) WITHOUT ROWID"


class Writer(Protocol):
    """What the store's hook writer offers (``flashpoint.store.Writer``)."""

    def execute(self, sql: str, params: Sequence[Any] = ..., /) -> Any: ...

    def executemany(self, sql: str, seq: Any, /) -> Any: ...


def index_article(w: Writer, article: Article | ArticleFacts, *, day: str | None,
                  outlet: str | None, cluster_id: str | None) -> int:
    """Add an article to the index (replacing an earlier version); returns reports added.

    Undated articles are not indexed: the index is a time series.
    """
    facts = article if isinstance(article, ArticleFacts) else facts_of(article)
    w.execute(DIRTY)
    if w.execute("SELECT 1 FROM ix_article WHERE article_id = ?", (facts.article_id,)):
        _remove(w, facts.article_id)  # a new analysis of an article already indexed
    if not day:
        _refresh(w)
        return 0
    reports = _insert(w, facts, day, outlet, cluster_id)
    roots = sorted(mentioned_roots(facts))
    _add_exposure(w, roots, day, +1)
    if reports and cluster_id and cluster_id != facts.article_id:
        _recluster(w, cluster_id)  # joined a near-duplicate cluster: its cluster days move
    else:
        w.executemany("INSERT OR IGNORE INTO ix_dirty VALUES (?, ?, ?)",
                      {(r.root_source, r.root_target, day) for r in reports})
    _refresh(w)
    return len(reports)


def _insert(w: Writer, facts: ArticleFacts, day: str, outlet: str | None,
            cluster_id: str | None) -> list[Report]:
    """Insert the article's ``ix_article`` and ``ix_report`` rows (cluster day = own day)."""
    dup = cluster_id or facts.article_id
    roots = sorted(mentioned_roots(facts))
    w.execute("INSERT INTO ix_article VALUES (?, ?, ?)",
              (facts.article_id, day, "\t".join(roots)))
    reports = reports_of(facts)
    w.executemany(
        "INSERT INTO ix_report VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [_row(r, facts.article_id, day, outlet, dup) for r in reports])
    return reports


def rebuild(w: Writer, batches: Iterable[Sequence[tuple[ArticleFacts, str | None, str | None,
                                                         str | None]]]) -> int:
    """Empty the index and fill it again from (facts, day, outlet, cluster id) batches.

    The bulk path of ``reindex``: reports and exposure first, then the cluster days
    and every (pair, day) aggregate with the same SQL the incremental path uses.
    Returns the number of articles indexed.
    """
    clear(w)
    w.execute(DIRTY)
    actors: Counter[tuple[str, str]] = Counter()
    days: Counter[str] = Counter()
    pairs: Counter[tuple[str, str, str]] = Counter()
    n = 0
    seen: set[str] = set()
    for batch in batches:
        for facts, day, outlet, cluster_id in batch:
            if not day or facts.article_id in seen:
                continue
            seen.add(facts.article_id)
            _insert(w, facts, day, outlet, cluster_id)
            roots = sorted(mentioned_roots(facts))
            actors.update((r, day) for r in roots)
            days[day] += 1
            pairs.update((a, b, day) for a, b in itertools.combinations(roots, 2))
            n += 1
    w.executemany("INSERT INTO ix_corpus_day VALUES (?, ?)", sorted(days.items()))
    w.executemany("INSERT INTO ix_actor_day VALUES (?, ?, ?)",
                  [(a, d, c) for (a, d), c in actors.items()])
    w.executemany("INSERT INTO ix_pair_day VALUES (?, ?, ?, ?)",
                  [(a, b, d, c) for (a, b, d), c in pairs.items()])
    w.execute(
        "WITH m AS (SELECT dup, rs, rt, category, mode, channel, MIN(day) AS cday "
        "FROM ix_report GROUP BY 1, 2, 3, 4, 5, 6 HAVING MIN(day) < MAX(day)) "
        "UPDATE ix_report SET cday = m.cday FROM m WHERE m.dup = ix_report.dup AND "
        "m.rs = ix_report.rs AND m.rt = ix_report.rt AND m.category = ix_report.category "
        "AND m.mode = ix_report.mode AND m.channel = ix_report.channel")
    w.execute("INSERT OR IGNORE INTO ix_dirty SELECT rs, rt, day FROM ix_report "
              "UNION SELECT rs, rt, cday FROM ix_report")
    _refresh(w)
    return n


def unindex_article(w: Writer, article_id: str) -> None:
    """Take ``article_id``'s contribution out of the index (when the store drops it)."""
    w.execute(DIRTY)
    _remove(w, article_id)
    _refresh(w)


def clear(w: Writer) -> None:
    """Empty every index table (before a rebuild)."""
    for table in TABLES:
        w.execute(f"DELETE FROM {table}")


def _row(r: Report, article_id: str, day: str, outlet: str | None, dup: str) -> tuple[Any, ...]:
    return (r.event_id, article_id, day, day, outlet, dup, r.source, r.target, r.root_source,
            r.root_target, r.category, r.mode, r.channel, r.weight, r.speaker)


def _add_exposure(w: Writer, roots: Sequence[str], day: str, delta: int) -> None:
    w.execute("INSERT INTO ix_corpus_day VALUES (?, ?) ON CONFLICT (day) "
              "DO UPDATE SET articles = articles + excluded.articles", (day, delta))
    w.executemany(
        "INSERT INTO ix_actor_day VALUES (?, ?, ?) ON CONFLICT (actor, day) "
        "DO UPDATE SET articles = articles + excluded.articles",
        [(r, day, delta) for r in roots])
    w.executemany(
        "INSERT INTO ix_pair_day VALUES (?, ?, ?, ?) ON CONFLICT (a, b, day) "
        "DO UPDATE SET articles = articles + excluded.articles",
        [(a, b, day, delta) for a, b in itertools.combinations(roots, 2)])
    if delta < 0:
        w.execute("DELETE FROM ix_actor_day WHERE articles <= 0")
        w.execute("DELETE FROM ix_pair_day WHERE articles <= 0")


def _remove(w: Writer, article_id: str) -> None:
    """Drop an earlier version of the article: its exposure, reports, and their clusters."""
    w.execute(
        "INSERT OR IGNORE INTO ix_dirty SELECT rs, rt, day FROM ix_report r WHERE dup IN "
        "(SELECT dup FROM ix_report WHERE article_id = ?) "
        "UNION SELECT rs, rt, cday FROM ix_report WHERE dup IN "
        "(SELECT dup FROM ix_report WHERE article_id = ?)", (article_id, article_id))
    w.execute("CREATE TEMP TABLE IF NOT EXISTS ix_gone (dup TEXT PRIMARY KEY)")
    w.execute("INSERT OR IGNORE INTO ix_gone SELECT DISTINCT dup FROM ix_report "
              "WHERE article_id = ?", (article_id,))
    w.execute("DELETE FROM ix_report WHERE article_id = ?", (article_id,))
    # exposure: subtract the stored roots of the old version, if any
    w.execute(
        "WITH RECURSIVE split(root, rest, day) AS ("
        " SELECT '', roots || char(9), day FROM ix_article WHERE article_id = ?"
        " UNION ALL SELECT substr(rest, 1, instr(rest, char(9)) - 1),"
        " substr(rest, instr(rest, char(9)) + 1), day FROM split WHERE rest <> '')"
        " UPDATE ix_actor_day SET articles = articles - 1 WHERE (actor, day) IN"
        " (SELECT root, day FROM split WHERE root <> '')", (article_id,))
    _remove_pairs(w, article_id)
    w.execute("DELETE FROM ix_actor_day WHERE articles <= 0")
    w.execute("UPDATE ix_corpus_day SET articles = articles - 1 WHERE day = "
              "(SELECT day FROM ix_article WHERE article_id = ?)", (article_id,))
    w.execute("DELETE FROM ix_corpus_day WHERE articles <= 0")
    w.execute("DELETE FROM ix_article WHERE article_id = ?", (article_id,))
    for_dups = "SELECT dup FROM ix_gone"
    w.execute(f"UPDATE ix_report SET cday = day WHERE dup IN ({for_dups})")
    _recluster_where(w, f"dup IN ({for_dups})")
    w.execute("DELETE FROM ix_gone")


def _remove_pairs(w: Writer, article_id: str) -> None:
    w.execute(
        "WITH RECURSIVE split(root, rest, day) AS ("
        " SELECT '', roots || char(9), day FROM ix_article WHERE article_id = ?"
        " UNION ALL SELECT substr(rest, 1, instr(rest, char(9)) - 1),"
        " substr(rest, instr(rest, char(9)) + 1), day FROM split WHERE rest <> ''),"
        " r(root, day) AS (SELECT root, day FROM split WHERE root <> '')"
        " UPDATE ix_pair_day SET articles = articles - 1 WHERE (a, b, day) IN"
        " (SELECT x.root, y.root, x.day FROM r x JOIN r y ON x.root < y.root)", (article_id,))
    w.execute("DELETE FROM ix_pair_day WHERE articles <= 0")


def _recluster(w: Writer, dup: str) -> None:
    _recluster_where(w, "dup = ?", (dup,))


def _recluster_where(w: Writer, where: str, params: Sequence[Any] = ()) -> None:
    """Recompute the cluster day (earliest copy in the near-duplicate cluster) of some reports.

    Marks the (pair, day) keys before and after as dirty.
    """
    w.execute(f"INSERT OR IGNORE INTO ix_dirty SELECT rs, rt, cday FROM ix_report WHERE {where}",
              params)
    w.execute(
        "UPDATE ix_report SET cday = (SELECT MIN(x.day) FROM ix_report x WHERE x.dup = "
        "ix_report.dup AND x.rs = ix_report.rs AND x.rt = ix_report.rt AND x.category = "
        "ix_report.category AND x.mode = ix_report.mode AND x.channel = ix_report.channel) "
        f"WHERE {where}", params)
    w.execute("INSERT OR IGNORE INTO ix_dirty SELECT rs, rt, day FROM ix_report "
              f"WHERE {where} UNION SELECT rs, rt, cday FROM ix_report WHERE {where}",
              tuple(params) * 2)


_SUMS = (
    "COUNT(*) AS clusters, SUM(channel IN ('action', 'rhetoric')) AS conflict_clusters, "
    "TOTAL(CASE channel WHEN 'action' THEN w END) AS action, "
    "TOTAL(CASE channel WHEN 'rhetoric' THEN w END) AS rhetoric, "
    "TOTAL(CASE channel WHEN 'speculation' THEN w END) AS speculation, "
    "TOTAL(CASE channel WHEN 'cooperation' THEN w END) AS cooperation"
)


def _refresh(w: Writer) -> None:
    """Recompute ``ix_day`` and ``ix_day_outlet`` for every dirty (pair, day), both views."""
    w.execute("CREATE TEMP TABLE IF NOT EXISTS ix_dirty_u (a TEXT, b TEXT, day TEXT, "
              "PRIMARY KEY (a, b, day)) WITHOUT ROWID")
    w.execute("INSERT OR IGNORE INTO ix_dirty_u SELECT min(a, b), max(a, b), day FROM ix_dirty")
    for dirty, directed in (("ix_dirty", 1), ("ix_dirty_u", 0)):
        for table in ("ix_day", "ix_day_outlet"):  # both keyed (a, b, dir, day, ...)
            w.execute(_delete_sql(table, dirty, directed))
        w.execute(aggregate_sql(dirty, directed))
        w.execute(outlet_sql(dirty, directed))
    w.execute("DELETE FROM ix_dirty")
    w.execute("DELETE FROM ix_dirty_u")


def _delete_sql(table: str, dirty: str, directed: int) -> str:
    """DELETE the rows of ``table`` whose (a, b, day) is in ``dirty`` (by primary key)."""
    return (f"DELETE FROM {table} WHERE (a, b, dir, day) IN "
            f"(SELECT a, b, {directed}, day FROM {dirty})")


def _matching(dirty: str, directed: int, day: str) -> str:
    """SQL for the ``ix_report`` rows whose (pair, ``day`` column) is a key of ``dirty``.

    Joins through the (rs, rt, day) and (rs, rt, cday) indexes, both orientations for the
    undirected view, so a refresh reads only the reports it needs (CROSS JOIN makes SQLite
    loop over the few dirty keys, never over ``ix_report``).
    """
    one = (f"SELECT r.* FROM {dirty} d CROSS JOIN ix_report r ON r.rs = d.a AND r.rt = d.b "
           f"AND r.{day} = d.day")
    if directed:
        return one
    return (f"{one} UNION ALL SELECT r.* FROM {dirty} d CROSS JOIN ix_report r ON r.rs = d.b "
            f"AND r.rt = d.a AND r.{day} = d.day")


def pair_columns(directed: int, s: str = "rs", t: str = "rt") -> tuple[str, str]:
    """SQL expressions of a report's (a, b) in a directed or undirected view."""
    if directed:
        return s, t
    return f"min({s}, {t})", f"max({s}, {t})"


def aggregate_sql(dirty: str, directed: int) -> str:
    """INSERT the ``ix_day`` rows of the keys listed in the table ``dirty``."""
    a, b = pair_columns(directed)
    return (
        f"INSERT INTO ix_day WITH "
        f"rc AS ({_matching(dirty, directed, 'cday')}), "
        f"rd AS ({_matching(dirty, directed, 'day')}), "
        f"c AS (SELECT {a} AS a, {b} AS b, cday AS day, channel, MAX(weight) AS w "
        f"FROM rc GROUP BY 1, 2, 3, rs, category, mode, channel), "
        f"cw AS (SELECT a, b, day, {_SUMS} FROM c GROUP BY a, b, day), "
        f"sc AS (SELECT {a} AS a, {b} AS b, cday AS day, dup, MAX(weight) AS w FROM rc "
        f"WHERE channel IN ('action', 'rhetoric') GROUP BY 1, 2, 3, dup, rs, category, mode, "
        f"channel), "
        f"sw AS (SELECT a, b, day, dup, TOTAL(w) AS ws FROM sc GROUP BY 1, 2, 3, 4), "
        f"st AS (SELECT a, b, day, COUNT(*) AS stories, TOTAL(ws) AS w1, TOTAL(ws * ws) AS w2 "
        f"FROM sw GROUP BY 1, 2, 3), "
        f"e AS (SELECT {a} AS a, {b} AS b, day, COUNT(*) AS events, "
        f"COUNT(DISTINCT article_id) AS articles FROM rd GROUP BY 1, 2, 3) "
        f"SELECT d.a, d.b, {directed}, d.day, {sql_period('d.day', 'week')}, "
        f"{sql_period('d.day', 'month')}, coalesce(e.events, 0), coalesce(e.articles, 0), "
        f"coalesce(cw.clusters, 0), coalesce(cw.conflict_clusters, 0), "
        f"coalesce(st.stories, 0), coalesce(st.w1, 0), coalesce(st.w2, 0), "
        f"coalesce(cw.action, 0), coalesce(cw.rhetoric, 0), coalesce(cw.speculation, 0), "
        f"coalesce(cw.cooperation, 0) FROM {dirty} d "
        f"LEFT JOIN e ON e.a = d.a AND e.b = d.b AND e.day = d.day "
        f"LEFT JOIN cw ON cw.a = d.a AND cw.b = d.b AND cw.day = d.day "
        f"LEFT JOIN st ON st.a = d.a AND st.b = d.b AND st.day = d.day "
        f"WHERE e.events IS NOT NULL OR cw.clusters IS NOT NULL"
    )


def outlet_sql(dirty: str, directed: int) -> str:
    """INSERT the ``ix_day_outlet`` rows of the keys listed in the table ``dirty``."""
    a, b = pair_columns(directed)
    return (
        f"INSERT OR IGNORE INTO ix_day_outlet SELECT DISTINCT {a}, {b}, {directed}, day, "
        f"{sql_period('day', 'week')}, {sql_period('day', 'month')}, outlet "
        f"FROM ({_matching(dirty, directed, 'day')}) WHERE outlet IS NOT NULL"
    )


def pair_key(a: str, b: str, directed: bool) -> tuple[str, str]:
    """The (a, b) of a dyad as stored: as given when directed, else sorted."""
    return (a, b) if directed else undirected(a, b)
