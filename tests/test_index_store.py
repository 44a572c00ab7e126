"""The tension index over a real store: aggregates, dedup, normalisation, reindex, commands."""

from __future__ import annotations

import datetime as dt
import json
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from flashpoint import index
from flashpoint.errors import IndexQueryError
from flashpoint.index import alerts as al
from flashpoint.index.tables import TABLES
from flashpoint.model import Article
from flashpoint.store import Store
from tests.index_helpers import article, ev

index.register(Store)
LONG = ("Officials in the capital said on Wednesday that the talks had collapsed after a night "
        "of shelling along the border, and that diplomats were recalled for consultations while "
        "the ministry prepared a statement for the press about the situation in the region.")


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "ix.db") as store:
        yield store


def add(store: Store, *articles: Article) -> None:
    for a in articles:
        assert store.add(a, hooks=[index.hook]).added


def week(d: dict[str, Any], period: str) -> dict[str, Any]:
    (p,) = [p for p in d["series"] if p["period"] == period]
    return p


def test_json_shape_and_every_period_present(db: Store) -> None:
    add(db, article("Russia struck Azerbaijan.", [ev("RUS", "AZE")], day="2024-01-03"),
        article("Russia threatened Azerbaijan.", [ev("RUS", "AZE", "THREATEN")],
                day="2024-01-24"))
    d = index.dyad(db, "RUS", "AZE", by="week")
    assert d["dyad"] == {"a": "RUS", "b": "AZE", "directed": False, "exact": False}
    assert d["by"] == "week" and d["alerts"] == []
    assert [p["period"] for p in d["series"]] == ["2024-01-01", "2024-01-08", "2024-01-15",
                                                   "2024-01-22"]
    keys = {"period", "articles", "events", "clusters", "outlets", "action", "rhetoric",
            "speculation", "cooperation", "tension", "baseline", "alert"}
    assert all(keys <= set(p) for p in d["series"])
    assert week(d, "2024-01-08")["events"] == 0 and week(d, "2024-01-08")["tension"] == 0.0
    assert week(d, "2024-01-22")["rhetoric"] == 6.0
    month = index.dyad(db, "AZE", "RUS", by="month", since="2023-12-15")
    assert [p["period"] for p in month["series"]] == ["2023-12-01", "2024-01-01"]


def test_roll_up_exact_and_directed(db: Store) -> None:
    add(db, article("Kremlin struck Azerbaijan.", [ev("RUS/government", "AZE")]),
        article("Aliyev accused Putin.", [ev("person:ilham-aliyev", "person:vladimir-putin",
                                              "DISAPPROVE")]))
    p = index.dyad(db, "RUS", "AZE")["series"][0]
    assert (p["action"], p["rhetoric"]) == (9.5, 2.0)
    directed = index.dyad(db, "RUS", "AZE", directed=True)["series"][0]
    assert (directed["action"], directed["rhetoric"]) == (9.5, 0.0)
    exact = index.dyad(db, "RUS/government", "AZE", exact=True)["series"][0]
    assert (exact["action"], exact["rhetoric"], exact["events"]) == (9.5, 0.0, 1)
    assert index.dyad(db, "RUS", "AZE", exact=True)["series"] == []


def test_same_event_from_several_outlets_in_a_day_is_one_cluster(db: Store) -> None:
    add(db, *(article(f"Russia struck Azerbaijan, {o} reports.", [ev("RUS", "AZE")],
                      outlet=o) for o in ("A", "B", "C")),
        article("Russia struck Azerbaijan again, D reports.", [ev("RUS", "AZE")], outlet="D",
                day="2024-01-04"))
    p = index.dyad(db, "RUS", "AZE", by="day")["series"][0]
    assert (p["events"], p["articles"], p["clusters"], p["outlets"]) == (3, 3, 1, 3)
    assert p["action"] == 9.5
    w = index.dyad(db, "RUS", "AZE", by="week")["series"][0]
    assert (w["events"], w["clusters"], w["outlets"], w["action"]) == (4, 2, 4, 19.0)


