"""Nothing lost, nothing doubled: SIGKILL of a real ingest process, concurrent readers/writers.

The ingest subprocess runs the real ``flashpoint.runner.ingest_paths`` (read files,
hash, skip what is stored, analyse, store one transaction per article) with a stand-in pipeline
(no spaCy, so it is fast and deterministic) and a hook that pauses inside each
transaction, so a kill can land before, inside or between commits.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from flashpoint import errors
from flashpoint.model import Article, Metadata
from flashpoint.store import Store, stats

ROOT = Path(__file__).resolve().parent.parent
N = 12

WORKER = textwrap.dedent('''
    import json, sys, time
    from flashpoint.model import Actor, ActorMention, Event, Evidence, Span
    from flashpoint.store import Store
    from flashpoint.runner import ingest_paths
    from flashpoint.store.ingest import summary_json

    class Named:
        def __init__(self, name):
            self.name = name

    class StandIn:
        """A pipeline stand-in: one actor and one event per article, no NLP."""
        analyzers = (Named("actors.v1"), Named("events.v1"))
        def run(self, articles, workers=1):
            for a in articles:
                print("analysed", a.id, flush=True)
                text = a.text
                first = text.split()[0]
                yield a.__class__(**{**{f: getattr(a, f) for f in a.__slots__},
                    "analyzers": ("actors.v1", "events.v1"),
                    "actors": (Actor(id="AZE", name="Azerbaijan", kind="state", mentions=(
                        ActorMention(0, len(first), first, "name"),)),),
                    "events": (Event(source="AZE", target="ARM", category="ASSAULT",
                        quad_class="material_conflict", intensity=-9.5, mode="actual",
                        evidence=Evidence(trigger=Span.of(text, 0, len(first)),
                                          sentence=Span.of(text, 0, len(text)))),)})

    db, inputs, pause = sys.argv[1], sys.argv[2], float(sys.argv[3])

    def hook(w, stored):
        print("txn", stored.article_id, flush=True)
        time.sleep(pause)

    with Store.open(db) as store:
        st = ingest_paths(store, [inputs], StandIn(), hooks=[hook],
                          on_article=lambda a, r: print("committed", a.id, flush=True))
    print("summary", json.dumps(summary_json(st)), flush=True)
''')


def _texts() -> list[str]:
    return [f"Story{i} Azerbaijan and Armenia exchanged fire near village {i * 7} on day {i}; "
            f"officials counted {i + 3} incidents and {i * 11} shells in report number {i}."
            for i in range(N)]


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Path, Path]:
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    for i, text in enumerate(_texts()):
        (inputs / f"{i:02d}.txt").write_text(text, encoding="utf-8")
    script = tmp_path / "worker.py"
    script.write_text(WORKER, encoding="utf-8")
    return tmp_path / "corpus.db", inputs, script


def _start(script: Path, db: Path, inputs: Path, pause: float) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, str(script), str(db), str(inputs), str(pause)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            cwd=ROOT)


def _until(proc: subprocess.Popen[str], kind: str, nth: int,
           seen: list[tuple[str, str]]) -> str:
    """Read the worker's lines until the ``nth`` line of ``kind``; returns its article id."""
    assert proc.stdout is not None
    k = 0
    for line in proc.stdout:
        word, _, rest = line.strip().partition(" ")
        seen.append((word, rest))
        if word == kind:
            k += 1
            if k == nth:
                return rest
    raise AssertionError(f"worker ended before {kind} #{nth}: {proc.stderr and proc.stderr.read()}")


def _finish(proc: subprocess.Popen[str]) -> list[tuple[str, str]]:
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    return [(w, r) for w, _, r in (line.partition(" ") for line in out.splitlines())]


