"""The per-Doc look-ups the quotes analyzer caches agree with what spaCy computes each time."""

from __future__ import annotations

from spacy.language import Language

from flashpoint import nlp as backbone
from flashpoint.analyzers.quotes import features

TEXT = (
    "Ministers Meet in Vilnius Over Transit\n\n"
    '"We will not pay twice," the Lithuanian foreign minister said on Monday. '
    "Officials in Kaliningrad, who asked not to be named, said the rail link was shut.\n"
    "The talks go on.\n"
)


def test_doc_index_matches_token_attributes(nlp: Language) -> None:
    doc = next(backbone.parse_many(nlp, [TEXT]))
    index = features.doc_index(doc)
    for tok in doc:
        sent = features.sent_bounds(tok)
        assert (sent.start, sent.end, sent.start_char, sent.end_char) == (
            tok.sent.start, tok.sent.end, tok.sent.start_char, tok.sent.end_char)
        assert index.lowers[tok.i] == tok.lower_
        assert index.heads[tok.i] == tok.head.i
        assert index.texts[tok.i] == tok.text
        assert (tok.i in index.quote_marks) == features._is_quote(tok)
    assert index.quote_marks  # the text has quotation marks
    assert features.doc_index(doc) is index  # built once per Doc


def test_doc_index_is_per_doc(nlp: Language) -> None:
    first, second = backbone.parse_many(nlp, [TEXT, "Short text. Two sentences."])
    assert features.doc_index(first) is not features.doc_index(second)
    # a copied user_data (as Doc.from_docs does) never hands one Doc's index to another
    second.user_data.update(first.user_data)
    assert features.doc_index(second).lowers == [t.lower_ for t in second]


def test_headline_memo_gives_the_same_answer_per_line(nlp: Language) -> None:
    doc = next(backbone.parse_many(nlp, [TEXT]))
    by_token = {tok.i: features._in_headline(doc, tok) for tok in doc}
    assert by_token[0]  # "Ministers Meet in Vilnius Over Transit"
    said = next(t for t in doc if t.lower_ == "said")
    assert not by_token[said.i]
    assert by_token == {tok.i: features._in_headline(doc, tok) for tok in doc}
