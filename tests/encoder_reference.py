"""The NumPy forward pass of MiniLM: the float32 reference for the onnxruntime backends.

It is not a run-time backend (the encoder runs its layers on onnxruntime only);
``tests/test_encoder_backends.py``, ``benchmarks/bench_encoder.py`` and
``scripts/check_encoder.py`` compare against it.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

import numpy as np
from scipy.special import erf

from flashpoint import encoder
from flashpoint.encoder.layers import F32, HEADS, Layer, layer_norm


def gelu(x: F32) -> F32:
    """Exact (erf) GELU, as BERT uses."""
    out: F32 = erf(x * np.float32(2**-0.5))
    out += np.float32(1.0)
    out *= x
    out *= np.float32(0.5)
    return out


def attention_bias(mask: F32) -> F32:
    """The additive attention mask of :meth:`Encoder.embed`'s ``mask``: 0 on real word pieces,
    -1e4 on padding, shaped ``(batch, 1, 1, tokens)``."""
    bias: F32 = ((1.0 - mask) * np.float32(-1e4))[:, None, None, :].astype(np.float32)
    return bias


def attention_block(layer: Layer, x: F32, bias: F32) -> F32:
    """The self-attention half of a layer, after its LayerNorm: (batch * tokens, hidden)."""
    b, n, h = x.shape
    d = h // HEADS
    flat = x.reshape(b * n, h)
    qkv = (flat @ layer.qkv + layer.qkv_b).reshape(b, n, 3, HEADS, d).transpose(2, 0, 3, 1, 4)
    q, k, v = qkv[0], qkv[1], qkv[2]
    scores = (q @ k.transpose(0, 1, 3, 2)) * np.float32(1.0 / np.sqrt(d)) + bias
    scores -= scores.max(axis=-1, keepdims=True)
    np.exp(scores, out=scores)
    scores /= scores.sum(axis=-1, keepdims=True)
    ctx = (scores @ v).transpose(0, 2, 1, 3).reshape(b * n, h)
    return layer_norm(flat + ctx @ layer.out + layer.out_b, layer.ln1_w, layer.ln1_b)


def feed_forward_hidden(layer: Layer, attended: F32) -> F32:
    """The feed-forward's hidden activations (after GELU) of :func:`attention_block`'s output."""
    return gelu(attended @ layer.up + layer.up_b)


def layer_forward(layer: Layer, x: F32, bias: F32) -> F32:
    """One post-LayerNorm layer: ``x`` (batch, tokens, hidden); ``bias`` 0 or -1e4 per token."""
    attended = attention_block(layer, x, bias)
    return _finish(layer, attended, feed_forward_hidden(layer, attended)).reshape(x.shape)


def _finish(layer: Layer, attended: F32, hidden: F32) -> F32:
    """The feed-forward's second projection, residual and LayerNorm: the layer's output rows."""
    return layer_norm(attended + hidden @ layer.down + layer.down_b, layer.ln2_w, layer.ln2_b)


def feed_forward_maxima(enc: encoder.Encoder, texts: Sequence[str]) -> F32:
    """``(layers, channels)``: the largest absolute feed-forward activation (after GELU) of each
    layer's channels over ``texts``, each text run alone in float32."""
    out = np.zeros((len(enc.layers), enc.layers[0].up.shape[1]), dtype=np.float32)
    for ids in enc.token_ids(texts):
        x, mask = enc.embed([ids])
        bias = attention_bias(mask)
        for number, layer in enumerate(enc.layers):
            attended = attention_block(layer, x, bias)
            hidden = feed_forward_hidden(layer, attended)
            np.maximum(out[number], np.abs(hidden).max(axis=0), out=out[number])
            x = _finish(layer, attended, hidden).reshape(x.shape)
    return out


class ReferenceEncoder(encoder.Encoder):
    """The encoder with its layers run by :func:`layer_forward` instead of onnxruntime."""

    backend = "numpy"

    def hidden(self, ids: Sequence[Sequence[int]],
               keep: Sequence[int] = (encoder.LAYERS,)) -> tuple[list[F32], F32]:
        x, mask = self.embed(ids)
        bias = attention_bias(mask)
        kept = [x] if 0 in keep else []
        for number, layer in enumerate(self.layers[: max(keep)], start=1):
            x = layer_forward(layer, x, bias)
            if number in keep:
                kept.append(x)
        return kept, mask


def reference(enc: encoder.Encoder | None = None) -> ReferenceEncoder:
    """A NumPy reference twin of ``enc`` (default: the loaded encoder), sharing its weights."""
    twin = copy.copy(enc or encoder.load_encoder())
    twin.__class__ = ReferenceEncoder
    return twin  # type: ignore[return-value]
