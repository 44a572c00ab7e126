"""MiniLM token states of an article's sentences, pooled over tokens and spans, and the token head.

Span identification and classification read the encoder through
:func:`flashpoint.encoder.sentence_states`: one forward pass per sentence
(segment), memoised per process, so the technique model costs no encoder pass
of its own when another analyzer (``sentence_scores``) has already encoded the
same sentences with the same layers. Word pieces beyond the encoder's
:data:`~flashpoint.encoder.MAX_TOKENS` have no state: tokens and spans there
get a zero vector (and the token head a ``missing`` flag).

:class:`TokenHead` is a one-hidden-layer perceptron in NumPy over a token's
pooled states; it is trained with torch by
:func:`flashpoint.techniques.train.fit_token_head` (training only), or together
with a fine-tuned copy of encoder layer 5 (:class:`TunedLayers`, run over the
layer-4 states of each sentence) by
:func:`flashpoint.techniques.finetune.fit_tuned_head`.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from .linear import FloatArray

if TYPE_CHECKING:
    from .. import encoder_onnx
    from ..encoder import Layer

KEEP = (4, 5)
"""Encoder layers read by the technique model (those ``sentence_scores`` reads too)."""
F32 = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class ArticleStates:
    """Word-piece states of an article's segments; ``offsets`` are article character offsets.

    ``segment`` (when known) is each piece's segment number and ``ends`` the
    first kept layer's states of each segment's [CLS] and [SEP] pieces
    ``(segments, 2, HIDDEN)``: with them the sentences can be fed to further
    encoder layers (:class:`TunedLayers`).
    """

    states: F32
    offsets: npt.NDArray[np.int64]
    segment: npt.NDArray[np.int64] | None = None
    ends: F32 | None = None

    def pooled(self, spans: Sequence[tuple[int, int]]) -> F32:
        """Mean state of the word pieces overlapping each span (zeros where none does)."""
        width = self.states.shape[1]
        if not len(spans):
            return np.zeros((0, width), dtype=np.float32)
        starts = np.array([s for s, _ in spans], dtype=np.int64)
        ends = np.array([e for _, e in spans], dtype=np.int64)
        lo = np.searchsorted(self.offsets[:, 1], starts, side="right")
        hi = np.maximum(np.searchsorted(self.offsets[:, 0], ends, side="left"), lo)
        count = hi - lo
        rows = np.repeat(np.arange(len(spans)), count)
        cols = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count - lo, count)
        weights = np.repeat(1.0 / np.maximum(count, 1), count).astype(np.float32)
        mean = sp.csr_matrix((weights, (rows, cols)), shape=(len(spans), len(self.states)))
        out: F32 = np.asarray(mean @ self.states, dtype=np.float32)
        return out

    def segment_pieces(self) -> list[npt.NDArray[np.int64]]:
        """For each segment, the indices of its word pieces (in text order)."""
        if self.segment is None or self.ends is None:
            raise ValueError("these states do not keep their segments (use article_states)")
        order = np.argsort(self.segment, kind="stable")
        counts = np.bincount(self.segment, minlength=len(self.ends))
        return np.split(order, np.cumsum(counts)[:-1])

    def covered(self, spans: Sequence[tuple[int, int]]) -> npt.NDArray[np.bool_]:
        """Whether any word piece overlaps each span."""
        starts = np.array([s for s, _ in spans], dtype=np.int64)
        ends = np.array([e for _, e in spans], dtype=np.int64)
        lo = np.searchsorted(self.offsets[:, 1], starts, side="right")
        hi = np.searchsorted(self.offsets[:, 0], ends, side="left")
        out: npt.NDArray[np.bool_] = hi > lo
        return out


def article_states(
    text: str, segments: Sequence[tuple[int, int]], keep: Sequence[int] = KEEP
) -> ArticleStates:
    """States of layers ``keep`` for every segment of ``text`` (one encoder pass, memoised)."""
    from .. import encoder

    hidden = encoder.HIDDEN
    states: list[F32] = [np.zeros((0, hidden * len(keep)), dtype=np.float32)]
    offsets: list[npt.NDArray[np.int64]] = [np.zeros((0, 2), dtype=np.int64)]
    owner: list[npt.NDArray[np.int64]] = [np.zeros(0, dtype=np.int64)]
    ends: list[F32] = [np.zeros((0, 2, hidden), dtype=np.float32)]
    bounds = [(s, e) for s, e in segments if e > s]
    for k, ((s, _), found) in enumerate(zip(
            bounds, encoder.sentence_states([text[s:e] for s, e in bounds], keep), strict=True)):
        real = found.offsets[:, 1] > found.offsets[:, 0]
        states.append(found.states[real])
        offsets.append(found.offsets[real].astype(np.int64) + s)
        owner.append(np.full(int(real.sum()), k, dtype=np.int64))
        ends.append(found.states[[0, -1], :hidden][None])
    order = np.argsort(np.concatenate(offsets)[:, 0], kind="stable")
    return ArticleStates(np.concatenate(states)[order], np.concatenate(offsets)[order],
                         np.concatenate(owner)[order], np.concatenate(ends))


def span_vectors(states: ArticleStates, spans: Sequence[tuple[int, int]],
                 layers: int) -> FloatArray:
    """Pooled span states, each layer's block L2-normalised, scaled to unit norm overall."""
    pooled = states.pooled(spans).astype(np.float64)
    blocks = np.split(pooled, layers, axis=1)
    out = np.hstack([b / np.maximum(1e-9, np.linalg.norm(b, axis=1, keepdims=True))
                     for b in blocks]) / np.sqrt(layers)
    missing = ~states.covered(spans) if len(spans) else np.zeros(0, dtype=bool)
    out[missing] = 0.0
    result: FloatArray = out
    return result


