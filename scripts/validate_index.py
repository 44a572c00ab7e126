"""Validate the tension index: planted escalations, syndicated duplicates, real headlines, seed.

Three checks, each printing JSON (figures quoted in docs/index.md):

``synthetic``  a synthetic corpus (scripts/make_synthetic_corpus.py) with escalations of
               several sizes planted on hot and calm pairs: detection rate, delay from onset
               to the first alert (as-of date minus onset), false alerts per pair-year
               outside the planted windows; then a burst of syndicated copies of one story
               on a calm pair must raise no alert (and would, counted raw).
``gaza``       an analysed JSONL of ../shared/datasets/gaza_headlines (research data: read
               in place, never copied) loaded into a store: weekly series and PNG plots for
               the pairs in the news, and their alerts.
``seed``       one analysed article (JSON): what it adds to each channel of one dyad, and
               which events cause it.

Examples::

    python scripts/validate_index.py synthetic --db /tmp/val.db -n 50000
    python scripts/validate_index.py gaza --analysed /tmp/gaza.jsonl --db /tmp/gaza.db \
        --plots docs/img
    python scripts/validate_index.py seed --analysed /tmp/seed.json --pair RUS AZE
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flashpoint import index
from flashpoint.index import alerts as al
from flashpoint.index.rules import reports_of
from flashpoint.model import article_from_json

# (source, target, start, end, per_day): sizes from faint to loud, on hot and calm pairs
PLANTS = [
    ("FRA", "DEU", "2022-03-07", "2022-03-20", 0.5),
    ("JPN", "EGY", "2022-09-05", "2022-09-18", 1.0),
    ("POL", "TUR", "2023-05-01", "2023-05-14", 2.0),
    ("GBR", "FRA", "2024-02-05", "2024-02-18", 4.0),
    ("AZE", "ARM", "2022-06-06", "2022-06-19", 1.0),
    ("CHN", "TWN", "2023-08-07", "2023-08-20", 2.0),
    ("IND", "PAK", "2024-04-01", "2024-04-14", 4.0),
    ("RUS", "UKR", "2025-03-03", "2025-03-16", 8.0),
]
GRACE_WEEKS = 2
"""Alerts up to this many weeks after a planted window still belong to it (not false)."""


def _monday(day: str) -> dt.date:
    d = dt.date.fromisoformat(day)
    return d - dt.timedelta(days=d.weekday())


def synthetic(db: str, n: int, seed: int) -> dict[str, Any]:
    """Planted escalations: detection, delay, false alerts; then duplicates."""
    from flashpoint.store import Store
    from scripts.make_synthetic_corpus import Escalation, load

    plants = [Escalation(*p) for p in PLANTS]
    if not Path(db).exists():
        index.register(Store)
        load(db, n, seed, escalations=plants)
    with index.open_store(db) as store:
        index.reindex(store)
        result = _score(store, plants)
        result["duplicates"] = _duplicates(store)
    return result


def _score(store: Any, plants: Sequence[Any]) -> dict[str, Any]:
    pairs = store.query("SELECT DISTINCT a, b FROM ix_day WHERE dir = 0")
    planted = {tuple(sorted((p.source, p.target))): p for p in plants}
    found, false, pair_years = [], [], 0.0
    pair_years_by: dict[tuple[str, str], float] = {}
    for row in pairs:
        key = (row["a"], row["b"])
        d = index.dyad(store, *key, by="week")
        pair_years += len(d["series"]) / 52.18
        pair_years_by[key] = len(d["series"]) / 52.18
        plant = planted.get(key)
        for alert in d["alerts"]:
            p = _monday(alert["period"])
            if plant and _monday(plant.start) <= p <= _monday(plant.end) + dt.timedelta(
                    weeks=GRACE_WEEKS):
                continue
            false.append({"pair": key, "period": alert["period"], "kind": alert["kind"]})
        if plant:
            hits = [a for a in d["alerts"]
                    if _monday(plant.start) <= _monday(a["period"]) <= _monday(plant.end)]
            delay = ((dt.date.fromisoformat(hits[0]["as_of"]) -
                      dt.date.fromisoformat(plant.start)).days if hits else None)
            found.append({"pair": key, "per_day": plant.per_day, "detected": bool(hits),
                          "delay_days": delay, "first_alert": hits[0]["period"] if hits
                          else None, "kind": hits[0]["kind"] if hits else None})
    detected = [f for f in found if f["detected"]]
    return {
        "pairs": len(pairs), "pair_years": round(pair_years, 1),
        "detection_rate": round(len(detected) / len(found), 3) if found else None,
        "mean_delay_days": round(sum(f["delay_days"] for f in detected) / len(detected), 1)
        if detected else None,
        "false_alerts": len(false),
        "false_alerts_per_pair_year": round(len(false) / pair_years, 4) if pair_years else None,
        "false_by_kind": {k: sum(1 for f in false if f["kind"] == k) for k in ("bound", "cusum")},
        **_hot_split(false, pair_years_by),
        "plants": found,
    }


def _hot_split(false: list[dict[str, Any]],
               years: dict[tuple[str, str], float]) -> dict[str, Any]:
    """False alerts per pair-year on the generator's hot pairs (70% of its articles) and
    on the others."""
    from scripts.make_synthetic_corpus import HOT_PAIRS

    hot = {tuple(sorted(p)) for p in HOT_PAIRS}
    out = {}
    for name, member in (("hot", True), ("calm", False)):
        y = sum(v for k, v in years.items() if (k in hot) == member)
        n = sum(1 for f in false if (tuple(f["pair"]) in hot) == member)
        out[f"false_{name}"] = {"alerts": n, "pair_years": round(y, 1),
                                "per_pair_year": round(n / y, 4) if y else None}
    return out


def _duplicates(store: Any) -> dict[str, Any]:
    """30 syndicated copies of one story on a calm pair's quiet week: no alert."""
    from flashpoint.model import Article
    from scripts.make_synthetic_corpus import Escalation, generate

    quiet = store.query("SELECT max(day) AS d FROM ix_actor_day")[0]["d"]
    story = next(a for a in generate(1, seed=99, escalations=[Escalation(
        "SRB", "KOR", quiet, quiet, per_day=1.0)]) if a.events)
    copies = [Article(text=f"By outlet {i} staff. {story.text}", source=f"dup:{i}",
                      metadata=type(story.metadata)(**{**_meta(story), "outlet": f"Outlet {i}",
                                                       "url": f"https://dup{i}.example/x"}),
                      actors=story.actors, events=tuple(_shift(e, 18 + len(str(i)))
                                                        for e in story.events),
                      genre=story.genre) for i in range(30)]
    before = index.dyad(store, "SRB", "KOR", by="week")
    for c in copies:
        store.add(c, hooks=[index.hook])
    after = index.dyad(store, "SRB", "KOR", by="week")
    last = after["series"][-1]
    raw = al.judge([al.Point(float(p["events"]), p["exposure"], p["events"])
                    for p in after["series"]])[-1]
    return {"copies": len(copies), "alerts_before": len(before["alerts"]),
            "alerts_after": len(after["alerts"]), "last_week": {
                k: last[k] for k in ("period", "events", "clusters", "outlets", "action",
                                     "rhetoric", "tension", "baseline", "alert")},
            "alert_if_reports_were_counted": raw.alert}