def test_a_syndicated_copy_on_a_later_day_counts_once(db: Store) -> None:
    first = article("Russia struck Azerbaijan. " + LONG, [ev("RUS", "AZE")], outlet="Wire")
    copy = article("Russia struck Azerbaijan. " + LONG + " Updated.", [ev("RUS", "AZE")],
                   outlet="Daily", day="2024-01-05")
    add(db, copy, first)  # the later copy arrives first: the result must not depend on it
    assert db.query("SELECT COUNT(DISTINCT cluster_id) AS n FROM articles")[0]["n"] == 1
    w = index.dyad(db, "RUS", "AZE")["series"][0]
    assert (w["events"], w["clusters"], w["outlets"], w["action"]) == (2, 1, 2, 9.5)
    days = {p["period"]: p for p in index.dyad(db, "RUS", "AZE", by="day")["series"]}
    assert days["2024-01-03"]["clusters"] == 1 and days["2024-01-05"]["clusters"] == 0


def test_tension_is_conflict_per_100_articles_mentioning_either_actor(db: Store) -> None:
    events = [ev("RUS", "AZE", "THREATEN")]
    add(db, article("Russia threatened Azerbaijan.", events))
    quiet = [article(f"Russia held a parade number {i}.", [], extra_actors=["RUS"])
             for i in range(19)]
    add(db, *quiet, article("Ukraine held a parade.", [], extra_actors=["UKR"]))
    p = index.dyad(db, "RUS", "AZE")["series"][0]
    assert p["exposure"] == 20  # 1 + 19 articles on RUS; the UKR one does not count
    assert p["tension"] == pytest.approx(100 * 6.0 / 20)
    assert p["rhetoric"] == 6.0  # the raw channel beside it


def test_alert_marks_a_spike_with_its_events_and_no_look_ahead(db: Store) -> None:
    start = dt.date(2024, 1, 1)
    rng = random.Random(3)
    for w in range(14):
        day = (start + dt.timedelta(weeks=w)).isoformat()
        n = 10 if w == 12 else rng.choice((1, 2))
        for i in range(n):
            kind = ("ASSAULT", "COERCE", "THREATEN")[i % 3]  # distinct events: other days
            on = (start + dt.timedelta(weeks=w, days=i % 7)).isoformat()
            add(db, article(f"Week {w} item {i}: Russia acted against Azerbaijan.",
                            [ev("RUS", "AZE", kind)], day=on, outlet=f"O{i}"))
        for i in range(20):  # coverage of Russia that is not about Azerbaijan
            add(db, article(f"Week {w} background {i} on Russia.", [], day=day,
                            extra_actors=["RUS"]))
    d = index.dyad(db, "RUS", "AZE")
    assert [a["period"] for a in d["alerts"]] == ["2024-03-25"]
    alert = d["alerts"][0]
    assert alert["as_of"] == "2024-03-31"
    assert alert["value"] > alert["threshold"] > alert["baseline"]
    assert len(alert["events"]) == 10 and all(e.count(":") == 1 for e in alert["events"])
    cut = index.dyad(db, "RUS", "AZE", until="2024-03-31")
    assert cut["series"] == d["series"][:len(cut["series"])]
    late = index.dyad(db, "RUS", "AZE", since="2024-03-18")  # baselines still see the past
    assert late["series"] == d["series"][-len(late["series"]):]
    assert late["alerts"] == d["alerts"]
    assert index.all_alerts(db)[0]["period"] == "2024-03-25"


def _tables(store: Store, keep_dup: bool = True) -> dict[str, list[tuple[Any, ...]]]:
    """Every index row; ``keep_dup=False`` drops the store's near-duplicate cluster id,
    which names the cluster's first-stored article and so depends on ingest order."""
    return {t: sorted(tuple(v for k, v in r.items() if keep_dup or k != "dup")
                      for r in store.query(f"SELECT * FROM {t}")) for t in TABLES}


def _corpus() -> list[Article]:
    rng = random.Random(7)
    out = []
    for i in range(60):
        day = f"2024-02-{1 + rng.randrange(20):02d}"
        cat = rng.choice(("ASSAULT", "THREATEN", "COOPERATE", "COERCE"))
        mode = rng.choice(("actual", "actual", "alleged", "future", "negated"))
        pair = rng.choice((("RUS", "AZE"), ("person:vladimir-putin", "UKR"), ("AZE", "UKR")))
        text = f"Story {i % 40}: " + LONG if i % 3 == 0 else f"Item {i}: a short story."
        out.append(article(text + f" ({i})" * (i % 3 != 0), [ev(*pair, cat, mode)], day=day,
                           outlet=rng.choice("ABCD"), genre=rng.choice(("reporting",) * 4 +
                                                                       ("opinion",))))
    return out


