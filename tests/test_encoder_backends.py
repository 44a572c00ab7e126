"""The encoder's onnxruntime backends against the NumPy reference forward pass."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest

from flashpoint import encoder
from flashpoint.encoder import onnx as encoder_onnx
from flashpoint.errors import BackboneMissing, FlashpointError, UnknownBackend
from flashpoint.runner import build_pipeline
from tests.encoder_reference import feed_forward_maxima, reference

needs_onnx = pytest.mark.skipif(
    not (encoder.available() and encoder_onnx.onnx_available()),
    reason="needs the MiniLM package and onnxruntime (run `make install`)",
)

TEXTS = [
    "The finance ministry in Lima said inflation slowed to 3.1% in October.",
    "Critics argue the treaty is a betrayal that will haunt the coalition for years.",
    "Is it really a coincidence that the talks collapsed the day after the vote?",
    "Hi.",
    " ".join(["The delegation from Ghana met officials in Accra and Kumasi."] * 20),
]


def _with_backend(name: str) -> encoder.Encoder:
    enc = copy.copy(encoder.load_encoder())
    enc.backend = name
    enc._onnx = None
    return enc


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.asarray((a * b).sum(axis=1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1))


@pytest.mark.parametrize("value", ["onnx-fp32", "ONNX-INT8 ", ""])
def test_backend_from_environment(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setattr(encoder_onnx, "onnx_available", lambda: True)
    expected = value.strip().lower() or encoder_onnx.DEFAULT_BACKEND
    got = encoder.settings_from_env({encoder_onnx.BACKEND_ENV: value})
    assert got.backend == expected


def test_settings_are_read_from_the_environment_only_at_the_edge(
        monkeypatch: pytest.MonkeyPatch) -> None:
    before = encoder.settings()
    monkeypatch.setenv(encoder_onnx.BACKEND_ENV, "tpu")
    assert encoder.settings() == before  # the library never reads the environment itself
    with pytest.raises(UnknownBackend):
        build_pipeline(["sentences"])  # the runner does, when it builds a pipeline


def test_unknown_backend_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(UnknownBackend) as info:
        encoder.settings_from_env({encoder_onnx.BACKEND_ENV: "tpu"})
    assert isinstance(info.value, FlashpointError) and info.value.code == "P304"
    assert "'tpu'" in str(info.value) and "onnx-int8" in str(info.value)


def test_numpy_is_no_run_time_backend() -> None:
    with pytest.raises(UnknownBackend):
        encoder.settings_from_env({encoder_onnx.BACKEND_ENV: "numpy"})


def test_without_onnxruntime_the_encoder_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(encoder_onnx, "onnx_available", lambda: False)
    with pytest.raises(BackboneMissing, match="onnxruntime"):
        encoder_onnx.require_onnx()


@needs_onnx
def test_fp32_graph_equals_numpy() -> None:
    ref = reference().pooled(TEXTS, keep=(1, 4, 6))
    got = _with_backend("onnx-fp32").pooled(TEXTS, keep=(1, 4, 6))
    assert got.shape == ref.shape == (len(TEXTS), 3 * encoder.HIDDEN)
    assert np.abs(got - ref).max() < 1e-4


@needs_onnx
def test_int8_stays_close_to_float() -> None:
    ref = reference().pooled(TEXTS, keep=(4, 5))
    got = _with_backend("onnx-int8").pooled(TEXTS, keep=(4, 5))
    for half in (slice(0, encoder.HIDDEN), slice(encoder.HIDDEN, None)):
        assert _cosines(ref[:, half], got[:, half]).min() > 0.98


@needs_onnx
def test_int8_keeps_only_the_outlier_channels_float() -> None:
    import onnx

    enc = _with_backend("onnx-int8")
    model = onnx.load_from_string(enc._onnx_layers().payload(2, use_cache=False))
    float_products = {n.name for n in model.graph.node if n.op_type == "MatMul"}
    for number in (1, 2):
        assert f"l{number}.down_outliers.mm" in float_products
        for name in ("out", "up", "up_outliers", "down"):
            assert f"l{number}.{name}.mm" not in float_products  # quantised
    ops = [n.op_type for n in model.graph.node]
    assert ops.count("QAttention") == 2 and "Attention" not in ops
    weights = {t.name: t for t in model.graph.initializer}
    assert tuple(weights["l1.down_outliers.w"].dims) == (len(encoder_onnx.ffn_outliers()[0]),
                                                         encoder.HIDDEN)


@needs_onnx
def test_the_outlier_channels_are_where_the_activations_are_largest() -> None:
    """On texts written here, the committed channels hold each layer's activations that are
    far larger than the rest, and what is left has none (its top two within a factor of 2)."""
    enc = encoder.load_encoder()
    outliers = encoder_onnx.ffn_outliers()
    assert len(outliers) == len(enc.layers)
    maxima = feed_forward_maxima(enc, TEXTS)
    for number, row in enumerate(maxima):
        kept = np.zeros(row.shape, dtype=bool)
        kept[list(outliers[number])] = True
        rest = np.sort(row[~kept])[::-1]
        assert rest[0] < 2 * rest[1]
        if number < 4:  # layers 1-4 have outliers (14-25 against a median channel's 2)
            assert row[kept].max() > 2 * rest[0] > 0


@needs_onnx
def test_int8_states_do_not_depend_on_the_batch() -> None:
    enc = _with_backend("onnx-int8")
    alone = enc.pooled([TEXTS[0]], keep=(5,))[0]
    for other in TEXTS[1:]:
        assert np.array_equal(enc.pooled([TEXTS[0], other], keep=(5,))[0], alone)


@needs_onnx
def test_one_session_per_depth_and_keep_order() -> None:
    enc = _with_backend("onnx-fp32")
    ids = enc.token_ids(TEXTS[:2])
    states, mask = enc.hidden(ids, keep=(0, 2, 3))
    assert len(states) == 3 and all(s.shape == (2, mask.shape[1], encoder.HIDDEN)
                                     for s in states)
    assert enc._onnx is not None and sorted(enc._onnx._sessions) == [3]
    ref, _ = reference().hidden(ids, keep=(0, 2, 3))
    for a, b in zip(states, ref, strict=True):
        assert np.abs((a - b) * mask[..., None]).max() < 1e-4


@needs_onnx
def test_sentence_cache_keeps_within_its_budget_least_recently_used_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(encoder, "_SENTENCE_STATES", {})
    monkeypatch.setattr(encoder, "_cached_bytes", 0)
    first, second, _ = encoder.sentence_states(TEXTS[:3], (2, 3, 4, 5))
    one = first.states.nbytes + first.offsets.nbytes
    budget = one + second.states.nbytes + second.offsets.nbytes + 10
    monkeypatch.setattr(encoder, "SENTENCE_CACHE_BYTES", budget)
    encoder.sentence_states([TEXTS[0]], (2, 3, 4, 5))  # a hit: TEXTS[0] becomes the most recent
    encoder.sentence_states([TEXTS[3]], (2, 3, 4, 5))  # over budget: the least recent go first
    cached = list(encoder._SENTENCE_STATES)
    assert cached[-2:] == [TEXTS[0], TEXTS[3]] and TEXTS[1] not in cached
    assert encoder._cached_bytes <= budget
    assert encoder.sentence_states([TEXTS[0]], (2, 3, 4, 5))[0] is first  # from the cache


@needs_onnx
def test_one_pass_serves_every_subset_of_the_shared_layers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(encoder, "_SENTENCE_STATES", {})
    monkeypatch.setattr(encoder, "_cached_bytes", 0)
    passes: list[tuple[int, ...]] = []
    enc = encoder.load_encoder()
    real = type(enc).hidden

    def counted(self: encoder.Encoder, ids: Any, keep: Any = (encoder.LAYERS,)) -> Any:
        passes.append(tuple(keep))
        return real(self, ids, keep)

    monkeypatch.setattr(type(enc), "hidden", counted)
    pair = encoder.sentence_states(TEXTS[:2], (4, 5))  # the pass keeps layers 2 to 5
    four = encoder.sentence_states(TEXTS[:2], (2, 3, 4, 5))
    swapped = encoder.sentence_states(TEXTS[:2], (5, 2))
    assert passes == [(2, 3, 4, 5)]
    width = encoder.HIDDEN
    for a, b, c in zip(pair, four, swapped, strict=True):
        assert a.states.shape[1] == 2 * width and b.states.shape[1] == 4 * width
        assert np.array_equal(a.states, b.states[:, 2 * width :])
        assert np.array_equal(c.states[:, :width], b.states[:, 3 * width :])
        assert np.array_equal(c.states[:, width:], b.states[:, :width])
    encoder.sentence_states(TEXTS[:1], (6,))  # deeper than the cached entry: a new pass
    assert passes[-1] == (2, 3, 4, 5, 6)
    assert encoder.sentence_states(TEXTS[:1], (4, 5))[0].states.shape[1] == 2 * width


def test_blas_limit_caps_numpy_blas_threads_inside_the_block_only() -> None:
    from threadpoolctl import threadpool_info  # type: ignore[import-untyped]

    def blas() -> list[int]:
        return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]

    before = blas()
    with encoder.blas_limit(1):
        assert blas() and all(n == 1 for n in blas())
    assert blas() == before
