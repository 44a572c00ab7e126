"""Small linear text classifiers that run on CPU without scikit-learn.

A :class:`LinearTextModel` is a logistic regression over the concatenation of
TF-IDF blocks (word n-grams, ``char_wb`` character n-grams, and n-grams of
part-of-speech tags). Training happens in :mod:`flashpoint.train.sentence_scores`
(run by ``scripts/train_claims.py``) with scikit-learn; the fitted vocabularies, IDF
weights and coefficients are then exported to a compressed ``.npz`` under
``flashpoint/data/claims/`` and scored here: the n-grams are cut in Python (a word's
``char_wb`` n-grams once per process), the TF-IDF rows summed with NumPy. The feature
extraction reproduces scikit-learn's ``TfidfVectorizer`` (``sublinear_tf=True``,
``norm="l2"``) exactly; the training script checks the parity on every run.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

BlockKind = Literal["word", "char_wb", "tags"]
FloatArray = npt.NDArray[np.float64]

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "claims"
MAX_CHARS = 3000
"""Longer sentences are scored on their first ``MAX_CHARS`` characters."""
WORD_MEMO = 100_000
"""Words whose ``char_wb`` vocabulary indices a block remembers before it starts again."""

_WORD = re.compile(r"(?u)\b\w\w+\b")
_SPACES = re.compile(r"\s\s+")


@dataclass(frozen=True, slots=True)
class TextRecord:
    """What a classifier reads: a sentence and its fine-grained POS tags (may be empty)."""

    text: str
    tags: tuple[str, ...] = ()


def word_ngrams(text: str, min_n: int, max_n: int) -> list[str]:
    """Lower-cased word n-grams, as scikit-learn's default ``word`` analyzer makes them."""
    tokens = _WORD.findall(text.lower())
    return _join_ngrams(tokens, min_n, max_n)


def tag_ngrams(tags: Sequence[str], min_n: int, max_n: int) -> list[str]:
    """N-grams of POS tags (case kept; tags are whitespace-free)."""
    return _join_ngrams([t for t in tags if t and not t.isspace()], min_n, max_n)


def _join_ngrams(tokens: Sequence[str], min_n: int, max_n: int) -> list[str]:
    grams: list[str] = []
    n_tok = len(tokens)
    for n in range(min_n, min(max_n, n_tok) + 1):
        if n == 1:
            grams += tokens
        else:
            grams += [" ".join(tokens[i : i + n]) for i in range(n_tok - n + 1)]
    return grams


def char_wb_ngrams(text: str, min_n: int, max_n: int) -> list[str]:
    """Character n-grams inside word boundaries, padded with one space (``char_wb``)."""
    grams: list[str] = []
    for word in _char_words(text):
        grams += _word_char_grams(word, min_n, max_n)
    return grams


def _char_words(text: str) -> list[str]:
    return _SPACES.sub(" ", text.lower()).split()


def _word_char_grams(word: str, min_n: int, max_n: int) -> list[str]:
    """One word's ``char_wb`` n-grams: an n-gram never crosses a word's padding."""
    grams: list[str] = []
    w = f" {word} "
    for n in range(min_n, max_n + 1):
        if len(w) <= n:
            grams.append(w)
            break
        grams += [w[i : i + n] for i in range(len(w) - n + 1)]
    return grams


@dataclass(frozen=True)
class Block:
    """One TF-IDF block: how to cut n-grams, its vocabulary, IDF and LR coefficients."""

    kind: BlockKind
    min_n: int
    max_n: int
    vocab: dict[str, int]
    idf: FloatArray
    coef: FloatArray

    def grams(self, record: TextRecord) -> list[str]:
        if self.kind == "word":
            return word_ngrams(record.text, self.min_n, self.max_n)
        if self.kind == "char_wb":
            return char_wb_ngrams(record.text, self.min_n, self.max_n)
        return tag_ngrams(record.tags, self.min_n, self.max_n)

    def score(self, record: TextRecord) -> float:
        """This block's contribution to the logit: coef · l2norm(sublinear tf * idf)."""
        return float(self.scores([record])[0])

    def scores(self, records: Sequence[TextRecord]) -> FloatArray:
        """:meth:`score` of each record, with a few array operations for all of them.

        Each record's sums run over its own n-grams only, in vocabulary order, so a
        sentence scores the same whatever records come with it.
        """
        rows = [self.indices(r) for r in records]
        n, size = len(rows), len(self.vocab)
        lengths = np.fromiter(map(len, rows), dtype=np.int64, count=n)
        total = int(lengths.sum())
        if not total:
            return np.zeros(n)
        cols = np.fromiter(itertools.chain.from_iterable(rows), dtype=np.int64, count=total)
        keys, counts = np.unique(np.repeat(np.arange(n), lengths) * size + cols,
                                 return_counts=True)
        row, col = keys // size, keys % size
        idf = self.idf[col]
        w = np.where(counts > 1, (1.0 + np.log(counts)) * idf, idf)
        dot = np.bincount(row, weights=w * self.coef[col], minlength=n)
        square = np.bincount(row, weights=w * w, minlength=n)
        out: FloatArray = np.divide(dot, np.sqrt(square), out=np.zeros(n), where=square > 0)
        return out

    def indices(self, record: TextRecord) -> list[int]:
        """Vocabulary indices of the record's n-grams in vocabulary, in the order of
        :meth:`grams`.

        A ``char_wb`` n-gram never crosses a word boundary: each word's indices are
        worked out once and remembered (words repeat from sentence to sentence).
        """
        vocab = self.vocab
        if self.kind != "char_wb":
            return [j for g in self.grams(record) if (j := vocab.get(g)) is not None]
        memo = self._word_memo
        out: list[int] = []
        for word in _char_words(record.text):
            found = memo.get(word)
            if found is None:
                found = tuple(j for g in _word_char_grams(word, self.min_n, self.max_n)
                              if (j := vocab.get(g)) is not None)
                if len(memo) >= WORD_MEMO:
                    memo.clear()
                memo[word] = found
            out += found
        return out

    @functools.cached_property
    def _word_memo(self) -> dict[str, tuple[int, ...]]:
        return {}


