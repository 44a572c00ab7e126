"""Office-holders resolve by the article's date; a user gazetteer reaches the analyzer."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from spacy.language import Language

from flashpoint.analyzers import actors as actors_analyzer
from flashpoint.analyzers import sentences
from flashpoint.analyzers.actors import find_actors
from flashpoint.errors import GazetteerError
from flashpoint.model import Actor, Article, Metadata
from flashpoint.pipeline import Pipeline

pytestmark = pytest.mark.model


def people(actors: tuple[Actor, ...]) -> dict[str, Actor]:
    return {a.id: a for a in actors if a.kind == "person"}


@pytest.mark.parametrize(("text", "day", "expected"), [
    ("President Aliyev opened the new terminal.", date(2001, 3, 1), "person:heydar-aliyev"),
    ("President Aliyev opened the new terminal.", date(2015, 3, 1), "person:ilham-aliyev"),
    ("President Aliyev opened the new terminal.", None, "person:ilham-aliyev"),
    ("The British prime minister flew to Kyiv.", date(2020, 2, 1), "person:boris-johnson"),
    ("The British prime minister flew to Kyiv.", date(2024, 9, 1), "person:keir-starmer"),
    ("The Russian president signed the decree.", date(2010, 5, 1), "person:dmitry-medvedev"),
    ("The Russian president signed the decree.", date(2015, 5, 1), "person:vladimir-putin"),
    ("Ukraine's foreign minister met his Polish counterpart.", date(2022, 5, 1),
     "person:dmytro-kuleba"),
    ("Prime Minister Sharif addressed parliament.", date(2015, 1, 1), "person:nawaz-sharif"),
    ("Prime Minister Sharif addressed parliament.", date(2024, 6, 1), "person:shehbaz-sharif"),
])
def test_actors_leader_depends_on_date(nlp: Language, text: str, day: date | None,
                                       expected: str) -> None:
    found = people(find_actors(nlp(text), day))
    assert expected in found
    assert found[expected].mentions[0].via == "leader"


def test_actors_leader_state_and_role_at_date(nlp: Language) -> None:
    text = "Mark Rutte spoke to reporters."
    then = people(find_actors(nlp(text), date(2016, 1, 1)))["person:mark-rutte"]
    now = people(find_actors(nlp(text), date(2025, 1, 1)))["person:mark-rutte"]
    assert (then.belongs_to, then.role) == ("NLD", "head_of_government")
    assert (now.belongs_to, now.role) == ("igo:nato", "head_of_organization")


def test_actors_role_coreference_uses_date(nlp: Language) -> None:
    text = "Rishi Sunak met Emmanuel Macron in Paris. The prime minister said little."
    found = people(find_actors(nlp(text), date(2023, 3, 10)))
    vias = [(m.text, m.via) for m in found["person:rishi-sunak"].mentions]
    assert ("prime minister", "coreference") in vias


def _article(text: str, published: str | None) -> Article:
    return Article(text=text, source="test", metadata=Metadata(published=published))


def test_actors_pipeline_reads_published_date(nlp: Language) -> None:
    pipe = Pipeline([sentences.ANALYZER, actors_analyzer.ANALYZER], nlp=nlp)
    text = "President Aliyev received the ambassador."
    (old,) = pipe.run([_article(text, "2002-06-01T08:00:00Z")])
    (new,) = pipe.run([_article(text, None)])
    assert {a.id for a in old.actors} == {"person:heydar-aliyev"}
    assert {a.id for a in new.actors} == {"person:ilham-aliyev"}


def test_actors_user_gazetteer_through_pipeline_options(nlp: Language, tmp_path: Path) -> None:
    user = tmp_path / "extra.csv"
    user.write_text("id,name,kind,belongs_to,aliases\n"
                    "group:blue-falcons,Blue Falcons,group,SRB,Plave Sokolove\n"
                    "AZE,Azerbaijan,state,,!Baku\n", encoding="utf-8")
    options = {"actors.v1": {"gazetteer": str(user)}}
    pipe = Pipeline([sentences.ANALYZER, actors_analyzer.ANALYZER], nlp=nlp, options=options)
    (art,) = pipe.run([_article("The Blue Falcons and Baku traded accusations.", None)])
    found = {a.id: a for a in art.actors}
    assert found["group:blue-falcons"].belongs_to == "SRB"
    assert found["group:blue-falcons"].mentions[0].via == "org"
    assert "AZE" not in found  # the user removed "Baku" as a surface form


def test_actors_user_gazetteer_missing_file_fails_when_the_pipeline_is_built(
        nlp: Language) -> None:
    options = {"actors.v1": {"gazetteer": "/nonexistent/extra.csv"}}
    with pytest.raises(GazetteerError, match="not found") as info:
        Pipeline([actors_analyzer.ANALYZER], nlp=nlp, options=options)
    assert info.value.code == "A430"  # at start-up, not a failure on every article
