"""Benchmark the tension index on a synthetic store (scripts/make_synthetic_corpus.py).

Two modes, each printing one JSON object (figures quoted in docs/index.md):

``--mode index``  the index tables of ``-n`` articles (1,000,000 by default) built straight
                  from the generator's analysed articles with the bulk ``reindex`` path, in a
                  store file that holds no article rows (a full 1M-article store is ~10 GB and
                  half an hour of loading on the shared 2-core machine). Times ``dyad`` JSON
                  for the busiest pair over five years by week, ``dyads --top 20`` and
                  ``alerts``, which read only the index tables.
``--mode full``   a real store of ``-n`` articles (100,000 by default) loaded by the
                  generator, then ``reindex``; times the same queries plus ``evidence`` (which
                  joins the store's events and articles), and the ingest overhead of the
                  hook: ``add_many`` of new articles with and without it, on the loaded store
                  and on a fresh one. (It adds those articles to the store.)

Examples::

    python benchmarks/bench_index.py --mode index --db /tmp/ix1m.db -n 1000000
    python benchmarks/bench_index.py --mode full --db /tmp/full100k.db -n 100000
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flashpoint import index
from flashpoint.index.rules import facts_of
from flashpoint.index.tables import rebuild
from flashpoint.store import Store

CPU_MS: dict[str, float] = {}
"""Median process CPU time per timed call (the machine is shared: wall time includes waits)."""


def timed(func: Callable[[], Any], repeat: int = 5, name: str = "") -> tuple[float, Any]:
    """Median wall time in milliseconds over ``repeat`` runs, and the last result."""
    times, cpu, result = [], [], None
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        result = func()
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    if name:
        CPU_MS[name] = round(statistics.median(cpu), 1)
    return round(statistics.median(times), 1), result


def build_index_only(db: str, n: int, seed: int) -> dict[str, Any]:
    """Fill only the index tables from ``n`` generated articles (no article rows)."""
    from scripts.make_synthetic_corpus import generate

    index.register(Store)
    started = time.perf_counter()

    def batches() -> Iterator[list[Any]]:
        batch: list[Any] = []
        for a in generate(n, seed):
            day = a.metadata.published[:10] if a.metadata.published else None
            batch.append((facts_of(a), day, a.metadata.outlet, None))
            if len(batch) >= 5000:
                yield batch
                batch = []
        if batch:
            yield batch

    with Store.open(db) as store, store.writer() as w:
        indexed = rebuild(w, batches())
    return {"articles": n, "indexed": indexed,
            "build_s": round(time.perf_counter() - started, 1)}


def queries(store: Any, evidence: bool) -> dict[str, Any]:
    """Time the read commands on the busiest undirected pair."""
    busy = store.query("SELECT a, b, SUM(events) AS n FROM ix_day WHERE dir = 0 "
                       "GROUP BY a, b ORDER BY n DESC LIMIT 1")[0]
    a, b = busy["a"], busy["b"]
    last = store.query("SELECT max(day) AS d FROM ix_actor_day")[0]["d"]
    first = store.query("SELECT min(day) AS d FROM ix_actor_day")[0]["d"]
    out: dict[str, Any] = {"pair": [a, b], "pair_events": busy["n"], "first": first,
                           "last": last}
    ms, d = timed(lambda: json.dumps(index.dyad(store, a, b, by="week", since=first,
                                                until=last)), name="dyad_week_json")
    out["dyad_week_json_ms"] = ms
    out["dyad_periods"] = len(json.loads(d)["series"])
    out["dyad_alerts"] = len(json.loads(d)["alerts"])
    out["dyad_exact_week_json_ms"], _ = timed(lambda: json.dumps(index.dyad(
        store, a, b, by="week", since=first, until=last, exact=True)), repeat=3)
    out["dyads_top20_ms"], _ = timed(lambda: index.top_dyads(store, top=20), name="dyads_top20")
    out["alerts_all_ms"], rows = timed(lambda: index.all_alerts(store), repeat=1)
    out["alerts_all"] = len(rows)
    if evidence:
        week = store.query("SELECT day FROM ix_day WHERE a = ? AND b = ? AND dir = 0 "
                           "ORDER BY events DESC LIMIT 1", (a, b))[0]["day"]
        out["evidence_ms"], e = timed(lambda: index.evidence(store, a, b, period=week),
                                      name="evidence")
        out["evidence_events"] = len(e["events"])
    out["cpu_ms"] = dict(CPU_MS)
    out["rows"] = {t: store.query(f"SELECT COUNT(*) AS n FROM {t}")[0]["n"]
                   for t in ("ix_report", "ix_day", "ix_actor_day", "ix_pair_day")}
    return out


def overhead(seed: int) -> dict[str, Any]:
    """``add_many`` of 2,000 new articles into a fresh store, without and with the hook."""
    from scripts.make_synthetic_corpus import generate

    arts = list(generate(2000, seed + 1))
    out = {}
    index.register(Store)
    for name, hooks in (("without_hook", ()), ("with_hook", (index.hook,))):
        with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "o.db") as store:
            t = time.perf_counter()
            for k in range(0, len(arts), 100):
                store.add_many(arts[k:k + 100], hooks=hooks)
            out[f"{name}_ms_per_article"] = round((time.perf_counter() - t) * 1000 / len(arts),
                                                  3)
    return out


def overhead_at(store: Any, seed: int) -> dict[str, Any]:
    """The same on the loaded store: 1,000 new articles without the hook, 1,000 with it."""
    from scripts.make_synthetic_corpus import generate

    arts = list(generate(2000, seed + 7, start="2026-01-01", days=30))
    out = {}
    for name, part, hooks in (("without_hook", arts[:1000], ()),
                              ("with_hook", arts[1000:], (index.hook,))):
        t = time.perf_counter()
        for k in range(0, len(part), 100):
            store.add_many(part[k:k + 100], hooks=hooks)
        out[f"{name}_ms_per_article"] = round((time.perf_counter() - t) * 1000 / len(part), 3)
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--mode", choices=("index", "full"), default="index")
    p.add_argument("--db", required=True)
    p.add_argument("-n", type=int)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    result: dict[str, Any] = {"mode": args.mode}
    if args.mode == "index":
        if not Path(args.db).exists():
            result["build"] = build_index_only(args.db, args.n or 1_000_000, args.seed)
        with index.open_store(args.db) as store:
            result["queries"] = queries(store, evidence=False)
    else:
        if not Path(args.db).exists():
            from scripts.make_synthetic_corpus import load

            result["load"] = load(args.db, args.n or 100_000, args.seed)
        with index.open_store(args.db) as store:
            t = time.perf_counter()
            result["reindex"] = {"articles": index.reindex(store),
                                 "s": round(time.perf_counter() - t, 1)}
            result["queries"] = queries(store, evidence=True)
            result["ingest_overhead_loaded_store"] = overhead_at(store, args.seed)
        result["ingest_overhead_fresh_store"] = overhead(args.seed)
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
