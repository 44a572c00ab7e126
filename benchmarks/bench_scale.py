"""Throughput of ``flashpoint batch`` on 1 and 2 local workers and on Ray, in one run.

Usage::

    python benchmarks/bench_scale.py [PATH ...] [--limit N] [--per-file N] [--fast] [--no-ray]

PATH defaults to the PTC training articles under ../shared/datasets when present, else
to ``samples/``. The articles are written as JSONL record files (``--per-file`` each)
to a temporary folder outside the repository, then each engine analyses them into its
own output folder. Prints, for bare spaCy ``nlp.pipe`` and each engine: articles/s,
words/s, the ratio to bare spaCy, the time to the first analysed article (from the
start of the run, workers starting included) and the peak RSS of each worker process
(VmHWM from /proc, sampled). Ratios are what to compare: on a shared, loaded machine
the absolute figures move from run to run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from flashpoint import nlp as backbone
from flashpoint.evaluation import default_datasets_dir
from flashpoint.ingest import read_paths
from flashpoint.model import Article
from flashpoint.pipeline import Pipeline
from flashpoint.runner import FAST_OPTIONS, build_pipeline
from flashpoint.scale import batch, local, ray_engine

ROOT = Path(__file__).resolve().parent.parent


class PeakRss:
    """Samples the peak RSS (VmHWM) of worker processes whose command line matches."""

    def __init__(self, markers: tuple[str, ...]) -> None:
        self.markers = markers
        self.peaks: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        me = os.getpid()
        while not self._stop.wait(0.3):
            for pid, cmd in _processes():
                if pid != me and any(m in cmd for m in self.markers) and _ours(pid, me):
                    hwm = _hwm_kib(pid)
                    if hwm:
                        self.peaks[pid] = max(self.peaks.get(pid, 0), hwm)

    def summary(self) -> str:
        """Peak RSS per worker in MiB (max over workers, and each)."""
        if not self.peaks:
            return "n/a"
        each = sorted(v // 1024 for v in self.peaks.values())
        return f"max {max(each)} MiB (workers: {', '.join(map(str, each))})"


def _processes() -> Iterator[tuple[int, str]]:
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                raw = Path(entry.path, "cmdline").read_bytes()
            except OSError:
                continue
            yield int(entry.name), raw.replace(b"\0", b" ").decode("utf-8", "replace")


def _ours(pid: int, me: int) -> bool:
    """A local worker of this process, or a Ray worker (the bench's Ray is the only one)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        cmd = Path(f"/proc/{pid}/cmdline").read_text(errors="replace")
    except OSError:
        return False
    return int(stat.rsplit(")", 1)[1].split()[1]) == me or "ray::" in cmd


def _hwm_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _corpus(paths: list[str], limit: int, per_file: int, folder: Path) -> list[Article]:
    articles = [a for a in read_paths(paths) if isinstance(a, Article)][:limit]
    for i in range(0, len(articles), per_file):
        lines = [json.dumps({"id": f"a{j}", "title": a.metadata.title, "text": a.text,
                             "published": a.metadata.published, "outlet": a.metadata.outlet})
                 for j, a in enumerate(articles[i:i + per_file], i)]
        (folder / f"part{i // per_file:05d}.jsonl").write_text("\n".join(lines) + "\n")
    return articles


def _line(name: str, seconds: float, n: int, words: int, base: float | None,
          first: float | None = None, rss: str = "") -> float:
    wps = words / seconds
    ratio = f"{base / wps:5.1f}x slower than bare spaCy" if base else "baseline"
    first_s = f", first article after {first:.1f} s" if first is not None else ""
    print(f"{name:<26} {n / seconds:7.2f} articles/s {wps:9.0f} words/s  ({ratio}{first_s})"
          + (f"; peak RSS per worker {rss}" if rss else ""), flush=True)
    return wps


def _steady(marks: list[tuple[float, int]], t0: float, elapsed: float) -> None:
    """When the first input file was written, and the run's time after it."""
    if marks:
        first = marks[0][0] - t0
        print(f"{'':<26} first file written after {first:.1f} s, the other "
              f"{len(marks) - 1} in the {elapsed - first:.1f} s after", flush=True)


def _first_article(pipeline_factory: Callable[[], Pipeline], articles: list[Article],
                   workers: int) -> float:
    """Seconds from starting a local run (workers included) to its first analysed article."""
    pipeline = pipeline_factory()
    t0 = time.perf_counter()
    it = local.run(pipeline, articles[:workers * pipeline.batch_size], workers)
    next(it)
    elapsed = time.perf_counter() - t0
    for _ in it:  # let the run finish cleanly
        pass
    return elapsed


def main() -> None:
    """Run every configuration on the same corpus and print one line each."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("paths", nargs="*")
    ap.add_argument("--limit", type=int, default=60)
    ap.add_argument("--per-file", type=int, default=5)
    ap.add_argument("--fast", action="store_true", help="analyze --fast options")
    ap.add_argument("--no-ray", action="store_true")
    args = ap.parse_args()
    ptc = default_datasets_dir() / "ptc2020" / "train-articles"
    paths = args.paths or ([str(ptc)] if ptc.is_dir() else [str(ROOT / "samples")])
    options = {k: dict(v) for k, v in FAST_OPTIONS.items()} if args.fast else {}

    def factory() -> Pipeline:
        return build_pipeline(None, options)

    with tempfile.TemporaryDirectory(prefix="bench_scale_") as tmp:
        inputs = Path(tmp, "in")
        inputs.mkdir()
        articles = _corpus(paths, args.limit, args.per_file, inputs)
        n, words = len(articles), sum(len(a.text.split()) for a in articles)
        print(f"{n} articles, {words} words, {len(list(inputs.iterdir()))} input files; "
              f"{'--fast' if args.fast else 'full pipeline'}; {os.cpu_count()} CPUs "
              f"(shared machine: compare ratios, not absolute figures)", flush=True)
        nlp = backbone.load()
        t0 = time.perf_counter()
        for _ in nlp.pipe(a.text for a in articles):
            pass
        base = _line("bare spaCy nlp.pipe", time.perf_counter() - t0, n, words, None)
        runs: list[tuple[str, batch.Engine, int]] = [("local, 1 worker", "local", 1),
                                                     ("local, 2 workers", "local", 2)]
        if not args.no_ray and ray_engine.available():
            runs.append(("ray local mode, 2 actors", "ray", 2))
        for name, engine, workers in runs:
            first = _first_article(factory, articles, workers) if engine == "local" else None
            out = Path(tmp, f"out-{engine}-{workers}")
            marks: list[tuple[float, int]] = []

            def mark(result: batch.UnitResult, marks: list[tuple[float, int]] = marks) -> None:
                marks.append((time.perf_counter(), len(result.articles)))

            with PeakRss(("multiprocessing.spawn", "ray::MapWorker")) as rss:
                t0 = time.perf_counter()
                stats = batch.run_batch([str(inputs)], out, factory(), engine=engine,
                                        workers=workers, on_unit=mark)
                elapsed = time.perf_counter() - t0
            assert stats.articles == n, (stats, n)
            _line(name, elapsed, n, words, base, first,
                  rss.summary() if workers > 1 else
                  f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MiB (this "
                  "process)")
            _steady(marks, t0, elapsed)


if __name__ == "__main__":
    main()
