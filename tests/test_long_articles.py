"""Long articles (issue 22): linear look-ups, the same sentence scored the same, streaming.

- :class:`flashpoint.nlp.Entities` answers what ``doc.ents`` scans gave (quotes, claims
  and actors asked ``doc.ents`` once per candidate: quadratic in the length);
- a paragraph gets the same sentence scores, claims and rule-found techniques alone
  and inside an article of 450+ sentences (once switched to TF-IDF above 400);
- the technique model streamed a chunk of sentences at a time gives the numbers of the
  whole-article pass.
"""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from spacy.language import Language

from flashpoint import encoder
from flashpoint.analyzers.persuasion import frames
from flashpoint.analyzers.persuasion.techniques import load_model
from flashpoint.analyzers.persuasion.techniques import parts as technique_parts
from flashpoint.analyzers.persuasion.techniques import stream as technique_stream
from flashpoint.analyzers.persuasion.techniques.features import token_rows
from flashpoint.analyzers.persuasion.techniques.states import select_layers, span_vectors
from flashpoint.analyzers.sentence_scores import heads
from flashpoint.errors import InputTooLarge
from flashpoint.ingest import DEFAULT_LIMITS, IngestLimits, read_paths
from flashpoint.ingest.limits import estimate_sentences
from flashpoint.model import Article
from flashpoint.nlp import entities
from flashpoint.runner import analyze_text, build_pipeline

pytestmark = pytest.mark.model

TARGET = (
    "Officials in Riga said on Tuesday that the new rail link to Tallinn would open in March. "
    "Is it really plausible that nobody at the transport ministry saw the cost overruns coming? "
    "It is clear that the \"temporary tariff\" has hurt small exporters on both sides. "
    "The opposition claimed that freight volumes had fallen by a third since January."
)
TARGET_SENTENCES = 4

_FILLER = (
    "The harbour authority in {city} reported {n} arrivals on {day}.",
    "Weather delayed two ferries between {city} and {other} for several hours.",
    "A local council in {city} approved a budget of {n} million euros for road repairs.",
    "Trade unions in {city} and {other} met to discuss the new wage agreement.",
    "Farmers near {city} said the harvest was about {n} tonnes, close to last year's.",
)
_CITIES = ("Riga", "Tallinn", "Vilnius", "Helsinki", "Gdansk", "Turku", "Tartu", "Klaipeda")
_DAYS = ("Monday", "Wednesday", "Thursday", "Friday")


