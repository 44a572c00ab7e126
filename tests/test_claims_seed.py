"""Acceptance on the seed article in ``../shared/seed`` (read there, never copied here).

Skipped when the shared folder is absent. Claims are located by a few words of their
text; the rules themselves are general.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language

from flashpoint.analyzers import BUILTIN
from flashpoint.evaluation import default_datasets_dir
from flashpoint.model import Article, Claim
from flashpoint.pipeline import Pipeline, select

pytestmark = pytest.mark.model

SEED_DIR = default_datasets_dir().parent / "seed"


@pytest.fixture(scope="module")
def seed_claims(nlp: Language) -> list[Claim]:
    files = sorted(SEED_DIR.glob("*.txt")) if SEED_DIR.is_dir() else []
    if not files:
        pytest.skip(f"seed article not found under {SEED_DIR}")
    text = Path(files[0]).read_text(encoding="utf-8")
    pipe = Pipeline(select(BUILTIN, ["sentence_scores", "claims"]), nlp=nlp)
    (article,) = pipe.run([Article(text=text, source="seed")])
    assert not article.failures
    return list(article.claims)


def claim_with(found: list[Claim], words: str, starts: bool = False) -> Claim:
    hits = [c for c in found if (c.span.text.startswith(words) if starts else words in
                                 c.span.text)]
    assert hits, words
    return min(hits, key=lambda c: len(c.span.text))


def test_media_claim_is_attributed_vague_and_hedged(seed_claims: list[Claim]) -> None:
    c = claim_with(seed_claims, "media claimed", starts=False)
    assert {"attributed", "hedged"} <= set(c.status)
    assert c.source.kind == "vague"
    assert "allegedly" in {cue.text for cue in c.cues}


def test_coincidence_is_a_question(seed_claims: list[Claim]) -> None:
    assert "question" in claim_with(seed_claims, "Is it a coincidence", starts=True).status


def test_if_baku_is_hypothetical(seed_claims: list[Claim]) -> None:
    assert "hypothetical" in claim_with(seed_claims, "If Baku were to", starts=True).status


def test_side_with_nato_is_a_boosted_prediction(seed_claims: list[Claim]) -> None:
    c = claim_with(seed_claims, "will side with NATO")
    assert {"prediction", "boosted"} <= set(c.status)