def test_reindex_gives_the_same_numbers_as_incremental(tmp_path: Path) -> None:
    corpus = _corpus()
    with Store.open(tmp_path / "inc.db") as inc:
        add(inc, *corpus)
        expected = _tables(inc)
        expected_no_dup = _tables(inc, keep_dup=False)
        series = index.dyad(inc, "RUS", "AZE", by="day")
    shuffled = corpus[:]
    random.Random(1).shuffle(shuffled)
    with Store.open(tmp_path / "other.db") as other:
        add(other, *shuffled)
        assert _tables(other, keep_dup=False) == expected_no_dup  # order does not matter
    with Store.open(tmp_path / "bulk.db") as bulk:
        for a in corpus:
            bulk.add(a)  # no hook: the index stays empty
        assert bulk.query("SELECT COUNT(*) AS n FROM ix_report")[0]["n"] == 0
        assert index.reindex(bulk) == len(corpus)
        assert _tables(bulk) == expected
        assert index.dyad(bulk, "RUS", "AZE", by="day") == series
        index.reindex(bulk)
        assert _tables(bulk) == expected


def test_a_replaced_article_leaves_the_index(db: Store) -> None:
    url = "https://example.org/story"
    add(db, article("Russia struck Azerbaijan.", [ev("RUS", "AZE")], url=url))
    add(db, article("Russia and Azerbaijan agreed to talk.", [ev("RUS", "AZE", "COOPERATE")],
                    url=url))
    p = index.dyad(db, "RUS", "AZE")["series"][0]
    assert (p["action"], p["cooperation"], p["events"], p["exposure"]) == (0.0, 6.0, 1, 1)


def test_evidence_traces_a_point_to_its_sentences(db: Store) -> None:
    add(db, *(article(f"Russia struck Azerbaijan, {o} says.", [ev("RUS", "AZE")], outlet=o)
              for o in ("A", "B")),
        article("Russia threatened Azerbaijan.", [ev("RUS", "AZE", "THREATEN")]))
    e = index.evidence(db, "AZE", "RUS", period="2024-01-05", channel="action")
    assert e["period"] == "2024-01-01" and len(e["events"]) == 2
    row = e["events"][0]
    assert row["sentence"].startswith("Russia struck Azerbaijan")
    assert row["trigger"] == "Russia" and row["category"] == "ASSAULT"
    assert (row["same_event_articles"], row["same_event_outlets"]) == (2, 2)
    assert {"title", "outlet", "url", "day", "mode", "intensity"} <= set(row)
    with pytest.raises(IndexQueryError):
        index.evidence(db, "RUS", "AZE", period="last week")


def test_top_dyads_ranks_the_latest_rise(db: Store) -> None:
    for w in range(12):
        day = (dt.date(2024, 1, 1) + dt.timedelta(weeks=w)).isoformat()
        add(db, article(f"Ukraine and Azerbaijan clash {w}.", [ev("AZE", "UKR")], day=day))
        n = 6 if w == 11 else 1
        for i in range(n):
            add(db, article(f"Russia vs Azerbaijan {w}-{i}.", [ev("RUS", "AZE", "THREATEN")],
                            day=day, outlet=f"O{i}"))
    top = index.top_dyads(db, top=1)
    assert top["latest"] == "2024-03-18"
    assert [(d["a"], d["b"]) for d in top["dyads"]] == [("AZE", "RUS")]
    assert len(top["dyads"][0]["history"]) == al.WINDOW + 1


def test_bad_queries_raise_clear_errors(db: Store) -> None:
    with pytest.raises(IndexQueryError, match="two different actors"):
        index.dyad(db, "RUS", "RUS")
    with pytest.raises(IndexQueryError, match="--by"):
        index.dyad(db, "RUS", "AZE", by="year")
    add(db, article("Russia struck Azerbaijan.", [ev("RUS", "AZE")]))
    with pytest.raises(IndexQueryError, match="after"):
        index.dyad(db, "RUS", "AZE", since="2024-02-01", until="2024-01-01")