def _meta(a: Any) -> dict[str, Any]:
    m = a.metadata
    return {"title": m.title, "outlet": m.outlet, "published": m.published,
            "language": m.language, "url": m.url}


def _shift(e: Any, k: int) -> Any:
    """The event with its spans moved ``k`` characters right (a byline was prepended)."""
    from dataclasses import replace

    from flashpoint.model import Evidence, Span

    t, s = e.evidence.trigger, e.evidence.sentence
    return replace(e, evidence=Evidence(trigger=Span(t.start + k, t.end + k, t.text),
                                        sentence=Span(s.start + k, s.end + k, s.text)))


GAZA_PAIRS = [("ISR", "PSE"), ("ISR", "LBN"), ("ISR", "IRN"), ("ISR", "YEM"), ("USA", "YEM")]


def gaza(analysed: str, db: str, plots: str | None) -> dict[str, Any]:
    """Load the analysed headlines, then series, alerts and plots for the pairs in the news."""
    from flashpoint.store import Store

    index.register(Store)
    with Store.open(db) as store:
        if not len(store):
            batch = []
            with open(analysed, encoding="utf-8") as f:
                for line in f:
                    batch.append(article_from_json(json.loads(line)))
                    if len(batch) >= 500:
                        store.add_many(batch, hooks=[index.hook])
                        batch = []
            if batch:
                store.add_many(batch, hooks=[index.hook])
        else:
            index.reindex(store)  # a store loaded earlier: rebuild with the current rules
        out: dict[str, Any] = {"articles": len(store), "pairs": {}}
        for a, b in GAZA_PAIRS:
            d = index.dyad(store, a, b, by="week", since="2023-10-02", until="2024-06-12")
            totals = {k: round(sum(p[k] for p in d["series"]), 1) for k in (
                "events", "clusters", "action", "rhetoric", "speculation", "cooperation")}
            out["pairs"][f"{a}-{b}"] = {
                "totals": totals,
                "alerts": [(x["period"], x["kind"], x["value"], x["threshold"])
                           for x in d["alerts"]],
                "peak_weeks": sorted(((p["period"], p["tension"], p["action"], p["rhetoric"])
                                      for p in d["series"]), key=lambda x: -x[1])[:4]}
            if plots:
                from flashpoint.index import render

                Path(plots).mkdir(parents=True, exist_ok=True)
                render.plot(d, Path(plots) / f"index_gaza_{a}_{b}.png",
                            title=f"{a} - {b}, weekly, gaza_headlines (red: alerts)")
        out["top_dyads"] = index.top_dyads(store, until="2024-06-12", top=10)["dyads"]
        return out


