"""Acceptance on the seed article in ``../shared/seed`` (read there, never copied here).

Skipped when the shared folder is absent. Only ids, categories, quad classes and
modes are asserted; nothing in the analyzer is specific to this article.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language

from flashpoint.analyzers import registry
from flashpoint.evaluation import default_datasets_dir
from flashpoint.model import Article, Event
from flashpoint.pipeline import Pipeline

pytestmark = pytest.mark.model

SEED_DIR = default_datasets_dir().parent / "seed"


@pytest.fixture(scope="module")
def seed_events(nlp: Language) -> tuple[Event, ...]:
    files = sorted(SEED_DIR.glob("*.txt")) if SEED_DIR.is_dir() else []
    if not files:
        pytest.skip(f"seed article not found under {SEED_DIR}")
    text = Path(files[0]).read_text(encoding="utf-8")
    (article,) = Pipeline(registry(plugins=False), nlp=nlp).run([Article(text=text, source="s")])
    article.check_offsets()
    return article.events


def _owner(actor: str | None) -> str | None:
    return actor.split("/")[0] if actor else None


def test_events_seed_reduced_relations_is_actual_conflict(seed_events: tuple[Event, ...]) -> None:
    assert any(
        e.source == "AZE" and e.target == "RUS" and e.category == "SANCTION"
        and e.quad_class.endswith("conflict") and e.mode == "actual"
        for e in seed_events
    )


def test_events_seed_strike_is_hypothetical(seed_events: tuple[Event, ...]) -> None:
    strikes = [e for e in seed_events if e.source == "RUS" and e.category == "ASSAULT"
               and e.evidence.trigger.text.lower().startswith("strike")]
    assert strikes
    assert {e.mode for e in strikes} == {"hypothetical"}


def test_events_seed_aid_to_armenia_is_hypothetical(seed_events: tuple[Event, ...]) -> None:
    assert any(
        e.source == "RUS" and e.target == "ARM" and e.quad_class.endswith("cooperation")
        and e.mode == "hypothetical"
        for e in seed_events
    )


def test_events_seed_provocation_is_alleged(seed_events: tuple[Event, ...]) -> None:
    provokers = {e.source for e in seed_events
                 if e.evidence.trigger.text == "provoke" and e.mode == "alleged"}
    assert {"TUR", "GBR"} <= provokers


def test_events_seed_has_no_actual_assault(seed_events: tuple[Event, ...]) -> None:
    assert not [e for e in seed_events if e.category == "ASSAULT" and e.mode == "actual"]


def test_events_seed_group_of_nationals(seed_events: tuple[Event, ...]) -> None:
    assert any(
        _owner(e.source) == "RUS" and _owner(e.target) == "AZE" and e.category == "COERCE"
        and e.mode == "actual"
        for e in seed_events
    )
