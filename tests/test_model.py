from __future__ import annotations

import json
import pickle
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flashpoint.errors import InvalidSpan, ModelError
from flashpoint.model import (
    Actor,
    ActorMention,
    Article,
    Claim,
    ClaimSource,
    Event,
    Evidence,
    Failure,
    Genre,
    Metadata,
    Quote,
    Sentence,
    Span,
    Speaker,
    Technique,
    article_from_json,
    article_to_json,
    text_id,
)
from flashpoint.schema import validate


def test_model_span_of_takes_text_slice() -> None:
    assert Span.of("Kyiv said no.", 0, 4) == Span(0, 4, "Kyiv")


@pytest.mark.parametrize("start,end", [(-1, 2), (3, 3), (5, 2), (0, 99)])
def test_model_span_of_rejects_bad_offsets(start: int, end: int) -> None:
    with pytest.raises(InvalidSpan):
        Span.of("Kyiv said no.", start, end)


def test_model_span_rejects_text_of_wrong_length() -> None:
    with pytest.raises(InvalidSpan):
        Span(0, 4, "Kyi")


def test_model_id_is_stable_hash_of_text() -> None:
    a = Article(text="Same text.", source="a.txt")
    b = Article(text="Same text.", source="b.txt")
    assert a.id == b.id == text_id("Same text.")
    assert Article(text="Other text.", source="a.txt").id != a.id


def test_model_check_offsets_catches_mismatched_span_text() -> None:
    article = Article(text="Ankara replied.", source="x",
                      sentences=(Sentence(span=Span(0, 6, "Ankary")),))
    with pytest.raises(InvalidSpan, match="sentences\\[0\\]"):
        article.check_offsets()


def test_model_check_offsets_reads_only_the_fields_asked_for() -> None:
    text = "Ankara replied. Baku waited."
    good = Sentence(span=Span.of(text, 16, 28))
    article = Article(text=text, source="x",
                      sentences=(good, Sentence(span=Span(16, 22, "Ankara"))))
    article.check_offsets(("actors", "quotes"))  # what the pipeline asks after one analyzer
    with pytest.raises(InvalidSpan, match=re.escape("sentences[1].span: span text 'Ankara'")):
        article.check_offsets(("sentences",))


def test_model_from_json_rejects_unknown_fields() -> None:
    data = article_to_json(Article(text="Text here.", source="x"))
    data["metadata"]["titel"] = "typo"
    with pytest.raises(ModelError, match="titel"):
        article_from_json(data)


def full_article() -> Article:
    text = "Moscow accused Kyiv. \"We will respond,\" the minister said."
    s = lambda a, b: Span.of(text, a, b)  # noqa: E731
    return Article(
        text=text, source="t.txt",
        metadata=Metadata(title="T", authors=("A B",), outlet="O", published="2025-01-02",
                          language="en", extra={"k": [1, 2]}),
        analyzers=("sentences.v1",),
        actors=(Actor(id="RUS", name="Russia", kind="state",
                      mentions=(ActorMention(0, 6, "Moscow", "capital"),)),),
        quotes=(Quote(id="q1", kind="direct", content=s(23, 38), cue=s(53, 57),
                      speaker=Speaker(text=s(40, 52), name="the minister")),),
        sentences=(Sentence(span=s(0, 20), subjectivity=0.2, checkworthiness=0.7),),
        claims=(Claim(span=s(0, 20), status=("asserted",), source=ClaimSource(kind="author"),
                      cues=()),),
        events=(Event(source="RUS", target="UKR", category="DISAPPROVE",
                      quad_class="verbal_conflict", intensity=-2.0, mode="actual",
                      evidence=Evidence(trigger=s(7, 14), sentence=s(0, 20))),),
        techniques=(Technique(technique="Loaded_Language", span=s(7, 14), score=0.5,
                              explanation="x"),),
        genre=Genre(label="reporting", score=0.8),
        failures=(Failure(analyzer="x.v1", code="A400", message="boom"),),
    )


def test_model_full_article_validates_against_schema_and_round_trips() -> None:
    article = full_article()
    article.check_offsets()
    data = json.loads(json.dumps(article_to_json(article)))
    validate(data)
    assert article_from_json(data) == article
    assert pickle.loads(pickle.dumps(article)) == article


@st.composite
def articles(draw: st.DrawFn) -> Article:
    text = draw(st.text(min_size=1, max_size=200))
    n = len(text)
    bounds = st.tuples(st.integers(0, n - 1), st.integers(1, n)).filter(lambda t: t[0] < t[1])
    pairs = draw(st.lists(bounds, max_size=8))
    sentences = tuple(Sentence(span=Span.of(text, a, b)) for a, b in pairs)
    mentions = tuple(ActorMention(a, b, text[a:b], "name") for a, b in pairs)
    actors = (Actor(id="X", name="X", kind="group", mentions=mentions),) if mentions else ()
    title = draw(st.none() | st.text(max_size=20))
    return Article(text=text, source="h", metadata=Metadata(title=title), sentences=sentences,
                   actors=actors)


@given(articles())
def test_model_round_trip_keeps_offsets_inside_text(article: Article) -> None:
    article.check_offsets()
    for _, span in article.spans():
        assert 0 <= span.start < span.end <= len(article.text)
    data = json.loads(json.dumps(article_to_json(article)))
    validate(data)
    assert article_from_json(data) == article
    assert pickle.loads(pickle.dumps(article)) == article
