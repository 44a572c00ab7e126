"""The persuasion analyzer in the pipeline: techniques, genre and frames on hand-written text."""

from __future__ import annotations

import pytest
from spacy.language import Language

from flashpoint.analyzers import persuasion, registry
from flashpoint.analyzers.persuasion.frames import FRAMES
from flashpoint.analyzers.persuasion.techniques import DEFINITIONS
from flashpoint.model import Article
from flashpoint.pipeline import Pipeline, select

pytestmark = pytest.mark.model

OPINION = (
    "The ruling party in Budapest has turned the national broadcaster into a shameless "
    "propaganda machine. Is it a coincidence that every critic of the prime minister vanishes "
    "from the evening news? It is perfectly clear that the so-called reforms are a power grab. "
    "The opposition calls the new media council a \"ministry of truth\", and they are right. "
    "We should not look away while a European democracy is hollowed out."
)


def run(nlp: Language, text: str, **meta: str) -> Article:
    # sentence_scores as in the default pipeline: genre reads the sentences' subjectivity
    pipe = Pipeline(select(registry(plugins=False), ["sentence_scores", "persuasion"]), nlp=nlp)
    from flashpoint.model import Metadata

    (article,) = pipe.run([Article(text=text, source="test", metadata=Metadata(**meta))])
    return article


def test_techniques_have_valid_spans_labels_and_explanations(nlp: Language) -> None:
    article = run(nlp, OPINION)
    assert not article.failures
    assert "persuasion.v1" in article.analyzers
    assert article.techniques
    for t in article.techniques:
        assert OPINION[t.span.start : t.span.end] == t.span.text
        assert t.explanation == DEFINITIONS[t.technique]
        assert 0.0 < t.score <= 1.0


@pytest.mark.parametrize(
    ("cue", "allowed"),
    [
        ("Is it a coincidence that every critic", {"Doubt"}),
        ("ministry of truth", {"Name_Calling,Labeling", "Loaded_Language", "Slogans"}),
        ("It is perfectly clear", None),  # flagged, whatever the label
    ],
)
def test_rule_cues_are_flagged(nlp: Language, cue: str, allowed: set[str] | None) -> None:
    article = run(nlp, OPINION)
    start = OPINION.index(cue)
    hits = [t for t in article.techniques if t.span.start <= start < t.span.end]
    assert hits, cue
    if allowed is not None:
        assert any(t.technique in allowed for t in hits), [t.technique for t in hits]


def test_genre_and_frames(nlp: Language) -> None:
    article = run(nlp, OPINION)
    assert article.genre is not None and article.genre.label == "opinion"
    reporting = run(
        nlp,
        "Peru's congress voted on Thursday to remove the interior minister, the legislature "
        "said. The motion passed by 78 votes to 32, according to the official count. "
        "Minister Carlos Ruiz told reporters he would respect the decision.",
    )
    assert reporting.genre is not None and reporting.genre.label == "reporting"
    satire = run(nlp, OPINION, outlet="The Onion")
    assert satire.genre is not None and satire.genre.label == "satire"
    for art in (article, reporting):
        for frame in art.frames:
            assert frame.label in FRAMES and 0.0 <= frame.score <= 1.0
            assert all(art.text[c.start : c.end] == c.text for c in frame.cues)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n ",
        "word " * 20_000,
        "x" * 100_000,
        "He said \"this never ends and \"neither does this. “Open ‘quotes",
        "Der Bundestag hat am Donnerstag über den Haushalt abgestimmt. Ist das wirklich klug?",
        "???!!! ... ,,, ;;;",
    ],
)
def test_degenerate_text_never_fails(nlp: Language, text: str) -> None:
    article = run(nlp, text)
    assert not article.failures, article.failures
    article.check_offsets()
    if not text.strip():
        assert article.techniques == () and article.genre is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Critics call the plan a \"peace dividend\" for oligarchs.", ["peace dividend"]),
        ("The so-called “special operation,” he wrote, goes on.", ["special operation"]),
        ("\"We will win,\" he said. \"Never doubt it.\"", []),  # quotations, not scare quotes
        ("The \"Sea Breeze\" exercise began on Monday.", []),  # a name
        ("Why is nobody asking about the money?", ["Why is nobody asking about the money?"]),
        ("\"Why now?\" the envoy asked.", []),  # someone else's question
        ("It is abundantly clear that the talks failed.", ["It is abundantly clear"]),
        ("Make no mistake: the border will close.", ["Make no mistake"]),
    ],
)
def test_rule_spans(text: str, expected: list[str]) -> None:
    segments = [(0, len(text))]
    found = [text[s:e] for s, e, _ in persuasion.rule_spans(text, segments, [])]
    assert found == expected
