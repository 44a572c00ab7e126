"""The claims and sentence-score analyzers inside the pipeline, on degenerate text too."""

from __future__ import annotations

import pytest
from spacy.language import Language

from flashpoint.analyzers import BUILTIN
from flashpoint.model import Article
from flashpoint.pipeline import Pipeline, select

pytestmark = pytest.mark.model

CLAIMS = select(BUILTIN, ["sentence_scores", "claims"])
"""The claims analyzer with everything it requires (sentences, actors, quotes) and scores."""

TEXT = (
    "Tensions rise on the Danube\n\n"
    "The Romanian navy detained a cargo ship on Tuesday. Bucharest will summon the "
    "ambassador. If the ship carried arms, the crew would face charges. Is this the start "
    "of a new crisis?\n\n"
    "\u201cWe have nothing to hide,\u201d the captain told reporters."
)


@pytest.fixture(scope="module")
def analysed(nlp: Language) -> Article:
    pipe = Pipeline(CLAIMS, nlp=nlp)
    (article,) = pipe.run([Article(text=TEXT, source="test")])
    assert not article.failures
    return article


def test_every_sentence_is_scored(analysed: Article) -> None:
    assert analysed.sentences
    for s in analysed.sentences:
        assert s.subjectivity is not None and 0 <= s.subjectivity <= 1
        assert s.checkworthiness is not None and 0 <= s.checkworthiness <= 1


def test_claims_cover_the_statements(analysed: Article) -> None:
    by_start = {c.span.text.split()[0]: c for c in analysed.claims}
    assert set(by_start["The"].status) == {"asserted"}
    assert set(by_start["Bucharest"].status) == {"prediction"}
    assert "hypothetical" in by_start["If"].status
    assert set(by_start["Is"].status) == {"question"}
    quote = by_start["\u201cWe"]
    assert "attributed" in quote.status and quote.source.kind == "person"
    assert "Tensions" not in by_start or by_start["Tensions"].status  # headline kept or skipped


@pytest.mark.parametrize("text", [
    "",
    " . ",
    "The delegation from Quito arrived and " * 3_000,
    'He said "we will never accept. She replied \u201cnonsense. \u00ab Oui',
    "\u201c\u201d\u201c\u201d\"\"''",
    "Министр заявил, что переговоры продолжатся завтра.",
])
def test_degenerate_text_never_fails(nlp: Language, text: str) -> None:
    pipe = Pipeline(CLAIMS, nlp=nlp)
    (article,) = pipe.run([Article(text=text, source="degenerate")])
    assert not article.failures
    article.check_offsets()
