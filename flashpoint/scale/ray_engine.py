"""The ``batch`` engine on Ray: ``ray.data`` reads units and analyses them in actors.

Units (input files) become rows of a dataset; a ``flat_map`` reads each unit where
Ray runs it (:func:`~flashpoint.scale.batch.read_unit`, the reader of the local
engine), emitting one row per article or problem and a last ``end`` row with the
unit's count. ``map_batches`` with the actor class :class:`Analyse` analyses the
article rows: each actor builds the parent's :class:`Pipeline` once (its models load
once per actor), ``compute`` bounds the actors, Ray Data's streaming executor
bounds the rows in flight. The driver collects the rows of each unit and hands the
unit over whole as soon as its ``end`` row and all its rows are in (any order).

Rows carry pickled articles and problems (Ray pickles rows anyway; pickle keeps
every field exactly, so records equal the local engine's); an actor returns each
analysed article as the parts it writes (:func:`~flashpoint.scale.batch.prepare`,
run in the actor), so the driver only assembles and writes them.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from .. import encoder, filecache
from ..errors import IngestError
from ..ingest import IngestLimits
from ..model import Article
from ..pipeline import Analyzer, Pipeline
from .batch import Finish, Prepared, Unit, UnitResult, read_unit

Row = dict[str, Any]
READ_CPUS = 0
"""CPUs a read task asks for: none, so the ``workers`` actors (one CPU each) can take every
CPU of a local Ray and reading still runs (reading is cheap next to analysis)."""
ACTORS_PER_READER = 8
"""Read tasks in flight: one per this many actors (at least one). A task that asks for no
CPU is otherwise not bounded by the scheduler: with 24 input files Ray started 20 worker
processes for them on two CPUs, each importing flashpoint, and the first file was written
after 88 s instead of about 10. One reader feeds many actors (reading an article takes a
few ms, analysing it about half a second)."""


def available() -> bool:
    """Whether ray (with ray.data) can be imported."""
    try:
        import ray.data  # noqa: F401
    except ImportError:
        return False
    return True


class Analyse:
    """A Ray actor: one pipeline, built once, analysing batches of article rows."""

    def __init__(self, analyzers: Sequence[Analyzer], options: Mapping[str, object],
                 batch_size: int, settings: encoder.EncoderSettings, workers: int,
                 finish: Finish) -> None:
        from . import local

        encoder.configure(settings)
        filecache.configure(settings.cache_dir)  # the same folder as the driver's
        if workers > 1:
            local.worker_limits()
        self.pipeline = Pipeline(analyzers, options=options, batch_size=batch_size)
        self.finish = finish

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        """Analyse the ``article`` rows of ``batch`` (each becomes its written parts);
        other rows pass through."""
        kinds = list(batch["kind"])
        payloads = list(batch["payload"])
        todo = [i for i, k in enumerate(kinds) if k == "article"]
        done = self.pipeline.run_batch([pickle.loads(payloads[i]) for i in todo])
        for i, article in zip(todo, done, strict=True):
            payloads[i] = pickle.dumps(self.finish(article))
        return {"unit": list(batch["unit"]), "idx": list(batch["idx"]), "kind": kinds,
                "payload": payloads}


def _read(limits: IngestLimits) -> Callable[[Row], list[Row]]:
    def read(row: Row) -> list[Row]:
        unit = Unit(row["path"], int(row["size"]), int(row["mtime_ns"]))
        out: list[Row] = []
        for i, item in enumerate(read_unit(unit, limits)):
            kind = "article" if isinstance(item, Article) else "problem"
            out.append({"unit": unit.path, "idx": i, "kind": kind, "payload": pickle.dumps(item)})
        out.append({"unit": unit.path, "idx": len(out), "kind": "end",
                    "payload": pickle.dumps(len(out))})
        return out
    return read


def engine(pipeline: Pipeline, workers: int, address: str | None, limits: IngestLimits,
           finish: Finish) -> Callable[[Sequence[Unit]], Iterator[UnitResult]]:
    """The engine: connects to Ray (``address``, or a local Ray) on first use."""
    def analyse(units: Sequence[Unit]) -> Iterator[UnitResult]:
        if not units:
            return
        import ray

        if not ray.is_initialized():
            if address:
                ray.init(address=address)
            else:
                ray.init(num_cpus=max(workers, 1), include_dashboard=False)
        yield from _run(pipeline, units, max(workers, 1), limits, finish)
    return analyse


def _run(pipeline: Pipeline, units: Sequence[Unit], workers: int, limits: IngestLimits,
         finish: Finish) -> Iterator[UnitResult]:
    import ray.data

    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = False
    items = [{"path": u.path, "size": u.size, "mtime_ns": u.mtime_ns} for u in units]
    ds: ray.data.Dataset = ray.data.from_items(items, override_num_blocks=len(units))
    readers = max(1, -(-workers // ACTORS_PER_READER))
    ds = ds.flat_map(_read(limits), num_cpus=READ_CPUS,
                     compute=ray.data.TaskPoolStrategy(size=readers))
    args = (pipeline.analyzers, pipeline.options, pipeline.batch_size, encoder.settings(),
            workers, finish)
    ds = ds.map_batches(Analyse, fn_constructor_args=args, batch_size=pipeline.batch_size,
                        compute=ray.data.ActorPoolStrategy(size=workers), num_cpus=1,
                        batch_format="numpy")
    by_path = {u.path: u for u in units}
    pending: dict[str, dict[int, Row]] = {}
    ends: dict[str, int] = {}
    for row in ds.iter_rows():
        path = str(row["unit"])
        rows = pending.setdefault(path, {})
        rows[int(row["idx"])] = row
        if row["kind"] == "end":
            ends[path] = pickle.loads(row["payload"])
        if path in ends and len(rows) == ends[path] + 1:
            yield _result(by_path[path], pending.pop(path))


def _result(unit: Unit, rows: dict[int, Row]) -> UnitResult:
    """The unit's articles and problems, in input order."""
    result = UnitResult(unit)
    for _, row in sorted(rows.items()):
        if row["kind"] == "end":
            continue
        item = pickle.loads(row["payload"])
        if isinstance(item, Prepared):
            result.articles.append(item)
        elif isinstance(item, IngestError):
            result.problems.append(item)
    return result
