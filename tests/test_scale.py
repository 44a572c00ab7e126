"""``flashpoint batch``: the local and Ray engines, errors recorded, resume after a kill."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from flashpoint.pipeline import AnalysisInput, Analyzer, Pipeline
from flashpoint.runner import build_pipeline
from flashpoint.scale import batch as scale_batch
from flashpoint.scale import ray_engine

FLASHPOINT = str(Path(sys.executable).with_name("flashpoint"))


def _records(out: Path) -> dict[str, dict[str, Any]]:
    """Every record of a batch output folder by id; fails on a duplicate id."""
    found: dict[str, dict[str, Any]] = {}
    for text in scale_batch.iter_records(out):
        record = json.loads(text)
        assert record["id"] not in found, f"record {record['id']} written twice"
        found[record["id"]] = record
    return found


def _write_inputs(folder: Path, n_files: int, per_file: int) -> list[str]:
    """JSONL record files with dated and undated articles (our own texts)."""
    folder.mkdir(parents=True, exist_ok=True)
    for f in range(n_files):
        lines = []
        for i in range(per_file):
            rec = {"id": f"f{f}-{i}", "title": f"Report {f}-{i}", "outlet": "Test Wire",
                   "text": f"Officials in Kyiv met envoys from Warsaw on day {i}. "
                           f"They discussed grain transit number {f}. Talks continue.",
                   "url": f"https://example.org/{f}/{i}"}
            if i % 3:
                rec["published"] = f"2024-{(i % 12) + 1:02d}-05"
            lines.append(json.dumps(rec))
        (folder / f"part{f:02d}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [str(folder)]


def test_local_engine_writes_partitions_tables_and_manifest(tmp_path: Path) -> None:
    inputs = _write_inputs(tmp_path / "in", 2, 5)
    out = tmp_path / "out"
    stats = scale_batch.run_batch(inputs, out, build_pipeline(["sentences"]))
    assert stats.articles == 10 and stats.exit_code == 0
    months = sorted(p.name for p in out.glob("published_month=*"))
    assert "published_month=undated" in months and "published_month=2024-02" in months
    records = _records(out)
    assert len(records) == 10
    for part in out.glob("published_month=*/part-*.parquet"):
        month = part.parent.name.split("=", 1)[1]
        for published in pq.read_table(part).column("published").to_pylist():
            assert (published or "undated")[:7] == month
    articles = pq.read_table(out / "_tables" / "articles").to_pylist()
    assert {a["id"] for a in articles} == set(records)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"]["articles"] == 10 and manifest["units"] == 2


def test_rerun_skips_finished_inputs(tmp_path: Path) -> None:
    inputs = _write_inputs(tmp_path / "in", 2, 2)
    out = tmp_path / "out"
    scale_batch.run_batch(inputs, out, build_pipeline(["sentences"]))
    again = scale_batch.run_batch(inputs, out, build_pipeline(["sentences"]))
    assert again.units == 0 and again.skipped == 2 and again.articles == 4
    assert len(_records(out)) == 4


def test_bad_input_and_failing_analyzer_are_recorded(tmp_path: Path) -> None:
    inputs = _write_inputs(tmp_path / "in", 1, 2)
    bad = tmp_path / "in" / "broken.jsonl"
    bad.write_text('{"id": "x", "text": ""}\nnot json\n', encoding="utf-8")

    def boom(inp: AnalysisInput) -> Mapping[str, Any]:
        raise RuntimeError("kaput")

    failing = Analyzer(name="boom.v1", func=boom, produces=("genre",), languages=None)
    pipeline = Pipeline([*build_pipeline(["sentences"]).analyzers, failing])
    out = tmp_path / "out"
    stats = scale_batch.run_batch([*inputs, str(tmp_path / "missing.txt")], out, pipeline)
    assert stats.articles == 2 and stats.exit_code == 3
    assert stats.analyzer_failures == 2 and stats.input_errors >= 3
    errors = pq.read_table(out / "_errors").to_pylist()
    assert sum(e["kind"] == "analyzer" and "kaput" in e["message"] for e in errors) == 2
    assert any(e["kind"] == "input" and e["input"].endswith("broken.jsonl") for e in errors)
    manifest = json.loads((out / "manifest.json").read_text())
    assert any("missing.txt" in e["input"] for e in manifest["errors"])
    assert all(r["failures"] for r in _records(out).values())


def test_parquet_table_input(tmp_path: Path) -> None:
    import pyarrow as pa

    table = pa.table({"id": ["a", "b"], "title": ["A", "B"],
                      "text": ["Rome said no to Paris.", "Berlin agreed with Madrid."],
                      "url": [None, "https://example.org/b"],
                      "published": ["2023-05-01", None], "outlet": ["W", "W"]})
    src = tmp_path / "records.parquet"
    pq.write_table(table, src)
    out = tmp_path / "out"
    stats = scale_batch.run_batch([str(src)], out, build_pipeline(["sentences"]))
    assert stats.articles == 2
    assert sorted(p.name for p in out.glob("published_month=*")) == [
        "published_month=2023-05", "published_month=undated"]


def test_killed_run_resumes_every_record_once(tmp_path: Path) -> None:
    inputs = _write_inputs(tmp_path / "in", 12, 4)
    out = tmp_path / "out"
    cmd = [FLASHPOINT, "batch", *inputs, "--out", str(out), "--analyzers", "sentences"]
    proc = subprocess.Popen(cmd, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    journal = out / "_done.jsonl"
    while time.monotonic() < deadline and proc.poll() is None:
        if journal.exists() and journal.read_text().count("\n") >= 2:
            break
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = journal.read_text().count("\n")
    assert 0 < done_before < 12, "the kill came too late to test a resume"
    subprocess.run(cmd, check=False, stderr=subprocess.DEVNULL)
    records = _records(out)
    assert len(records) == 48
    assert json.loads((out / "manifest.json").read_text())["units_skipped"] >= done_before


needs_ray = pytest.mark.skipif(not ray_engine.available(),
                               reason="ray[data] not installed (pip install -r "
                                      "requirements-ray.txt)")


@pytest.fixture(scope="module")
def ray_local() -> Any:
    import ray

    ray.init(num_cpus=2, include_dashboard=False, ignore_reinit_error=True)
    yield ray
    ray.shutdown()


@needs_ray
@pytest.mark.parametrize("names", [["sentences"], None])
def test_ray_engine_equals_local_engine(tmp_path: Path, samples: Path, ray_local: Any,
                                        names: list[str] | None) -> None:
    inputs = [str(samples), *_write_inputs(tmp_path / "in", 2, 3)]
    pipeline = build_pipeline(names) if names else build_pipeline(
        None, {"sentence_scores.v1": {"encoder": False}, "persuasion.v1": {"encoder": False}})
    local_stats = scale_batch.run_batch(inputs, tmp_path / "local", pipeline)
    ray_stats = scale_batch.run_batch(inputs, tmp_path / "ray", pipeline, engine="ray",
                                      workers=2)
    assert ray_stats.articles == local_stats.articles > 0
    assert _records(tmp_path / "ray") == _records(tmp_path / "local")
    ray_parts = sorted(p.relative_to(tmp_path / "ray").as_posix()
                       for p in (tmp_path / "ray").glob("published_month=*/*.parquet"))
    local_parts = sorted(p.relative_to(tmp_path / "local").as_posix()
                         for p in (tmp_path / "local").glob("published_month=*/*.parquet"))
    assert ray_parts == local_parts
    for table in scale_batch.FLAT_TABLES:
        rows = [pq.read_table(tmp_path / run / "_tables" / table).num_rows
                for run in ("local", "ray")]
        assert rows[0] == rows[1], table
    if names is None:  # the default pipeline finds events and actors in samples/
        assert pq.read_table(tmp_path / "ray" / "_tables" / "events").num_rows > 0
        assert pq.read_table(tmp_path / "ray" / "_tables" / "mentions").num_rows > 0


def test_load_reads_a_batch_output_folder(tmp_path: Path) -> None:
    inputs = _write_inputs(tmp_path / "in", 1, 3)
    out = tmp_path / "out"
    scale_batch.run_batch(inputs, out, build_pipeline(["sentences"]))
    db = tmp_path / "corpus.db"
    done = subprocess.run([FLASHPOINT, "load", str(out), "--db", str(db)], check=False,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "3 new" in done.stderr
