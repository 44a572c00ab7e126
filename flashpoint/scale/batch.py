"""``flashpoint batch``: analyse many inputs into a Parquet dataset, resumably, on an engine.

Layout of an output folder ``DIR`` (see docs/scale.md)::

    DIR/published_month=YYYY-MM/part-<unit>.parquet   records (published_month=undated too)
    DIR/_tables/<table>/part-<unit>.parquet            flat tables (store's rows, no store)
    DIR/_errors/part-<unit>.parquet                    input problems and analyzer failures
    DIR/_done.jsonl                                    journal: one line per finished unit
    DIR/manifest.json                                  inputs, counts, errors (end of a run)

A *unit* is one input file (a directory is expanded into its files). Its parts are
written under a temporary name and renamed, then one journal line marks it done; a
rerun skips the units in the journal (same path, size and mtime) and rewrites the
parts of any unit it redoes, so every record is written exactly once however the run
was stopped. Records are ``flashpoint.article/1`` JSON text in the column ``record``,
next to ``id``, ``published``, ``outlet`` and ``source`` columns.

Both engines (:mod:`.local`, :mod:`.ray_engine`) run the one :class:`Pipeline` the CLI
builds and read units with :func:`read_unit`; only where the work runs differs.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Literal

from ..errors import IngestError, InputWarning, MalformedRecord
from ..ingest import DEFAULT_LIMITS, IngestLimits, display_name, iter_files, read_bytes, read_paths
from ..jsonio import dumps, dumps_article
from ..model import Article
from ..pipeline import Pipeline
from ..store.rows import article_rows, normalize_published
from ..store.schema import table_columns

Engine = Literal["local", "ray"]
SCHEMA = "flashpoint.batch/1"
FLAT_TABLES = ("articles", "events", "quotes", "claims", "mentions", "actors")
MAX_MANIFEST_ERRORS = 1000
"""The manifest lists at most this many errors; ``_errors/`` holds all of them."""


@dataclass(frozen=True, slots=True)
class Unit:
    """One input file: what is read, written and resumed as a whole."""

    path: str
    size: int
    mtime_ns: int

    @property
    def key(self) -> str:
        """Stable part-file name of this unit (a hash of its path)."""
        return hashlib.sha1(self.path.encode("utf-8", "surrogateescape")).hexdigest()[:16]

    def journal(self) -> dict[str, Any]:
        """What the journal remembers of this unit (a changed file is redone)."""
        return {"path": self.path, "size": self.size, "mtime_ns": self.mtime_ns}


@dataclass(frozen=True, slots=True)
class Prepared:
    """What one analysed article writes, built where it was analysed (:func:`prepare`).

    Engines run :func:`prepare` in their workers, so the process that writes the
    output only assembles and writes rows: with several workers it would otherwise
    serialise every article itself and become the bottleneck.
    """

    month: str
    record: tuple[Any, ...]
    """The record row, in the order of :data:`RECORD_COLUMNS`: id, published, outlet, source,
    record."""
    tables: dict[str, list[tuple[Any, ...]]]
    """Rows of each of :data:`FLAT_TABLES`, in the order of :data:`TABLE_COLUMNS`."""
    failures: tuple[tuple[str, str], ...] = ()
    """``(code, "analyzer: message")`` of each analyzer failure."""

    @property
    def id(self) -> str:
        return str(self.record[0])

    @property
    def source(self) -> str:
        return str(self.record[3])


@dataclass(slots=True)
class UnitResult:
    """The analysed articles and the problems of one unit, in input order."""

    unit: Unit
    articles: list[Prepared] = field(default_factory=list)
    problems: list[IngestError] = field(default_factory=list)


@dataclass(slots=True)
class BatchStats:
    """Counts of one ``batch`` run (this run's work plus what the journal had done)."""

    units: int = 0
    skipped: int = 0
    articles: int = 0
    input_errors: int = 0
    input_warnings: int = 0
    analyzer_failures: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def add(self, result: UnitResult, rows: list[dict[str, Any]]) -> None:
        """Count one written unit (its error rows go to the manifest, up to a limit)."""
        self.units += 1
        self.articles += len(result.articles)
        for p in result.problems:
            if isinstance(p, InputWarning):
                self.input_warnings += 1
            else:
                self.input_errors += 1
        self.analyzer_failures += sum(len(a.failures) for a in result.articles)
        room = MAX_MANIFEST_ERRORS - len(self.errors)
        self.errors.extend(rows[:max(room, 0)])

    @property
    def exit_code(self) -> int:
        """0 all good; 3 written but something failed; 1 nothing could be analysed."""
        if self.articles == 0 and self.input_errors and not self.skipped:
            return 1
        return 3 if self.input_errors or self.analyzer_failures else 0


# --- units -----------------------------------------------------------------------------


def plan_units(inputs: Sequence[str]) -> tuple[list[Unit], list[IngestError]]:
    """The files of ``inputs`` (directories expanded, sorted), and the inputs that are not."""
    units: list[Unit] = []
    problems: list[IngestError] = []
    for p in inputs:
        path = Path(p)
        files = list(iter_files(path)) if path.is_dir() else [path]
        if not files or not all(f.exists() for f in files):
            problems.extend(i for i in read_paths([p]) if isinstance(i, IngestError))
            files = [f for f in files if f.exists()]
        for f in files:
            st = f.stat()
            units.append(Unit(str(f), st.st_size, st.st_mtime_ns))
    return units, problems


def read_unit(unit: Unit, limits: IngestLimits = DEFAULT_LIMITS
              ) -> Iterator[Article | IngestError]:
    """Articles and problems of one unit: any input ``analyze`` reads, or a Parquet table."""
    if unit.path.lower().endswith(".parquet"):
        yield from _read_parquet(Path(unit.path), limits)
    else:
        yield from read_paths([unit.path], limits=limits)


def _read_parquet(path: Path, limits: IngestLimits) -> Iterator[Article | IngestError]:
    """A Parquet table of records (id, title, text, url, published, outlet) read as JSONL."""
    import pyarrow.parquet as pq

    name = display_name(path)
    try:
        table = pq.read_table(path)
    except (OSError, ValueError) as exc:  # pyarrow's errors are both
        yield MalformedRecord(name, f"not a readable Parquet table: {exc}")
        return
    if "text" not in table.column_names:
        yield MalformedRecord(name, f"Parquet table has no 'text' column (columns: "
                                    f"{', '.join(table.column_names)})")
        return
    lines = (dumps({k: _plain(v) for k, v in row.items()}) for row in table.to_pylist())
    data = "\n".join(lines).encode("utf-8")
    yield from read_bytes(data, name, fmt="jsonl", limits=limits)


def _plain(value: Any) -> Any:
    """A Parquet cell as a JSON value (dates and times as ISO text)."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


# --- output ----------------------------------------------------------------------------


def month_of(article: Article) -> str:
    """``YYYY-MM`` of the article's publication date (UTC), or ``undated``."""
    published, day = normalize_published(article.metadata.published)
    return day[:7] if published and day else "undated"


def _columns() -> dict[str, list[tuple[str, str]]]:
    """``(name, SQL type)`` of the store's flat tables (the store is the one source), less
    its internal ``seq`` and the full ``analysis`` JSON."""
    columns = table_columns()
    return {t: [(n, typ or "TEXT") for n, typ in columns[t] if n not in ("seq", "analysis")]
            for t in FLAT_TABLES}


TABLE_COLUMNS = _columns()


class Writer:
    """Writes finished units into ``out`` atomically and journals them."""

    def __init__(self, out: Path) -> None:
        self.out = out
        out.mkdir(parents=True, exist_ok=True)

    def done(self) -> dict[str, dict[str, Any]]:
        """Journal entries of the units already written (a torn last line is ignored)."""
        path = self.out / "_done.jsonl"
        if not path.exists():
            return {}
        entries: dict[str, dict[str, Any]] = {}
        for line in path.read_text(encoding="utf-8").split("\n"):
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            entries[entry["path"]] = entry
        return entries

    def write(self, result: UnitResult) -> list[dict[str, Any]]:
        """Write one unit's parts, then journal it; returns its error rows."""
        key = result.unit.key
        for old in self.out.glob(f"*/part-{key}.parquet"):
            old.unlink()  # a unit redone after a kill: its parts are written again
        by_month: dict[str, list[tuple[Any, ...]]] = {}
        for a in result.articles:
            by_month.setdefault(a.month, []).append(a.record)
        for month, records in sorted(by_month.items()):
            _write_parquet(self.out / f"published_month={month}" / f"part-{key}.parquet",
                           records, _text_columns(RECORD_COLUMNS))
        for table, columns in TABLE_COLUMNS.items():
            rows = [row for a in result.articles for row in a.tables[table]]
            _write_parquet(self.out / "_tables" / table / f"part-{key}.parquet", rows, columns)
        errors = _error_rows(result)
        _write_parquet(self.out / "_errors" / f"part-{key}.parquet",
                       [tuple(e[n] for n in ERROR_COLUMNS) for e in errors],
                       _text_columns(ERROR_COLUMNS))
        entry = {**result.unit.journal(), "articles": len(result.articles), "errors": len(errors)}
        with (self.out / "_done.jsonl").open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        return errors



ERROR_COLUMNS = ("input", "source", "kind", "code", "message", "article_id")
RECORD_COLUMNS = ("id", "published", "outlet", "source", "record")


def prepare(article: Article, started: str) -> Prepared:
    """The record and flat-table rows of one analysed ``article`` (``started``: the run's
    start, the rows' ``ingested_at``)."""
    rows = article_rows(article, source=article.source, cluster_id=article.id,
                        ingested_at=started, version=_version(), text_changed_from=None,
                        analysis=False)
    head = tuple(rows.article.get(n) for n, _ in TABLE_COLUMNS["articles"])
    tables = {"articles": [head], **{t: list(getattr(rows, t)) for t in FLAT_TABLES[1:]}}
    m = article.metadata
    record = (article.id, m.published, m.outlet, article.source, dumps_article(article))
    failures = tuple((f.code, f"{f.analyzer}: {f.message}") for f in article.failures)
    return Prepared(month_of(article), record, tables, failures)


def _text_columns(names: Sequence[str]) -> list[tuple[str, str]]:
    return [(n, "TEXT") for n in names]


def _error_rows(result: UnitResult) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for p in result.problems:
        kind = "input_warning" if isinstance(p, InputWarning) else "input"
        rows.append({"input": result.unit.path, "source": p.source, "kind": kind,
                     "code": p.code, "message": p.message, "article_id": None})
    for a in result.articles:
        rows.extend({"input": result.unit.path, "source": a.source, "kind": "analyzer",
                     "code": code, "message": message, "article_id": a.id}
                    for code, message in a.failures)
    return rows


def _write_parquet(path: Path, rows: Sequence[Sequence[Any]], columns: list[tuple[str, str]]
                   ) -> None:
    """Write ``rows`` to ``path`` under a temporary name, then rename (never half a file).

    ``columns`` are ``(name, SQL type)``: INTEGER, REAL or TEXT, as in the store; each row
    holds one value per column, in their order.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrow = {"INTEGER": pa.int64(), "REAL": pa.float64()}
    table = pa.table({n: pa.array([_cell(r[i], t) for r in rows],
                                  type=arrow.get(t, pa.string()))
                      for i, (n, t) in enumerate(columns)})
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.part")
    pq.write_table(table, tmp)
    tmp.replace(path)


def _cell(value: Any, sql_type: str) -> Any:
    """A value as its column's type, as SQLite would keep it (bools as 0/1, JSON as text)."""
    if isinstance(value, bool) and sql_type in ("INTEGER", "REAL"):
        return int(value)
    if sql_type == "TEXT" and value is not None and not isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return value


@functools.lru_cache(maxsize=1)
def _version() -> str:
    """The installed flashpoint version (as the store records it)."""
    try:
        return version("flashpoint")
    except PackageNotFoundError:  # a source tree without metadata
        return "0+unknown"


# --- the run ---------------------------------------------------------------------------

Analyse = Callable[[Sequence[Unit]], Iterator[UnitResult]]
"""An engine: analysed units (each whole) from units, in any order."""
Finish = Callable[[Article], Prepared]
"""What an engine's workers make of each analysed article (a picklable :func:`prepare`)."""


def run_batch(inputs: Sequence[str], out: str | os.PathLike[str], pipeline: Pipeline, *,
              engine: Engine = "local", workers: int = 1, address: str | None = None,
              limits: IngestLimits = DEFAULT_LIMITS,
              on_unit: Callable[[UnitResult], None] = lambda r: None) -> BatchStats:
    """Analyse ``inputs`` into ``out`` (see the module docstring); resumes a stopped run."""
    started = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    writer = Writer(Path(out))
    units, problems = plan_units(inputs)
    done = writer.done()
    finished = [u for u in units if _is_done(done.get(u.path), u)]
    skip = {u.path for u in finished}
    todo = [u for u in units if u.path not in skip]
    stats = BatchStats(skipped=len(finished))
    stats.articles += sum(int(done[u.path].get("articles", 0)) for u in finished)
    stats.input_errors += len(problems)
    stats.errors.extend({"input": p.source, "source": p.source, "kind": "input",
                         "code": p.code, "message": p.message, "article_id": None}
                        for p in problems)
    t0 = time.monotonic()
    finish = functools.partial(prepare, started=started)  # runs in the workers
    for result in _engine(engine, pipeline, workers, address, limits, finish)(todo):
        stats.add(result, writer.write(result))
        on_unit(result)
    _write_manifest(writer.out, inputs, units, stats, engine, started, time.monotonic() - t0)
    return stats


def _is_done(entry: dict[str, Any] | None, unit: Unit) -> bool:
    """Whether the journal ``entry`` says ``unit`` is written (and the file is unchanged)."""
    return entry is not None and all(entry.get(k) == v for k, v in unit.journal().items())


def _engine(engine: Engine, pipeline: Pipeline, workers: int, address: str | None,
            limits: IngestLimits, finish: Finish) -> Analyse:
    if engine == "ray":
        from . import ray_engine

        return ray_engine.engine(pipeline, workers, address, limits, finish)
    if engine == "local":
        from . import local

        return local.batch_engine(pipeline, workers, limits, finish)
    raise ValueError(f"engine {engine!r} is not known; expected local or ray")


def _write_manifest(out: Path, inputs: Sequence[str], units: Sequence[Unit], stats: BatchStats,
                    engine: str, started: str, seconds: float) -> None:
    manifest = {
        "schema": SCHEMA, "engine": engine, "started": started, "seconds": round(seconds, 3),
        "inputs": list(inputs), "units": len(units), "units_written": stats.units,
        "units_skipped": stats.skipped,
        "counts": {"articles": stats.articles, "input_errors": stats.input_errors,
                   "input_warnings": stats.input_warnings,
                   "analyzer_failures": stats.analyzer_failures},
        "records": "published_month=*/part-*.parquet (column record: flashpoint.article/1)",
        "tables": {t: f"_tables/{t}/part-*.parquet" for t in FLAT_TABLES},
        "errors_table": "_errors/part-*.parquet",
        "errors": stats.errors,
    }
    tmp = out / ".manifest.json.part"
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    tmp.replace(out / "manifest.json")


def iter_records(out: str | os.PathLike[str]) -> Iterator[str]:
    """The ``flashpoint.article/1`` JSON texts of a batch output folder (``load DIR``)."""
    import pyarrow.parquet as pq

    for part in sorted(Path(out).glob("published_month=*/part-*.parquet")):
        yield from pq.read_table(part, columns=["record"]).column("record").to_pylist()
