"""The gazetteer: tables, normalisation, lookup, terms of office, user override files."""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path

import pycountry
import pytest

from flashpoint import errors
from flashpoint.analyzers.actors import gazetteer as gz


@pytest.fixture(scope="module")
def gaz() -> gz.Gazetteer:
    return gz.load()


def _entries(gaz: gz.Gazetteer, surface: str) -> set[tuple[str, str]]:
    return {(a.entry, a.via) for a in gaz.lookup(surface)}


@pytest.mark.parametrize(("surface", "expected"), [
    ("Erdoğan", "erdogan"),
    ("Sünik", "sunik"),
    ("  Nagorno  Karabakh ", "nagorno karabakh"),
    ("Côte d’Ivoire", "cote d'ivoire"),
])
def test_gazetteer_normalise(surface: str, expected: str) -> None:
    assert gz.normalise(surface) == expected


def test_gazetteer_has_every_iso_state(gaz: gz.Gazetteer) -> None:
    states = {e.id for e in gaz.entries.values() if e.kind == "state"}
    assert {c.alpha_3 for c in pycountry.countries} <= states


def test_gazetteer_every_table_names_its_source() -> None:
    for filename, _ in gz.TABLES:
        meta = gz.table_header(gz.TABLES_DIR / filename)
        assert meta.get("source") and meta.get("version"), filename


def test_gazetteer_owners_exist(gaz: gz.Gazetteer) -> None:
    owners = {e.belongs_to for e in gaz.entries.values() if e.belongs_to}
    term_states = {t.state for t in gaz.terms}
    assert owners | term_states <= set(gaz.entries)


@pytest.mark.parametrize(("surface", "entry", "via"), [
    ("Azerbaijan", "AZE", "name"),
    ("Britain", "GBR", "alias"),
    ("US", "USA", "alias"),
    ("Baku", "AZE", "capital"),
    ("Kyiv", "UKR", "capital"),
    ("Kiev", "UKR", "capital"),
    ("Kremlin", "RUS", "seat"),
    ("Downing Street", "GBR", "seat"),
    ("Elysee Palace", "FRA", "seat"),
    ("Azerbaijani", "AZE", "demonym"),
    ("Turks", "TUR", "demonym"),
    ("Erdogan", "person:recep-tayyip-erdogan", "leader"),
    ("Zelenskyy", "person:volodymyr-zelensky", "leader"),
    ("CSTO", "igo:csto", "org"),
    ("North Atlantic Treaty Organization", "igo:nato", "org"),
    ("Rosatom", "co:rosatom", "org"),
    ("SOCAR", "co:socar", "org"),
    ("Syunik", "region:syunik", "region"),
    ("Sünik", "region:syunik", "region"),
    ("Nakhichevan", "region:nakhchivan", "region"),
    ("Artsakh", "region:nagorno-karabakh", "region"),
])
def test_gazetteer_lookup(gaz: gz.Gazetteer, surface: str, entry: str, via: str) -> None:
    assert (entry, via) in _entries(gaz, surface)


@pytest.mark.parametrize(("alias_surface", "text", "accepted"), [
    ("US", "US", True),
    ("US", "us", False),
    ("WHO", "Who", False),
    ("Turkey", "turkey", False),
    ("Turkey", "Turkey", True),
    ("the West", "the West", True),
    ("the West", "the west", False),
])
def test_gazetteer_case_rules(gaz: gz.Gazetteer, alias_surface: str, text: str,
                              accepted: bool) -> None:
    alias = gaz.lookup(alias_surface)[0]
    assert gaz.accepts(alias, text, "") is accepted


def test_gazetteer_ambiguous_capital_needs_ner(gaz: gz.Gazetteer) -> None:
    (male,) = [a for a in gaz.lookup("Male") if a.via == "capital"]
    assert not gaz.accepts(male, "Male", "")
    assert gaz.accepts(male, "Male", "GPE")


@pytest.mark.parametrize(("day", "expected"), [
    (date(2001, 6, 1), "person:heydar-aliyev"),
    (date(2010, 6, 1), "person:ilham-aliyev"),
    (None, "person:ilham-aliyev"),
])
def test_gazetteer_pick_person_by_date(gaz: gz.Gazetteer, day: date | None,
                                       expected: str) -> None:
    people = [a.entry for a in gaz.lookup("Aliyev")]
    assert gaz.pick_person(people, day) == expected


