"""Acceptance on the seed article in ``../shared/seed`` (read there, never copied here).

Skipped when the shared folder is absent. Only actor ids, owners and ``via`` values are
asserted: the rules and tables are general, nothing is specific to this article.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language

from flashpoint.analyzers.actors import find_actors
from flashpoint.evaluation import default_datasets_dir
from flashpoint.model import Actor

pytestmark = pytest.mark.model

SEED_DIR = default_datasets_dir().parent / "seed"


@pytest.fixture(scope="module")
def seed_actors(nlp: Language) -> dict[str, Actor]:
    files = sorted(SEED_DIR.glob("*.txt")) if SEED_DIR.is_dir() else []
    if not files:
        pytest.skip(f"seed article not found under {SEED_DIR}")
    text = Path(files[0]).read_text(encoding="utf-8")
    return {a.id: a for a in find_actors(nlp(text), None)}


def vias(actor: Actor) -> set[str]:
    return {m.via for m in actor.mentions}


@pytest.mark.parametrize(("state", "expected_vias"), [
    ("AZE", {"name", "capital", "demonym"}),
    ("RUS", {"name", "capital", "demonym"}),
    ("TUR", {"name", "capital"}),
    ("ARM", {"name"}),
    ("UKR", {"name"}),
    ("GBR", {"alias"}),
])
def test_actors_seed_states(seed_actors: dict[str, Actor], state: str,
                            expected_vias: set[str]) -> None:
    assert expected_vias <= vias(seed_actors[state])


@pytest.mark.parametrize(("actor_id", "owner", "via"), [
    ("person:ilham-aliyev", "AZE", "leader"),
    ("person:recep-tayyip-erdogan", "TUR", "leader"),
    ("person:nikol-pashinyan", "ARM", "leader"),
    ("co:rosatom", "RUS", "org"),
    ("igo:nato", None, "org"),
    ("igo:csto", None, "org"),
    ("AZE/media", "AZE", "demonym"),
    ("RUS/government", "RUS", "demonym"),
    ("region:nagorno-karabakh", "AZE", "region"),
    ("region:nakhchivan", "AZE", "region"),
    ("region:dagestan", "RUS", "region"),
    ("region:syunik", "ARM", "region"),
])
def test_actors_seed_actors(seed_actors: dict[str, Actor], actor_id: str, owner: str | None,
                            via: str) -> None:
    actor = seed_actors[actor_id]
    assert actor.belongs_to == owner
    assert via in vias(actor)
