"""The corpus store's costs: ingest overhead over analyze, bulk load, size, query latency.

Usage::

    python benchmarks/bench_store.py overhead [PATH ...] [--limit N] [--full]
    python benchmarks/bench_store.py load --n 200000 [--db FILE]
    python benchmarks/bench_store.py query --db FILE

``overhead`` analyses the same articles twice in one process with one warm
pipeline (``--fast`` unless ``--full``): once as ``analyze -o out.jsonl`` does
(analysis + JSONL file), once as ``ingest`` does (hash and skip check, analysis,
one transaction per article into a fresh store), alternating, best of two
rounds each. PATH defaults to the PTC training articles under ../shared/datasets
(real news) when present, else ``samples/``.

``load`` fills a store with synthetic analysed articles
(``scripts/make_synthetic_corpus.py``, batches of 1000 per transaction) and
prints articles/s and file size per 100k articles. ``query`` times
``articles --query`` searches and filters on such a store (median of 5 runs).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def overhead(paths: list[str], limit: int, full: bool) -> dict[str, Any]:
    """Seconds for analyze-to-JSONL vs ingest-to-store on the same articles."""
    from flashpoint.evaluation import default_datasets_dir
    from flashpoint.jsonio import write_jsonl
    from flashpoint.runner import FAST_OPTIONS, RunStats, analyze_paths, build_pipeline
    from flashpoint.store import Store
    from flashpoint.store.ingest import ingest_paths

    if not paths:
        ptc = default_datasets_dir() / "ptc2020" / "train-articles"
        paths = [str(p) for p in sorted(ptc.glob("*.txt"))[:limit]] if ptc.is_dir() \
            else [str(ROOT / "samples")]
    pipeline = build_pipeline(None, None if full else dict(FAST_OPTIONS))
    list(pipeline.run([_warm()]))
    tmp = Path(tempfile.mkdtemp(prefix="bench-store-"))
    times: dict[str, list[float]] = {"analyze_jsonl": [], "ingest_store": []}
    n = 0
    for rnd in range(2):
        t0 = time.perf_counter()
        with (tmp / f"out{rnd}.jsonl").open("w", encoding="utf-8") as fh:
            n = write_jsonl(fh, analyze_paths(paths, pipeline, RunStats()), flush=True)
        times["analyze_jsonl"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        with Store.open(tmp / f"store{rnd}.db") as store:
            ingest_paths(store, paths, pipeline=pipeline)
        times["ingest_store"].append(time.perf_counter() - t0)
    a, i = min(times["analyze_jsonl"]), min(times["ingest_store"])
    return {"articles": n, "mode": "full" if full else "fast", "analyze_jsonl_s": round(a, 2),
            "ingest_store_s": round(i, 2), "overhead_pct": round(100 * (i - a) / a, 1),
            "rounds": {k: [round(x, 2) for x in v] for k, v in times.items()},
            "store_add_ms_per_article": _add_only(tmp / "out0.jsonl", tmp / "add-only.db")}


def _add_only(jsonl: Path, db: Path) -> float:
    """Milliseconds per ``Store.add`` of already analysed articles (the store's own cost)."""
    from flashpoint.jsonio import iter_jsonl
    from flashpoint.model import Article
    from flashpoint.store import Store
    from flashpoint.store.dedup import signature

    signature("import datasketch before the clock starts")
    arts = [a for a in iter_jsonl(jsonl) if isinstance(a, Article)]
    with Store.open(db) as store:
        t0 = time.perf_counter()
        for a in arts:
            store.add(a)
        return round((time.perf_counter() - t0) * 1000 / max(len(arts), 1), 2)


def _warm() -> Any:
    from flashpoint.model import Article

    return Article(text="Russia and Ukraine agreed to talks in Istanbul.", source="warm-up")


def load(n: int, db: Path) -> dict[str, Any]:
    """Load ``n`` synthetic articles; time and size."""
    from scripts.make_synthetic_corpus import load as fill

    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    result = fill(db, n, seed=1, batch=1000)
    size = db.stat().st_size
    return {**result, "articles_per_s": round(n / result["seconds"], 1),
            "file_mb": round(size / 2**20, 1),
            "mb_per_100k": round(size / 2**20 / n * 100_000, 1)}


QUERIES: dict[str, dict[str, Any]] = {
    "fts word in 8% of articles (ceasefire), top 50": {"query": "ceasefire", "limit": 50},
    "fts two rarer words (blockade AND tanker), all": {"query": "blockade AND tanker"},
    "fts phrase + prefix, top 50": {"query": '"line of contact" AND sanction*', "limit": 50},
    "fts word + outlet, top 50": {"query": "ceasefire", "outlet": "Reuters", "limit": 50},
    "outlet + date range, top 50": {"outlet": "TASS", "since": "2024-01-01",
                                    "until": "2024-03-31", "limit": 50},
    "actor, frequent (AZE, with belongs_to), top 50": {"actor": "AZE", "limit": 50},
    "actor, rare (person:aliyev), top 50": {"actor": "person:aliyev", "limit": 50},
    "actor + month, all": {"actor": "ARM", "since": "2023-06-01", "until": "2023-06-30"},
    "fts + actor + year, top 50": {"query": "ceasefire", "actor": "RUS",
                                   "since": "2024-01-01", "until": "2024-12-31", "limit": 50},
}


def query(db: Path) -> dict[str, Any]:
    """Median latency (ms) of typical ``articles`` calls, plus ``stats``."""
    from flashpoint.store import Filters, Store, search, stats

    out: dict[str, Any] = {}
    with Store.open(db, readonly=True) as store:
        out["articles_in_store"] = len(store)
        for name, kw in QUERIES.items():
            filters = Filters(**kw)
            ms = _median_ms(lambda f=filters: search(store, f))
            out[name] = {"ms": ms, "rows": len(search(store, filters))}
        out["stats (full scan)"] = {"ms": _median_ms(lambda: stats(store), runs=3)}
    return out


def _median_ms(fn: Callable[[], object], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return round(statistics.median(times) * 1000, 1)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="what", required=True)
    o = sub.add_parser("overhead")
    o.add_argument("paths", nargs="*")
    o.add_argument("--limit", type=int, default=60)
    o.add_argument("--full", action="store_true")
    ld = sub.add_parser("load")
    ld.add_argument("--n", type=int, default=100_000)
    ld.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "bench-store.db")
    q = sub.add_parser("query")
    q.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "bench-store.db")
    args = p.parse_args()
    if args.what == "overhead":
        result = overhead(args.paths, args.limit, args.full)
    elif args.what == "load":
        result = load(args.n, args.db)
    else:
        result = query(args.db)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
