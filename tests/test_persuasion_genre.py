"""Genre rules (opinion / reporting / satire) on the hand-written, hand-labelled dev set."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from flashpoint.analyzers.persuasion import genre as G
from flashpoint.model import Article, Metadata

DEV = Path(__file__).parent / "data" / "persuasion_genre.jsonl"
HOLDOUT = Path(__file__).parent / "data" / "persuasion_genre_holdout.jsonl"
_SENT = re.compile(r"[^\n.?!]+[.?!]?")


def segments(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _SENT.finditer(text) if m.group().strip()]


@pytest.mark.parametrize(("path", "floor"), [(DEV, 0.9), (HOLDOUT, 0.7)])
def test_labelled_set_accuracy(path: Path, floor: float) -> None:
    """The dev set shaped the weights; the holdout set was written after they were frozen."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert {r["label"] for r in rows} == {"opinion", "reporting", "satire"}
    right = 0
    for r in rows:
        genre = G.classify(r["text"], segments(r["text"]))
        assert genre is not None
        right += genre.label == r["label"]
    assert right / len(rows) >= floor


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Why do we keep rewarding failure? I think the minister should resign!", "opinion"),
        ("The minister resigned on Friday, his office said in a statement.", "reporting"),
        # the voice inside a quotation is not the author's
        ("\"Why do we keep rewarding failure? I think you should resign,\" the senator "
         "told reporters on Friday.", "reporting"),
        ("Area man declares himself ambassador to Portugal. At press time, Lisbon had not "
         "replied.", "satire"),
    ],
)
def test_cue_table(text: str, label: str) -> None:
    genre = G.classify(text, segments(text))
    assert genre is not None and genre.label == label
    assert 0.5 <= genre.score <= 1.0


def test_satire_outlet_from_metadata() -> None:
    text = "The prime minister announced a new ministry on Monday, officials said."
    article = Article(text=text, source="t", metadata=Metadata(url="https://babylonbee.com/x"))
    genre = G.classify(text, segments(text), article)
    assert genre is not None and genre.label == "satire"


def test_no_sentences_no_genre() -> None:
    assert G.classify("", []) is None