def filler(sentences: int, seed: int) -> list[str]:
    """Paragraphs of three plain reporting sentences each, about ``sentences`` in all."""
    rng = random.Random(seed)
    paras = []
    for _ in range(sentences // 3):
        paras.append(" ".join(
            rng.choice(_FILLER).format(city=c, other=o, n=rng.randint(3, 900),
                                       day=rng.choice(_DAYS))
            for c, o in (rng.sample(_CITIES, 2) for _ in range(3))))
    return paras


def _inside(article: Article, lo: int, hi: int) -> list[tuple[int, int]]:
    return [(s.span.start, s.span.end) for s in article.sentences
            if lo <= s.span.start and s.span.end <= hi]


def _view(article: Article, lo: int, hi: int) -> dict[str, Any]:
    """What the target paragraph at ``[lo, hi)`` got, offsets made relative to ``lo``."""
    sentences = [(s.span.start - lo, s.span.end - lo, s.subjectivity, s.checkworthiness)
                 for s in article.sentences if lo <= s.span.start and s.span.end <= hi]
    claims = [(c.span.start - lo, c.span.end - lo, c.status, c.source.kind,
               tuple((k.start - lo, k.end - lo) for k in c.cues))
              for c in article.claims if lo <= c.span.start and c.span.end <= hi]
    spans = {(t.span.start - lo, t.span.end - lo) for t in article.techniques
             if lo <= t.span.start and t.span.end <= hi}
    return {"sentences": sentences, "claims": claims, "technique_spans": spans}


def test_entities_answer_what_doc_ents_gives(nlp: Language) -> None:
    doc = nlp("Maria Lindqvist met John Mercer in Tallinn on Monday. NATO said Estonia and "
              "Finland would join the talks in Helsinki. The World Bank did not comment.")
    found = entities(doc)
    assert found is entities(doc)  # built once per Doc
    assert found.all == tuple(doc.ents) and len(found.all) >= 5
    for tok in doc:
        want = next((e for e in doc.ents if e.start <= tok.i < e.end), None)
        assert found.at_token(tok.i) == want
    for sent in doc.sents:
        assert found.in_tokens(sent.start, sent.end) == list(sent.ents)
    n = len(doc.text)
    for start, end in [(0, n), (0, 20), (10, 60), (40, n), (n - 30, n), (5, 5)]:
        assert found.in_chars(start, end) == [
            e for e in doc.ents if start <= e.start_char and e.end_char <= end]
        assert found.before_char(end) == tuple(e for e in doc.ents if e.start_char < end)


@pytest.mark.skipif(not heads.ready(), reason="the MiniLM encoder package is not installed")
def test_same_paragraph_same_scores_in_a_short_and_a_long_article() -> None:
    pipeline = build_pipeline()
    short_text = f"Rail Link Delayed Again\n\n{TARGET}\n"
    before = "\n\n".join(filler(240, seed=1))
    after = "\n\n".join(filler(240, seed=2))
    long_text = f"Rail Link Delayed Again\n\n{before}\n\n{TARGET}\n\n{after}\n"
    encoder.clear_sentence_cache()
    short = analyze_text(short_text, pipeline, language="en")
    encoder.clear_sentence_cache()  # the long article's sentences are encoded afresh
    long = analyze_text(long_text, pipeline, language="en")
    assert not short.failures and not long.failures
    assert len(long.sentences) > 400 > len(short.sentences)
    s_lo = short_text.index(TARGET)
    l_lo = long_text.index(TARGET)
    a, b = (_view(short, s_lo, s_lo + len(TARGET)), _view(long, l_lo, l_lo + len(TARGET)))
    assert len(a["sentences"]) == TARGET_SENTENCES
    assert a["sentences"] == b["sentences"]
    assert a["claims"] == b["claims"] and a["claims"]
    question = TARGET.index("Is it")
    scare = TARGET.index("temporary tariff")
    booster = TARGET.index("It is clear")
    for spans in (a["technique_spans"], b["technique_spans"]):  # the cue rules' spans
        assert (question, TARGET.index("coming?") + len("coming?")) in spans
        assert (scare, scare + len("temporary tariff")) in spans
        assert (booster, booster + len("It is clear")) in spans


@pytest.fixture()
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> int:
    """Stream the technique model three sentences at a time."""
    monkeypatch.setattr(technique_stream, "CHUNK_SEGMENTS", 3)
    return 3


@pytest.mark.skipif(not encoder.available(), reason="the MiniLM encoder is not installed")
def test_technique_model_streamed_in_chunks_gives_the_whole_article_numbers(
    small_chunks: int, monkeypatch: pytest.MonkeyPatch,
) -> None:
    model = load_model()
    text = "\n\n".join([*filler(12, seed=3), TARGET, *filler(9, seed=4)])
    segments = []
    for para_start in [0] + [i + 2 for i in range(len(text)) if text.startswith("\n\n", i)]:
        end = text.find("\n\n", para_start)
        end = len(text) if end < 0 else end
        cut = para_start
        for k in range(para_start, end):
            if text[k] in ".?" and (k + 1 == end or text[k + 1] == " "):
                segments.append((cut, k + 1))
                cut = k + 2
    assert len(segments) > 5 * small_chunks
    assert technique_stream.streamed(segments)
    states = model.states_of(text, segments)
    rows = token_rows(text, segments, features=False)
    whole = model.head_probabilities(states, rows)
    streamed = technique_stream.head_probabilities(model.heads, model.keep, text, segments, rows)
    np.testing.assert_allclose(streamed, whole, rtol=1e-6, atol=1e-7)
    technique_parts.register(load_model)
    try:  # values kept at encoding, most of them dropped past a small budget
        monkeypatch.setattr(technique_parts, "PARTS_BYTES", 60_000)
        encoder.clear_sentence_cache()
        again = technique_stream.head_probabilities(model.heads, model.keep, text, segments, rows)
    finally:
        technique_parts.register(None)
    np.testing.assert_allclose(again, whole, rtol=1e-6, atol=1e-7)
    spans = [(s, s + 25) for s, _ in segments[::2]] + [(segments[2][0], segments[4][1])]
    layers = model.classifier_layers
    whole_vectors = span_vectors(select_layers(states, model.keep, layers), spans, len(layers))
    np.testing.assert_allclose(span_vectors(states, spans, len(layers), model.keep, layers),
                               whole_vectors, rtol=1e-6, atol=1e-7)  # pooled, then sliced
    streamed_vectors = technique_stream.span_vectors_of(model.keep, layers, text, segments,
                                                        spans)
    np.testing.assert_allclose(streamed_vectors, whole_vectors, rtol=1e-6, atol=1e-7)
    _, mixed_streamed = model.token_probabilities(text, segments)  # heads and lexical tagger
    _, mixed_whole = model.token_probabilities(text, segments, states)
    np.testing.assert_allclose(mixed_streamed, mixed_whole, rtol=1e-6, atol=1e-7)
    assert (model.find_spans(text, segments)
            == model.find_spans(text, segments, states))  # streamed, then whole


@pytest.mark.skipif(not encoder.available(), reason="the MiniLM encoder is not installed")
def test_a_long_article_is_encoded_once_for_sentence_scores_techniques_and_frames(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The technique heads and the frames read values kept when ``sentence_scores`` encoded
    the article, although the encoder's state cache holds only a few of its sentences."""
    model = load_model()
    text = "\n\n".join([*filler(60, seed=6), TARGET, *filler(30, seed=7)])
    segments = [(m.start(), m.end()) for m in re.finditer(r"[^.?\n][^.?]*[.?]", text)]
    texts = [text[s:e] for s, e in segments]
    rows = token_rows(text, segments, features=False)
    encoder.clear_sentence_cache()
    whole = model.head_probabilities(model.states_of(text, segments), rows)
    means = frames.sentence_vectors(texts)
    encoder.clear_sentence_cache()
    monkeypatch.setattr(encoder, "SENTENCE_CACHE_BYTES", 200_000)  # a few sentences
    enc = encoder.load_encoder()
    passes: list[int] = []
    hidden = enc.hidden
    monkeypatch.setattr(enc, "hidden", lambda ids, keep: passes.append(len(ids))
                        or hidden(ids, keep))
    technique_parts.register(load_model)
    frames.register(True)
    try:
        heads.pooled_features(texts)  # the sentence_scores pass
        encoded = sum(passes)
        assert encoded == len(set(texts))
        found = technique_stream.head_probabilities(model.heads, model.keep, text, segments,
                                                    rows)
        again = frames.sentence_vectors(texts)
    finally:
        technique_parts.register(None)
        frames.register(False)
        encoder.clear_sentence_cache()
    assert sum(passes) == encoded  # nothing encoded twice
    np.testing.assert_allclose(found, whole, rtol=1e-6, atol=1e-7)
    np.testing.assert_array_equal(again, means)


def test_default_limits_take_a_50000_word_article(tmp_path: Path) -> None:
    text = "Baltic Trade Report\n\n" + "\n\n".join(filler(4_200, seed=5)) + "\n"
    assert len(text.split()) > 50_000
    assert estimate_sentences(text) <= DEFAULT_LIMITS.max_sentences
    path = tmp_path / "long.txt"
    path.write_text(text, encoding="utf-8")
    (item,) = read_paths([str(path)])
    assert isinstance(item, Article) and item.text.strip() == text.strip()
    (item,) = read_paths([str(path)], limits=IngestLimits(max_article_bytes=len(text) // 2))
    assert isinstance(item, InputTooLarge)