def seed(analysed: str, pair: Sequence[str]) -> dict[str, Any]:
    """What one analysed article adds to a dyad, channel by channel, and why."""
    data = json.loads(Path(analysed).read_text(encoding="utf-8"))
    art = article_from_json(data[0] if isinstance(data, list) else data)
    want = set(pair)
    rows = []
    for r in reports_of(art):
        if {r.root_source, r.root_target} == want:
            e = art.events[int(r.event_id.rsplit(":", 1)[1])]
            rows.append({"event": r.event_id, "channel": r.channel, "weight": r.weight,
                         "source": r.source, "target": r.target, "category": r.category,
                         "mode": r.mode, "quote": e.quote, "trigger": e.evidence.trigger.text,
                         "sentence": e.evidence.sentence.text[:160]})
    totals = {c: round(sum(r["weight"] for r in rows if r["channel"] == c), 2)
              for c in index.CHANNELS}
    all_events = [{"source": e.source, "target": e.target, "category": e.category,
                   "mode": e.mode, "quote": e.quote, "trigger": e.evidence.trigger.text}
                  for e in art.events]
    return {"genre": art.genre.label if art.genre else None, "pair": list(pair),
            "totals": totals, "reports": rows, "events": all_events}


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("synthetic")
    s.add_argument("--db", required=True)
    s.add_argument("-n", type=int, default=50_000)
    s.add_argument("--seed", type=int, default=1)
    g = sub.add_parser("gaza")
    g.add_argument("--analysed", required=True)
    g.add_argument("--db", required=True)
    g.add_argument("--plots")
    e = sub.add_parser("seed")
    e.add_argument("--analysed", required=True)
    e.add_argument("--pair", nargs=2, default=["RUS", "AZE"])
    args = p.parse_args(argv)
    if args.cmd == "synthetic":
        result = synthetic(args.db, args.n, args.seed)
    elif args.cmd == "gaza":
        result = gaza(args.analysed, args.db, args.plots)
    else:
        result = seed(args.analysed, args.pair)
    print(json.dumps(result, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
