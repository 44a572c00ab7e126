"""Event mode: the claim-status map, the priority order, and the trigger-clause reading."""

from __future__ import annotations

import pytest
from spacy.language import Language

from flashpoint.analyzers.events import mode as modes
from flashpoint.model import Claim, ClaimSource, EventMode, SourceKind, Span

TEXT = "Officials said the army shelled the town."


def _claim(status: tuple[str, ...], kind: SourceKind = "author") -> Claim:
    return Claim(span=Span.of(TEXT, 0, len(TEXT)), status=status,  # type: ignore[arg-type]
                 source=ClaimSource(kind=kind))


@pytest.mark.parametrize(("status", "kind", "mode"), [
    (("asserted",), "author", "actual"),
    (("boosted",), "author", "actual"),
    (("hypothetical",), "author", "hypothetical"),
    (("prediction",), "author", "future"),
    (("question",), "author", "question"),
    (("negated",), "author", "negated"),
    (("hedged",), "author", "alleged"),
    (("attributed",), "vague", "alleged"),
    (("attributed",), "anonymous", "alleged"),
    (("attributed",), "person", "actual"),
    (("attributed", "negated"), "person", "negated"),
    (("prediction", "hedged"), "author", "alleged"),
])
def test_events_mode_from_claim_status(status: tuple[str, ...], kind: SourceKind,
                                       mode: EventMode) -> None:
    assert modes.claim_mode(_claim(status, kind)) == mode


@pytest.mark.parametrize(("readings", "mode"), [
    (("actual", "actual"), "actual"),
    (("actual", "future"), "future"),
    (("future", "alleged"), "alleged"),
    (("alleged", "hypothetical"), "hypothetical"),
    (("hypothetical", "negated"), "negated"),
    (("negated", "question"), "question"),
])
def test_events_mode_most_cautious_reading_wins(readings: tuple[EventMode, EventMode],
                                                mode: EventMode) -> None:
    assert modes.combine(*readings) == mode


@pytest.mark.model
@pytest.mark.parametrize(("text", "trigger", "mode"), [
    ("Chilean police arrested the two men on Friday.", "arrested", "actual"),
    ("The navy could blockade the port within hours.", "blockade", "hypothetical"),
    ("If the rebels advance, the air force would bomb their camps.", "bomb", "hypothetical"),
    ("If the rebels attacked the town, the army would respond.", "attacked", "hypothetical"),
    ("Will the government expel the envoy?", "expel", "question"),
    ("The ministry did not expel any diplomats this year.", "expel", "negated"),
    ("The army never shelled the village, the spokesman said.", "shelled", "negated"),
    ("The minister denied that troops had looted the town.", "looted", "negated"),
    ("The president will visit the capital next week.", "visit", "future"),
    ("The government plans to deploy troops to the north.", "deploy", "future"),
    ("Local media claimed the militia had kidnapped the mayor.", "kidnapped", "alleged"),
    ("The militia allegedly kidnapped the mayor.", "kidnapped", "alleged"),
    ("The opposition demanded the release of the prisoners.", "release", "hypothetical"),
    ("Nobody can rule out a war in the region.", "war", "hypothetical"),
    ("The risk of a war in the region is growing.", "war", "hypothetical"),
    ("A possible invasion worries the neighbours.", "invasion", "hypothetical"),
])
def test_events_mode_local_reading(nlp: Language, text: str, trigger: str,
                                   mode: EventMode) -> None:
    doc = nlp(text)
    (tok,) = [t for t in doc if t.text == trigger]
    assert modes.local_mode(tok, doc[:]) == mode
