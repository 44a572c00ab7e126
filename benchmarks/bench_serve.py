"""Benchmark the web server on a synthetic store (scripts/make_synthetic_corpus.py).

1. Server time of the three heavy pages (overview, dyad, article), in process through the
   ASGI app (no network): the first request (cold caches) and the median of the next runs.
2. Load: ``flashpoint serve`` in a subprocess on 127.0.0.1, ``--clients`` concurrent API
   clients for ``--seconds`` (a mix of overview, dyads, dyad, evidence, article, search),
   reporting requests/s, p50/p95/max latency and the error count.

    python benchmarks/bench_serve.py --db /tmp/synthetic.db -n 50000   # builds it if missing

Prints one JSON object. The figures in docs/web.md come from this script.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flashpoint import index
from flashpoint.store import Store


def build(db: Path, n: int, seed: int) -> dict[str, Any]:
    """The synthetic store with its index tables (filled by the index hook as it loads)."""
    from scripts.make_synthetic_corpus import Escalation, load

    index.register(Store)
    plant = [Escalation("RUS", "AZE", "2024-10-01", "2024-10-21", per_day=6)]
    return load(db, n, seed, escalations=plant, hooks=[index.hook])


def pick_targets(db: Path, seed: int) -> dict[str, Any]:
    """A busy pair (the top rising one), one of its points, and sample article ids."""
    rng = random.Random(seed)
    with Store.open(db, readonly=True) as store:
        top = index.top_dyads(store, by="week", top=1)["dyads"]
        pair = (top[0]["a"], top[0]["b"]) if top else ("RUS", "AZE")
        series = index.dyad(store, *pair, by="week")["series"]
        busy = max(series, key=lambda r: r["events"])["period"] if series else "2024-10-07"
        n = store.query("SELECT max(seq) AS n FROM articles")[0]["n"]
        seqs = rng.sample(range(1, n + 1), min(50, n))
        marks = ",".join("?" * len(seqs))
        ids = [r["id"] for r in store.query(f"SELECT id FROM articles WHERE seq IN ({marks})",
                                           seqs)]
    return {"pair": pair, "period": busy, "articles": ids}


def time_pages(db: Path, targets: dict[str, Any], runs: int) -> dict[str, Any]:
    """Server time per page through the ASGI app: cold (first) and median of ``runs``."""
    from fastapi.testclient import TestClient

    from flashpoint.serve import create_app

    a, b = targets["pair"]
    pages = {
        "overview": ["/"],
        "dyad": [f"/dyad?a={a}&b={b}&by=week"],
        "dyad+evidence": [f"/dyad?a={a}&b={b}&by=week&period={targets['period']}"],
        "article": [f"/article/{i}" for i in targets["articles"]],
        "api_dyad": [f"/api/dyad?a={a}&b={b}&by=week"],
        "search": ["/search?q=ceasefire", "/search?q=sanctions&outlet=Reuters"],
    }
    out: dict[str, Any] = {}
    with TestClient(create_app(db)) as client:
        for name, urls in pages.items():
            times = []
            for k in range(runs + 1):
                url = urls[k % len(urls)]
                t = time.perf_counter()
                r = client.get(url)
                times.append((time.perf_counter() - t) * 1000)
                if r.status_code != 200:
                    raise SystemExit(f"{url}: {r.status_code} {r.text[:200]}")
            out[name] = {"cold_ms": round(times[0], 1),
                         "median_ms": round(statistics.median(times[1:]), 1),
                         "max_ms": round(max(times[1:]), 1), "runs": runs}
    return out


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _client(base: str, urls: list[str], stop: float, lat: list[float],
                  errors: list[str], seed: int) -> None:
    import httpx

    rng = random.Random(seed)
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        while time.perf_counter() < stop:
            url = rng.choice(urls)
            t = time.perf_counter()
            try:
                r = await http.get(url)
                if r.status_code != 200:
                    errors.append(f"{r.status_code} {url}")
            except httpx.HTTPError as exc:
                errors.append(f"{type(exc).__name__} {url}")
            lat.append((time.perf_counter() - t) * 1000)


def load_test(db: Path, targets: dict[str, Any], clients: int, seconds: float) -> dict[str, Any]:
    """``clients`` concurrent API clients against ``flashpoint serve`` for ``seconds``."""
    a, b = targets["pair"]
    urls = ["/api/overview", "/api/dyads?top=20", f"/api/dyad?a={a}&b={b}",
            f"/api/evidence?a={a}&b={b}&period={targets['period']}&limit=20",
            "/api/articles?q=ceasefire&limit=20", "/api/articles?limit=20",
            *[f"/api/articles/{i}" for i in targets["articles"][:20]]]
    port = _free_port()
    exe = Path(sys.executable).with_name("flashpoint")
    proc = subprocess.Popen([str(exe), "serve", "--db", str(db), "--port", str(port)],
                            stderr=subprocess.PIPE, env={**os.environ})
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_up(base, proc)
        lat: list[float] = []
        errors: list[str] = []
        stop = time.perf_counter() + seconds

        async def run_all() -> None:
            await asyncio.gather(*(_client(base, urls, stop, lat, errors, i)
                                   for i in range(clients)))

        started = time.perf_counter()
        asyncio.run(run_all())
        wall = time.perf_counter() - started
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    lat.sort()
    return {"clients": clients, "seconds": round(wall, 1), "requests": len(lat),
            "rps": round(len(lat) / wall, 1),
            "p50_ms": round(lat[len(lat) // 2], 1) if lat else None,
            "p95_ms": round(lat[int(len(lat) * 0.95)], 1) if lat else None,
            "max_ms": round(lat[-1], 1) if lat else None,
            "errors": len(errors), "error_samples": errors[:5]}


def _wait_up(base: str, proc: subprocess.Popen[bytes]) -> None:
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {proc.stderr.read().decode() if proc.stderr else ''}")
        try:
            if httpx.get(base + "/api/overview", timeout=30).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise SystemExit("server did not start in 60 s")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--db", required=True, type=Path)
    p.add_argument("-n", type=int, default=50_000, help="Articles when building the store.")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--runs", type=int, default=20, help="Timed runs per page.")
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--seconds", type=float, default=30.0)
    args = p.parse_args()
    result: dict[str, Any] = {"db": str(args.db)}
    if not args.db.exists():
        result["build"] = build(args.db, args.n, args.seed)
    with Store.open(args.db, readonly=True) as store:
        result["articles"] = len(store)
        result["events"] = store.query("SELECT count(*) AS n FROM events")[0]["n"]
    result["db_mb"] = round(args.db.stat().st_size / 2**20, 1)
    targets = pick_targets(args.db, args.seed)
    result["pair"], result["period"] = targets["pair"], targets["period"]
    result["pages"] = time_pages(args.db, targets, args.runs)
    result["load"] = load_test(args.db, targets, args.clients, args.seconds)
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
