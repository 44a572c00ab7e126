"""Frames: which lenses the text uses (conflict, security, economic, morality, ...).

A lexicon-based detector after Semetko and Valkenburg's (2000) generic news
frames (conflict, human interest, economic consequences, morality,
responsibility) plus security, the dominant lens of geopolitical news. Each
frame has a list of cue words and phrases (written for flashpoint); a frame is
reported when at least :data:`MIN_CUES` cues occur, with up to
:data:`MAX_CUE_SPANS` cue spans as evidence. ``score`` is the frame's share of
all frame cues in the text, so the scores of one article sum to at most 1.
This is a shallow signal: cue words show what vocabulary a text draws on, not
how it argues.
"""

from __future__ import annotations

import re

from ...model import Frame, Span

MIN_CUES = 2
MAX_CUE_SPANS = 8

LEXICON: dict[str, tuple[str, ...]] = {
    "conflict": (
        "war", "wars", "clash", "clashes", "confrontation", "conflict", "conflicts", "fight",
        "fighting", "rival", "rivals", "rivalry", "hostile", "hostility", "tensions",
        "escalation", "escalate", "attack", "attacks", "offensive", "retaliate", "retaliation",
        "dispute", "feud", "provocation", "standoff", "battle",
    ),
    "security": (
        "military", "troops", "army", "missile", "missiles", "nuclear", "weapons", "defence",
        "defense", "security", "terror", "terrorist", "terrorism", "border", "borders",
        "intelligence", "drone", "drones", "bases", "naval", "air force", "deterrence",
        "nato", "alliance", "threat", "threats", "sanctions",
    ),
    "economic": (
        "economy", "economic", "trade", "tariff", "tariffs", "oil", "gas", "pipeline",
        "investment", "investors", "market", "markets", "prices", "inflation", "budget",
        "billion", "million", "exports", "imports", "stake", "corridor", "revenue", "jobs",
        "growth", "debt", "currency", "logistics", "resources",
    ),
    "morality": (
        "moral", "immoral", "evil", "shameful", "justice", "injustice", "betrayal", "betray",
        "honour", "honor", "duty", "sin", "values", "righteous", "crime", "crimes", "atrocity",
        "atrocities", "innocent", "guilt", "disgrace", "hypocrisy",
    ),
    "responsibility": (
        "blame", "blamed", "responsible", "responsibility", "accountable", "fault", "caused",
        "to blame", "must act", "failed to", "failure", "obligation", "obligations",
        "held accountable", "negligence",
    ),
    "human_interest": (
        "civilians", "civilian", "casualties", "victims", "families", "children", "refugees",
        "suffering", "displaced", "wounded", "killed", "homes", "grief", "humanitarian",
    ),
}

_PATTERNS = {
    frame: re.compile(
        r"\b(?:" + "|".join(re.escape(c) for c in sorted(cues, key=len, reverse=True)) + r")\b",
        re.IGNORECASE,
    )
    for frame, cues in LEXICON.items()
}


def detect(text: str) -> tuple[Frame, ...]:
    """Frames of ``text`` with at least :data:`MIN_CUES` cues, most cued first."""
    hits = {frame: list(p.finditer(text)) for frame, p in _PATTERNS.items()}
    total = sum(len(v) for v in hits.values())
    frames = []
    for frame, found in hits.items():
        if len(found) < MIN_CUES:
            continue
        cues = tuple(Span.of(text, m.start(), m.end()) for m in found[:MAX_CUE_SPANS])
        frames.append(Frame(label=frame, score=round(len(found) / total, 3), cues=cues))
    return tuple(sorted(frames, key=lambda f: (-f.score, f.label)))
