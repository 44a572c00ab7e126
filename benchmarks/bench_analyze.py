"""Throughput of ``flashpoint analyze`` next to bare spaCy, on the same texts, in one run.

Usage::

    python benchmarks/bench_analyze.py [PATH ...] [--limit N] [--repeat-samples N] [--fast]
                                       [--without-torch] [--rounds N] [--interleave N]

PATH defaults to the PTC training articles under ../shared/datasets (real news
text) when present, else to ``samples/`` repeated ``--repeat-samples`` times.
Prints words/s for bare ``nlp.pipe`` (``en_core_web_sm`` as spaCy loads it:
:func:`flashpoint.nlp.bare`) and for the full pipeline, their ratio in wall-clock
and in CPU time (this process; the figure to compare on a loaded, shared machine), the CPU
time each analyzer takes per article, the ingest time, peak memory (max RSS) and the load
average. Models load before the clock starts (a short warm-up text). Bare spaCy and flashpoint take
turns on the same ``--interleave`` articles (default 8; each goes first every other time), so
the ratio holds on a virtual machine whose speed drifts during a run.
``--without-torch`` hides torch as in the run-time install (see ``bench_scale.py``).
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import os
import resource
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from flashpoint import encoder
from flashpoint import nlp as backbone
from flashpoint.evaluation import default_datasets_dir
from flashpoint.ingest import read_paths
from flashpoint.model import Article
from flashpoint.pipeline import AnalysisInput, Analyzer
from flashpoint.runner import FAST_OPTIONS, build_pipeline

ROOT = Path(__file__).resolve().parent.parent


def _timed(analyzer: Analyzer, totals: dict[str, float]) -> Analyzer:
    """``analyzer`` adding the CPU time of each call (this process, all threads) to ``totals``."""
    func = analyzer.func

    def wrapper(inp: AnalysisInput) -> Mapping[str, Any]:
        t0 = time.process_time()
        try:
            return func(inp)
        finally:
            totals[analyzer.name] += time.process_time() - t0

    return dataclasses.replace(analyzer, func=wrapper)


def _load(paths: list[str], repeat: int) -> tuple[list[Article], float]:
    t0 = time.perf_counter()
    articles = [a for a in read_paths(paths) if isinstance(a, Article)]
    elapsed = time.perf_counter() - t0
    if repeat > 1:
        articles = [dataclasses.replace(a, source=f"{a.source}#{i}")
                    for i in range(repeat) for a in articles]
    return articles, elapsed


def _clock(fn: Callable[[], object]) -> tuple[float, float]:
    """Wall-clock and CPU seconds (this process) of ``fn()``."""
    t0, c0 = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - t0, time.process_time() - c0


WARM_UP = ("Officials in Kyiv said on Monday that Russian forces had shelled the port again. "
           "\"We will not accept this,\" the foreign minister told reporters in Warsaw.")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="*")
    ap.add_argument("--limit", type=int, default=200, help="at most this many articles")
    ap.add_argument("--repeat-samples", type=int, default=40)
    ap.add_argument("--fast", action="store_true", help="as `analyze --fast` (no encoder)")
    ap.add_argument("--without-torch", action="store_true",
                    help="hide torch, as in the run-time install")
    ap.add_argument("--rounds", type=int, default=1, metavar="N",
                    help="measure N times over the same articles, printing each round's ratio "
                         "(the totals below add up every round)")
    ap.add_argument("--interleave", type=int, default=8, metavar="N",
                    help="time bare spaCy and flashpoint on the same N articles in turn, so a "
                         "change of the machine's speed during the run hits both (0: all bare "
                         "spaCy first, then all flashpoint)")
    args = ap.parse_args()
    if args.without_torch:
        from bench_scale import without_torch  # this folder is on sys.path

        without_torch()

    ptc = default_datasets_dir() / "ptc2020" / "train-articles"
    paths = args.paths or ([str(ptc)] if ptc.is_dir() else [str(ROOT / "samples")])
    repeat = 1 if args.paths or ptc.is_dir() else args.repeat_samples
    articles, ingest_s = _load(paths, repeat)
    articles = articles[: args.limit]
    texts = [a.text for a in articles]
    words = sum(len(t.split()) for t in texts)
    print(f"corpus: {len(articles)} articles, {words} words, from {', '.join(paths)}")

    nlp = backbone.bare()
    list(nlp.pipe(texts[:5]))  # warm up

    totals: dict[str, float] = defaultdict(float)
    options = FAST_OPTIONS if args.fast else {}
    pipeline = build_pipeline(options=options)
    list(pipeline.run([Article(text=WARM_UP, source="<warm-up>")]))  # models load (untimed)
    pipeline.analyzers = tuple(_timed(a, totals) for a in pipeline.analyzers)
    def bare_run(part: list[Article]) -> object:
        return list(nlp.pipe([a.text for a in part], batch_size=16))

    def full_run(part: list[Article]) -> object:
        return list(pipeline.run(part))

    step = args.interleave or len(articles)
    clocks = {bare_run: [0.0, 0.0], full_run: [0.0, 0.0]}  # wall, CPU seconds
    for r in range(args.rounds):
        encoder.clear_sentence_cache()  # a round must not read the states of the one before
        before = {run: list(c) for run, c in clocks.items()}
        for k, start in enumerate(range(0, len(articles), step)):
            order = (bare_run, full_run) if k % 2 == 0 else (full_run, bare_run)  # each goes
            for run in order:  # first every other time
                wall, cpu = _clock(functools.partial(run, articles[start:start + step]))
                clocks[run][0] += wall
                clocks[run][1] += cpu
        if args.rounds > 1:
            (bw, bc), (fw, fc) = ([c[i] - before[run][i] for i in (0, 1)]
                                  for run, c in clocks.items())
            print(f"round {r + 1}: {fw / bw:.2f}x the time of bare spaCy (wall clock); "
                  f"{fc / bc:.2f}x its CPU time", flush=True)
    (bare_s, bare_cpu), (full_s, full_cpu) = clocks[bare_run], clocks[full_run]
    runs, words = len(articles) * args.rounds, words * args.rounds  # every round counts

    print(f"ingest (read + extract + language id): {ingest_s:.2f} s for the files read")
    print(f"bare spaCy nlp.pipe:     {words / bare_s:10.0f} words/s  ({bare_s:.2f} s, "
          f"CPU {bare_cpu:.2f} s)")
    print(f"flashpoint pipeline:     {words / full_s:10.0f} words/s  ({full_s:.2f} s, "
          f"CPU {full_cpu:.2f} s)")
    print(f"ratio flashpoint/bare:   {full_s / bare_s:10.2f}x the time of bare spaCy "
          f"(wall clock); {full_cpu / bare_cpu:.2f}x its CPU time")
    parse_s = full_cpu - sum(totals.values())
    print(f"  spaCy parse (+chunking) {1000 * parse_s / runs:8.1f} ms CPU/article  "
          f"({100 * parse_s / full_cpu:4.1f}%)")
    for name, secs in totals.items():
        share = 100 * secs / full_cpu
        print(f"  {name:<22}  {1000 * secs / runs:8.1f} ms CPU/article  ({share:4.1f}%)")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS):   {peak_mb:10.0f} MB")
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    torch = "imported" if "torch" in sys.modules else "not imported"
    print(f"load average {load} (1, 5, 15 min); torch {torch}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
