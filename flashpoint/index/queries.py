"""Reading the index: a dyad's series with alerts, the top rising dyads, the evidence, alerts.

Every read goes through ``store.query`` (the index never opens SQLite itself). The
rolled-up view reads the per-day aggregates (``ix_day`` ...); ``exact=True`` reads
the reports themselves (``ix_report``), slower but keeps ``RUS/government`` apart
from ``RUS``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, Protocol

from ..errors import IndexQueryError
from . import alerts as al
from .periods import check_by, parse_day, period_end, period_start, periods, sql_period
from .rules import CHANNELS
from .tables import pair_key

EXPOSURE_FLOOR = 10
"""``tension`` divides by at least this many articles: one article is no coverage level."""
COUNTS = ("articles", "events", "clusters", "outlets")


class Reader(Protocol):
    """What the index reads through: ``flashpoint.store.Store.query``."""

    def query(self, sql: str, params: Sequence[Any] = ..., /) -> list[dict[str, Any]]: ...


def tension(value: float, exposure: float) -> float:
    """Conflict weight per 100 articles mentioning either actor (at least the floor)."""
    return round(100.0 * value / max(exposure, EXPOSURE_FLOOR), 4)


def _range(store: Reader, since: str | None, until: str | None,
           first: str | None) -> tuple[dt.date, dt.date] | None:
    last = store.query("SELECT max(day) AS d FROM ix_actor_day")[0]["d"]
    end = parse_day(until, "--until") if until else (parse_day(last, "day") if last else None)
    start = parse_day(since, "--since") if since else (parse_day(first, "day") if first else None)
    if start is None or end is None:
        return None
    if start > end:
        raise IndexQueryError(f"--since {start} is after --until {end}")
    return start, end


def dyad(store: Reader, a: str, b: str, *, by: str = "week", since: str | None = None,
         until: str | None = None, directed: bool = False, exact: bool = False) -> dict[str, Any]:
    """The JSON object of ``flashpoint dyad`` (shape in docs/index.md)."""
    check_by(by)
    if a == b:
        raise IndexQueryError(f"a dyad needs two different actors, got {a!r} twice")
    key = pair_key(a, b, directed)
    rows = _series_rows(store, key, by, directed, exact)
    first = min(rows) if rows else None
    span = _range(store, since, until, first)
    out: dict[str, Any] = {"dyad": {"a": a, "b": b, "directed": directed, "exact": exact},
                           "by": by, "series": [], "alerts": []}
    if span is None:
        return out
    shown = period_start(span[0], by)
    # the baselines read the periods before --since too (never after a period: no look-ahead)
    history = min(shown, period_start(parse_day(first, "day"), by)) if first else shown
    starts = periods(history, span[1], by)
    exposure = _exposure(store, a, b, by, starts)
    corpus = _corpus(store, by, starts)
    series = [_point(p, rows.get(p.isoformat()), exposure.get(p.isoformat(), 0),
                     corpus.get(p.isoformat(), 0)) for p in starts]
    verdicts = al.judge([al.Point(s["conflict"], s["corpus"], s["conflict_stories"],
                                  s.pop("_w1"), s.pop("_w2")) for s in series])
    for s, v, p in zip(series, verdicts, starts, strict=True):
        if p < shown:
            continue
        _apply(s, v)
        out["series"].append(s)
        if v.alert:
            out["alerts"].append(_alert(store, s, v, p, by, key, directed, exact))
    return out


def _point(start: dt.date, row: dict[str, Any] | None, exposure: int,
           corpus: int) -> dict[str, Any]:
    row = row or {}
    point: dict[str, Any] = {"period": start.isoformat()}
    for name in COUNTS:
        point[name] = int(row.get(name) or 0)
    for name in CHANNELS:
        point[name] = round(float(row.get(name) or 0.0), 4)
    conflict = point["action"] + point["rhetoric"]
    point.update(tension=tension(conflict, exposure), baseline=None, alert=False,
                 exposure=exposure, corpus=corpus, conflict=round(conflict, 4),
                 conflict_clusters=int(row.get("conflict_clusters") or 0),
                 conflict_stories=int(row.get("conflict_stories") or 0),
                 _w1=float(row.get("story_w1") or 0.0), _w2=float(row.get("story_w2") or 0.0))
    return point


def _apply(point: dict[str, Any], v: al.Verdict) -> None:
    if v.baseline is None or v.threshold is None:
        return
    point["baseline"] = tension(v.baseline, point["exposure"])
    point["threshold"] = tension(v.threshold, point["exposure"])
    point["alert"] = v.alert
    point["alert_kind"] = v.kind
    point["cusum"] = v.cusum


def _alert(store: Reader, point: dict[str, Any], v: al.Verdict, start: dt.date, by: str,
           key: tuple[str, str], directed: bool, exact: bool) -> dict[str, Any]:
    end = period_end(start, by)
    ids = _event_ids(store, key, directed, exact, start.isoformat(), end.isoformat(),
                     ("action", "rhetoric"))
    return {"period": point["period"], "as_of": end.isoformat(), "value": point["tension"],
            "baseline": point["baseline"], "threshold": point["threshold"], "kind": v.kind,
            "conflict": point["conflict"], "expected_conflict": v.baseline,
            "exposure": point["exposure"], "events": ids}


def _where(key: tuple[str, str], directed: bool, exact: bool) -> tuple[str, list[str]]:
    s, t = ("s", "t") if exact else ("rs", "rt")
    if directed:
        return f"{s} = ? AND {t} = ?", list(key)
    return f"(({s} = ? AND {t} = ?) OR ({s} = ? AND {t} = ?))", [*key, key[1], key[0]]


def _event_ids(store: Reader, key: tuple[str, str], directed: bool, exact: bool, first: str,
               last: str, channels: Sequence[str]) -> list[str]:
    s, t = ("s", "t") if exact else ("rs", "rt")
    marks = ",".join("?" * len(channels))
    one = (f"SELECT event_id, day FROM ix_report WHERE {s} = ? AND {t} = ? AND day BETWEEN ? "
           f"AND ? AND channel IN ({marks})")
    params: list[str] = [*key, first, last, *channels]
    sql = one
    if not directed:  # each direction on its own index range
        sql = f"{one} UNION ALL {one}"
        params += [key[1], key[0], first, last, *channels]
    rows = store.query(f"SELECT event_id FROM ({sql}) ORDER BY day, event_id", params)
    return [r["event_id"] for r in rows]


def _series_rows(store: Reader, key: tuple[str, str], by: str, directed: bool,
                 exact: bool) -> dict[str, dict[str, Any]]:
    if exact:
        return _exact_rows(store, key, by, directed)
    period = by  # ix_day and ix_day_outlet keep each row's week and month
    params = [key[0], key[1], int(directed)]
    rows = store.query(
        f"SELECT {period} AS period, SUM(events) AS events, SUM(articles) AS articles, "
        "SUM(clusters) AS clusters, SUM(conflict_clusters) AS conflict_clusters, "
        "SUM(conflict_stories) AS conflict_stories, TOTAL(story_w1) AS story_w1, "
        "TOTAL(story_w2) AS story_w2, "
        "TOTAL(action) AS action, TOTAL(rhetoric) AS rhetoric, "
        "TOTAL(speculation) AS speculation, TOTAL(cooperation) AS cooperation "
        "FROM ix_day WHERE a = ? AND b = ? AND dir = ? GROUP BY 1", params)
    out = {r["period"]: r for r in rows}
    for r in store.query(
            f"SELECT {period} AS period, COUNT(DISTINCT outlet) AS outlets FROM ix_day_outlet "
            "WHERE a = ? AND b = ? AND dir = ? GROUP BY 1", params):
        out.setdefault(r["period"], {})["outlets"] = r["outlets"]
    return out


def _exact_rows(store: Reader, key: tuple[str, str], by: str,
                directed: bool) -> dict[str, dict[str, Any]]:
    """The series straight from ``ix_report`` with exact actor ids (``--exact``)."""
    where, params = _where(key, directed, exact=True)
    period = sql_period("day", by)
    cperiod = sql_period("cday", by)
    rows = store.query(
        f"SELECT {period} AS period, COUNT(*) AS events, COUNT(DISTINCT article_id) AS articles, "
        f"COUNT(DISTINCT outlet) AS outlets FROM ix_report WHERE {where} GROUP BY 1", params)
    out = {r["period"]: r for r in rows}
    clusters = store.query(
        f"WITH c AS (SELECT {cperiod} AS period, channel, MAX(weight) AS w FROM ix_report "
        f"WHERE {where} GROUP BY cday, s, t, category, mode, channel) "
        "SELECT period, COUNT(*) AS clusters, SUM(channel IN ('action', 'rhetoric')) "
        "AS conflict_clusters, TOTAL(CASE channel WHEN 'action' THEN w END) AS action, "
        "TOTAL(CASE channel WHEN 'rhetoric' THEN w END) AS rhetoric, "
        "TOTAL(CASE channel WHEN 'speculation' THEN w END) AS speculation, "
        "TOTAL(CASE channel WHEN 'cooperation' THEN w END) AS cooperation "
        "FROM c GROUP BY period", params)
    for r in clusters:
        out.setdefault(r["period"], {}).update(r)
    for r in store.query(
            f"SELECT {cperiod} AS period, COUNT(DISTINCT cday || dup) AS conflict_stories "
            f"FROM ix_report WHERE {where} AND channel IN ('action', 'rhetoric') GROUP BY 1",
            params):
        out.setdefault(r["period"], {})["conflict_stories"] = r["conflict_stories"]
    return out


def _exposure(store: Reader, a: str, b: str, by: str, starts: Sequence[dt.date]) -> dict[str, int]:
    """Articles per period mentioning either actor (rolled up): n(a) + n(b) - n(a and b)."""
    if not starts:
        return {}
    first, last = starts[0].isoformat(), period_end(starts[-1], by).isoformat()
    period = sql_period("day", by)
    ra, rb = _root(a), _root(b)
    out: dict[str, int] = defaultdict(int)
    for r in store.query(
            f"SELECT {period} AS period, SUM(articles) AS n FROM ix_actor_day "
            "WHERE actor IN (?, ?) AND day BETWEEN ? AND ? GROUP BY 1",
            (ra, rb, first, last)):
        out[r["period"]] += int(r["n"])
    x, y = sorted((ra, rb))
    if x != y:
        for r in store.query(
                f"SELECT {period} AS period, SUM(articles) AS n FROM ix_pair_day "
                "WHERE a = ? AND b = ? AND day BETWEEN ? AND ? GROUP BY 1", (x, y, first, last)):
            out[r["period"]] -= int(r["n"])
    return out


def _corpus(store: Reader, by: str, starts: Sequence[dt.date]) -> dict[str, int]:
    """Dated articles per period in the whole store: the alerts' offset."""
    if not starts:
        return {}
    first, last = starts[0].isoformat(), period_end(starts[-1], by).isoformat()
    return {r["period"]: int(r["n"]) for r in store.query(
        f"SELECT {sql_period('day', by)} AS period, SUM(articles) AS n FROM ix_corpus_day "
        "WHERE day BETWEEN ? AND ? GROUP BY 1", (first, last))}


