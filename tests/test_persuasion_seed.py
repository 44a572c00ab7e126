"""Acceptance on the seed article in ``../shared/seed`` (read there, never copied here).

Skipped when the shared folder is absent. Techniques are located by a few words of
their text; the model and the cue rules are general.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language

from flashpoint.analyzers import registry
from flashpoint.analyzers.persuasion.frames import FRAMES
from flashpoint.evaluation import default_datasets_dir
from flashpoint.model import Article, Technique
from flashpoint.pipeline import Pipeline, select

pytestmark = pytest.mark.model

SEED_DIR = default_datasets_dir().parent / "seed"


@pytest.fixture(scope="module")
def seed(nlp: Language) -> Article:
    files = sorted(SEED_DIR.glob("*.txt")) if SEED_DIR.is_dir() else []
    if not files:
        pytest.skip(f"seed article not found under {SEED_DIR}")
    text = Path(files[0]).read_text(encoding="utf-8")
    pipe = Pipeline(select(registry(plugins=False), ["sentence_scores", "persuasion"]), nlp=nlp)
    (article,) = pipe.run([Article(text=text, source="seed")])
    assert not article.failures
    return article


def covering(article: Article, words: str) -> list[Technique]:
    start = article.text.index(words)
    end = start + len(words)
    return [t for t in article.techniques if t.span.start <= start and end <= t.span.end]


@pytest.mark.parametrize(
    ("words", "allowed"),
    [
        ("Is it a coincidence that Rosatom", {"Doubt"}),
        ("Turanist tandem", {"Name_Calling,Labeling", "Loaded_Language"}),
        ("It is also abundantly clear", None),
    ],
)
def test_seed_techniques(seed: Article, words: str, allowed: set[str] | None) -> None:
    found = covering(seed, words)
    assert found, f"no technique span covers {words!r}"
    if allowed is not None:
        assert any(t.technique in allowed for t in found), [t.technique for t in found]


def test_seed_genre_and_frames(seed: Article) -> None:
    """An opinion piece ("Let's draw our own scenarios"); the hand-set weights said reporting."""
    assert seed.genre is not None and seed.genre.label == "opinion"
    labels = [f.label for f in seed.frames]
    assert {"Security_and_defense", "External_regulation_and_reputation"} <= set(labels), labels
    assert set(labels) <= set(FRAMES) and all(f.cues for f in seed.frames)
