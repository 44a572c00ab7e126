"""Technique features, span decoding, and the shipped model's SemEval-format commands."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from flashpoint.analyzers.persuasion.techniques import (
    DEFINITIONS,
    TECHNIQUES,
    load_model,
    write_classifications,
    write_span_predictions,
)
from flashpoint.analyzers.persuasion.techniques import features as F
from flashpoint.analyzers.persuasion.techniques.model import decode

ARTICLE = (
    "Senator Ortega Calls Trade Deal a Betrayal\n\n"
    "Senator Lucia Ortega said on Monday that the trade pact with Vietnam was a disgraceful "
    "surrender that would destroy thousands of jobs.\n"
    "Is it a coincidence that the agreement was signed the week after the lobbyists' gala?\n"
    "The deal is a betrayal, a betrayal of every worker in the country.\n"
    "Officials in Hanoi said the agreement would lower tariffs on rice and textiles.\n"
)


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("", []),
        ("Hello, world!", ["Hello", ",", "world", "!"]),
        ("It's Kyiv’s plan.", ["It's", "Kyiv’s", "plan", "."]),
    ],
)
def test_tokenize(text: str, tokens: list[str]) -> None:
    found = F.tokenize(text)
    assert [t.text for t in found] == tokens
    assert all(text[t.start : t.end] == t.text for t in found)


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        ("", []),
        ("One.\n\n  Two two.  \n", [(0, 4), (8, 16)]),
        ("single line", [(0, 11)]),
    ],
)
def test_line_segments(text: str, segments: list[tuple[int, int]]) -> None:
    assert F.line_segments(text) == segments


def test_char_ngrams_pad_each_word() -> None:
    grams = F.char_ngrams("Ab c", 2, 3)
    assert " a" in grams and "ab " in grams and " c " in grams
    assert "b c" not in grams  # never across words


def test_same_text_counts_counts_distinct_spans_with_equal_text() -> None:
    text = "betrayal and Betrayal and loyalty"
    spans = [(0, 8), (13, 21), (26, 33), (0, 8)]
    counts = F.same_text_counts(text, spans)
    assert [c // 10 for c in counts] == [2, 2, 1, 2]


def test_decode_hysteresis_within_segments() -> None:
    text = "aa bb cc. dd ee"
    rows = F.token_rows(text, [(0, 9), (10, 15)])
    assert [t.text for t in rows.tokens] == ["aa", "bb", "cc", ".", "dd", "ee"]
    p = np.array([0.1, 0.5, 0.1, 0.1, 0.1, 0.05])
    # starts at "bb" (>= high), grows to neighbours >= low, drops the trailing full stop,
    # and stops at the segment boundary although "dd" scores >= low
    found = decode(rows, p, high=0.3, low=0.09)
    assert [(text[s.start : s.end]) for s in found] == ["aa bb cc"]
    assert decode(rows, np.zeros(6), high=0.3, low=0.09) == []


def test_every_technique_has_a_definition() -> None:
    assert len(TECHNIQUES) == 14
    assert all(len(DEFINITIONS[t]) > 40 for t in TECHNIQUES)
    assert set(load_model().classifier.classes) == set(TECHNIQUES)


def test_model_finds_and_labels_spans() -> None:
    model = load_model()
    segments = F.line_segments(ARTICLE)
    spans = model.find_spans(ARTICLE, segments)
    assert spans, "a text this loaded should yield spans"
    assert all(0 <= s.start < s.end <= len(ARTICLE) and 0 < s.score <= 1 for s in spans)
    question = ARTICLE.index("Is it a coincidence")
    end = ARTICLE.index("?", question) + 1
    (label, prob), = model.label(ARTICLE, [(question, end)], segments)
    assert label == "Doubt" and prob > 0.3
    # the same span listed twice gets two different labels (SemEval TC convention)
    first, second = model.label(ARTICLE, [(question, end), (question, end)], segments)
    assert first[0] != second[0]


def test_semeval_commands_write_task_formats(tmp_path: Path) -> None:
    (tmp_path / "article901.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "article902.txt").write_text("", encoding="utf-8")
    si = tmp_path / "si.txt"
    n = write_span_predictions(tmp_path, si)
    lines = si.read_text().splitlines()
    assert n == len(lines) > 0
    for line in lines:
        art, start, end = line.split("\t")
        assert art == "901" and 0 <= int(start) < int(end) <= len(ARTICLE)
    tc = tmp_path / "tc.txt"
    spans = tmp_path / "spans.txt"
    spans.write_text(si.read_text() + "999\t0\t5\n", encoding="utf-8")  # unknown article skipped
    assert write_classifications(tmp_path, spans, tc) == n
    for line, given in zip(tc.read_text().splitlines(), lines, strict=True):
        art, technique, start, end = line.split("\t")
        assert technique in TECHNIQUES
        assert (art, start, end) == tuple(given.split("\t"))


def test_hashed_linear_round_trip_and_dense_block(tmp_path: Path) -> None:
    from flashpoint.analyzers.persuasion.techniques.linear import HashedLinear

    model = HashedLinear(
        classes=("a", "b"), sizes=(16,), weights=(1.0,), binary=True,
        columns=np.arange(16, dtype=np.int64), coef=np.zeros((2, 18)),
        intercept=np.array([0.0, 1.0]), dense_dim=2, dense_weight=0.5,
    )
    model.save(tmp_path / "m.npz")
    loaded = HashedLinear.load(tmp_path / "m.npz")
    assert loaded.classes == ("a", "b") and loaded.dense_dim == 2
    assert loaded.dense_weight == 0.5
    out = loaded.decision([[["x", "y"]]], np.ones((1, 2)))
    assert out.shape == (1, 2) and out[0, 1] > out[0, 0]
    with pytest.raises(ValueError):
        loaded.decision([[["x"]]])  # the dense block is required


def test_span_probabilities_mix_the_head_and_the_lexical_tagger() -> None:
    import dataclasses

    model = load_model()
    assert model.heads and model.tagger is not None and 0 < model.mix <= 0.5
    segments = F.line_segments(ARTICLE)
    rows, p = model.token_probabilities(ARTICLE, segments)
    _, head = dataclasses.replace(model, mix=0.0).token_probabilities(ARTICLE, segments)
    _, tagger = dataclasses.replace(model, heads=()).token_probabilities(ARTICLE, segments)
    assert len(p) == len(rows.tokens) == len(head) == len(tagger) > 0
    assert np.allclose(p, (1 - model.mix) * head + model.mix * tagger)
    assert not np.allclose(head, tagger)


def test_save_and_load_keep_every_head_and_read_the_legacy_single_head_layout(
    tmp_path: Path,
) -> None:
    import dataclasses
    import json

    from flashpoint.analyzers.persuasion.techniques.model import save_model

    model = load_model()
    assert len(model.heads) == 2 and [h.layers for h in model.heads] == [(4, 5), (2, 3)]
    save_model(model, tmp_path / "two", {"note": "test"})
    again = load_model(tmp_path / "two")
    assert [h.layers for h in again.heads] == [(4, 5), (2, 3)]
    assert again.classifier_layers == model.classifier_layers == (4, 5)
    segments = F.line_segments(ARTICLE)
    assert np.allclose(again.token_probabilities(ARTICLE, segments)[1],
                       model.token_probabilities(ARTICLE, segments)[1])

    # a model saved with one head and no "heads" key (the layout before two heads)
    one = dataclasses.replace(model, heads=model.heads[:1], keep=(4, 5))
    save_model(one, tmp_path / "one", {})
    info = json.loads((tmp_path / "one" / "model.json").read_text())
    del info["heads"], info["classifier_layers"]
    (tmp_path / "one" / "model.json").write_text(json.dumps(info))
    legacy = load_model(tmp_path / "one")
    assert len(legacy.heads) == 1 and legacy.keep == legacy.classifier_layers == (4, 5)
    assert not (tmp_path / "one" / "head_2.npz").exists()
    # saving over a two-head folder leaves no stale second head behind
    save_model(one, tmp_path / "two", {})
    load_model.cache_clear()  # load_model memoises by folder
    assert len(load_model(tmp_path / "two").heads) == 1
    assert not (tmp_path / "two" / "head_2.npz").exists()
