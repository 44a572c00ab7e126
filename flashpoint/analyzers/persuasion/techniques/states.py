"""MiniLM token states of an article's sentences, pooled over tokens and spans, and the token head.

Span identification and classification read the encoder through
:func:`flashpoint.encoder.sentence_states`: one forward pass per sentence
(segment), memoised per process, so the technique model costs no encoder pass
of its own when another analyzer (``sentence_scores``) has already encoded the
same sentences (the encoder's cache serves any subset of the layers it
kept). Word pieces beyond the encoder's :data:`~flashpoint.encoder.MAX_TOKENS`
have no state: tokens and spans there get a zero vector (and the token head a
``missing`` flag).

:class:`TokenHead` is a perceptron with one hidden layer over a token's pooled
states, followed by a bidirectional LSTM over each sentence's hidden rows
(:class:`BiLSTM`): the perceptron in NumPy, the LSTMs on onnxruntime's LSTM operator
(:mod:`flashpoint.encoder.lstm`; :func:`run_lstms_numpy` is the NumPy reference and the fallback);
it is trained with torch by :func:`flashpoint.train.techniques.fit_token_head`
(training only).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from ....encoder import blas_limit, layer_block, layer_columns
from .linear import FloatArray

KEEP = (2, 3, 4, 5)
"""Encoder layers read by the technique model (one pass shared with ``sentence_scores``,
which reads layers 4 and 5: see :data:`flashpoint.encoder.SHARED_LAYERS`)."""
F32 = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class ArticleStates:
    """Word-piece states of an article's segments; ``offsets`` are article character offsets."""

    states: F32
    offsets: npt.NDArray[np.int64]

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
    from .... import encoder

    width = encoder.HIDDEN * len(keep)
    states: list[F32] = [np.zeros((0, width), dtype=np.float32)]
    offsets: list[npt.NDArray[np.int64]] = [np.zeros((0, 2), dtype=np.int64)]
    bounds = [(s, e) for s, e in segments if e > s]
    for (s, _), found in zip(bounds, encoder.sentence_states([text[s:e] for s, e in bounds],
                                                             keep), strict=True):
        real = found.offsets[:, 1] > found.offsets[:, 0]
        states.append(found.states[real])
        offsets.append(found.offsets[real].astype(np.int64) + s)
    order = np.argsort(np.concatenate(offsets)[:, 0], kind="stable")
    return ArticleStates(np.concatenate(states)[order], np.concatenate(offsets)[order])


