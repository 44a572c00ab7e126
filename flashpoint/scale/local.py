"""Analyse articles in a pool of local worker processes, in input order.

Each worker builds its own :class:`~flashpoint.pipeline.Pipeline` (its own spaCy
pipeline) once, from the analyzers and the already checked options of the
parent's pipeline, and the encoder settings of the parent process; batches go
out in order and come back in order. At most ``2 * workers`` batches are in
flight, so memory stays bounded however many articles come in.

Workers die with their parent: when the run stops early (Ctrl-C, SIGTERM, an
output error, the consumer closing the generator) the parent terminates them
at once instead of letting them finish their queued batches, and each worker
watches its parent and exits within a second if the parent is gone, however
it died (SIGKILL included).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TYPE_CHECKING

from .. import encoder
from ..model import Article
from ..pipeline import Analyzer, Pipeline

if TYPE_CHECKING:
    from ..ingest import IngestLimits
    from .batch import Unit, UnitResult

_WORKER: Pipeline | None = None

WORKER_CACHE_BYTES = 64 * 2**20
"""Sentence-state cache of a worker process (one of several; the default is 256 MiB)."""


def run(pipeline: Pipeline, articles: Iterable[Article], workers: int) -> Iterator[Article]:
    """Analyse ``articles`` with ``pipeline`` over ``workers`` processes (in-process for 1)."""
    if workers <= 1:
        yield from pipeline.run(articles)
        return
    ctx = multiprocessing.get_context("spawn")
    initargs = (pipeline.analyzers, pipeline.options, pipeline.batch_size, encoder.settings())
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker,
                             initargs=initargs) as pool:
        try:
            pending: deque[Future[list[Article]]] = deque()
            for batch in pipeline.batches(articles):
                pending.append(pool.submit(_work, batch))
                if len(pending) >= 2 * workers:
                    yield from pending.popleft().result()
            while pending:
                yield from pending.popleft().result()
        except BaseException:
            _stop(pool)
            raise


def _stop(pool: ProcessPoolExecutor) -> None:
    """Terminate the workers now and drop the queued batches (their results are not wanted)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)


PARENT_POLL_S = 0.5
"""How often a worker checks that its parent is still alive."""


def _exit_with_parent(parent: int) -> None:
    """Exit this worker process as soon as ``parent`` is no longer its parent."""
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_S)
    os._exit(1)


def _init_worker(analyzers: Sequence[Analyzer], options: Mapping[str, object],
                 batch_size: int, settings: encoder.EncoderSettings) -> None:
    global _WORKER  # one pipeline per worker process, built once
    parent = multiprocessing.parent_process()
    if parent is not None and parent.pid is not None:
        threading.Thread(target=_exit_with_parent, args=(parent.pid,), daemon=True,
                         name="flashpoint-parent-watch").start()
    encoder.configure(settings)
    worker_limits()
    _WORKER = Pipeline(analyzers, options=options, batch_size=batch_size)


def worker_limits() -> None:
    """One BLAS/OpenMP thread and a smaller sentence-state cache: one worker of several."""
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    threadpool_limits(1)  # kept for the life of the process (not used as a context)
    encoder.SENTENCE_CACHE_BYTES = min(encoder.SENTENCE_CACHE_BYTES, WORKER_CACHE_BYTES)


def batch_engine(pipeline: Pipeline, workers: int, limits: IngestLimits
                 ) -> Callable[[Sequence[Unit]], Iterator[UnitResult]]:
    """The ``batch`` engine over local processes: units stream through :func:`run`."""
    def analyse(units: Sequence[Unit]) -> Iterator[UnitResult]:
        yield from _units(pipeline, units, workers, limits)
    return analyse


def _units(pipeline: Pipeline, units: Sequence[Unit], workers: int, limits: IngestLimits
           ) -> Iterator[UnitResult]:
    """Each unit whole, in order, as soon as its last article is analysed."""
    from .batch import UnitResult, read_unit

    open_units: deque[tuple[UnitResult, list[int]]] = deque()  # (result, [expected or -1])

    def articles() -> Iterator[Article]:
        for unit in units:
            entry = (UnitResult(unit), [-1])
            open_units.append(entry)
            n = 0
            for item in read_unit(unit, limits):
                if isinstance(item, Article):
                    n += 1
                    yield item
                else:
                    entry[0].problems.append(item)
            entry[1][0] = n

    def finished() -> Iterator[UnitResult]:
        while open_units and len(open_units[0][0].articles) == open_units[0][1][0]:
            yield open_units.popleft()[0]

    for article in run(pipeline, articles(), workers):
        yield from finished()
        open_units[0][0].articles.append(article)
    yield from finished()


def _work(batch: list[Article]) -> list[Article]:
    assert _WORKER is not None, "worker not initialised"
    return _WORKER.run_batch(batch)