@dataclass(frozen=True, slots=True)
class TokenHead:
    """``p = sigmoid(w2 · gelu(W1 · z + b1) + b2)`` with ``z`` the standardised input row.

    Input row: a token's pooled states (mean of its word pieces), then a 0/1
    flag for tokens without a state (beyond the encoder's truncation).
    """

    mean: FloatArray
    scale: FloatArray
    w1: FloatArray
    b1: FloatArray
    w2: FloatArray
    b2: float

    def probabilities(self, x: FloatArray) -> FloatArray:
        """The probability of each input row (computed in float32)."""
        from scipy.special import erf

        z = ((x - self.mean) / self.scale).astype(np.float32)
        h = z @ self.w1.astype(np.float32) + self.b1.astype(np.float32)
        h *= 0.5 * (1.0 + erf(h * np.float32(2**-0.5)))
        logit = (h @ self.w2.astype(np.float32)).astype(np.float64) + self.b2
        out: FloatArray = 1.0 / (1.0 + np.exp(-np.clip(logit, -30, 30)))
        return out

    def save(self, path: Path) -> None:
        np.savez_compressed(
            path, mean=self.mean.astype(np.float32), scale=self.scale.astype(np.float32),
            w1=self.w1.astype(np.float16), b1=self.b1.astype(np.float32),
            w2=self.w2.astype(np.float32), b2=np.array([self.b2]),
        )

    @classmethod
    def load(cls, path: Path) -> TokenHead:
        with np.load(path, allow_pickle=False) as z:
            return cls(
                mean=z["mean"].astype(np.float64), scale=z["scale"].astype(np.float64),
                w1=z["w1"].astype(np.float64), b1=z["b1"].astype(np.float64),
                w2=z["w2"].astype(np.float64), b2=float(z["b2"][0]),
            )


def head_inputs(states: ArticleStates, tokens: Sequence[tuple[int, int]]) -> FloatArray:
    """Rows of :class:`TokenHead` inputs: a token's pooled states, then 1 if it has none."""
    if not len(tokens):
        return np.zeros((0, states.states.shape[1] + 1))
    pooled = states.pooled(tokens).astype(np.float64)
    missing = (~states.covered(tokens)).astype(np.float64)[:, None]
    out: FloatArray = np.hstack([pooled, missing])
    return out


