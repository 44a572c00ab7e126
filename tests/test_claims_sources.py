"""Who stands behind a claim: author, person, organization, outlet, vague, anonymous."""

from __future__ import annotations

import pytest
from spacy.language import Language

from flashpoint.analyzers.claims import analyse_text

pytestmark = pytest.mark.model


@pytest.mark.parametrize(("text", "kind", "name"), [
    ("The army retook the airport on Monday.", "author", None),
    ("I believe the ceasefire will hold.", "author", None),
    ("Foreign Minister Amara Diallo said the embassy would reopen.", "person", "Amara Diallo"),
    ("The Egyptian foreign ministry said the crossing was closed.", "organization", None),
    ("Reuters reported that the pipeline had been damaged.", "outlet", "Reuters"),
    ("The Financial Times reported that the bank had frozen the accounts.", "outlet", None),
    ("Western officials say the shipment was intercepted.", "vague", None),
    ("Local media claimed that the governor had resigned.", "vague", None),
    ("Analysts warn that the currency could collapse.", "vague", None),
    ("Sources close to the talks said a deal was near.", "anonymous", None),
    ("A senior diplomat, speaking on condition of anonymity, said the plan was dead.",
     "anonymous", None),
    ("The commander is reported to have fled.", "anonymous", None),
])
def test_source_kind(nlp: Language, text: str, kind: str, name: str | None) -> None:
    claim = analyse_text(text)
    assert claim is not None
    assert claim.source.kind == kind
    if name is not None:
        assert claim.source.name == name


def test_pronoun_source_takes_the_last_named_person(nlp: Language) -> None:
    from flashpoint.analyzers.claims import find_claims
    from flashpoint.analyzers.claims.sources import SourceContext
    from flashpoint.analyzers.sentences import sentence_bounds

    text = ("Colonel Ines Barros commands the northern brigade. "
            "She said the rebels had withdrawn from the valley.")
    doc = nlp(text)
    found = find_claims(text, doc, list(sentence_bounds(doc)), SourceContext(doc=doc))
    second = found[-1]
    assert second.source.kind == "person"
    assert second.source.name == "Ines Barros"


def test_quotation_over_several_sentences_keeps_its_speaker(nlp: Language) -> None:
    from flashpoint.analyzers.claims import find_claims
    from flashpoint.analyzers.claims.sources import SourceContext
    from flashpoint.analyzers.sentences import sentence_bounds

    text = ("\u201cThe harbour is mined. Nobody can enter it before spring,\u201d "
            "Admiral Jonas Berg told reporters.")
    doc = nlp(text)
    found = find_claims(text, doc, list(sentence_bounds(doc)), SourceContext(doc=doc))
    assert found
    for claim in found:
        assert "attributed" in claim.status
        assert claim.source.kind == "person"


def test_quotes_analyzer_quote_is_linked_and_gives_the_speaker(nlp: Language) -> None:
    from flashpoint.analyzers.claims import find_claims
    from flashpoint.analyzers.claims.sources import SourceContext
    from flashpoint.model import Quote, Span, Speaker

    text = "The port will stay closed until the inquiry ends. The harbour master insisted."
    doc = nlp(text)
    first = text.index(".") + 1
    quote = Quote(id="q1", kind="direct", content=Span.of(text, 0, first),
                  speaker=Speaker(name="Lena Ortiz", actor="person:lena-ortiz"))
    ctx = SourceContext(doc=doc, quotes=(quote,))
    found = find_claims(text, doc, [(0, first), (first + 1, len(text))], ctx)
    claim = found[0]
    assert "attributed" in claim.status and "prediction" in claim.status
    assert claim.source.quote == "q1"
    assert claim.source.kind == "person"
    assert claim.source.actor == "person:lena-ortiz"


def test_indirect_quote_alone_does_not_attribute(nlp: Language) -> None:
    from flashpoint.analyzers.claims import find_claims
    from flashpoint.analyzers.claims.sources import SourceContext
    from flashpoint.model import Quote, Span, Speaker

    text = "The ministry's plan to sell its stake in the refinery surprised investors."
    doc = nlp(text)
    start = text.index("to sell")
    quote = Quote(id="q1", kind="indirect", content=Span.of(text, start, start + 31),
                  speaker=Speaker(name="ministry"))
    found = find_claims(text, doc, [(0, len(text))], SourceContext(doc=doc, quotes=(quote,)))
    assert set(found[0].status) == {"asserted"}
    assert found[0].source.kind == "author"


def test_relative_pronoun_source_is_its_antecedent(nlp: Language) -> None:
    from flashpoint.runner import analyze_text as analyze
    from flashpoint.runner import build_pipeline

    text = "The decree came from Defence Minister Ines Moreau, who said the border would close."
    article = analyze(text, build_pipeline(["claims"]))
    sources = [(c.source.kind, c.source.name) for c in article.claims]
    assert any(kind == "person" and (name or "").endswith("Moreau") for kind, name in sources)
    assert all(name != "who" for _, name in sources)
