"""Sentence classifiers on MiniLM token states, ensembled with the TF-IDF models.

An :class:`EncoderHead` averages one or more logistic regressions, each on a
*view* of the MiniLM word-piece states of a sentence (frozen encoder,
:mod:`flashpoint.encoder`): the masked **mean** or the element-wise **max**
over the word pieces of the states after some layers. Its logit is then added
to ``tfidf_weight`` times the logit of the TF-IDF model of the same name
(:mod:`._classifiers`)::

    P(positive) = sigmoid(mean over views v of (coef_v · pool_v + intercept_v)
                          + tfidf_weight * tfidf_logit)

Every view reads layers 4 and 5 only (:data:`KEEP`), so both heads share one
encoder pass per sentence, memoised by :func:`flashpoint.encoder.sentence_states`
(the pass keeps layers 2 and 3 too, and the technique model reads all four).
The standardisation used in training is folded into each ``coef_v`` and
``intercept_v``. Heads are trained by ``scripts/train_claims.py`` and stored as
small ``.npz`` files (``flashpoint/data/claims/<name>_encoder.npz``). When the
encoder package is not installed, :func:`ready` is false and callers fall back
to the TF-IDF models alone.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt

from ... import encoder
from .classifiers import DATA_DIR, npz_meta, save_npz

F32 = npt.NDArray[np.float32]
Pooling = Literal["mean", "max"]
Pooled = dict[tuple[str, int], F32]
"""Pooled states per ``(pooling, layer)``: one ``(sentences, HIDDEN)`` array each."""

NAMES = ("subjectivity", "checkworthiness")
KEEP = (4, 5)
"""Encoder layers read by the heads (layer 6 is never run for them)."""
POOLINGS: tuple[Pooling, ...] = ("mean", "max")
CHUNK = 256
"""Sentences per call of :func:`flashpoint.encoder.sentence_states` (well within its cache)."""


@dataclass(frozen=True)
class View:
    """One input of a head: ``pooling`` over word pieces of the states of ``layers``."""

    pooling: Pooling
    layers: tuple[int, ...]
    c: float
    """Inverse regularisation of this view's logistic regression."""


@dataclass(frozen=True)
class HeadSpec:
    """Hyper-parameters of one head (chosen by cross-validation on train only)."""

    name: str
    views: tuple[View, ...]
    tfidf_weight: float


SUBJECTIVITY = HeadSpec(name="subjectivity",
                        views=(View("max", (4,), 0.002), View("mean", (4, 5), 0.005)),
                        tfidf_weight=0.5)
CHECKWORTHINESS = HeadSpec(name="checkworthiness", views=(View("mean", (4, 5), 0.03),),
                           tfidf_weight=1.0)
SPECS = {s.name: s for s in (SUBJECTIVITY, CHECKWORTHINESS)}


def view_matrix(pooled: Mapping[tuple[str, int], F32], view: View) -> F32:
    """The columns a view reads: its layers' pooled states side by side."""
    return np.concatenate([pooled[(view.pooling, n)] for n in view.layers], axis=1)


@dataclass(frozen=True)
class FittedView:
    """A view with its fitted weights (standardisation folded in)."""

    view: View
    coef: F32
    intercept: float

    def logits(self, pooled: Mapping[tuple[str, int], F32]) -> npt.NDArray[np.float64]:
        x = view_matrix(pooled, self.view).astype(np.float64)
        out: npt.NDArray[np.float64] = x @ self.coef.astype(np.float64) + self.intercept
        return out


