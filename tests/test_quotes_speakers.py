"""Quotes a speaker page can trust: headings are never quotes, speakers can speak.

The labelled cases in ``tests/data/quotes_speakers.jsonl`` were written for
these tests (none is taken from any corpus). Each lists the quotes that must be
found with their speaker, words that must not be quoted (a headline, a
subheading, a clause after an abstract subject) and phrases that must never be a
speaker.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language

from flashpoint import nlp as backbone
from flashpoint.analyzers import quotes as analyzer
from flashpoint.analyzers.quotes.speakers import heading_line
from flashpoint.model import Quote

CASES_PATH = Path(__file__).parent / "data" / "quotes_speakers.jsonl"
CASES: list[dict[str, Any]] = [
    json.loads(line) for line in CASES_PATH.read_text(encoding="utf-8").splitlines() if line
]


def _run(nlp: Language, text: str) -> tuple[Quote, ...]:
    return analyzer.extract(next(backbone.parse_many(nlp, [text])))


def _pieces(q: Quote) -> list[str]:
    return [p.text for p in q.parts] or [q.content.text]


@pytest.mark.model
@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_quotes_speakers_labelled(nlp: Language, case: dict[str, Any]) -> None:
    found = _run(nlp, case["text"])
    shown = [(q.speaker.text.text if q.speaker.text else None, q.content.text) for q in found]
    for want in case["quotes"]:
        hits = [q for q in found if any(want["content"] in p for p in _pieces(q))]
        assert hits, f"{case['id']}: no quote holds {want['content']!r}: {shown}"
        assert hits[0].speaker.text is not None, f"{case['id']}: no speaker: {shown}"
        assert hits[0].speaker.text.text == want["speaker"], f"{case['id']}: {shown}"
    for words in case["not_quoted"]:
        assert not any(words in p for q in found for p in _pieces(q)), f"{case['id']}: {shown}"
    for phrase in case["not_speakers"]:
        assert not any(q.speaker.text and phrase in q.speaker.text.text for q in found), (
            f"{case['id']}: {phrase!r} became a speaker: {shown}"
        )


@pytest.mark.parametrize(
    ("text", "needle", "expected"),
    [
        ("Kyiv Says Counteroffensive Has Begun\n\nBody text follows.", "Says", True),
        ("Body text.\n\nWar Between Two Neighbours Deemed Unlikely\n\nMore text.", "Deemed", True),
        ("Is Peace Possible?\n\nBody text.", "Peace", True),
        ("lower-case first line with no stop\n\nBody.", "first", True),
        ("Title Case Line Ending With A Stop.\n\nBody.", "Stop", False),
        ("Body.\n\nIn comments to Reuters, he said:\n\n\u201cWe wait.\u201d", "comments", False),
        ("Body text.\n\nthe minister said talks would resume next week\n\nMore.", "said", False),
        ("A single line without a full stop, said the minister", "said", False),
        ("Body.\n\nLast Line In Title Case", "Last", False),
    ],
)
def test_quotes_heading_line(text: str, needle: str, expected: bool) -> None:
    assert heading_line(text, text.index(needle)) is expected
