"""Throughput of ``flashpoint batch`` on 1 and 2 local workers and on Ray, in one run.

Usage::

    python benchmarks/bench_scale.py [PATH ...] [--limit N] [--per-file N] [--fast] [--no-ray]
                                     [--without-torch]

PATH defaults to the PTC training articles under ../shared/datasets when present, else
to ``samples/``. The articles are written as JSONL record files (``--per-file`` each)
to a temporary folder outside the repository, then each engine analyses them into its
own output folder. Prints, for bare spaCy ``nlp.pipe`` and each engine: articles/s,
words/s, the ratio to bare spaCy, the time to the first analysed article (local engine:
from the start of the run, workers starting included, and from the start of a fresh
``python`` process that imports flashpoint, builds the pipeline and runs
``analyze_paths``), the peak RSS of each worker process (VmHWM from /proc, sampled) and
its peak PSS (shared pages divided among the processes sharing them: forked workers
share the parent's loaded weights), and the load average. Ratios are what to compare:
on a shared, loaded machine the absolute figures move from run to run.

``--without-torch`` hides torch from every process of the run (the bench re-executes
itself with a ``sitecustomize`` that makes ``import torch`` fail), as in the run-time
install (``make install``), where torch is absent; a development venv with the training
extras has it, and spaCy's thinc then imports it in every process (seconds, about 200 MB).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import subprocess
import sys
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
        self.pss: dict[int, int] = {}
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
                    pss = _pss_kib(pid)
                    if pss:
                        self.pss[pid] = max(self.pss.get(pid, 0), pss)

    def summary(self, main: int) -> str:
        """Peak RSS and PSS in MiB of the run's process ``main`` and of each of its workers."""
        if main not in self.peaks:
            return "n/a"
        workers = sorted(v // 1024 for pid, v in self.peaks.items() if pid != main)
        pss = sorted(v // 1024 for pid, v in self.pss.items() if pid != main)
        out = (f"run process RSS {self.peaks[main] // 1024} MiB, "
               f"PSS {self.pss.get(main, 0) // 1024} MiB")
        if workers:
            out += (f"; workers RSS {', '.join(map(str, workers))} MiB, "
                    f"PSS {', '.join(map(str, pss))} MiB")
        return out


def _processes() -> Iterator[tuple[int, str]]:
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                raw = Path(entry.path, "cmdline").read_bytes()
            except OSError:
                continue
            yield int(entry.name), raw.replace(b"\0", b" ").decode("utf-8", "replace")


def _ours(pid: int, me: int) -> bool:
    """A descendant of this process (a run, its workers), or a Ray worker (the bench's Ray
    is the only one)."""
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_text(errors="replace")
        for _ in range(4):
            stat = Path(f"/proc/{pid}/stat").read_text()
            pid = int(stat.rsplit(")", 1)[1].split()[1])
            if pid == me:
                return True
    except OSError:
        return False
    return "ray::" in cmd


def _hwm_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cpu_seconds() -> float:
    """User + system CPU seconds of this process and of its children that have ended."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _load() -> str:
    return "load " + " ".join(f"{x:.1f}" for x in os.getloadavg())


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
          + (f"; peak per worker {rss}" if rss else "") + f" [{_load()}]", flush=True)
    return wps


def _first_article(pipeline_factory: Callable[[], Pipeline], articles: list[Article],
                   workers: int) -> float:
    """Seconds from starting a local run (workers included) to its first analysed article."""
    pipeline = pipeline_factory()
    t0 = time.perf_counter()
    it = local.run(pipeline, articles[:2 * workers], workers)
    next(it)
    elapsed = time.perf_counter() - t0
    it.close()  # stops the workers
    return elapsed


_FRESH = """
import os, sys, time
from flashpoint.runner import RunStats, analyze_paths, build_pipeline
pipeline = build_pipeline(None, {options!r})
next(analyze_paths([{folder!r}], pipeline, RunStats(), workers={workers}))
ticks = os.sysconf("SC_CLK_TCK")
start = int(open("/proc/self/stat").read().rsplit(")", 1)[1].split()[19]) / ticks
# the start time counts clock ticks since boot: compare it with the boot-time clock (btime in
# /proc/stat is whole seconds, which made this figure up to a second too long)
print(time.clock_gettime(time.CLOCK_BOOTTIME) - start)
os._exit(0)
"""


def _first_from_process_start(folder: Path, options: object, workers: int) -> float:
    """Seconds from a fresh ``python`` process's start (its imports included) to the first
    article of ``analyze_paths`` over ``folder`` with ``workers`` workers."""
    code = _FRESH.format(options=options, folder=str(folder), workers=workers)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    return float(out.stdout.strip().splitlines()[-1])


def without_torch() -> None:
    """Re-execute this bench with torch hidden from it and every process it starts."""
    if os.environ.get("FLASHPOINT_BENCH_NO_TORCH") == "1":
        return
    folder = Path(tempfile.gettempdir(), f"flashpoint-bench-no-torch-{os.getuid()}")
    folder.mkdir(exist_ok=True)
    (folder / "sitecustomize.py").write_text(
        "import importlib.abc, sys\n"
        "class _NoTorch(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'torch' or name.startswith('torch.'):\n"
        "            raise ImportError('torch hidden by the benchmark (--without-torch)')\n"
        "sys.meta_path.insert(0, _NoTorch())\n")
    env = dict(os.environ, FLASHPOINT_BENCH_NO_TORCH="1",
               PYTHONPATH=os.pathsep.join(filter(None, [str(folder),
                                                        os.environ.get("PYTHONPATH")])))
    os.execve(sys.executable, [sys.executable, *sys.argv], env)


def main() -> None:
    """Run every configuration on the same corpus and print one line each."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("paths", nargs="*")
    ap.add_argument("--limit", type=int, default=60)
    ap.add_argument("--per-file", type=int, default=5)
    ap.add_argument("--fast", action="store_true", help="analyze --fast options")
    ap.add_argument("--no-ray", action="store_true")
    ap.add_argument("--without-torch", action="store_true",
                    help="hide torch from every process, as in the run-time install")
    ap.add_argument("--child", help=argparse.SUPPRESS)  # engine workers inputs out
    args = ap.parse_args()
    if args.child:
        child(args.child, int(args.paths[0]), args.paths[1], args.paths[2], args.fast)
        return
    if args.without_torch:
        without_torch()
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
              f"(shared machine: compare ratios, not absolute figures); "
              f"torch {'hidden' if _torch_hidden() else 'importable'}"
              f"; {_load()}", flush=True)
        nlp = backbone.bare()
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in nlp.pipe(a.text for a in articles):
            pass
        base = _line("bare spaCy nlp.pipe", time.perf_counter() - t0, n, words, None)
        base_cpu = time.process_time() - c0
        print(f"{'':<26} CPU {base_cpu:.1f} s, {base_cpu / n:.2f} s per article", flush=True)
        runs: list[tuple[str, batch.Engine, int]] = [("local, 1 worker", "local", 1),
                                                     ("local, 2 workers", "local", 2)]
        if not args.no_ray and ray_engine.available():
            runs.append(("ray local mode, 2 actors", "ray", 2))
        for name, engine, workers in runs:
            first = _first_article(factory, articles, workers) if engine == "local" else None
            if engine == "local":
                fresh = _first_from_process_start(inputs, options, workers)
                print(f"{'':<26} first article {fresh:.1f} s after a fresh process started "
                      f"(imports, models, {workers} worker(s)) [{_load()}]", flush=True)
            out = Path(tmp, f"out-{engine}-{workers}")
            with PeakRss(("bench_scale", "ray::MapWorker", "multiprocessing.spawn")) as rss:
                proc = subprocess.Popen(
                    [sys.executable, __file__, "--child", engine, str(workers), str(inputs),
                     str(out), *(["--fast"] if args.fast else [])],
                    stdout=subprocess.PIPE, text=True)
                stdout, _ = proc.communicate()
            if proc.returncode:
                raise SystemExit(f"{name}: the run failed (exit {proc.returncode})")
            # the last JSON line: Ray's raylet may print warnings after it
            got = json.loads([ln for ln in stdout.splitlines() if ln.startswith("{")][-1])
            assert got["articles"] == n, (got, n)
            elapsed, cpu = got["elapsed"], got["cpu"]
            _line(name, elapsed, n, words, base, first, rss.summary(proc.pid))
            if engine == "local":
                print(f"{'':<26} CPU {cpu:.1f} s in all (the run's process and its workers), "
                      f"{cpu / n:.2f} s per article ({cpu / base_cpu:.2f}x bare spaCy's CPU); "
                      f"on average {cpu / elapsed:.2f} CPUs busy for {workers} worker(s)",
                      flush=True)
            if got["first_file"] is not None:
                print(f"{'':<26} first file written after {got['first_file']:.1f} s, the "
                      f"other {got['files'] - 1} in the {elapsed - got['first_file']:.1f} s "
                      "after", flush=True)


def child(engine: batch.Engine, workers: int, inputs: str, out: str, fast: bool) -> None:
    """One engine's run in this fresh process (as the CLI runs it); prints a JSON line."""
    options = {k: dict(v) for k, v in FAST_OPTIONS.items()} if fast else {}
    pipeline = build_pipeline(None, options)
    marks: list[float] = []
    cpu0 = _cpu_seconds()
    t0 = time.perf_counter()
    stats = batch.run_batch([inputs], Path(out), pipeline, engine=engine, workers=workers,
                            on_unit=lambda result: marks.append(time.perf_counter() - t0))
    elapsed = time.perf_counter() - t0
    print(json.dumps({"articles": stats.articles, "elapsed": elapsed,
                      "cpu": _cpu_seconds() - cpu0, "files": len(marks),
                      "first_file": marks[0] if marks else None}), flush=True)


def _torch_hidden() -> bool:
    """Whether torch is hidden (``--without-torch``) or not installed (not imported here)."""
    if os.environ.get("FLASHPOINT_BENCH_NO_TORCH") == "1":
        return True
    return importlib.util.find_spec("torch") is None


if __name__ == "__main__":
    main()
