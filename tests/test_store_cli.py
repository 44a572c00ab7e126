"""The store's commands: load, articles, show ID, export, stats; ingest (stand-in and real)."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from flashpoint.cli import main
from flashpoint.jsonio import write_jsonl
from flashpoint.model import Article, Event, Evidence, Span
from flashpoint.runner import ingest_paths
from flashpoint.store import Store
from flashpoint.store.ingest import is_stale
from scripts.make_synthetic_corpus import Escalation, generate

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def corpus(tmp_path: Path) -> tuple[Path, list[Article]]:
    """A JSONL file of 60 synthetic analysed articles (some syndicated copies)."""
    arts = list(generate(60, seed=7, escalations=[Escalation("RUS", "GEO", "2023-05-01",
                                                             "2023-05-03", per_day=2)]))
    path = tmp_path / "analysed.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        write_jsonl(fh, arts)
    return path, arts


def _load(runner: CliRunner, corpus: tuple[Path, list[Article]], db: Path) -> Any:
    return runner.invoke(main, ["load", str(corpus[0]), "--db", str(db)])


def test_store_cli_load_is_idempotent_and_validates(runner: CliRunner, tmp_path: Path,
                                                    corpus: tuple[Path, list[Article]]) -> None:
    db = tmp_path / "c.db"
    r = _load(runner, corpus, db)
    assert r.exit_code == 0, r.output
    unique = len({a.id for a in corpus[1]})
    assert f"load: {unique} new, " in r.stderr
    r = _load(runner, corpus, db)
    assert r.exit_code == 0 and f"0 new, {unique} already stored" in r.stderr
    bad = tmp_path / "bad.jsonl"
    record = json.loads(corpus[0].read_text().splitlines()[0])
    record["events"] = [{"bogus": 1}]
    other = json.loads(corpus[0].read_text().splitlines()[1])
    other["text"] = "A brand new text that nobody stored before, about Armenia."
    other["id"] = Article(text=other["text"], source="").id
    other["metadata"]["url"] = None
    for key in ("events", "actors", "quotes", "claims", "sentences"):
        other[key] = []
    bad.write_text(json.dumps(record) + "\nnot json\n" + json.dumps(other) + "\n")
    r = runner.invoke(main, ["load", str(bad), "--db", str(db)])
    assert r.exit_code == 3
    assert "bad.jsonl" in r.stderr and "[I106]" in r.stderr
    assert "1 new, 0 already stored, 0 near-duplicates, 2 input errors" in r.stderr
    r = runner.invoke(main, ["load", str(tmp_path / "missing.jsonl"), "--db", str(db)])
    assert r.exit_code == 1 and "missing.jsonl" in r.stderr


def test_store_cli_articles_filters_and_formats(runner: CliRunner, tmp_path: Path,
                                                corpus: tuple[Path, list[Article]]) -> None:
    db = tmp_path / "c.db"
    _load(runner, corpus, db)
    r = runner.invoke(main, ["articles", "--db", str(db), "--actor", "GEO", "--format", "json"])
    rows = json.loads(r.stdout)
    assert rows and all(any(a.id == "GEO" for a in _by_id(corpus)[row["id"]].actors)
                        for row in rows)
    r = runner.invoke(main, ["articles", "--db", str(db), "--since", "2023-05-01", "--until",
                             "2023-05-03", "--format", "csv"])
    got = list(csv.DictReader(r.stdout.splitlines()))
    assert got and all("2023-05-01" <= row["published"][:10] <= "2023-05-03" for row in got)
    r = runner.invoke(main, ["articles", "--db", str(db), "--query", "Georgia", "--limit", "3"])
    assert r.exit_code == 0 and len(r.stdout.splitlines()) == 3
    r = runner.invoke(main, ["articles", "--db", str(db), "--query", "(unbalanced"])
    assert r.exit_code == 1 and "[S508]" in r.stderr


def _by_id(corpus: tuple[Path, list[Article]]) -> dict[str, Article]:
    return {a.id: a for a in corpus[1]}


def test_store_cli_show_id_prints_the_report(runner: CliRunner, tmp_path: Path,
                                             corpus: tuple[Path, list[Article]]) -> None:
    db = tmp_path / "c.db"
    _load(runner, corpus, db)
    a = corpus[1][0]
    r = runner.invoke(main, ["show", a.id, "--db", str(db)])
    assert r.exit_code == 0 and a.id in r.stdout and (a.metadata.title or "")[:20] in r.stdout
    r = runner.invoke(main, ["show", "0000000000000000", "--db", str(db)])
    assert r.exit_code == 1 and "[S507]" in r.stderr


def test_store_cli_db_from_environment(runner: CliRunner, tmp_path: Path,
                                       corpus: tuple[Path, list[Article]]) -> None:
    db = tmp_path / "env.db"
    r = runner.invoke(main, ["load", str(corpus[0])], env={"FLASHPOINT_DB": str(db)})
    assert r.exit_code == 0 and db.exists()
    r = runner.invoke(main, ["stats", "--format", "json"], env={"FLASHPOINT_DB": str(db)})
    assert json.loads(r.stdout)["articles"] == len({a.id for a in corpus[1]})


def test_store_cli_stats(runner: CliRunner, tmp_path: Path,
                         corpus: tuple[Path, list[Article]]) -> None:
    db = tmp_path / "c.db"
    _load(runner, corpus, db)
    s = json.loads(runner.invoke(main, ["stats", "--db", str(db), "--format", "json"]).stdout)
    arts = list(_by_id(corpus).values())
    assert s["articles"] == len(arts)
    assert s["undated"] == sum(a.metadata.published is None for a in arts)
    assert s["events"] == sum(len(a.events) for a in arts)
    assert s["near_duplicates"] >= 1 and s["clusters"] == s["articles"] - s["near_duplicates"]
    text = runner.invoke(main, ["stats", "--db", str(db)]).stdout
    assert "articles" in text and "events by" not in text and "actual" in text


def test_store_cli_export_jsonl_round_trips(runner: CliRunner, tmp_path: Path,
                                            corpus: tuple[Path, list[Article]]) -> None:
    db = tmp_path / "c.db"
    _load(runner, corpus, db)
    out = tmp_path / "out.jsonl"
    r = runner.invoke(main, ["export", "--db", str(db), "--format", "jsonl", "-o", str(out)])
    assert r.exit_code == 0, r.output
    back = tmp_path / "back.db"
    assert runner.invoke(main, ["load", str(out), "--db", str(back)]).exit_code == 0
    with Store.open(db, readonly=True) as a, Store.open(back, readonly=True) as b:
        assert list(a.iter_articles()) == list(b.iter_articles())
    assert not list(tmp_path.glob(".*.part"))


def test_store_cli_export_parquet_and_csv_one_table_per_entity(
        runner: CliRunner, tmp_path: Path, corpus: tuple[Path, list[Article]]) -> None:
    import pyarrow.parquet as pq

    db = tmp_path / "c.db"
    _load(runner, corpus, db)
    r = runner.invoke(main, ["export", "--db", str(db), "--format", "parquet", "-o",
                             str(tmp_path / "pq")])
    assert r.exit_code == 0, r.output
    with Store.open(db, readonly=True) as s:
        for table in ("articles", "events", "quotes", "claims", "mentions", "actors"):
            t = pq.read_table(tmp_path / "pq" / f"{table}.parquet")
            assert t.num_rows == s.query(f"SELECT count(*) AS n FROM {table}")[0]["n"], table
        events = pq.read_table(tmp_path / "pq" / "events.parquet")
        assert str(events.schema.field("intensity").type) == "double"
        assert "analysis" not in pq.read_table(tmp_path / "pq" / "articles.parquet").column_names
    r = runner.invoke(main, ["export", "--db", str(db), "--format", "csv", "--outlet", "Reuters",
                             "-o", str(tmp_path / "csv")])
    rows = list(csv.DictReader((tmp_path / "csv" / "articles.csv").open(encoding="utf-8")))
    assert rows and {row["outlet"] for row in rows} == {"Reuters"}
    r = runner.invoke(main, ["export", "--db", str(db), "--format", "csv", "-o",
                             str(tmp_path / "csv")])
    assert r.exit_code == 1 and "not an empty folder" in r.stderr


def test_store_cli_bad_database_is_one_line(runner: CliRunner, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database\n" * 100)
    for args in (["stats"], ["articles"], ["load", str(notes)]):
        r = runner.invoke(main, [*args, "--db", str(notes)])
        assert r.exit_code == 1 and "[S501]" in r.stderr and "Traceback" not in r.output
    r = runner.invoke(main, ["stats", "--db", str(tmp_path / "none.db")])
    assert r.exit_code == 1 and "no such database" in r.stderr


# --- ingest ------------------------------------------------------------------------------------


class _Named:
    def __init__(self, name: str) -> None:
        self.name = name


class StandIn:
    """A pipeline stand-in (no NLP): one event on the first word; counts what it analyses."""

    def __init__(self, version: int = 1) -> None:
        self.analyzers = (_Named(f"events.v{version}"),)
        self.version = version
        self.seen: list[str] = []

    def run(self, articles: Any, workers: int = 1) -> Any:
        for a in articles:
            self.seen.append(a.id)
            first = a.text.split()[0]
            ev = Event(source="AZE", target="ARM", category="ASSAULT",
                       quad_class="material_conflict", intensity=-9.5, mode="actual",
                       evidence=Evidence(trigger=Span.of(a.text, 0, len(first)),
                                         sentence=Span.of(a.text, 0, len(a.text))))
            events = (ev,) * self.version
            yield Article(text=a.text, source=a.source, metadata=a.metadata, events=events,
                          analyzers=(f"events.v{self.version}",))


def test_store_ingest_skips_stored_texts_before_analysis_and_reanalyses_stale(
        tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for i in range(5):
        (inputs / f"{i}.txt").write_text(f"Report {i}: shelling near the border, day {i}.")
    (inputs / "bin.txt").write_bytes(b"\x00\x01\x02binary")
    problems: list[str] = []
    with Store.open(tmp_path / "c.db") as store:
        first = StandIn()
        st = ingest_paths(store, [str(inputs)], first,
                          on_problem=lambda e: problems.append(str(e)))
        assert (st.new, st.already, st.input_errors, st.exit_code) == (5, 0, 1, 3)
        assert problems and "bin.txt" in problems[0]
        again = StandIn()
        st = ingest_paths(store, [str(inputs), str(inputs)], again)
        assert (st.new, st.already) == (0, 10) and again.seen == []
        newer = StandIn(version=2)
        st = ingest_paths(store, [str(inputs)], newer, reanalyze=True)
        assert (st.new, st.reanalyzed) == (0, 5) and len(newer.seen) == 5
        assert store.query("SELECT count(*) AS n FROM events")[0]["n"] == 10
        assert len(store) == 5
        st = ingest_paths(store, [str(inputs)], StandIn(version=2), reanalyze=True)
        assert st.reanalyzed == 0 and st.already == 5
    assert st.summary().startswith("0 new, 5 already stored, 0 near-duplicates, 1 input errors")


def test_store_is_stale_compares_analyzer_versions() -> None:
    assert is_stale(["events.v1", "actors.v2"], ["events.v2", "actors.v2"])
    assert not is_stale(["events.v2"], ["events.v2", "quotes.v1"])
    assert not is_stale(["events.v3"], ["events.v2"])


@pytest.mark.model
def test_store_cli_ingest_end_to_end_with_the_real_pipeline(tmp_path: Path) -> None:
    inputs = tmp_path / "news"
    inputs.mkdir()
    (inputs / "a.txt").write_text("Russia accused Ukraine of shelling the Zaporizhzhia plant. "
                                  "Kyiv denied it.", encoding="utf-8")
    (inputs / "b.txt").write_text("Azerbaijan and Armenia signed a peace agreement in "
                                  "Washington on Friday.", encoding="utf-8")
    db = tmp_path / "c.db"
    cmd = [sys.executable, "-c", "from flashpoint.cli import main; main()", "ingest",
           str(inputs), "--fast", "--db", str(db)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "ingest: 2 new, 0 already stored, 0 near-duplicates, 0 input errors, 0 analyzer " \
           "failures" in out.stderr
    again = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=tmp_path)
    assert again.returncode == 0 and "0 new, 2 already stored" in again.stderr
    with Store.open(db, readonly=True) as s:
        assert len(s) == 2
        actors = {r["actor_id"] for r in s.query("SELECT actor_id FROM actors")}
        assert {"RUS", "UKR", "AZE", "ARM"} <= actors
        assert s.query("SELECT count(*) AS n FROM events")[0]["n"] >= 1


def test_store_reanalyze_without_inputs_redoes_stale_articles_from_stored_texts(
        tmp_path: Path) -> None:
    from flashpoint.model import Metadata
    from flashpoint.runner import reanalyze_store

    texts = [f"Dispatch {i}: artillery fire near the border, day {i}." for i in range(4)]
    bare = [Article(text=t, source=f"feed/{i}.txt",
                    metadata=Metadata(title=f"Dispatch {i}", outlet="Wire"))
            for i, t in enumerate(texts)]
    with Store.open(tmp_path / "c.db") as store:
        for article in StandIn().run(bare):
            store.add(article)
        before = {a.id: a for a in store.iter_articles()}
        newer = StandIn(version=2)
        st = reanalyze_store(store, newer)
        assert (st.reanalyzed, st.new, st.exit_code) == (4, 0, 0)
        assert sorted(newer.seen) == sorted(before)
        after = {a.id: a for a in store.iter_articles()}
        assert after.keys() == before.keys()
        for key, article in after.items():
            assert article.text == before[key].text and article.source == before[key].source
            assert article.metadata.title == before[key].metadata.title
            assert article.analyzers == ("events.v2",) and len(article.events) == 2
        again = StandIn(version=2)
        assert reanalyze_store(store, again).reanalyzed == 0 and again.seen == []


def test_store_cli_ingest_needs_inputs_unless_reanalyzing(runner: CliRunner,
                                                          tmp_path: Path) -> None:
    r = runner.invoke(main, ["ingest", "--db", str(tmp_path / "c.db")])
    assert r.exit_code == 2 and "--reanalyze" in r.output