@dataclass(frozen=True)
class EncoderHead:
    """A fitted head: the mean of its views' logits plus the weighted TF-IDF logit."""

    name: str
    views: tuple[FittedView, ...]
    tfidf_weight: float
    meta: dict[str, object]

    def logits(self, pooled: Mapping[tuple[str, int], F32],
               tfidf_logits: Sequence[float]) -> list[float]:
        """One logit per sentence of ``pooled`` (see :func:`pooled_features`)."""
        z = np.mean([v.logits(pooled) for v in self.views], axis=0)
        return [float(a) + self.tfidf_weight * b for a, b in zip(z, tfidf_logits, strict=True)]

    def probas(self, pooled: Mapping[tuple[str, int], F32],
               tfidf_logits: Sequence[float]) -> list[float]:
        return [sigmoid(z) for z in self.logits(pooled, tfidf_logits)]

    def save(self, path: Path) -> None:
        views = [{"pooling": v.view.pooling, "layers": list(v.view.layers), "c": v.view.c,
                  "intercept": v.intercept} for v in self.views]
        meta = {"name": self.name, "views": views, "tfidf_weight": self.tfidf_weight,
                "encoder": encoder.DISTRIBUTION, **self.meta}
        save_npz(path, {f"coef{i}": v.coef.astype(np.float32)
                        for i, v in enumerate(self.views)}, meta)

    @classmethod
    def load(cls, path: Path) -> EncoderHead:
        with np.load(path, allow_pickle=False) as data:
            meta = npz_meta(data)
            views = tuple(
                FittedView(view=View(pooling=v["pooling"],
                                     layers=tuple(int(n) for n in v["layers"]),
                                     c=float(v["c"])),
                           coef=data[f"coef{i}"].astype(np.float32),
                           intercept=float(v["intercept"]))
                for i, v in enumerate(meta.pop("views")))
        return cls(name=str(meta.pop("name")), views=views,
                   tfidf_weight=float(meta.pop("tfidf_weight")), meta=meta)


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))


def head_path(name: str) -> Path:
    return DATA_DIR / f"{name}_encoder.npz"


def ready() -> bool:
    """Whether the encoder package is installed and both heads are committed."""
    return encoder.available() and all(head_path(n).exists() for n in NAMES)


@functools.lru_cache(maxsize=4)
def load_head(name: str) -> EncoderHead:
    """The committed head ``<name>_encoder.npz`` (cached per process)."""
    path = head_path(name)
    if not path.exists():
        raise FileNotFoundError(f"encoder head {path} is missing; run "
                                "`python scripts/train_claims.py`")
    return EncoderHead.load(path)


def pool_states(states: F32, layers: Sequence[int]) -> Pooled:
    """Mean and max over the word pieces of one sentence's states (layers side by side)."""
    width = encoder.HIDDEN
    out: Pooled = {}
    for i, n in enumerate(layers):
        block = states[:, i * width : (i + 1) * width]
        empty = not len(block)
        out[("mean", n)] = np.zeros(width, np.float32) if empty else block.mean(axis=0)
        out[("max", n)] = np.zeros(width, np.float32) if empty else block.max(axis=0)
    return out


def pooled_features(texts: Sequence[str], layers: Sequence[int] = KEEP) -> Pooled:
    """Mean- and max-pooled MiniLM states of ``layers`` for each text.

    Reads :func:`flashpoint.encoder.sentence_states` (one memoised pass per
    sentence, [CLS] and [SEP] included in the pooling), in chunks smaller than
    its cache.
    """
    rows: list[Pooled] = []
    for start in range(0, len(texts), CHUNK):
        found = encoder.sentence_states(texts[start : start + CHUNK], keep=tuple(layers))
        rows.extend(pool_states(s.states, layers) for s in found)
    width = encoder.HIDDEN
    return {(p, n): (np.stack([r[(p, n)] for r in rows]).astype(np.float32) if rows
                     else np.zeros((0, width), np.float32))
            for p in POOLINGS for n in layers}


def take(pooled: Mapping[tuple[str, int], F32], rows: Sequence[int]) -> Pooled:
    """The pooled states of some sentences (by index)."""
    index = np.asarray(rows, dtype=np.int64)
    return {key: value[index] for key, value in pooled.items()}