def _root(actor: str) -> str:
    """Exposure is counted for rolled-up ids; an exact id like ``RUS/government`` uses RUS."""
    return actor.split("/", 1)[0] if "/" in actor else actor


# --- dyads --top --------------------------------------------------------------------------


def top_dyads(store: Reader, *, by: str = "week", since: str | None = None,
              until: str | None = None, top: int = 20) -> dict[str, Any]:
    """The undirected dyads whose conflict rose most in the latest period over their baseline."""
    check_by(by)
    if top < 1:
        raise IndexQueryError(f"--top must be at least 1, got {top}")
    last_day = until or store.query("SELECT max(day) AS d FROM ix_actor_day")[0]["d"]
    if not last_day:
        return {"by": by, "latest": None, "dyads": []}
    end = period_start(parse_day(last_day, "--until"), by)
    starts = periods(end, end, by)
    while len(starts) <= al.WINDOW:
        starts.insert(0, period_start(starts[0] - dt.timedelta(days=1), by))
    if since:
        starts = [p for p in starts if p >= period_start(parse_day(since, "--since"), by)]
    first, last = starts[0].isoformat(), period_end(starts[-1], by).isoformat()
    rows = store.query(
        f"SELECT a, b, {by} AS period, SUM(conflict_stories) AS cc, "
        "TOTAL(story_w1) AS w1, TOTAL(story_w2) AS w2, "
        "TOTAL(action) + TOTAL(rhetoric) AS conflict, SUM(events) AS events, "
        "TOTAL(speculation) AS speculation, TOTAL(cooperation) AS cooperation "
        "FROM ix_day WHERE dir = 0 AND day BETWEEN ? AND ? GROUP BY a, b, 3", (first, last))
    return {"by": by, "latest": end.isoformat(),
            "dyads": _rank(store, rows, starts, by, first, last, top)}