@dataclass(frozen=True)
class TunedLayers:
    """Fine-tuned copies of the encoder layers above the first kept one (layer 4).

    They run over each segment's layer-4 states from the shared pass ([CLS] and
    [SEP] included, as in the encoder), so span identification costs one more
    layer per sentence and no second encoder pass. They run in float32 on
    onnxruntime (:class:`flashpoint.encoder_onnx.OnnxLayers`, unquantised:
    equal to NumPy within 1e-5, about twice as fast) unless the encoder backend
    is ``numpy`` (then :class:`flashpoint.encoder.Layer`). They are trained
    with the token head by :func:`flashpoint.techniques.finetune.fit_tuned_head`
    (torch, training only).
    """

    layers: tuple[Layer, ...]

    @functools.cached_property
    def _onnx(self) -> encoder_onnx.OnnxLayers | None:
        from .. import encoder, encoder_onnx

        if encoder.load_encoder().backend == "numpy":
            return None
        return encoder_onnx.OnnxLayers(self.layers, encoder.HIDDEN, encoder.HEADS,
                                       quantize=False, threads=encoder.blas_threads())

    def run(self, x: F32, bias: F32) -> F32:
        """The layers over a right-padded batch (as :meth:`flashpoint.encoder.Layer.__call__`)."""
        runner = self._onnx
        if runner is not None:
            return runner(x, bias, [len(self.layers)])[0]
        for layer in self.layers:
            x = layer(x, bias)
        return x

    def states(self, states: ArticleStates) -> ArticleStates:
        """The token head's states: the first kept layer's block, then the tuned layers' output."""
        from .. import encoder

        groups = states.segment_pieces()
        assert states.ends is not None  # checked by segment_pieces
        hidden = encoder.HIDDEN
        base = np.ascontiguousarray(states.states[:, :hidden])
        out = np.zeros_like(base)
        by_length = sorted(range(len(groups)), key=lambda k: len(groups[k]))
        from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

        with threadpool_limits(limits=encoder.blas_threads(), user_api="blas"):
            for start in range(0, len(by_length), encoder.BATCH):
                batch = by_length[start : start + encoder.BATCH]
                width = max(len(groups[k]) for k in batch) + 2
                x = np.zeros((len(batch), width, hidden), dtype=np.float32)
                bias = np.full((len(batch), 1, 1, width), -1e4, dtype=np.float32)
                for row, k in enumerate(batch):
                    n = len(groups[k])
                    x[row, 0], x[row, n + 1] = states.ends[k, 0], states.ends[k, 1]
                    x[row, 1 : n + 1] = base[groups[k]]
                    bias[row, ..., : n + 2] = 0.0
                x = self.run(x, bias)
                for row, k in enumerate(batch):
                    out[groups[k]] = x[row, 1 : len(groups[k]) + 1]
        return ArticleStates(np.hstack([base, out]), states.offsets, states.segment, states.ends)

    def save(self, path: Path) -> None:
        """Weight matrices as float16, biases and LayerNorm parameters as float32."""
        arrays = {}
        for i, layer in enumerate(self.layers):
            for f in fields(layer):
                value = getattr(layer, f.name)
                arrays[f"{i}.{f.name}"] = value.astype(np.float16 if value.ndim == 2
                                                       else np.float32)
        np.savez_compressed(path, **arrays)

    @classmethod
    def load(cls, path: Path) -> TunedLayers:
        from ..encoder import Layer

        with np.load(path, allow_pickle=False) as z:
            count = 1 + max(int(name.split(".")[0]) for name in z.files)
            layers = tuple(
                Layer(**{f.name: np.ascontiguousarray(z[f"{i}.{f.name}"], dtype=np.float32)
                         for f in fields(Layer)})
                for i in range(count))
        return cls(layers)