def _check_whole(db: Path) -> set[str]:
    """Integrity, and every stored article complete with all its rows; returns stored ids."""
    with Store.open(db) as s:
        assert s.query("PRAGMA integrity_check")[0]["integrity_check"] == "ok"
        ids = {r["id"] for r in s.query("SELECT id FROM articles")}
        for table in ("events", "actors", "mentions", "quotes", "claims"):
            orphans = s.query(f"SELECT count(*) AS n FROM {table} WHERE article_id NOT IN "
                              "(SELECT id FROM articles)")
            assert orphans[0]["n"] == 0, table
        for a in s.iter_articles():
            assert s.query("SELECT count(*) AS n FROM events WHERE article_id = ?",
                           (a.id,))[0]["n"] == len(a.events)
        n = len(ids)
        for table in ("articles_fts", "minhash"):
            assert s.query(f"SELECT count(*) AS n FROM {table}")[0]["n"] == n, table
        assert s.query("SELECT coalesce(sum(size), 0) AS n FROM clusters")[0]["n"] == n
    return ids


@pytest.mark.parametrize(("kind", "nth"), [("analysed", 1), ("txn", 1), ("committed", 4),
                                           ("txn", 7)])
def test_store_sigkill_then_rerun_stores_each_article_exactly_once(
        setup: tuple[Path, Path, Path], kind: str, nth: int) -> None:
    db, inputs, script = setup
    proc = _start(script, db, inputs, pause=0.15)
    seen: list[tuple[str, str]] = []
    at = _until(proc, kind, nth, seen)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    committed = {r for w, r in seen if w == "committed"}
    stored = _check_whole(db) if db.exists() else set()
    assert committed <= stored
    if kind == "txn":  # killed inside the transaction: nothing of that article is kept
        assert at not in stored
    # rerun the same command: the rest is stored, committed work is not analysed again
    lines = _finish(_start(script, db, inputs, pause=0.0))
    analysed = {r for w, r in lines if w == "analysed"}
    assert not analysed & stored
    summary = json.loads(next(r for w, r in lines if w == "summary"))
    assert summary["new"] == N - len(stored) and summary["already_stored"] == len(stored)
    final = _check_whole(db)
    assert final == {Article(text=t, source="").id for t in _texts()}


def test_store_readers_see_consistent_counts_while_an_ingest_writes(
        setup: tuple[Path, Path, Path]) -> None:
    db, inputs, script = setup
    proc = _start(script, db, inputs, pause=0.1)
    seen: list[tuple[str, str]] = []
    _until(proc, "committed", 1, seen)
    counts = []
    while proc.poll() is None:
        with Store.open(db, readonly=True) as s:
            st = stats(s)
            counts.append(st["articles"])
            assert st["events"] == st["articles"]  # never an article without its events
        time.sleep(0.05)
    _finish(proc)
    assert counts == sorted(counts) and counts[0] >= 1
    with Store.open(db, readonly=True) as s:
        assert len(s) == N


def test_store_second_writer_waits_or_fails_clearly(setup: tuple[Path, Path, Path]) -> None:
    db, inputs, script = setup
    proc = _start(script, db, inputs, pause=1.5)
    _until(proc, "txn", 1, [])  # the worker now holds the write lock for 1.5 s
    other = Article(text="A second writer's article about Georgia and Russia.", source="x",
                    metadata=Metadata(outlet="AP"))
    with pytest.raises(errors.StoreBusy, match="write lock"), \
            Store.open(db, busy_timeout=0.2) as s:
        s.add(other)
    with Store.open(db, busy_timeout=60) as s:  # waits for the lock, then writes
        assert s.add(other).status == "new"
    proc.kill()
    proc.wait(timeout=30)
    stored = _check_whole(db)
    assert other.id in stored


def test_store_two_concurrent_ingests_store_each_article_once(
        setup: tuple[Path, Path, Path]) -> None:
    db, inputs, script = setup
    Store.open(db).close()
    procs = [_start(script, db, inputs, pause=0.02) for _ in range(2)]
    summaries: list[dict[str, Any]] = []
    for p in procs:
        lines = _finish(p)
        summaries.append(json.loads(next(r for w, r in lines if w == "summary")))
    assert sum(s["new"] for s in summaries) == N
    assert len(_check_whole(db)) == N
