"""Analyse articles in a pool of local worker processes, in input order.

Where the platform can fork (Linux), the parent analyses the first article itself
(which loads spaCy, the MiniLM weights and its quantised graph and the heads) and hands
it out at once, analyses a short built-in text (:data:`WARM_UP_TEXT`, for any model the
first article did not need) and then forks the workers, which inherit the loaded
pipeline copy-on-write: a worker is ready at once instead of importing and loading
everything itself (seconds), and the read-only weights are shared between processes.
Each worker makes its own onnxruntime session from the inherited graph
(:meth:`flashpoint.encoder.onnx.OnnxLayers.session`). Elsewhere (``spawn``) each
worker builds its own :class:`~flashpoint.pipeline.Pipeline` once, from the
analyzers and the checked options of the parent's pipeline and the parent's
encoder settings.

Articles go out in small tasks (one article for each worker's first task, then
:data:`CHUNK`), so that no worker waits long for its first result and
no worker idles at the end of the input; results come back in input order, each
as soon as it and those before it are done. At most :data:`IN_FLIGHT` tasks per
worker are in flight, so memory stays bounded however many articles come in.
Each worker uses one BLAS/OpenMP thread (:func:`worker_limits`).

Workers die with their parent: when the run stops early (Ctrl-C, SIGTERM, an
output error, the consumer closing the generator) the parent terminates them
at once instead of letting them finish their queued batches, and each worker
watches its parent and exits within a second if the parent is gone, however
it died (SIGKILL included).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import chain, islice
from typing import TYPE_CHECKING, TypeVar

from .. import encoder, filecache
from ..model import Article
from ..pipeline import Analyzer, Pipeline

if TYPE_CHECKING:
    from ..ingest import IngestLimits
    from .batch import Finish, Unit, UnitResult

T = TypeVar("T")
_WORKER: Pipeline | None = None

WORKER_CACHE_BYTES = 64 * 2**20
"""Sentence-state cache of a worker process (one of several; the default is 256 MiB)."""


CHUNK = 2
"""Articles per task after each worker's first (which takes one)."""
IN_FLIGHT = 4
"""Tasks in flight per worker: enough that a worker never waits for the parent."""
WARM_UP_TEXT = (
    "Officials in Kyiv said on Monday that Russian forces had shelled the port of Odesa "
    "again. \"We will not accept this,\" the foreign minister told reporters in Warsaw. "
    "NATO allies condemned the attack and promised more air defence systems, while "
    "Moscow claimed the strikes hit military targets.")
"""Analysed by the parent before it forks the workers (after the first article, which loads
most models), so that they inherit every model loaded."""


def run(pipeline: Pipeline, articles: Iterable[Article], workers: int,
        start_method: str | None = None) -> Generator[Article, None, None]:
    """Analyse ``articles`` with ``pipeline`` over ``workers`` processes (in-process for 1).

    ``start_method`` is ``"fork"`` (the default where available) or ``"spawn"``.
    """
    yield from run_then(pipeline, articles, workers, _same, start_method)


def run_then(pipeline: Pipeline, articles: Iterable[Article], workers: int,
             finish: Callable[[Article], T], start_method: str | None = None
             ) -> Generator[T, None, None]:
    """As :func:`run`, yielding ``finish(article)`` computed in the worker that analysed it.

    ``finish`` (picklable: a module-level function or a :func:`functools.partial` of one)
    moves per-article work such as serialising out of the parent, which would otherwise
    do it for every worker.
    """
    it = iter(articles)
    if workers <= 1:  # the first article alone, so that its result comes out at once
        yield from map(finish, pipeline.run(islice(it, 1)))
        yield from map(finish, pipeline.run(it))
        return
    method = start_method or default_start_method()
    first = list(islice(it, 1))
    if not first:  # no input: no pool, no warm-up
        return
    if method == "fork":  # loads the models the workers inherit; its result comes out at once
        yield from map(finish, pipeline.run_batch(first))
    else:
        it = chain(first, it)
    with _pool(pipeline, workers, method) as pool:
        try:
            pending: deque[Future[list[T]]] = deque()
            for chunk in _chunks(it, workers):
                pending.append(pool.submit(_work, chunk, finish))
                while pending and (pending[0].done() or len(pending) >= IN_FLIGHT * workers):
                    yield from pending.popleft().result()
            while pending:
                yield from pending.popleft().result()
        except BaseException:
            _stop(pool)
            raise