def _rank(store: Reader, rows: list[dict[str, Any]], starts: list[dt.date], by: str,
          first: str, last: str, top: int) -> list[dict[str, Any]]:
    period = sql_period("day", by)
    by_pair: dict[tuple[str, str], dict[str, dict[str, Any]]] = defaultdict(dict)
    for r in rows:
        by_pair[(r["a"], r["b"])][r["period"]] = r
    latest = starts[-1].isoformat()
    live = [p for p, v in by_pair.items() if latest in v and v[latest]["conflict"] > 0]
    actors = {x for p in live for x in p}
    expo: dict[tuple[str, str], int] = defaultdict(int)
    if actors:
        marks = ",".join("?" * len(actors))
        for r in store.query(
                f"SELECT actor, {period} AS period, SUM(articles) AS n FROM ix_actor_day "
                f"WHERE actor IN ({marks}) AND day BETWEEN ? AND ? GROUP BY 1, 2",
                [*sorted(actors), first, last]):
            expo[(r["actor"], r["period"])] = int(r["n"])
    both = _pair_exposure(store, live, period, first, last)
    corpus = _corpus(store, by, starts)
    ranked: list[dict[str, Any]] = []
    for a, b in live:
        pts, shown = [], []
        for p in (s.isoformat() for s in starts):
            r = by_pair[(a, b)].get(p, {})
            e = expo[(a, p)] + expo[(b, p)] - both.get((a, b, p), 0)
            value = float(r.get("conflict") or 0.0)
            pts.append(al.Point(value, corpus.get(p, 0), int(r.get("cc") or 0),
                                float(r.get("w1") or 0.0), float(r.get("w2") or 0.0)))
            shown.append(e)
        z, mu = al.rise(pts)
        ranked.append({
            "a": a, "b": b, "rise": round(z, 4), "period": latest,
            "tension": tension(pts[-1].value, shown[-1]),
            "baseline": None if mu is None else tension(mu, shown[-1]),
            "conflict": round(pts[-1].value, 4), "stories": pts[-1].stories,
            "history": [tension(p.value, e) for p, e in zip(pts, shown, strict=True)]})
    # a pair needs the alerts' minimum volume to rank above pairs that lack it
    ranked.sort(key=lambda d: (int(d["stories"]) < al.MIN_STORIES, -float(d["rise"]),
                               str(d["a"]), str(d["b"])))
    return ranked[:top]


