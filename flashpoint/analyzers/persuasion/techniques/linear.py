"""Hashed sparse linear models, stored as small ``.npz`` files (no pickles, no vocabulary).

Features are strings hashed into fixed-width blocks, exactly as scikit-learn's
``HashingVectorizer(analyzer=identity, alternate_sign=False, norm=None)`` does it
(signed 32-bit MurmurHash3 of the UTF-8 bytes, seed 0, column ``abs(hash) % width``,
counts summed; stable across versions), computed with ``mmh3`` so that the run time
does not import scikit-learn (about 1.9 s and 140 MB per process). A model keeps only
the columns that carry a non-zero weight, so the files stay small. Training
lives in :mod:`flashpoint.train.techniques`; this module only predicts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any

import mmh3
import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

FloatArray = npt.NDArray[np.float64]
Rows = Sequence[Sequence[str]]


_INT32_MIN = -(2**31)


def hash_rows(rows: Rows, n_features: int) -> sp.csr_matrix:
    """Counts of each row's hashed features, ``(len(rows), n_features)`` float64, indices
    sorted: what ``HashingVectorizer(analyzer=identity, n_features=n_features,
    alternate_sign=False, norm=None).transform(rows)`` gives (tests check it)."""
    lengths = np.fromiter((len(row) for row in rows), dtype=np.int64, count=len(rows))
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    hashes = np.fromiter(map(mmh3.hash, chain.from_iterable(rows)), dtype=np.int64,
                         count=int(indptr[-1]))
    columns = np.where(hashes == _INT32_MIN, (2**31 - 1 - (n_features - 1)) % n_features,
                       np.abs(hashes) % n_features)
    m = sp.csr_matrix((np.ones(len(hashes)), columns.astype(np.int32),
                       indptr.astype(np.int32)), shape=(len(rows), n_features))
    m.sum_duplicates()  # also sorts the indices
    return m


def hash_blocks(
    blocks: Sequence[Rows], sizes: Sequence[int], weights: Sequence[float], binary: bool
) -> sp.csr_matrix:
    """Hash each block of feature rows into its own width and put the blocks side by side."""
    mats = []
    for rows, size, weight in zip(blocks, sizes, weights, strict=True):
        m = hash_rows(rows, size)
        if binary:
            m.data[:] = 1.0
        else:
            np.log1p(m.data, out=m.data)  # sublinear term frequency
        if weight != 1.0:
            m = m * weight
        mats.append(m)
    return sp.csr_matrix(sp.hstack(mats, format="csr"))


def l2_normalise(m: sp.csr_matrix) -> sp.csr_matrix:
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ m)


def select(
    m: sp.csr_matrix, columns: npt.NDArray[np.int64], idf: FloatArray | None
) -> sp.csr_matrix:
    """Keep ``columns``; with ``idf``, weight them and L2-normalise each row."""
    kept = sp.csr_matrix(m[:, columns])
    if idf is None:
        return kept
    return l2_normalise(sp.csr_matrix(kept @ sp.diags(idf)))


@dataclass(frozen=True, slots=True)
class HashedLinear:
    """A linear model over hashed feature blocks: ``X @ coef.T + intercept``.

    ``columns`` are the kept columns of the concatenated hashed space, ``coef``
    has one row per class (one row in total for a binary model). Columns not
    kept (features too rare in training) are dropped first; then, with ``idf``
    set, inputs are TF-IDF weighted and L2-normalised before the product.
    """

    classes: tuple[str, ...]
    sizes: tuple[int, ...]
    weights: tuple[float, ...]
    binary: bool
    columns: npt.NDArray[np.int64]
    coef: FloatArray
    intercept: FloatArray
    idf: FloatArray | None = None
    dense_dim: int = 0
    """Width of a dense block (e.g. sentence embeddings) appended after the hashed columns."""
    dense_weight: float = 1.0

    def features(self, blocks: Sequence[Rows]) -> sp.csr_matrix:
        """The kept columns of the hashed features, weighted and normalised as in training."""
        m = hash_blocks(blocks, self.sizes, self.weights, self.binary)
        return select(m, self.columns, self.idf)

    def decision(self, blocks: Sequence[Rows], dense: FloatArray | None = None) -> FloatArray:
        """Margins, shape ``(n_rows, n_classes)`` (``(n_rows, 1)`` for a binary model).

        ``dense`` (one row per input row, ``dense_dim`` wide) is required when the
        model was trained with a dense block.
        """
        if not blocks or not len(blocks[0]):
            return np.zeros((0, len(self.intercept)))
        m = self.features(blocks)
        n = len(self.columns)
        out = np.asarray(m @ self.coef[:, :n].T) + self.intercept
        if self.dense_dim:
            if dense is None or dense.shape != (m.shape[0], self.dense_dim):
                raise ValueError(f"this model needs a dense block of width {self.dense_dim}")
            out += self.dense_weight * (dense @ self.coef[:, n:].T)
        return np.asarray(out)

    def save(self, path: Path) -> None:
        data: dict[str, Any] = {
            "classes": np.array(self.classes),
            "sizes": np.array(self.sizes, dtype=np.int64),
            "weights": np.array(self.weights),
            "binary": np.array(self.binary),
            "columns": self.columns.astype(np.int32),
            "coef": self.coef.astype(np.float16),
            "intercept": self.intercept,
            "dense": np.array([self.dense_dim, self.dense_weight]),
        }
        if self.idf is not None:
            data["idf"] = self.idf.astype(np.float32)
        np.savez_compressed(path, **data)

    @classmethod
    def load(cls, path: Path) -> HashedLinear:
        with np.load(path, allow_pickle=False) as z:
            idf = z["idf"].astype(np.float64) if "idf" in z.files else None
            dense = z["dense"] if "dense" in z.files else np.array([0, 1.0])
            return cls(
                classes=tuple(str(c) for c in z["classes"]),
                sizes=tuple(int(s) for s in z["sizes"]),
                weights=tuple(float(w) for w in z["weights"]),
                binary=bool(z["binary"]),
                columns=z["columns"].astype(np.int64),
                coef=z["coef"].astype(np.float64),
                intercept=z["intercept"].astype(np.float64),
                idf=idf,
                dense_dim=int(dense[0]),
                dense_weight=float(dense[1]),
            )


def softmax(m: FloatArray, temperature: float = 1.0) -> FloatArray:
    z = m / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    out: FloatArray = e / e.sum(axis=1, keepdims=True)
    return out


def sigmoid(m: FloatArray) -> FloatArray:
    out: FloatArray = 1.0 / (1.0 + np.exp(-np.clip(m, -30, 30)))
    return out