def select_layers(states: ArticleStates, have: Sequence[int], want: Sequence[int]
                  ) -> ArticleStates:
    """The states of layers ``want`` out of states holding layers ``have`` side by side."""
    if tuple(want) == tuple(have):
        return states
    cols = layer_columns(have, want, states.states.shape[1] // len(have))
    return ArticleStates(np.ascontiguousarray(states.states[:, cols]), states.offsets)


def span_vectors(states: ArticleStates, spans: Sequence[tuple[int, int]],
                 layers: int, have: Sequence[int] = (), want: Sequence[int] = ()) -> FloatArray:
    """Pooled span states, each layer's block L2-normalised, scaled to unit norm overall.

    With ``have`` and ``want``: ``states`` hold layers ``have`` and the vectors read
    layers ``want`` (``layers`` of them): the spans are pooled over every column and
    the wanted ones kept, as :func:`select_layers` then pooling gives, without copying
    the states.
    """
    pooled = states.pooled(spans)
    if have and tuple(have) != tuple(want):
        pooled = pooled[:, layer_columns(have, want, pooled.shape[1] // len(have))]
    pooled = pooled.astype(np.float64)
    blocks = np.split(pooled, layers, axis=1)
    out = np.hstack([b / np.maximum(1e-9, np.linalg.norm(b, axis=1, keepdims=True))
                     for b in blocks]) / np.sqrt(layers)
    missing = ~states.covered(spans) if len(spans) else np.zeros(0, dtype=bool)
    out[missing] = 0.0
    result: FloatArray = out
    return result


def runs(segment: Sequence[int] | npt.NDArray[np.int64]) -> list[tuple[int, int]]:
    """``(start, end)`` of each run of equal values in ``segment`` (a token's sentence number)."""
    seg = np.asarray(segment)
    if not len(seg):
        return []
    cut = np.flatnonzero(seg[1:] != seg[:-1]) + 1
    starts = np.concatenate([[0], cut])
    ends = np.concatenate([cut, [len(seg)]])
    return [(int(a), int(b)) for a, b in zip(starts, ends, strict=True)]


@dataclass(frozen=True, slots=True)
class BiLSTM:
    """A bidirectional LSTM (torch's ``nn.LSTM`` maths, gates in/forget/cell/out) in NumPy.

    ``w_ih`` is ``(2, 4H, D)``, ``w_hh`` ``(2, 4H, H)`` and ``b`` ``(2, 4H)`` (input
    and hidden biases summed); index 0 runs forwards, 1 backwards. Each run of
    rows (a sentence's tokens) is one sequence; all sequences step together.
    """

    w_ih: FloatArray
    w_hh: FloatArray
    b: FloatArray
    _f32: tuple[F32, F32, F32] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:  # the float32 weights the steps use, made once
        object.__setattr__(self, "_f32", (
            np.ascontiguousarray(self.w_ih.transpose(0, 2, 1), dtype=np.float32),
            np.ascontiguousarray(self.w_hh.transpose(0, 2, 1), dtype=np.float32),
            self.b.astype(np.float32)[:, None, :]))

    def __call__(self, x: F32, spans: Sequence[tuple[int, int]]) -> F32:
        """``(n, 2H)``: each row's forward and backward states within its run."""
        return run_lstms([self], [x], spans)[0]


def run_lstms(lstms: Sequence[BiLSTM], xs: Sequence[F32],
              spans: Sequence[tuple[int, int]]) -> list[F32]:
    """Each ``lstms[i](xs[i], spans)``: on onnxruntime's LSTM operator, one call for all
    (:mod:`flashpoint.encoder.lstm`), or stepped in NumPy (:func:`run_lstms_numpy`) without
    onnxruntime."""
    from ....encoder import lstm as lstm_onnx

    if lstm_onnx.available():
        return lstm_onnx.run_lstms_onnx(lstms, xs, spans)
    return run_lstms_numpy(lstms, xs, spans)


def run_lstms_numpy(lstms: Sequence[BiLSTM], xs: Sequence[F32],
                    spans: Sequence[tuple[int, int]]) -> list[F32]:
    """Each ``lstms[i](xs[i], spans)``, all of them stepping together in NumPy (the reference).

    The LSTMs (of one hidden size) read different inputs over the same runs of
    rows; every direction of every LSTM takes its step in one batched product,
    so the per-step cost of NumPy calls is paid once. One BLAS thread: the
    per-step products are small, and more threads only add synchronisation.
    """
    size = lstms[0].w_hh.shape[2]
    n = len(xs[0]) if xs else 0
    spans = sorted(spans, key=lambda r: r[0] - r[1])  # longest first
    if not spans or not n:
        return [np.zeros((n, 2 * size), dtype=np.float32) for _ in lstms]
    ways = 2 * len(lstms)  # directions: forward, backward of lstms[0], then of lstms[1] ...
    w_hh = np.concatenate([lstm._f32[1] for lstm in lstms])  # (ways, H, 4H)
    lengths = np.array([e - s for s, e in spans])
    starts = np.array([s for s, _ in spans])
    way = np.arange(ways)[:, None]
    out = np.zeros((ways, n, size), dtype=np.float32)
    with blas_limit(1):
        gx = np.concatenate([np.matmul(x.astype(np.float32, copy=False)[None], lstm._f32[0])
                             + lstm._f32[2] for lstm, x in zip(lstms, xs, strict=True)])
        h = np.zeros((ways, len(spans), size), dtype=np.float32)
        c = np.zeros_like(h)
        for t in range(int(lengths[0])):
            k = int(np.searchsorted(-lengths, -t, side="left"))  # runs longer than t
            rows = np.empty((ways, k), dtype=np.int64)
            rows[0::2] = starts[:k] + t  # forward: the t-th row of each run
            rows[1::2] = starts[:k] + lengths[:k] - 1 - t  # backward: the t-th from the end
            g = gx[way, rows] + np.matmul(h[:, :k], w_hh)
            # sigmoid(v) = (1 + tanh(v / 2)) / 2: no overflow, and tanh is fast
            gates = 0.5 + 0.5 * np.tanh(0.5 * g[..., : 2 * size])  # input, forget
            out_gate = 0.5 + 0.5 * np.tanh(0.5 * g[..., 3 * size :])
            c[:, :k] = gates[..., size:] * c[:, :k] + gates[..., :size] * np.tanh(
                g[..., 2 * size : 3 * size])
            h[:, :k] = out_gate * np.tanh(c[:, :k])
            out[way, rows] = h[:, :k]
    return [np.hstack([out[2 * i], out[2 * i + 1]]) for i in range(len(lstms))]


_ERF_P = tuple(np.float32(c) for c in (
    -2.72614225801306e-10, 2.77068142495902e-08, -2.10102402082508e-06, -5.69250639462346e-05,
    -7.34990630326855e-04, -2.95459980854025e-03, -1.60960333262415e-02))
_ERF_Q = tuple(np.float32(c) for c in (
    -1.45660718464996e-05, -2.13374055278905e-04, -1.68282697438203e-03, -7.37332916720468e-03,
    -1.42647390514189e-02))


def erf32(x: F32) -> F32:
    """``erf(x)`` in float32 within 4e-7 of the exact value: the rational approximation
    of Eigen's and XLA's float32 ``erf`` (odd polynomial over even, ``x`` clipped to
    [-4, 4], where erf is 1 to float32 precision). SciPy's ``erf`` took 7 times as long
    (3-4 ms for an article's 850 x 256 hidden values)."""
    x = np.clip(x, np.float32(-4.0), np.float32(4.0))
    x2 = x * x
    p = np.full_like(x, _ERF_P[0])
    for c in _ERF_P[1:]:
        p *= x2
        p += c
    q = np.full_like(x, _ERF_Q[0])
    for c in _ERF_Q[1:]:
        q *= x2
        q += c
    p *= x
    p /= q
    return p


def gelu(h: F32) -> F32:
    """The exact (erf) GELU, in place: ``h * (1 + erf(h / sqrt 2)) / 2``."""
    e = erf32(h * np.float32(2**-0.5))
    e += np.float32(1.0)
    e *= np.float32(0.5)
    h *= e
    return h


@dataclass(frozen=True, slots=True)
class TokenHead:
    """``p = sigmoid(w2 · [h, lstm(h)] + b2)``, ``h = gelu(W1 · z + b1)``, ``z`` the input row.

    Input row (:func:`head_inputs`): a token's pooled states (mean of its word
    pieces), the mean of those over the article's tokens, then a 0/1 flag for
    tokens without a state (beyond the encoder's truncation), standardised with
    ``mean`` and ``scale``. The hidden rows of each sentence
    also pass through a bidirectional LSTM, whose states join them before the
    output layer, so a token sees its sentence's other tokens. ``layers`` are
    the encoder layers its input reads.
    """

    mean: FloatArray
    scale: FloatArray
    w1: FloatArray
    b1: FloatArray
    w2: FloatArray
    b2: float
    lstm: BiLSTM
    layers: tuple[int, ...] = (4, 5)
    _f32: tuple[F32, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:  # float32 copies for run time, made once
        object.__setattr__(self, "_f32", tuple(
            np.asarray(a, dtype=np.float32) for a in (self.mean, self.scale, self.w1, self.b1,
                                                      self.w2)))

    def probabilities(self, x: npt.NDArray[np.floating[Any]] | TokenInputs,
                      segment: Sequence[int]) -> FloatArray:
        """The probability of each token (float32 maths); ``segment``: each token's sentence.

        ``x`` is the tokens' input rows (:func:`head_inputs`) or, cheaper, their
        :class:`TokenInputs` (the article block enters the first layer once).
        Tokens of one sentence are consecutive.
        """
        return heads_probabilities([self], [x], segment)[0]

    def hidden(self, x: npt.NDArray[np.floating[Any]] | TokenInputs) -> F32:
        """The first layer's output ``gelu(W1 · z + b1)`` for each token (float32)."""
        mean, scale, w1, b1, _ = self._f32
        if isinstance(x, TokenInputs):  # standardised as in training, block by block
            return self.finish(self.pooled_part(x.pooled), x.missing,
                               self.article_part(x.article))
        z = (x.astype(np.float32, copy=False) - mean) / scale
        return gelu(np.asarray(z @ w1 + b1, dtype=np.float32))

    def pooled_part(self, pooled: F32) -> F32:
        """The first layer's product over the tokens' pooled-state block (no bias, no article).

        Row by row, so an article streamed in chunks of sentences gets each token's
        row as a whole-article pass would (:meth:`finish` adds the rest).
        """
        mean, scale, w1, _, _ = self._f32
        d = pooled.shape[1]
        out: F32 = np.asarray(((pooled - mean[:d]) / scale[:d]) @ w1[:d], dtype=np.float32)
        return out

    def article_part(self, article: F32) -> F32:
        """The first layer's product over the article block, plus the bias (one row)."""
        mean, scale, w1, b1, _ = self._f32
        d = len(article)
        out: F32 = np.asarray(((article - mean[d : 2 * d]) / scale[d : 2 * d]) @ w1[d : 2 * d]
                              + b1, dtype=np.float32)
        return out

    def finish(self, pooled_part: F32, missing: F32, article_part: F32) -> F32:
        """``gelu`` of the first layer from :meth:`pooled_part`, the missing flags and
        :meth:`article_part`: what :meth:`hidden` gives for :class:`TokenInputs`."""
        mean, scale, w1, _, _ = self._f32
        flag = (missing - mean[-1]) / scale[-1]
        return gelu(np.asarray(pooled_part + np.outer(flag, w1[-1]) + article_part,
                               dtype=np.float32))

    def save(self, path: Path) -> None:
        """Weight matrices as float16, the rest as float32."""
        arrays: dict[str, Any] = {
            "mean": self.mean.astype(np.float32), "scale": self.scale.astype(np.float32),
            "w1": self.w1.astype(np.float16), "b1": self.b1.astype(np.float32),
            "w2": self.w2.astype(np.float32), "b2": np.array([self.b2]),
            "lstm_w_ih": self.lstm.w_ih.astype(np.float16),
            "lstm_w_hh": self.lstm.w_hh.astype(np.float16),
            "lstm_b": self.lstm.b.astype(np.float32),
            "layers": np.array(self.layers, dtype=np.int64)}
        np.savez_compressed(path, **arrays)

    @classmethod
    def load(cls, path: Path) -> TokenHead:
        with np.load(path, allow_pickle=False) as z:
            lstm = BiLSTM(*(z[f"lstm_{n}"].astype(np.float64) for n in ("w_ih", "w_hh", "b")))
            layers = tuple(int(k) for k in z["layers"]) if "layers" in z else (4, 5)
            return cls(
                mean=z["mean"].astype(np.float64), scale=z["scale"].astype(np.float64),
                w1=z["w1"].astype(np.float64), b1=z["b1"].astype(np.float64),
                w2=z["w2"].astype(np.float64), b2=float(z["b2"][0]), lstm=lstm,
                layers=layers,
            )


@dataclass(frozen=True)
class TokenInputs:
    """The :class:`TokenHead` inputs of an article's tokens, factored.

    ``pooled`` is ``(n, L * d)``: each token's pooled states of ``L`` layers;
    ``article`` ``(L * d,)``: their mean over the article's tokens (the same for
    every token); ``missing`` ``(n,)``: 1 for a token without a state. The head
    reads the article row once instead of once per token; :meth:`matrix` is the
    row-per-token layout that training uses (:func:`head_inputs`).
    """

    pooled: F32
    article: F32
    missing: F32

    def matrix(self) -> F32:
        """``[pooled, article, missing]`` on every row: ``(n, 2 * L * d + 1)``."""
        rows = np.broadcast_to(self.article, self.pooled.shape)
        out: F32 = np.hstack([self.pooled, rows, self.missing[:, None]])
        return out

    def layers(self, have: Sequence[int], want: Sequence[int]) -> TokenInputs:
        """The inputs of layers ``want`` out of inputs made for layers ``have``.

        Pooling is per column, so this equals :func:`token_inputs` over
        ``select_layers(states, have, want)``, at the cost of one pooling for all heads.
        """
        if tuple(want) == tuple(have):
            return self
        cols = layer_block(have, want, len(self.article) // len(have))  # a view when it can
        return TokenInputs(self.pooled[:, cols], self.article[cols], self.missing)


def token_inputs(states: ArticleStates, tokens: Sequence[tuple[int, int]]) -> TokenInputs:
    """The :class:`TokenInputs` of ``tokens``, all the tokens of the article.

    The article block, the mean of the tokens' pooled states, tells the head
    what kind of article a token is in (a polemic or a wire report).
    """
    width = states.states.shape[1]
    if not len(tokens):
        return TokenInputs(np.zeros((0, width), np.float32), np.zeros(width, np.float32),
                           np.zeros(0, np.float32))
    pooled = states.pooled(tokens)
    return TokenInputs(pooled, pooled.mean(axis=0, dtype=np.float64).astype(np.float32),
                       (~states.covered(tokens)).astype(np.float32))


def heads_probabilities(heads: Sequence[TokenHead],
                        xs: Sequence[npt.NDArray[np.floating[Any]] | TokenInputs],
                        segment: Sequence[int]) -> list[FloatArray]:
    """Each ``heads[i].probabilities(xs[i], segment)``, their LSTMs stepping together."""
    return probabilities_from_hidden(heads, [head.hidden(x) for head, x in
                                             zip(heads, xs, strict=True)], segment)


def probabilities_from_hidden(heads: Sequence[TokenHead], hidden: Sequence[F32],
                              segment: Sequence[int]) -> list[FloatArray]:
    """The heads' probabilities from their first layers' outputs (:meth:`TokenHead.hidden`).

    The LSTMs run within each sentence, so sentences can go through in chunks.
    """
    contexts = run_lstms([head.lstm for head in heads], hidden, runs(segment))
    out: list[FloatArray] = []
    for head, h, ctx in zip(heads, hidden, contexts, strict=True):
        *_, w2 = head._f32
        logit = (np.hstack([h, ctx]) @ w2).astype(np.float64) + head.b2
        out.append(1.0 / (1.0 + np.exp(-np.clip(logit, -30, 30))))
    return out


def head_inputs(states: ArticleStates, tokens: Sequence[tuple[int, int]]) -> F32:
    """Rows of :class:`TokenHead` inputs: a token's pooled states, the article's, 1 if it has none.

    The :meth:`TokenInputs.matrix` of :func:`token_inputs` (what training reads).
    """
    return token_inputs(states, tokens).matrix()