def _pair_exposure(store: Reader, pairs: list[tuple[str, str]], period: str, first: str,
                   last: str) -> dict[tuple[str, str, str], int]:
    out: dict[tuple[str, str, str], int] = {}
    wanted = set(pairs)
    if not wanted:
        return out
    actors = sorted({x for p in pairs for x in p})
    marks = ",".join("?" * len(actors))
    for r in store.query(
            f"SELECT a, b, {period} AS period, SUM(articles) AS n FROM ix_pair_day "
            f"WHERE a IN ({marks}) AND b IN ({marks}) AND day BETWEEN ? AND ? GROUP BY 1, 2, 3",
            [*actors, *actors, first, last]):
        if (r["a"], r["b"]) in wanted:
            out[(r["a"], r["b"], r["period"])] = int(r["n"])
    return out


# --- evidence -----------------------------------------------------------------------------


def evidence(store: Reader, a: str, b: str, *, period: str, by: str = "week",
             channel: str | None = None, directed: bool = False,
             exact: bool = False) -> dict[str, Any]:
    """The events behind one point of a dyad's series, with their sentences and sources."""
    check_by(by)
    if channel is not None and channel not in CHANNELS:
        raise IndexQueryError(f"--channel {channel!r} is not valid; expected one of {CHANNELS}")
    start = period_start(parse_day(period, "--period"), by)
    end = period_end(start, by)
    key = pair_key(a, b, directed)
    where, params = _where(key, directed, exact)
    chans = [channel] if channel else list(CHANNELS)
    marks = ",".join("?" * len(chans))
    rows = store.query(
        "SELECT r.event_id, r.s AS source, r.t AS target, r.rs AS root_source, "
        "r.rt AS root_target, r.category, r.mode, r.channel, r.weight, r.speaker, r.day, "
        "r.cday, e.intensity, e.quad_class, e.trigger_text AS trigger, "
        "substr(ar.text, e.sentence_start + 1, e.sentence_end - e.sentence_start) AS sentence, "
        "ar.title, ar.outlet, ar.url, ar.published, ar.genre, r.article_id, r.dup "
        f"FROM ix_report r JOIN events e ON e.event_id = r.event_id "
        f"JOIN articles ar ON ar.id = r.article_id "
        f"WHERE {where.replace('rs', 'r.rs').replace('rt', 'r.rt')} AND r.day BETWEEN ? AND ? "
        f"AND r.channel IN ({marks}) ORDER BY r.weight DESC, r.day, r.event_id",
        [*params, start.isoformat(), end.isoformat(), *chans])
    _same_event(store, rows, exact)
    return {"dyad": {"a": a, "b": b, "directed": directed, "exact": exact}, "by": by,
            "period": start.isoformat(), "channel": channel, "events": rows}


