"""The actors analyzer: every way a mention is recognised (``via``), on sentences we wrote."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from spacy.language import Language

from flashpoint.analyzers.actors import find_actors
from flashpoint.model import Actor

pytestmark = pytest.mark.model


def run(nlp: Language, text: str, day: date | None = None) -> tuple[Actor, ...]:
    return find_actors(nlp(text), day)


def mentions(actors: tuple[Actor, ...]) -> set[tuple[str, str, str]]:
    """(surface text, actor id, via) of every mention."""
    return {(m.text, a.id, m.via) for a in actors for m in a.mentions}


@pytest.mark.parametrize(("text", "expected"), [
    ("Azerbaijan and Georgia signed a transit deal.", ("Azerbaijan", "AZE", "name")),
    ("Britain expelled a diplomat on Monday.", ("Britain", "GBR", "alias")),
    ("The US and the UK issued a joint statement.", ("UK", "GBR", "alias")),
    ("Moscow ordered the troops back to their bases.", ("Moscow", "RUS", "capital")),
    ("The Kremlin rejected the accusation.", ("Kremlin", "RUS", "seat")),
    ("Downing Street said the talks were constructive.", ("Downing Street", "GBR", "seat")),
    ("The Turkish missile was tested over the sea.", ("Turkish", "TUR", "demonym")),
    ("President Erdogan met the delegation in Istanbul.",
     ("Erdogan", "person:recep-tayyip-erdogan", "leader")),
    ("CSTO members met in Astana to discuss border security.", ("CSTO", "igo:csto", "org")),
    ("Rosatom signed a contract for two reactors.", ("Rosatom", "co:rosatom", "org")),
    ("Shelling was reported in Nagorno-Karabakh overnight.",
     ("Nagorno-Karabakh", "region:nagorno-karabakh", "region")),
    ("The governor of Dagestan resigned.", ("Dagestan", "region:dagestan", "region")),
])
def test_actors_via(nlp: Language, text: str, expected: tuple[str, str, str]) -> None:
    assert expected in mentions(run(nlp, text))


@pytest.mark.parametrize(("text", "actor_id", "kind", "owner", "surface"), [
    ("Azerbaijani media claimed the drone was shot down.", "AZE/media", "media", "AZE",
     "Azerbaijani media"),
    ("Russian authorities detained the suspects.", "RUS/government", "organization", "RUS",
     "Russian authorities"),
    ("Georgian troops took part in the exercise.", "GEO/military", "organization", "GEO",
     "Georgian troops"),
    ("Several Kazakh nationals were evacuated.", "KAZ/people", "group", "KAZ",
     "Kazakh nationals"),
    ("US officials declined to comment.", "USA/government", "organization", "USA",
     "US officials"),
])
def test_actors_demonym_keeps_the_head(nlp: Language, text: str, actor_id: str, kind: str,
                                       owner: str, surface: str) -> None:
    found = {a.id: a for a in run(nlp, text)}
    actor = found[actor_id]
    assert (actor.kind, actor.belongs_to) == (kind, owner)
    (mention,) = actor.mentions
    assert (mention.text, mention.via) == (surface, "demonym" if owner != "USA" else "alias")
    assert mention.head is not None and mention.head in surface


def test_actors_demonym_other_head_is_the_state(nlp: Language) -> None:
    found = {a.id: a for a in run(nlp, "The Turkish missile flew 500 kilometres.")}
    (mention,) = found["TUR"].mentions
    assert (mention.text, mention.via, mention.head) == ("Turkish", "demonym", "missile")


@pytest.mark.parametrize(("text", "actor_id", "owner"), [
    ("Rosatom will sell its stake in the plant.", "co:rosatom", "RUS"),
    ("SOCAR raised its export forecast.", "co:socar", "AZE"),
    ("TASS reported that the talks had ended.", "media:tass", "RUS"),
    ("The IRGC seized a tanker in the Gulf.", "org:irn-irgc", "IRN"),
    ("Fighting in Transnistria would draw in Moldova.", "region:transnistria", "MDA"),
])
def test_actors_belongs_to(nlp: Language, text: str, actor_id: str, owner: str) -> None:
    found = {a.id: a for a in run(nlp, text)}
    assert found[actor_id].belongs_to == owner


@pytest.mark.parametrize(("text", "surface", "via"), [
    ("Presidents Ilham Aliyev and Recep Tayyip Erdoğan met in Shusha.", "Erdoğan", None),
    ("Nikol Pashinyan arrived in Brussels. Pashinyan then met the commissioner.",
     "Pashinyan", "leader"),
])
def test_actors_leader_names(nlp: Language, text: str, surface: str, via: str | None) -> None:
    found = mentions(run(nlp, text))
    assert any(surface in m[0] and m[2] == (via or "leader") for m in found)


def test_actors_unknown_person_gets_owner_from_demonym(nlp: Language) -> None:
    text = "Armenian analyst Davit Harutyunyan told reporters that talks would fail."
    found = {a.id: a for a in run(nlp, text)}
    person = found["person:davit-harutyunyan"]
    assert (person.kind, person.belongs_to, person.mentions[0].via) == ("person", "ARM", "name")


@pytest.mark.parametrize(("text", "surface", "person"), [
    ("Kazakh economist Aigerim Nurlanova said prices would rise. Nurlanova added that "
     "the central bank was too slow.", "Nurlanova", "person:aigerim-nurlanova"),
    ("Moldovan lawyer Ion Ceban filed the complaint. According to him, the court erred.",
     "him", "person:ion-ceban"),
    ("Turkish Foreign Minister Hakan Fidan arrived on Monday. The foreign minister then met "
     "his counterpart.", "foreign minister", "person:hakan-fidan"),
    ("NATO held talks on Monday. The alliance agreed to expand patrols.", "alliance",
     "igo:nato"),
])
def test_actors_coreference(nlp: Language, text: str, surface: str, person: str) -> None:
    assert (surface, person, "coreference") in mentions(run(nlp, text, date(2024, 5, 1)))


def test_actors_pronoun_ignores_people_named_in_quotes(nlp: Language) -> None:
    text = ('Serbian commentator Milan Petrovic was blunt. "Nobody will let President Vucic '
            'decide this alone," he said.')
    found = mentions(run(nlp, text, date(2024, 5, 1)))
    assert ("he", "person:milan-petrovic", "coreference") in found


def test_actors_ambiguous_pronoun_stays_unresolved(nlp: Language) -> None:
    text = "John Carter met Peter Miller in Vienna. He said little afterwards."
    assert not any(m[0] == "He" for m in mentions(run(nlp, text)))


@pytest.mark.parametrize("text", [
    "", " ", "\n\n", "“unbalanced quote marks and no end", "Moscow" * 2000,
    "Der Kreml hat die Vorwürfe zurückgewiesen, sagte ein Sprecher in Moskau.",
])
def test_actors_degenerate_text(nlp: Language, text: str) -> None:
    for actor in run(nlp, text):
        for m in actor.mentions:
            assert text[m.start : m.end] == m.text


@pytest.mark.parametrize(("text", "person", "owner", "role"), [
    ("Nigeria's foreign minister, Yusuf Tuggar, said the talks failed.", "person:yusuf-tuggar",
     "NGA", "foreign_minister"),
    ("Lithuanian Foreign Minister Kestutis Budrys said Vilnius would respond.",
     "person:kestutis-budrys", "LTU", "foreign_minister"),
])
def test_actors_title_gives_owner_and_role(nlp: Language, text: str, person: str, owner: str,
                                           role: str) -> None:
    found = {a.id: a for a in run(nlp, text)}
    assert (found[person].belongs_to, found[person].role) == (owner, role)
    state_mention = found[owner].mentions[0]
    assert state_mention.head is not None and "minister" in state_mention.head.lower()


def test_actors_role_of_state_resolves_to_holder(nlp: Language) -> None:
    found = mentions(run(nlp, "The president of Azerbaijan opened the session.",
                         date(2020, 1, 1)))
    assert ("president", "person:ilham-aliyev", "leader") in found


@pytest.mark.parametrize(("text", "absent"), [
    ("The UN General Assembly voted on the resolution.", "person:assembly"),
    ("General Motors reported higher sales.", "person:motors"),
    ("NATO May Back Georgia in Future Black Sea Clash", "person:future-black-sea-clash"),
])
def test_actors_no_false_people(nlp: Language, text: str, absent: str) -> None:
    assert absent not in {a.id for a in run(nlp, text)}


def test_actors_mentions_never_overlap(nlp: Language) -> None:
    text = ("The Ankara-Baku partnership worries Yerevan, Armenian officials said, while "
            "Russian President Vladimir Putin met Azerbaijani media in the Kremlin.")
    spans = sorted((m.start, m.end) for a in run(nlp, text) for m in a.mentions)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))


def test_actors_unknown_organisation_takes_owner_from_context(nlp: Language) -> None:
    text = "The Foreign Ministry in Moscow and the Foreign Ministry in Kyiv traded barbs."
    found = {a.id: a for a in run(nlp, text)}
    assert found["org:rus-foreign-ministry"].belongs_to == "RUS"
    assert found["org:ukr-foreign-ministry"].belongs_to == "UKR"