def test_commands(tmp_path: Path) -> None:
    from flashpoint.cli import main

    path = tmp_path / "cli.db"
    with Store.open(path) as store:
        add(store, article("Russia struck Azerbaijan.", [ev("RUS", "AZE")]),
            article("Russia threatened Azerbaijan.", [ev("RUS", "AZE", "THREATEN")],
                    day="2024-01-10"))
    run = CliRunner().invoke
    out = run(main, ["dyad", "RUS", "AZE", "--db", str(path), "--format", "json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["series"][1]["rhetoric"] == 6.0
    png = tmp_path / "d.png"
    out = run(main, ["dyad", "RUS", "AZE", "--db", str(path), "--plot", str(png)])
    assert out.exit_code == 0 and "RUS -- AZE" in out.output
    assert png.read_bytes()[:4] == b"\x89PNG"
    out = run(main, ["dyads", "--db", str(path)])
    assert out.exit_code == 0 and "AZE -- RUS" in out.output
    out = run(main, ["evidence", "RUS", "AZE", "--db", str(path), "--period", "2024-01-03",
                     "--format", "csv"])
    assert out.exit_code == 0 and out.output.startswith("event_id,")
    out = run(main, ["alerts", "--db", str(path), "--format", "json"])
    assert out.exit_code == 0 and json.loads(out.output) == []
    out = run(main, ["reindex", "--db", str(path)])
    assert out.exit_code == 0 and "reindexed 2" in out.output
    out = run(main, ["dyad", "RUS", "RUS", "--db", str(path)])
    assert out.exit_code == 1 and "X701" in out.output


def test_importing_the_index_loads_no_nlp_model() -> None:
    code = ("import sys, flashpoint.index; "
            "print([m for m in ('spacy', 'sklearn', 'torch', 'onnxruntime', 'matplotlib') "
            "if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_load_command_updates_the_index_in_the_same_transaction(tmp_path: Path) -> None:
    from flashpoint.cli import main
    from flashpoint.model import article_to_json

    src = tmp_path / "a.jsonl"
    src.write_text("\n".join(json.dumps(article_to_json(a)) for a in (
        article("Russia struck Azerbaijan.", [ev("RUS", "AZE")]),
        article("Azerbaijan threatened Russia.", [ev("AZE", "RUS", "THREATEN")]))) + "\n",
        encoding="utf-8")
    path = tmp_path / "load.db"
    out = CliRunner().invoke(main, ["load", str(src), "--db", str(path)])
    assert out.exit_code == 0, out.output
    with index.open_store(path, readonly=True) as store:
        p = index.dyad(store, "AZE", "RUS")["series"][0]
    assert (p["action"], p["rhetoric"], p["events"]) == (9.5, 6.0, 2)


def test_a_store_without_its_index_says_to_reindex(tmp_path: Path) -> None:
    from flashpoint.errors import IndexNotBuilt

    path = tmp_path / "bare.db"
    with Store.open(path) as store:
        store.add(article("Russia struck Azerbaijan.", [ev("RUS", "AZE")]))  # no hook
    with pytest.raises(IndexNotBuilt, match="reindex"):
        index.open_store(path, readonly=True)
    with index.open_store(path) as store:
        index.reindex(store)
    with index.open_store(path, readonly=True) as store:
        assert index.dyad(store, "RUS", "AZE")["series"][0]["action"] == 9.5


def test_an_empty_store_answers_plainly(db: Store) -> None:
    from flashpoint.index import render

    top = index.top_dyads(db)
    assert top == {"by": "week", "latest": None, "dyads": []}
    assert "nothing to rank" in render.dyads_text(top)
    assert index.dyad(db, "RUS", "AZE")["series"] == []
    assert index.all_alerts(db) == []


def test_a_model_backed_event_weighs_its_confidence_after_storing_and_reindex(
        db: Store) -> None:
    add(db, article("Russia shelled Azerbaijan.", [ev("RUS", "AZE", confidence=0.75)]))
    query = "SELECT weight FROM ix_report"
    assert db.query(query) == [{"weight": pytest.approx(9.5 * 0.75)}]
    index.reindex(db)
    assert db.query(query) == [{"weight": pytest.approx(9.5 * 0.75)}]