def _same_event(store: Reader, rows: list[dict[str, Any]], exact: bool) -> None:
    """Add to each evidence row how many articles and outlets reported the same event."""
    seen: dict[tuple[Any, ...], tuple[int, int]] = {}
    s, t = ("s", "t") if exact else ("rs", "rt")
    for row in rows:
        k = (row["cday"], row["source" if exact else "root_source"],
             row["target" if exact else "root_target"], row["category"], row["mode"],
             row["channel"])
        if k not in seen:
            r = store.query(
                "SELECT COUNT(DISTINCT article_id) AS articles, COUNT(DISTINCT outlet) AS outlets "
                f"FROM ix_report WHERE cday = ? AND {s} = ? AND {t} = ? AND category = ? "
                "AND mode = ? AND channel = ?", k)[0]
            seen[k] = (int(r["articles"]), int(r["outlets"]))
        row["same_event_articles"], row["same_event_outlets"] = seen[k]


# --- alerts -------------------------------------------------------------------------------


def all_alerts(store: Reader, *, by: str = "week", since: str | None = None,
               until: str | None = None) -> list[dict[str, Any]]:
    """Every alert of every undirected dyad that ever reached the minimum volume, newest first."""
    check_by(by)
    pairs = store.query(
        f"SELECT a, b FROM (SELECT a, b, {by} AS p, SUM(conflict_stories) AS cs FROM ix_day "
        "WHERE dir = 0 GROUP BY 1, 2, 3) WHERE cs >= ? GROUP BY a, b", (al.MIN_STORIES,))
    out = []
    for pair in pairs:
        d = dyad(store, pair["a"], pair["b"], by=by, until=until)
        for alert in d["alerts"]:
            if since and alert["period"] < parse_day(since, "--since").isoformat():
                continue
            out.append({"a": pair["a"], "b": pair["b"], "by": by, **alert})
    out.sort(key=lambda x: (x["period"], x["value"]), reverse=True)
    return out
