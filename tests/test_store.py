"""The corpus store as a library: schema, idempotence, URLs, dates, clusters, hooks, search.

Articles are built by hand (no NLP), so these tests are fast.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from flashpoint import errors
from flashpoint.model import (
    Actor,
    ActorMention,
    Article,
    Event,
    Evidence,
    Genre,
    Metadata,
    Quote,
    Span,
    Speaker,
)
from flashpoint.store import (
    SCHEMA_VERSION,
    Filters,
    Store,
    StoredArticle,
    Writer,
    matching_ids,
    normalize_published,
    search,
    stats,
)

ROOT = Path(__file__).resolve().parent.parent

WIRE = [
    "Azerbaijan accused Armenia of shelling border villages overnight, the defence ministry in "
    "Baku said on Tuesday, adding that two soldiers were wounded near the town of Tovuz.",
    "Armenia denied the accusation and said its forces had only returned fire after a drone "
    "crossed the line of contact, according to a statement published in Yerevan.",
    "Russian peacekeepers deployed in the region said they were investigating the incident and "
    "urged both sides to respect the ceasefire agreed three years ago in Moscow.",
    "The European Union called for restraint and offered to host a new round of talks between "
    "the foreign ministers in Brussels before the end of the month.",
]


def make(text: str, *, outlet: str | None = "Reuters", published: str | None = "2024-03-01",
         url: str | None = None, title: str | None = "Border clash", events: int = 1,
         analyzers: tuple[str, ...] = ("actors.v1", "events.v1"), source: str = "test",
         genre: str | None = "reporting") -> Article:
    """An analysed article: AZE/ARM actors (where named) and ``events`` events on its words."""
    actors = []
    for aid, name in (("AZE", "Azerbaijan"), ("ARM", "Armenia")):
        at = text.find(name)
        if at >= 0:
            actors.append(Actor(id=aid, name=name, kind="state",
                                mentions=(ActorMention(at, at + len(name), name, "name"),)))
    if "Ilham Aliyev" in text:
        at = text.find("Ilham Aliyev")
        actors.append(Actor(id="Q_aliyev", name="Ilham Aliyev", kind="person", belongs_to="AZE",
                            mentions=(ActorMention(at, at + 12, "Ilham Aliyev", "name"),)))
    sentence = Span.of(text, 0, text.find(".") + 1 if "." in text else len(text))
    evs = tuple(Event(source="AZE", target="ARM", category="ASSAULT",
                      quad_class="material_conflict", intensity=-9.5,
                      mode="actual" if i == 0 else "alleged",
                      evidence=Evidence(trigger=Span.of(text, i, i + 1), sentence=sentence),
                      quote="q1" if i == 0 else None)
                for i in range(events))
    quotes = (Quote(id="q1", kind="direct", content=Span.of(text, 0, 5),
                    speaker=Speaker(name="A spokesman", actor="AZE")),)
    return Article(text=text, source=source, analyzers=analyzers, actors=tuple(actors),
                   events=evs, quotes=quotes, genre=Genre(label=genre, score=0.8) if genre
                   else None,  # type: ignore[arg-type]
                   metadata=Metadata(outlet=outlet, published=published, url=url, title=title,
                                     language="en"))


@pytest.fixture
def store(tmp_path: Path) -> Any:
    with Store.open(tmp_path / "corpus.db") as s:
        yield s


def count(store: Store, table: str, where: str = "1=1", params: tuple[Any, ...] = ()) -> int:
    return int(store.query(f"SELECT count(*) AS n FROM {table} WHERE {where}", params)[0]["n"])


# --- opening and schema ----------------------------------------------------------------------


def test_store_new_database_is_versioned_wal_and_marked(tmp_path: Path) -> None:
    with Store.open(tmp_path / "new.db") as s:
        assert s.query("PRAGMA user_version")[0]["user_version"] == SCHEMA_VERSION
        assert s.query("PRAGMA journal_mode")[0]["journal_mode"] == "wal"
        assert s.query("PRAGMA application_id")[0]["application_id"] == 0x464C5348
        tables = {r["name"] for r in s.query("SELECT name FROM sqlite_master")}
    assert {"articles", "events", "quotes", "claims", "mentions", "actors", "clusters",
            "articles_fts", "schema_extensions"} <= tables


def test_store_reopening_keeps_everything(tmp_path: Path) -> None:
    a = make(" ".join(WIRE))
    with Store.open(tmp_path / "c.db") as s:
        s.add(a)
    with Store.open(tmp_path / "c.db", readonly=True) as s:
        assert s.get(a.id) == a and len(s) == 1


# --- adding: atomic, idempotent, complete ----------------------------------------------------


def test_store_add_writes_every_row_and_get_returns_the_article(store: Store) -> None:
    a = make(" ".join(WIRE), events=3, url="https://example.org/1")
    r = store.add(a)
    assert (r.status, r.article_id, r.cluster_id, r.near_duplicate) == ("new", a.id, a.id, False)
    assert store.get(a.id) == a
    assert count(store, "events") == 3
    ev = store.query("SELECT * FROM events WHERE idx = 0")[0]
    assert ev["event_id"] == f"{a.id}:0" and ev["source"] == "AZE" and ev["target"] == "ARM"
    assert ev["published_day"] == "2024-03-01" and ev["outlet"] == "Reuters"
    assert ev["cluster_id"] == a.id and ev["genre"] == "reporting" and ev["quote"] == "q1"
    assert (ev["trigger_start"], ev["trigger_end"]) == (0, 1)
    assert count(store, "actors") == 2 and count(store, "mentions") == 2
    assert store.query("SELECT speaker_actor FROM quotes")[0]["speaker_actor"] == "AZE"
    row = store.query("SELECT * FROM articles")[0]
    assert json.loads(row["analyzers"]) == ["actors.v1", "events.v1"]
    assert "text" not in json.loads(row["analysis"]) and row["text"] == a.text


def test_store_same_text_twice_adds_nothing(store: Store) -> None:
    a = make(" ".join(WIRE))
    assert store.add(a).status == "new"
    again = make(" ".join(WIRE), outlet="AP", source="elsewhere")
    assert store.add(again).status == "exists"
    assert len(store) == 1 and count(store, "events") == 1
    assert store.get(a.id).metadata.outlet == "Reuters"


def test_store_same_url_with_new_text_keeps_latest_and_records_change(store: Store) -> None:
    old = make(" ".join(WIRE), url="https://ex.org/a", events=2)
    new = make(" ".join(WIRE).replace("two soldiers", "three soldiers"), url="https://ex.org/a")
    store.add(old)
    seen: list[StoredArticle] = []
    r = store.add(new, hooks=[lambda w, s: seen.append(s)])
    assert (r.status, r.text_changed_from) == ("replaced", old.id)
    assert old.id not in store and new.id in store and len(store) == 1
    assert count(store, "events", "article_id = ?", (old.id,)) == 0
    assert count(store, "mentions", "article_id = ?", (old.id,)) == 0
    assert search(store, Filters(query="two")) == []
    assert store.query("SELECT text_changed_from FROM articles")[0]["text_changed_from"] == old.id
    assert seen[0].replaced is not None and len(seen[0].replaced.events) == 2
    # the old text again (a rerun of the same inputs) does not come back
    assert store.add(old).status == "superseded" and len(store) == 1


def test_store_replace_true_reanalyses_in_place(store: Store) -> None:
    a = make(" ".join(WIRE), events=1, analyzers=("events.v1",))
    store.add(a)
    b = make(" ".join(WIRE), events=2, analyzers=("events.v2",))
    seen: list[StoredArticle] = []
    r = store.add(b, replace=True, hooks=[lambda w, s: seen.append(s)])
    assert r.status == "reanalyzed" and len(store) == 1 and count(store, "events") == 2
    assert store.get(a.id).analyzers == ("events.v2",)
    assert seen[0].replaced is not None and len(seen[0].replaced.events) == 1
    assert count(store, "clusters") == 1


def test_store_hook_runs_inside_the_transaction_and_a_failure_keeps_nothing(
        store: Store) -> None:
    store.register_schema("counter", 1, ["CREATE TABLE IF NOT EXISTS counter (n INTEGER)"])

    def hook(w: Writer, s: StoredArticle) -> None:
        w.execute("INSERT INTO counter VALUES (?)", (len(s.events),))
        assert w.execute("SELECT count(*) AS n FROM events WHERE article_id = ?",
                         (s.article_id,))[0]["n"] == len(s.events)

    def boom(w: Writer, s: StoredArticle) -> None:
        raise RuntimeError("hook failed")

    a, b = make(WIRE[0], events=2), make(WIRE[1], events=1, outlet="AP")
    store.add(a, hooks=[hook])
    with pytest.raises(RuntimeError):
        store.add(b, hooks=[hook, boom])
    assert b.id not in store and count(store, "events", "article_id = ?", (b.id,)) == 0
    assert store.query("SELECT n FROM counter") == [{"n": 2}]
    assert count(store, "articles_fts") == 1 and count(store, "minhash") == 1


def test_store_add_many_is_one_transaction(store: Store) -> None:
    results = store.add_many([make(w, outlet=f"o{i}") for i, w in enumerate(WIRE)])
    assert [r.status for r in results] == ["new"] * 4 and len(store) == 4


def test_store_query_is_read_only(store: Store) -> None:
    with pytest.raises(errors.StoreError):
        store.query("DELETE FROM articles")
    with pytest.raises(errors.BadStoreQuery):
        search(store, Filters(query='"unbalanced'))


def test_store_readonly_open_refuses_writes(tmp_path: Path) -> None:
    Store.open(tmp_path / "r.db").close()
    with Store.open(tmp_path / "r.db", readonly=True) as s:
        with pytest.raises(errors.StoreReadOnly):
            s.add(make(WIRE[0]))
        with pytest.raises(errors.StoreReadOnly), s.writer():
            pass


# --- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "expected"), [
    ("2024-03-01T23:30:00-05:00", ("2024-03-02T04:30:00Z", "2024-03-02")),
    ("2024-03-01T10:00:00Z", ("2024-03-01T10:00:00Z", "2024-03-01")),
    ("2024-03-01T10:00:00", ("2024-03-01T10:00:00Z", "2024-03-01")),
    ("2024-03-01", ("2024-03-01", "2024-03-01")),
    ("Fri, 01 Mar 2024 22:00:00 -0300", ("2024-03-02T01:00:00Z", "2024-03-02")),
    ("last Tuesday", (None, None)),
    ("2024-02-30", (None, None)),
    ("1066-10-14", (None, None)),
    ("2999-01-01", (None, None)),
    ("", (None, None)),
    (None, (None, None)),
])
def test_store_published_is_normalised_to_utc(raw: str | None,
                                              expected: tuple[str | None, str | None]) -> None:
    assert normalize_published(raw) == expected


def test_store_undated_articles_are_stored_counted_and_left_out_of_date_filters(
        store: Store) -> None:
    store.add(make(WIRE[0], published=None))
    store.add(make(WIRE[1], published="sometime soon"))
    store.add(make(WIRE[2], published="2024-05-05T12:00:00+00:00"))
    s = stats(store)
    assert (s["articles"], s["undated"]) == (3, 2)
    assert (s["first_day"], s["last_day"]) == ("2024-05-05", "2024-05-05")
    assert len(search(store, Filters(since="2000-01-01"))) == 1
    assert count(store, "events", "published_day IS NULL") == 2
    raw = store.query("SELECT published_raw FROM articles WHERE published IS NULL "
                      "ORDER BY published_raw")
    assert [r["published_raw"] for r in raw] == [None, "sometime soon"]


# --- near-duplicates -------------------------------------------------------------------------


def _copies() -> dict[str, tuple[str, str | None]]:
    base = "\n\n".join(WIRE)
    return {
        "reordered paragraphs": ("\n\n".join([WIRE[2], WIRE[0], WIRE[3], WIRE[1]]), None),
        "added byline": ("By Staff Reporter, Baku\n\n" + base, None),
        "changed headline": ("TENSIONS FLARE ON THE BORDER AGAIN\n\n" + base,
                             "Tensions flare on the border"),
        "one sentence edited": (base.replace("urged both sides to respect",
                                             "called on the two neighbours to honour"), None),
    }


@pytest.mark.parametrize("kind", list(_copies()))
def test_store_near_duplicate_copies_join_the_original_cluster(store: Store, kind: str) -> None:
    original = make("\n\n".join(WIRE), outlet="Reuters")
    text, title = _copies()[kind]
    copy = make(text, outlet="Trend", title=title or "Border clash")
    store.add(original)
    r = store.add(copy)
    assert (r.status, r.cluster_id, r.near_duplicate) == ("new", original.id, True), kind
    cluster = store.query("SELECT * FROM clusters")[0]
    assert cluster["size"] == 2 and json.loads(cluster["outlets"]) == ["Reuters", "Trend"]
    assert len(store) == 2  # each copy keeps its own row and outlet


def test_store_different_story_on_the_same_topic_is_not_a_duplicate(store: Store) -> None:
    store.add(make("\n\n".join(WIRE)))
    other = ("Azerbaijan and Armenia resumed talks in Washington on Thursday, with the foreign "
             "ministers discussing a draft peace treaty, border delimitation commissions and the "
             "reopening of transport links closed since the war. Officials from both delegations "
             "described the atmosphere as constructive but said several articles of the treaty "
             "remained open, including the question of constitutional changes.")
    r = store.add(make(other, outlet="AP"))
    assert r.cluster_id == r.article_id and not r.near_duplicate
    assert count(store, "clusters") == 2


def test_store_clusters_persist_across_opens(tmp_path: Path) -> None:
    with Store.open(tmp_path / "c.db") as s:
        first = make("\n\n".join(WIRE))
        s.add(first)
    with Store.open(tmp_path / "c.db") as s:
        r = s.add(make("By AFP\n\n" + "\n\n".join(WIRE), outlet="AFP"))
    assert r.cluster_id == first.id and r.near_duplicate


def test_store_removing_a_member_updates_its_cluster(store: Store) -> None:
    a = make("\n\n".join(WIRE), outlet="Reuters", url="https://r/1")
    b = make("By AFP\n\n" + "\n\n".join(WIRE), outlet="AFP")
    store.add(a)
    store.add(b)
    store.add(make("Completely rewritten: " + WIRE[3] + " " + WIRE[3].upper(),
                   outlet="Reuters", url="https://r/1"))
    clusters = {r["cluster_id"]: r for r in store.query("SELECT * FROM clusters")}
    assert clusters[a.id]["size"] == 1 and json.loads(clusters[a.id]["outlets"]) == ["AFP"]


# --- schema extensions -----------------------------------------------------------------------


def test_store_register_schema_creates_and_migrates_extension_tables(tmp_path: Path,
                                                                     monkeypatch: Any) -> None:
    monkeypatch.setattr(Store, "_extensions", {})
    Store.register_schema("ext", 1, ["CREATE TABLE IF NOT EXISTS ext_a (x INTEGER)"])
    with Store.open(tmp_path / "e.db") as s:
        assert s.query("SELECT version FROM schema_extensions WHERE name='ext'") == [
            {"version": 1}]
    Store.register_schema("ext", 2, ["CREATE TABLE IF NOT EXISTS ext_a (x INTEGER)",
                                     "CREATE TABLE IF NOT EXISTS ext_b (y TEXT)"])
    with Store.open(tmp_path / "e.db") as s:
        names = {r["name"] for r in s.query("SELECT name FROM sqlite_master")}
        assert {"ext_a", "ext_b"} <= names
        s.register_schema("mine", 1, ["CREATE TABLE IF NOT EXISTS mine (z INTEGER)"])
        assert s.query("SELECT count(*) AS n FROM mine") == [{"n": 0}]
    Store.register_schema("ext", 1, [])
    with pytest.raises(errors.StoreTooNew, match="ext"):
        Store.open(tmp_path / "e.db")


# --- search ------------------------------------------------------------------------------------


def _corpus(store: Store) -> list[Article]:
    arts = [
        make(WIRE[0], outlet="Reuters", published="2024-01-10"),
        make(WIRE[1] + " President Ilham Aliyev did not comment.", outlet="AP",
             published="2024-02-10"),
        make(WIRE[2], outlet="Reuters", published="2024-03-10", title="Peacekeepers step in"),
        make(WIRE[3], outlet="TASS", published=None),
    ]
    for a in arts:
        store.add(a)
    return arts


def test_store_search_combines_fts_and_filters(store: Store) -> None:
    arts = _corpus(store)
    ids = [a.id for a in arts]
    assert [r["id"] for r in search(store, Filters(query="ceasefire"))] == [ids[2]]
    assert [r["id"] for r in search(store, Filters(query="title:peacekeepers"))] == [ids[2]]
    assert {r["id"] for r in search(store, Filters(query="accus*"))} == {ids[0], ids[1]}
    assert [r["id"] for r in search(store, Filters(outlet="Reuters"))] == [ids[2], ids[0]]
    assert {r["id"] for r in search(store, Filters(actor="ARM"))} == {ids[0], ids[1]}
    assert [r["id"] for r in search(store, Filters(actor="Q_aliyev"))] == [ids[1]]
    # an office-holder counts for the state it belongs to
    assert ids[1] in {r["id"] for r in search(store, Filters(actor="AZE"))}
    assert [r["id"] for r in search(store, Filters(since="2024-02-01", until="2024-02-28"))] \
        == [ids[1]]
    assert len(search(store, Filters(limit=2))) == 2
    assert search(store, Filters(query="ceasefire", outlet="AP")) == []
    assert list(matching_ids(store, Filters(outlet="Reuters"), batch=1)) == [ids[0], ids[2]]
    with pytest.raises(errors.BadStoreQuery, match="YYYY-MM-DD"):
        search(store, Filters(since="March"))


def test_store_stats_counts_what_is_stored(store: Store) -> None:
    _corpus(store)
    s = stats(store)
    assert s["articles"] == 4 and s["outlets"] == 3 and s["undated"] == 1
    assert s["events_by_mode"] == {"actual": 4} and s["clusters"] == 4
    assert s["top_outlets"]["Reuters"] == 2


# --- bad databases ---------------------------------------------------------------------------


def test_store_refuses_a_newer_schema(tmp_path: Path) -> None:
    Store.open(tmp_path / "n.db").close()
    conn = sqlite3.connect(tmp_path / "n.db")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(errors.StoreTooNew, match="newer flashpoint"):
        Store.open(tmp_path / "n.db")
    with pytest.raises(errors.StoreTooNew):
        Store.open(tmp_path / "n.db", readonly=True)


def test_store_refuses_another_sqlite_database_and_leaves_it_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE customers (name TEXT)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(errors.NotAStore, match="not a flashpoint database"):
        Store.open(path)
    assert path.read_bytes() == before


def test_store_refuses_a_file_that_is_not_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 200)
    with pytest.raises(errors.NotAStore):
        Store.open(path)
    assert path.read_text().startswith("these are my notes")


def test_store_reports_a_corrupt_file(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    with Store.open(path) as s:
        for i in range(30):
            s.add(make(f"{i} " + " ".join(WIRE) * 3, outlet=f"o{i}"))
    data = bytearray(path.read_bytes())
    page = 4096
    for p in range(2, len(data) // page):  # keep the header page, garble the rest
        data[p * page + 100 : p * page + 900] = b"\xa5" * 800
    path.write_bytes(bytes(data))
    with pytest.raises(errors.StoreCorrupt, match="damaged"), \
            Store.open(path, readonly=True) as s:
        list(s.iter_articles())
        stats(s)


def test_store_read_only_file_is_one_clear_error(tmp_path: Path, monkeypatch: Any) -> None:
    path = tmp_path / "ro.db"
    with Store.open(path) as s:
        s.add(make(WIRE[0]))
    path.chmod(0o444)
    import os

    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if Path(p) == path
                        else real_access(p, mode))  # root ignores modes: simulate
    with pytest.raises(errors.StoreReadOnly, match="read-only"):
        Store.open(path)
    with Store.open(path, readonly=True) as s:  # reading still works
        assert len(s) == 1


def test_store_full_disk_rolls_back_the_article_and_keeps_the_rest(store: Store) -> None:
    store.add(make(WIRE[0]))
    pages = store.query("PRAGMA page_count")[0]["page_count"]
    store._conn.execute(f"PRAGMA max_page_count = {pages + 1}")  # simulate a full disk
    big = make(" ".join(f"{w}{i}" for i in range(20000) for w in ["word"]), outlet="Big")
    with pytest.raises(errors.StoreFull, match="full"):
        store.add(big)
    assert big.id not in store and len(store) == 1
    assert count(store, "events", "article_id = ?", (big.id,)) == 0
    assert count(store, "minhash") == 1 and count(store, "articles_fts") == 1
    store._conn.execute("PRAGMA max_page_count = 1073741823")
    assert store.add(big).status == "new"


def test_store_import_loads_no_nlp_model() -> None:
    code = ("import sys, flashpoint.store; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'spacy', 'sklearn', 'torch', 'onnxruntime', 'thinc'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]", out.stdout


def test_store_actor_filter_strategies_agree(tmp_path: Path) -> None:
    from scripts.make_synthetic_corpus import generate

    with Store.open(tmp_path / "s.db") as s:
        s.add_many(list(generate(300, seed=4)))
        for actor in ("AZE", "ARM", "person:aliyev", "GEO", "XXX"):
            for f in (Filters(actor=actor), Filters(actor=actor, since="2023-01-01")):
                got = []
                for scan in (True, False):
                    where, params = f.where(scan)
                    got.append({r["id"] for r in s.query(
                        f"SELECT a.id FROM articles a WHERE {where}", params)})
                assert got[0] == got[1], actor
                assert {r["id"] for r in search(s, f)} == got[0]


# --- schema version 2: main events and argument spans -----------------------------------------


def test_store_keeps_main_flag_and_argument_spans(store: Store) -> None:
    text = WIRE[0]
    sentence = Span.of(text, 0, text.find(".") + 1)
    arm = text.find("Armenia")
    event = Event(source="AZE", target="ARM", category="ACCUSE", quad_class="verbal_conflict",
                  intensity=-2.0, mode="actual", main=True,
                  evidence=Evidence(trigger=Span.of(text, 11, 19), sentence=sentence,
                                    source=Span.of(text, 0, 10),
                                    target=Span.of(text, arm, arm + 7)))
    store.add(dataclasses.replace(make(text), events=(event,)))
    row = store.query("SELECT main, source_start, source_end, source_text, target_text "
                      "FROM events")[0]
    assert row == {"main": 1, "source_start": 0, "source_end": 10, "source_text": "Azerbaijan",
                   "target_text": "Armenia"}


def test_store_migrates_a_version_1_database(tmp_path: Path) -> None:
    from flashpoint.store.schema import APPLICATION_ID, MIGRATIONS

    path = tmp_path / "v1.db"
    conn = sqlite3.connect(path)
    for sql in MIGRATIONS[1]:
        conn.execute(sql)
    conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
    conn.execute("PRAGMA user_version=1")
    conn.commit()
    conn.close()
    with Store.open(path) as s:
        assert s.query("PRAGMA user_version")[0]["user_version"] == SCHEMA_VERSION >= 2
        s.add(make(WIRE[1]))
        assert s.query("SELECT main, source_text, confidence FROM events") == [
            {"main": 0, "source_text": None, "confidence": 1.0}]
