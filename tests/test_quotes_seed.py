"""Acceptance on the seed article (read from ../shared/seed; skipped when absent)."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language

from flashpoint import nlp as backbone
from flashpoint.analyzers import quotes as analyzer
from flashpoint.analyzers.quotes.speakers import heading_line
from flashpoint.model import Quote

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_843b72bb4479b4ea.txt"


@pytest.fixture(scope="module")
def seed_quotes(nlp: Language) -> tuple[Quote, ...]:
    if not SEED.is_file():
        pytest.skip(f"seed article not found at {SEED}")
    doc = next(backbone.parse_many(nlp, [SEED.read_text(encoding="utf-8")]))
    return analyzer.extract(doc)


def _by(quotes: tuple[Quote, ...], name: str) -> list[Quote]:
    return [q for q in quotes if q.speaker.name == name]


@pytest.mark.model
@pytest.mark.parametrize(
    ("name", "descriptor_word", "outlet", "kinds"),
    [
        ("Aqil Rustamzade", "analyst", "Poland’s national broadcaster", {"indirect"}),
        ("Anatoly Matviychuk", "editor-in-chief", "Pravda.Ru", {"direct"}),
        ("Sergey Lipovoy", "chairman", "Pravda.Ru", {"indirect", "direct"}),
    ],
)
def test_quotes_seed_experts(
    seed_quotes: tuple[Quote, ...], name: str, descriptor_word: str, outlet: str, kinds: set[str]
) -> None:
    found = _by(seed_quotes, name)
    assert found, f"no quote by {name}"
    assert kinds <= {q.kind for q in found}
    assert any(q.speaker.descriptor and descriptor_word in q.speaker.descriptor.text
               for q in found)
    assert any(q.outlet and q.outlet.text == outlet for q in found)


@pytest.mark.model
def test_quotes_seed_vague_media_claim(seed_quotes: tuple[Quote, ...]) -> None:
    media = [q for q in seed_quotes if q.speaker.vague == "media" and q.cue
             and q.cue.text == "claimed"]
    assert len(media) == 1
    assert media[0].content.text.startswith("Moscow")


@pytest.mark.model
def test_quotes_seed_headings_and_abstract_speakers(seed_quotes: tuple[Quote, ...]) -> None:
    """Issue 20: no quote from a subheading, no abstract noun phrase as a speaker."""
    text = SEED.read_text(encoding="utf-8")
    assert seed_quotes, "the seed article has quotes"
    for q in seed_quotes:
        assert q.cue is not None and not heading_line(text, q.cue.start), q.cue
        said_by = q.speaker.text.text if q.speaker.text else ""
        assert not said_by.startswith(("NATO", "The first cracks")), said_by
        assert "tandem" not in said_by, said_by