@dataclass(frozen=True, slots=True)
class LinearTextModel:
    """Logistic regression over TF-IDF blocks; :meth:`proba` gives P(positive class)."""

    name: str
    blocks: tuple[Block, ...]
    intercept: float
    meta: dict[str, object]

    def logit(self, record: TextRecord) -> float:
        return self.logits([record])[0]

    def logits(self, records: Iterable[TextRecord]) -> list[float]:
        """The logit of each record (the same for a record alone or among others)."""
        cut = [TextRecord(r.text[:MAX_CHARS], r.tags[: MAX_CHARS // 2]) for r in records]
        z = np.zeros(len(cut))
        for b in self.blocks:
            z += b.scores(cut)
        return (self.intercept + z).tolist()  # type: ignore[no-any-return]

    def proba(self, record: TextRecord) -> float:
        return self.proba_many([record])[0]

    def proba_many(self, records: Iterable[TextRecord]) -> list[float]:
        return [1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z)))) for z in self.logits(records)]

    @property
    def uses_tags(self) -> bool:
        return any(b.kind == "tags" for b in self.blocks)

    def save(self, path: Path) -> None:
        """Write the model as a compressed ``.npz`` (no pickles)."""
        arrays: dict[str, npt.NDArray[np.generic]] = {}
        header: list[dict[str, object]] = []
        for i, b in enumerate(self.blocks):
            terms = sorted(b.vocab, key=b.vocab.__getitem__)
            arrays[f"terms{i}"] = np.frombuffer("\n".join(terms).encode("utf-8"), dtype=np.uint8)
            arrays[f"idf{i}"] = b.idf.astype(np.float32)
            arrays[f"coef{i}"] = b.coef.astype(np.float32)
            header.append({"kind": b.kind, "min_n": b.min_n, "max_n": b.max_n})
        meta = {"name": self.name, "intercept": self.intercept, "blocks": header, **self.meta}
        save_npz(path, arrays, meta)

    @classmethod
    def load(cls, path: Path) -> LinearTextModel:
        with np.load(path, allow_pickle=False) as data:
            meta = npz_meta(data)
            blocks = []
            for i, spec in enumerate(meta.pop("blocks")):
                raw = bytes(data[f"terms{i}"]).decode("utf-8")
                terms = raw.split("\n") if raw else []
                blocks.append(Block(
                    kind=spec["kind"], min_n=int(spec["min_n"]), max_n=int(spec["max_n"]),
                    vocab={t: j for j, t in enumerate(terms)},
                    idf=data[f"idf{i}"].astype(np.float64),
                    coef=data[f"coef{i}"].astype(np.float64),
                ))
        name = str(meta.pop("name"))
        intercept = float(meta.pop("intercept"))
        return cls(name=name, blocks=tuple(blocks), intercept=intercept, meta=meta)


@functools.lru_cache(maxsize=4)
def load_model(name: str) -> LinearTextModel:
    """The committed model ``flashpoint/data/claims/<name>.npz`` (cached per process)."""
    path = DATA_DIR / f"{name}.npz"
    if not path.exists():
        raise FileNotFoundError(
            f"classifier weights {path} are missing; run `python scripts/train_claims.py`"
        )
    return LinearTextModel.load(path)


# --- training (scikit-learn is imported only here) ---------------------------------


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """Hyper-parameters of one classifier: its TF-IDF blocks and the LR's ``C``."""

    name: str
    blocks: tuple[tuple[BlockKind, int, int, int], ...]
    """(kind, min_n, max_n, min_df) per block."""
    c: float
    class_weight: str | None = "balanced"


SUBJECTIVITY = ModelSpec(
    name="subjectivity", blocks=(("word", 1, 2, 1), ("char_wb", 1, 4, 2)), c=0.3,
)
CHECKWORTHINESS = ModelSpec(
    name="checkworthiness",
    blocks=(("word", 1, 2, 2), ("char_wb", 2, 5, 3), ("tags", 1, 3, 2)), c=1.0,
)


def save_npz(path: Path, arrays: dict[str, npt.NDArray[Any]], meta: dict[str, Any]) -> None:
    """Write ``arrays`` and ``meta`` (as UTF-8 JSON in the ``meta`` array) to a compressed .npz."""
    arrays = {**arrays, "meta": np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)}
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        np.savez_compressed(fh, **arrays)  # type: ignore[arg-type]


def npz_meta(data: Any) -> dict[str, Any]:
    """The JSON ``meta`` written by :func:`save_npz`, from an open ``np.load`` file."""
    meta: dict[str, Any] = json.loads(bytes(data["meta"]).decode("utf-8"))
    return meta