def default_start_method() -> str:
    """``fork`` where the platform has it (workers inherit the loaded models), else ``spawn``."""
    return "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"


def _chunks(articles: Iterable[Article], workers: int) -> Iterator[list[Article]]:
    """One article for each worker's first task, then :data:`CHUNK` at a time."""
    it = iter(articles)
    for _ in range(workers):
        first = list(islice(it, 1))
        if not first:
            return
        yield first
    yield from iter(lambda: list(islice(it, CHUNK)), [])


def _pool(pipeline: Pipeline, workers: int, start_method: str) -> ProcessPoolExecutor:
    """The worker processes: forked from a warmed-up parent, or spawned and built anew."""
    ctx = multiprocessing.get_context(start_method)
    if start_method == "fork":
        warm_up(pipeline)
        gc.freeze()  # the loaded models' objects: never scanned, so never copied, by the GC
        # with fork the initializer's arguments are inherited, not pickled
        return ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_forked,
                                   initargs=(pipeline,))
    initargs = (pipeline.analyzers, pipeline.options, pipeline.batch_size, encoder.settings())
    return ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker,
                               initargs=initargs)


def warm_up(pipeline: Pipeline) -> None:
    """Load what ``pipeline`` loads lazily (spaCy, encoder, heads) by analysing a short text."""
    pipeline.run_batch([Article(text=WARM_UP_TEXT, source="<warm-up>")])


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


def _watch_parent() -> None:
    parent = multiprocessing.parent_process()
    if parent is not None and parent.pid is not None:
        threading.Thread(target=_exit_with_parent, args=(parent.pid,), daemon=True,
                         name="flashpoint-parent-watch").start()


def _init_forked(pipeline: Pipeline) -> None:
    """A forked worker: the parent's warmed-up pipeline, inherited.

    The parent's signal handlers are dropped (the CLI turns SIGTERM into an interrupt):
    a worker stops quietly when the parent terminates it, as a spawned one does.
    """
    global _WORKER  # one pipeline per worker process
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    _watch_parent()
    worker_limits()
    _WORKER = pipeline


def _init_worker(analyzers: Sequence[Analyzer], options: Mapping[str, object],
                 batch_size: int, settings: encoder.EncoderSettings) -> None:
    """A spawned worker: builds its pipeline once from the parent's analyzers and options."""
    global _WORKER  # one pipeline per worker process, built once
    _watch_parent()
    encoder.configure(settings)
    filecache.configure(settings.cache_dir)  # the same folder as the parent's
    worker_limits()
    _WORKER = Pipeline(analyzers, options=options, batch_size=batch_size)


def worker_limits() -> None:
    """One BLAS/OpenMP thread and a smaller sentence-state cache: one worker of several."""
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    threadpool_limits(1)  # kept for the life of the process (not used as a context)
    encoder.SENTENCE_CACHE_BYTES = min(encoder.SENTENCE_CACHE_BYTES, WORKER_CACHE_BYTES)


def batch_engine(pipeline: Pipeline, workers: int, limits: IngestLimits, finish: Finish
                 ) -> Callable[[Sequence[Unit]], Iterator[UnitResult]]:
    """The ``batch`` engine over local processes: units stream through :func:`run_then`."""
    def analyse(units: Sequence[Unit]) -> Iterator[UnitResult]:
        yield from _units(pipeline, units, workers, limits, finish)
    return analyse


def _units(pipeline: Pipeline, units: Sequence[Unit], workers: int, limits: IngestLimits,
           finish: Finish) -> Iterator[UnitResult]:
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

    for prepared in run_then(pipeline, articles(), workers, finish):
        yield from finished()
        open_units[0][0].articles.append(prepared)
    yield from finished()


def _same(article: Article) -> Article:
    return article


def _work(batch: list[Article], finish: Callable[[Article], T]) -> list[T]:
    assert _WORKER is not None, "worker not initialised"
    return [finish(a) for a in _WORKER.run_batch(batch)]
