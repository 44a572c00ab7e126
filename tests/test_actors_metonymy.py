"""Capitals and seats of government: the government when they act, nothing when a place."""

from __future__ import annotations

import pytest
from spacy.language import Language

from flashpoint.analyzers.actors import find_actors

pytestmark = pytest.mark.model


def agent_reading(nlp: Language, text: str, surface: str) -> str | None:
    """The actor id the capital/seat ``surface`` was resolved to, or None (a place)."""
    start = text.index(surface)
    for actor in find_actors(nlp(text), None):
        for m in actor.mentions:
            if m.start == start and m.via in ("capital", "seat"):
                return actor.id
    return None


@pytest.mark.parametrize(("text", "surface", "expected"), [
    ("Baku has simulated several war scenarios.", "Baku", "AZE"),
    ("Moscow had allegedly ordered the shootdown.", "Moscow", "RUS"),
    ("Talks between Kyiv and Warsaw resumed.", "Kyiv", "UKR"),
    ("The decision by Vilnius angered its neighbour.", "Vilnius", "LTU"),
    ("Beijing's response was swift.", "Beijing", "CHN"),
    ("Officials in Ankara signalled flexibility.", "Ankara", "TUR"),
    ("The Kremlin spokesman denied the report.", "Kremlin", "RUS"),
    ("Washington urged Tbilisi to drop the bill.", "Tbilisi", "GEO"),
    ("The Ankara-Baku axis has grown stronger.", "Ankara", "TUR"),
    ("Pressure from Tehran delayed the vote.", "Tehran", "IRN"),
])
def test_actors_capital_as_agent(nlp: Language, text: str, surface: str, expected: str) -> None:
    assert agent_reading(nlp, text, surface) == expected


@pytest.mark.parametrize(("text", "surface"), [
    ("A criminal group in Yerevan was taken down by the police.", "Yerevan"),
    ("Flights to Moscow were cancelled because of fog.", "Moscow"),
    ("He was born in Tashkent in 1970.", "Tashkent"),
    ("Protesters marched through central Tbilisi.", "Tbilisi"),
    ("The mayor of Kyiv announced a curfew.", "Kyiv"),
    ("The Minsk metro was closed for repairs.", "Minsk"),
    ("Drones were spotted over Riga overnight.", "Riga"),
    ("Tourists queued outside the Kremlin walls.", "Kremlin"),
    ("Kharkiv residents fled toward Kyiv by train.", "Kyiv"),
    ("The highway between Ankara and Konya was closed.", "Ankara"),
])
def test_actors_capital_as_place(nlp: Language, text: str, surface: str) -> None:
    assert agent_reading(nlp, text, surface) is None
