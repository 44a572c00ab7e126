"""Sentence classifiers on MiniLM embeddings, ensembled with the TF-IDF models.

An :class:`EncoderHead` is a logistic regression on the masked mean of the
hidden states of MiniLM layers 4 and 5 (:mod:`flashpoint.encoder`, frozen,
run in NumPy), whose logit is added to ``tfidf_weight`` times the logit of the
TF-IDF model of the same name (:mod:`._classifiers`)::

    P(positive) = sigmoid(coef · pooled + intercept + tfidf_weight * tfidf_logit)

The standardisation used in training is folded into ``coef`` and ``intercept``.
Heads are trained by ``scripts/train_claims.py`` and stored as small ``.npz``
files (``flashpoint/data/claims/<name>_encoder.npz``). When the encoder
package is not installed, :func:`ready` is false and callers fall back to the
TF-IDF models alone.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from .. import encoder
from ._classifiers import DATA_DIR

F32 = npt.NDArray[np.float32]
NAMES = ("subjectivity", "checkworthiness")


@dataclass(frozen=True)
class HeadSpec:
    """Hyper-parameters of one head (chosen by cross-validation on train only)."""

    name: str
    layers: tuple[int, ...]
    c: float
    tfidf_weight: float


SUBJECTIVITY = HeadSpec(name="subjectivity", layers=(4, 5), c=0.005, tfidf_weight=0.5)
CHECKWORTHINESS = HeadSpec(name="checkworthiness", layers=(4, 5), c=0.03, tfidf_weight=1.0)
SPECS = {s.name: s for s in (SUBJECTIVITY, CHECKWORTHINESS)}


@dataclass(frozen=True)
class EncoderHead:
    """A fitted head: ``coef`` reads the concatenated pooled states of ``layers``."""

    name: str
    layers: tuple[int, ...]
    coef: F32
    intercept: float
    tfidf_weight: float
    meta: dict[str, object]

    def logits(self, pooled: F32, tfidf_logits: Sequence[float]) -> list[float]:
        """One logit per row of ``pooled`` (columns in :attr:`layers` order)."""
        z = pooled.astype(np.float64) @ self.coef.astype(np.float64) + self.intercept
        return [float(a) + self.tfidf_weight * b for a, b in zip(z, tfidf_logits, strict=True)]

    def probas(self, pooled: F32, tfidf_logits: Sequence[float]) -> list[float]:
        return [sigmoid(z) for z in self.logits(pooled, tfidf_logits)]

    def save(self, path: Path) -> None:
        meta = {"name": self.name, "layers": list(self.layers), "intercept": self.intercept,
                "tfidf_weight": self.tfidf_weight, "encoder": encoder.DISTRIBUTION,
                **self.meta}
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            np.savez_compressed(fh, coef=self.coef.astype(np.float32), meta=np.frombuffer(
                json.dumps(meta).encode("utf-8"), dtype=np.uint8))

    @classmethod
    def load(cls, path: Path) -> EncoderHead:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(bytes(data["meta"]).decode("utf-8"))
            coef = data["coef"].astype(np.float32)
        return cls(name=str(meta.pop("name")), layers=tuple(int(x) for x in meta.pop("layers")),
                   coef=coef, intercept=float(meta.pop("intercept")),
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


def pooled_features(texts: Sequence[str], layers: Sequence[int]) -> F32:
    """Pooled MiniLM states of ``layers`` for each text (loads the encoder once)."""
    return encoder.load_encoder().pooled(texts, keep=tuple(layers))


def select(pooled: F32, have: Sequence[int], want: Sequence[int]) -> F32:
    """The columns of ``want`` layers from features pooled for ``have`` layers."""
    width = encoder.HIDDEN
    cols = [pooled[:, have.index(n) * width : (have.index(n) + 1) * width] for n in want]
    return np.concatenate(cols, axis=1)


# --- training (scikit-learn is imported only here) ---------------------------------


def fit(spec: HeadSpec, pooled: F32, labels: Sequence[int], seed: int = 0) -> EncoderHead:
    """Standardise, fit a balanced logistic regression, fold the scaling into the weights."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    x = pooled.astype(np.float64)
    scaler = StandardScaler().fit(x)
    clf = LogisticRegression(C=spec.c, class_weight="balanced", max_iter=5000,
                             random_state=seed)
    clf.fit(scaler.transform(x), np.asarray(labels))
    scale = np.asarray(scaler.scale_, dtype=np.float64)
    coef = clf.coef_[0] / scale
    intercept = float(clf.intercept_[0] - np.dot(np.asarray(scaler.mean_), coef))
    head = EncoderHead(name=spec.name, layers=spec.layers, coef=coef.astype(np.float32),
                       intercept=intercept, tfidf_weight=spec.tfidf_weight,
                       meta={"c": spec.c, "n_train": len(labels), "seed": seed})
    expected = clf.decision_function(scaler.transform(x[:200]))
    got = np.asarray(head.logits(pooled[:200], [0.0] * min(200, len(labels))))
    worst = float(np.max(np.abs(got - expected))) if len(expected) else 0.0
    if worst > 1e-3:
        raise AssertionError(f"folded head differs from scikit-learn by {worst:.2e}")
    return head