@pytest.mark.parametrize(("state", "role", "day", "expected"), [
    ("GBR", "head_of_government", date(2020, 1, 1), ["person:boris-johnson"]),
    ("GBR", "head_of_government", date(2024, 8, 1), ["person:keir-starmer"]),
    ("RUS", "head_of_state", date(2010, 1, 1), ["person:dmitry-medvedev"]),
    ("RUS", "head_of_state", None, ["person:vladimir-putin"]),
    ("TUR", "foreign_minister", date(2020, 1, 1), ["person:mevlut-cavusoglu"]),
])
def test_gazetteer_holders(gaz: gz.Gazetteer, state: str, role: str, day: date | None,
                           expected: list[str]) -> None:
    assert gaz.holders(state, role, day) == expected


def test_gazetteer_state_of_person_changes_with_office(gaz: gz.Gazetteer) -> None:
    assert gaz.state_of("person:mark-rutte", date(2015, 1, 1)) == "NLD"
    assert gaz.state_of("person:mark-rutte", date(2025, 1, 1)) == "igo:nato"


@pytest.mark.parametrize(("text", "end", "expected"), [
    ("2024-03-05T10:00:00Z", False, date(2024, 3, 5)),
    ("2024-02", True, date(2024, 2, 29)),
    ("2023", False, date(2023, 1, 1)),
    ("yesterday", False, None),
    (None, False, None),
])
def test_gazetteer_parse_day(text: str | None, end: bool, expected: date | None) -> None:
    assert gz.parse_day(text, end=end) == expected


def test_gazetteer_find_prefers_longest() -> None:
    g = gz.load()
    words = [gz.normalise(w) for w in ["the", "Nagorno", "-", "Karabakh", "conflict"]]
    assert [(i, j) for i, j, _ in g.find(words)] == [(1, 4)]


USER_CSV = """# version: test
# source: written for this test
id,name,kind,belongs_to,aliases,role,start,end
co:acme-drones,Acme Drones,company,FRA,Acme|AcmeDrone,,,
AZE,Republic of Azerbaijan,state,,Land of Fire,,,
co:rosatom,Rosatom,company,RUS,!Rosatom,,,
person:jane-roe,Jane Roe,person,MDA,Roe,foreign_minister,2030-01-01,
"""


def test_gazetteer_user_file_adds_overrides_and_removes(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(USER_CSV, encoding="utf-8")
    g = gz.load(path)
    assert ("co:acme-drones", "org") in _entries(g, "AcmeDrone")
    assert g.entries["co:acme-drones"].belongs_to == "FRA"
    assert g.entries["AZE"].name == "Republic of Azerbaijan"
    assert ("AZE", "alias") in _entries(g, "Land of Fire")
    assert ("AZE", "capital") in _entries(g, "Baku")  # the shipped aliases stay
    assert g.lookup("Rosatom") == []
    assert g.holders("MDA", "foreign_minister", date(2031, 1, 1)) == ["person:jane-roe"]
    assert gz.load().lookup("Rosatom")  # the shipped gazetteer is untouched


def test_gazetteer_user_file_missing_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(errors.GazetteerError, match="not found"):
        gz.load(tmp_path / "nope.csv")


def test_gazetteer_user_file_bad_kind(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("id,name,kind,belongs_to,aliases\nx:1,X,planet,,\n", encoding="utf-8")
    with pytest.raises(errors.GazetteerError, match="planet"):
        gz.load(path)


def test_gazetteer_terms_are_well_formed(gaz: gz.Gazetteer) -> None:
    for term in gaz.terms:
        assert term.end is None or term.start <= term.end, term
        assert term.role in gz.ROLES and term.title, term
        assert gaz.entries[term.person].kind == "person", term


def test_gazetteer_one_state_office_holder_at_a_time(gaz: gz.Gazetteer) -> None:
    """No two people hold the same state office for more than a few days of handover."""
    by_office: dict[tuple[str, str, str], list[gz.Term]] = {}
    for t in gaz.terms:
        if not t.state.startswith("igo:"):
            by_office.setdefault((t.state, t.role, t.title), []).append(t)
    for office, terms in by_office.items():
        terms.sort(key=lambda t: t.start)
        for a, b in itertools.pairwise(terms):
            if a.person != b.person:
                assert a.end is not None and (a.end - b.start).days <= 3, (office, a, b)
