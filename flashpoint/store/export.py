"""Exporting stored analyses: JSONL records, or one Parquet/CSV table per entity.

JSONL holds one ``flashpoint.article/1`` record per line (what ``analyze``
writes, ``load`` reads back). Parquet and CSV write a folder with one file per
table in :data:`TABLES`, so DuckDB, pandas or Spark read them directly
(``SELECT * FROM 'out/events.parquet'``). Files are written under a temporary
name and renamed when complete: an interrupted export leaves no half file.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from ..errors import StoreError
from ..jsonio import dumps_article
from .db import Store
from .search import Filters, matching_ids

ExportFormat = Literal["jsonl", "parquet", "csv"]
TABLES = ("articles", "events", "quotes", "claims", "mentions", "actors")
"""Tables written by Parquet/CSV export (``articles`` without the ``analysis`` JSON)."""
_SKIP = {"articles": {"analysis"}}


def export(store: Store, fmt: ExportFormat, output: str | os.PathLike[str],
           filters: Filters | None = None) -> dict[str, int]:
    """Write the selected articles; returns rows written per table (``articles`` for JSONL)."""
    filters = filters or Filters()
    filters.check(store)
    out = Path(output)
    if fmt == "jsonl":
        return {"articles": _jsonl(store, out, filters)}
    if fmt not in ("parquet", "csv"):
        raise StoreError(f"export format {fmt!r} is not valid; expected jsonl, parquet or csv")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise StoreError(f"{out}: exists and is not an empty folder (parquet and csv exports "
                         "write one file per table into a new folder)")
    out.mkdir(parents=True, exist_ok=True)
    return {t: _table(store, t, fmt, out, filters) for t in TABLES}


def _tmp(path: Path) -> Path:
    return path.with_name(f".{path.name}.part")


def _jsonl(store: Store, out: Path, filters: Filters) -> int:
    tmp, n = _tmp(out), 0
    try:
        with tmp.open("w", encoding="utf-8") as fh:
            for article in store.iter_articles(matching_ids(store, filters)):
                fh.write(dumps_article(article))
                fh.write("\n")
                n += 1
        tmp.replace(out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise StoreError(f"cannot write {out}: {exc.strerror or exc}") from None
    return n


Columns = list[tuple[str, str]]


def _select(store: Store, table: str, filters: Filters) -> tuple[str, list[Any], Columns]:
    cols = [(n, t) for n, t in store.columns(table) if n not in _SKIP.get(table, ())]
    names = [n for n, _ in cols]
    where, params = filters.where()
    limit = f" LIMIT {int(filters.limit)}" if filters.limit is not None else ""
    ids = f"SELECT a.id FROM articles a WHERE {where} ORDER BY a.seq{limit}"
    key = "id" if table == "articles" else "article_id"
    sql = (f"SELECT {', '.join(names)} FROM {table} WHERE {key} IN ({ids})")
    return sql, params, cols


def _table(store: Store, table: str, fmt: str, folder: Path, filters: Filters) -> int:
    sql, params, cols = _select(store, table, filters)
    path = folder / f"{table}.{fmt}"
    tmp = _tmp(path)
    try:
        n = (_parquet if fmt == "parquet" else _csv)(store.query_batches(sql, params), cols, tmp)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise StoreError(f"cannot write {path}: {exc.strerror or exc}") from None
    return n


Batches = Iterator[tuple[list[str], list[tuple[Any, ...]]]]


def _csv(batches: Batches, cols: Columns, tmp: Path) -> int:
    n = 0
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([name for name, _ in cols])
        for _, rows in batches:
            writer.writerows(rows)
            n += len(rows)
    return n


def _parquet(batches: Batches, cols: Columns, tmp: Path) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrow = {"INTEGER": pa.int64(), "REAL": pa.float64(), "BLOB": pa.binary()}
    schema = pa.schema([(name, arrow.get(t.upper(), pa.string())) for name, t in cols])
    n = 0
    with pq.ParquetWriter(str(tmp), schema) as writer:
        for _, rows in batches:
            columns = list(zip(*rows, strict=True))
            writer.write_table(pa.Table.from_arrays(
                [pa.array(col, type=schema.field(i).type) for i, col in enumerate(columns)],
                schema=schema))
            n += len(rows)
    return n
