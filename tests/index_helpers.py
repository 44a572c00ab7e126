"""Hand-built analysed articles for the tension index tests (no spaCy)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flashpoint.model import (
    Actor,
    Article,
    Event,
    Evidence,
    Genre,
    Metadata,
    Quote,
    Span,
    Speaker,
)

ACTORS = {
    "RUS": Actor(id="RUS", name="Russia", kind="state"),
    "AZE": Actor(id="AZE", name="Azerbaijan", kind="state"),
    "UKR": Actor(id="UKR", name="Ukraine", kind="state"),
    "RUS/government": Actor(id="RUS/government", name="Kremlin", kind="organization",
                            belongs_to="RUS"),
    "person:vladimir-putin": Actor(id="person:vladimir-putin", name="Vladimir Putin",
                                   kind="person", belongs_to="RUS"),
    "co:rosatom": Actor(id="co:rosatom", name="Rosatom", kind="company", belongs_to="RUS"),
    "person:ilham-aliyev": Actor(id="person:ilham-aliyev", name="Ilham Aliyev", kind="person",
                                 belongs_to="AZE"),
}

QUADS = {
    "ASSAULT": ("material_conflict", -9.5), "COERCE": ("material_conflict", -7.0),
    "THREATEN": ("verbal_conflict", -6.0), "DISAPPROVE": ("verbal_conflict", -2.0),
    "COOPERATE": ("material_cooperation", 6.0), "AGREE": ("verbal_cooperation", 4.0),
}


def ev(source: str | None, target: str | None, category: str = "ASSAULT", mode: str = "actual",
       quote: str | None = None, confidence: float = 1.0) -> dict[str, Any]:
    """An event spec for :func:`article`."""
    return {"source": source, "target": target, "category": category, "mode": mode,
            "quote": quote, "confidence": confidence}


def article(text: str, events: Sequence[dict[str, Any]], *, day: str | None = "2024-01-03",
            outlet: str = "Outlet A", genre: str = "reporting",
            quotes: Sequence[tuple[str, str | None, str | None]] = (),
            extra_actors: Sequence[str] = (), url: str | None = None) -> Article:
    """An analysed article: each event's trigger is the first word, its sentence the text.

    ``quotes``: (id, speaker name, speaker actor id) covering the whole text.
    """
    whole = Span(0, len(text), text)
    trigger = Span(0, text.index(" "), text[: text.index(" ")])
    built = []
    ids: set[str] = set(extra_actors)
    for e in events:
        quad, intensity = QUADS[e["category"]]
        built.append(Event(source=e["source"], target=e["target"], category=e["category"],
                           quad_class=quad, intensity=intensity, mode=e["mode"],
                           evidence=Evidence(trigger=trigger, sentence=whole), quote=e["quote"],
                           confidence=e["confidence"]))
        ids.update(x for x in (e["source"], e["target"]) if x)
    qs = tuple(Quote(id=qid, kind="direct", content=whole,
                     speaker=Speaker(name=name, actor=actor)) for qid, name, actor in quotes)
    for _, _, actor in quotes:
        if actor:
            ids.add(actor)
    actors = tuple(ACTORS.get(i) or Actor(id=i, name=i, kind="state") for i in sorted(ids))
    return Article(text=text, source="test",
                   metadata=Metadata(title=text[:40], outlet=outlet, published=day,
                                     url=url or f"https://example.org/{abs(hash(text))}"),
                   actors=actors, quotes=qs, events=tuple(built),
                   genre=Genre(label=genre, score=0.9))  # type: ignore[arg-type]
