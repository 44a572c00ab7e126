"""Content boundaries of the quotes analyzer: candidates, quotations that go on, speakers.

Every sentence here was written for these tests.
"""

from __future__ import annotations

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from flashpoint import nlp as backbone
from flashpoint.analyzers import quotes as analyzer
from flashpoint.analyzers.quotes import rules
from flashpoint.analyzers.quotes.features import (
    Quotations,
    content_candidates,
    content_features,
    load_models,
)

pytestmark = pytest.mark.model


def parse(nlp: Language, text: str) -> Doc:
    return next(backbone.parse_many(nlp, [text]))


def candidates(nlp: Language, text: str, cue: str) -> dict[str, str]:
    """Candidate kind -> candidate words, for the first token written ``cue``."""
    doc = parse(nlp, text)
    tok = next(t for t in doc if t.text == cue)
    quotes = Quotations(rules.quotations(text))
    return {c.kind: " ".join(doc[i].text for i in c.tokens)
            for c in content_candidates(doc, tok, quotes)}


@pytest.mark.parametrize(("text", "cue", "kind", "words"), [
    (  # raising verb: the subject is part of what is attributed, in two pieces
        "The new pipeline appears to be running behind schedule.", "appears",
        "subj:nsubj+xcomp", "The new pipeline to be running behind schedule",
    ),
    (  # agentless passive: subject plus the prepositional complement
        "The striking dockers were accused of blocking the port.", "accused",
        "subj:nsubjpass+prep", "The striking dockers of blocking the port",
    ),
    (  # a multi-word cue (expressed concern about): its last object alone
        "Fishermen in the region expressed concern about the new quotas.", "expressed",
        "deep:pobj", "the new quotas",
    ),
    (  # according to: the clause from its subject, without the fronted concession
        "Though the vote was close, the coalition kept its majority, according to local officials.",
        "according", "parent:prep+fromsubj", "the coalition kept its majority",
    ),
    (  # a preposition bound to the cue (called on X to Y) stays out of the content
        "The union called on the port authority to reopen the northern terminal.", "called",
        "right:all+noprep", "the port authority to reopen the northern terminal",
    ),
    (  # the that-clause after adjuncts, even when the parse hangs it on the last noun
        "The minister said late on Tuesday at a briefing in the capital that the talks had failed.",
        "said", "that:tosent", "that the talks had failed",
    ),
])
def test_quotes_boundary_candidates(
    nlp: Language, text: str, cue: str, kind: str, words: str
) -> None:
    assert candidates(nlp, text, cue).get(kind) == words


def test_quotes_subject_of_active_speaker_is_no_candidate(nlp: Language) -> None:
    """A personal pronoun subject speaks: ``She appears to agree`` has no subject piece."""
    found = candidates(nlp, "She appears to agree with the new tariff plan.", "appears")
    assert not any(k.startswith("subj:") for k in found)


def test_quotes_continuation_is_its_own_candidate(nlp: Language) -> None:
    """``"…," X said. "…"``: the first quotation alone and joined with the next one."""
    text = '"We are ready to talk," the minister said. "The first round starts on Monday."'
    found = candidates(nlp, text, "said")
    assert found["quote"] == '" We are ready to talk , "'
    assert found["quote+cont"].endswith('" The first round starts on Monday . "')


def test_quotes_boundary_features_describe_breaks_and_pieces(nlp: Language) -> None:
    text = ('The envoy said the talks would resume, adding that both sides wanted a deal. '
            '"It is late," he said. "We must hurry."')
    doc = parse(nlp, text)
    quotes = Quotations(rules.quotations(text))
    said = next(t for t in doc if t.text == "said")
    cands = content_candidates(doc, said, quotes)
    longest = max(cands, key=lambda c: len(c.tokens))
    feats = content_features(doc, said, longest)
    assert any(f.startswith("inner=,|") for f in feats)
    second = [t for t in doc if t.text == "said"][1]
    joined = next(c for c in content_candidates(doc, second, quotes) if c.kind.endswith("+cont"))
    assert "qparts=2" in content_features(doc, second, joined)


def test_quotes_short_orphan_quotation_is_not_attached(nlp: Language) -> None:
    """A title or nickname in quotation marks is not more words of the paragraph's speaker."""
    text = ('Mayor Ines Duarte said: "We will rebuild the bridge before winter." '
            'The old "Iron Lady" bridge opened in 1921. '
            '"It has carried our trade for a century and deserves better care."')
    models = load_models()
    assert models is not None
    doc = parse(nlp, text)
    quotes = Quotations(rules.quotations(text))
    found = analyzer.find_attributions(doc, quotes, models)
    for f in found:
        f.chars = analyzer.content_chars(doc, f.content)
    analyzer.attach_orphans(text, found, quotes)
    mayor = next(f for f in found if f.cue.text == "said")
    pieces = [text[s:e] for s, e in mayor.chars]
    assert '"Iron Lady"' not in pieces
    assert any(p.startswith('"It has carried') for p in pieces)


@pytest.mark.parametrize(("text", "name", "descriptor"), [
    ("The Chilean finance minister, Mario Marcel, said the budget would balance next year.",
     "Mario Marcel", "Chilean finance minister"),
    ("Peters, the Dutch trade envoy Anna Peters, said exports would rise.",
     "Peters", "the Dutch trade envoy"),
])
def test_quotes_descriptor_never_repeats_the_name(
    nlp: Language, text: str, name: str, descriptor: str
) -> None:
    (quote,) = analyzer.extract(parse(nlp, text))
    assert quote.speaker.name is not None and name in quote.speaker.name
    assert quote.speaker.descriptor is not None
    assert quote.speaker.descriptor.text == descriptor


def test_quotes_audience_is_marked_for_the_content_model(nlp: Language) -> None:
    """``told/explained to X``: X is whom the words were given to, a feature of its own."""
    text = "The harbour master explained to Radio Sur that the port would close at noon."
    doc = parse(nlp, text)
    cue = next(t for t in doc if t.text == "explained")
    quotes = Quotations(rules.quotations(text))
    cands = content_candidates(doc, cue, quotes)
    feats = {c.kind: content_features(doc, cue, c) for c in cands}
    words = {c.kind: " ".join(doc[i].text for i in c.tokens) for c in cands}
    assert "audience" in feats["prep:pobj"]
    assert "audience" not in feats["child:ccomp"]
    assert all("audience" not in f for k, f in feats.items() if "Radio" not in words[k])
