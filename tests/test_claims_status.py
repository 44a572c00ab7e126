"""Claim status rules on sentences written for these tests (not from any data set)."""

from __future__ import annotations

import pytest
from spacy.language import Language

from flashpoint.analyzers.claims import analyse_text
from flashpoint.model import Claim

pytestmark = pytest.mark.model


def main_claim(nlp: Language, text: str) -> Claim:
    claim = analyse_text(text)
    assert claim is not None, text
    return claim


@pytest.mark.parametrize(("text", "expected"), [
    ("The coalition government in Oslo collapsed on Friday.", {"asserted"}),
    ("Chad's army did not withdraw from the border town.", {"asserted", "negated"}),
    ("Nobody in Lima believed the official figures.", {"asserted", "negated"}),
    ("There is no evidence that the vessel carried weapons.", {"asserted", "negated"}),
    ("The tanker was reportedly sold to a shell company in Dubai.", {"hedged"}),
    ("The junta may postpone the vote again.", {"hedged"}),
    ("The convoy appears to have taken the mountain road.", {"hedged"}),
    ("The dam is likely to fail before the rainy season.", {"hedged", "prediction"}),
    ("Officials could not confirm the number of casualties.", {"asserted", "negated"}),
    ("Quito will host the regional summit in May.", {"prediction"}),
    ("The ministry is set to announce new tariffs.", {"prediction"}),
    ("The opposition is going to boycott the vote.", {"prediction"}),
    ("If the talks fail, the militias would return to the capital.", {"hypothetical"}),
    ("Unless the rains come, the harvest will be lost.", {"hypothetical", "prediction"}),
    ("Should the embargo hold, the refinery would close within weeks.", {"hypothetical"}),
    ("Were Ankara to block the strait, prices would soar.", {"hypothetical"}),
    ("Is it a coincidence that the cable broke the day after the summit?", {"question"}),
    ("Who profits from the chaos in the Sahel?", {"question"}),
    ("It is abundantly clear that the embargo has failed.", {"asserted", "boosted"}),
    ("Undoubtedly, the navy was caught by surprise.", {"asserted", "boosted"}),
    ("Make no mistake: the blockade is an act of war.", {"asserted", "boosted"}),
    ("There is no doubt that the rebels shelled the market.", {"asserted", "boosted"}),
    ("The next round of talks will clearly end in failure.", {"prediction", "boosted"}),
    ("The president is said to be planning a reshuffle.", {"attributed", "hedged"}),
])
def test_status_of_main_claim(nlp: Language, text: str, expected: set[str]) -> None:
    assert set(main_claim(nlp, text).status) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("The Ghanaian foreign minister said the border would reopen.",
     {"attributed", "prediction"}),
    ("According to the interior ministry, twelve people were arrested.", {"attributed"}),
    ("Analysts believe the offensive may have stalled.", {"attributed", "hedged"}),
    ('"We will not surrender the city," the mayor of Kherson said.',
     {"attributed", "prediction", "negated"}),
    ('"Where is the money?" the protesters asked the finance minister.',
     {"attributed", "question"}),
    ("The ruling party accused the opposition of treason.", {"attributed"}),
])
def test_attributed_claims(nlp: Language, text: str, expected: set[str]) -> None:
    assert set(main_claim(nlp, text).status) == expected


@pytest.mark.parametrize("text", [
    "Subscribe to our channel for daily updates.",
    "Let's consider the alternatives.",
    "By Maria Ortega",
    "",
    "   ",
])
def test_non_claims_are_skipped(nlp: Language, text: str) -> None:
    assert analyse_text(text) is None


@pytest.mark.parametrize(("text", "cue"), [
    ("The envoy allegedly met the rebels in Niamey.", "allegedly"),
    ("If Minsk closes the border, trade would collapse.", "If"),
    ("Kabul will reopen the schools next year.", "will"),
    ("Did the generals know about the plot?", "?"),
    ("It is obvious that the ceasefire is over.", "obvious"),
])
def test_cues_point_at_the_deciding_words(nlp: Language, text: str, cue: str) -> None:
    claim = main_claim(nlp, text)
    assert cue in {c.text for c in claim.cues}
    for c in claim.cues:
        assert text[c.start:c.end] == c.text


def test_embedded_report_is_a_separate_claim(nlp: Language) -> None:
    from flashpoint.analyzers.claims import find_claims
    from flashpoint.analyzers.claims.sources import SourceContext

    text = ("The crisis began after the ferry sank near Bari, where local papers claimed "
            "the captain had reportedly ignored a storm warning.")
    doc = nlp(text)
    found = find_claims(text, doc, [(0, len(text))], SourceContext(doc=doc))
    assert len(found) == 2
    main, sub = found
    assert set(main.status) == {"asserted"}
    assert sub.span.text.startswith("local papers claimed")
    assert set(sub.status) == {"attributed", "hedged"}
    assert sub.source.kind == "vague"
