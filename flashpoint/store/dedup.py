"""Near-duplicate detection: MinHash over word shingles, LSH bands kept in the database.

A text becomes the set of its lower-cased word ``SHINGLE``-grams; a MinHash
signature of ``NUM_PERM`` 32-bit values (``datasketch``) estimates the Jaccard
similarity of two such sets. LSH cuts the signature into ``BANDS`` bands of
``ROWS`` values; two texts that agree on a whole band are candidates, and a
candidate whose estimated Jaccard similarity is at least ``THRESHOLD`` is a
near-duplicate. ``BANDS``/``ROWS`` are what ``datasketch`` picks for this
threshold and signature length (equal weight to false positives and negatives).

The band keys live in the ``lsh`` table and the signatures in ``minhash``, so
the index is persistent, shared by concurrent processes and needs no rebuild
on open. ``datasketch`` (which imports scipy) is imported on first use only.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

NUM_PERM = 64
SHINGLE = 3
THRESHOLD = 0.5
BANDS = 14
ROWS = 4
SEED = 1
SCHEME = "affine32"
"""datasketch's hashing scheme, named so that stored signatures stay comparable across versions."""
_WORD = re.compile(r"\w+", re.UNICODE)
_PERMUTATIONS: Any = None


@dataclass(frozen=True, slots=True)
class Signature:
    """A text's MinHash values and the LSH band keys derived from them."""

    values: np.ndarray[Any, np.dtype[np.uint32]]

    def to_bytes(self) -> bytes:
        return self.values.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> Signature:
        return cls(np.frombuffer(data, dtype="<u4").astype(np.uint32))

    def band_keys(self) -> tuple[int, ...]:
        """One signed 64-bit key per band (band index mixed in, so bands never collide)."""
        return _band_keys(self.values.astype("<u4").tobytes())

    def similarity(self, other: Signature) -> float:
        """Estimated Jaccard similarity of the two shingle sets."""
        return float(np.count_nonzero(self.values == other.values)) / len(self.values)


@functools.lru_cache(maxsize=4096)
def _band_keys(raw: bytes) -> tuple[int, ...]:
    width = ROWS * 4
    return tuple(
        int.from_bytes(hashlib.blake2b(raw[b * width : (b + 1) * width], digest_size=8,
                                       person=b"band%04d" % b).digest(), "little", signed=True)
        for b in range(BANDS))


def shingles(text: str) -> list[bytes]:
    """The text's word ``SHINGLE``-grams (lower-cased), or the whole text when shorter."""
    words = _WORD.findall(text.lower())
    if len(words) <= SHINGLE:
        return [" ".join(words).encode("utf-8", "surrogatepass")]
    return list({" ".join(words[i : i + SHINGLE]).encode("utf-8", "surrogatepass")
                 for i in range(len(words) - SHINGLE + 1)})


def signatures(texts: Sequence[str]) -> list[Signature]:
    """MinHash signatures of several texts (one shared permutation table)."""
    global _PERMUTATIONS
    from datasketch import MinHash

    out = []
    for text in texts:
        m = MinHash(num_perm=NUM_PERM, seed=SEED, permutations=_PERMUTATIONS, scheme=SCHEME)
        _PERMUTATIONS = m.permutations
        m.update_batch(shingles(text))
        out.append(Signature(np.asarray(m.hashvalues, dtype=np.uint32)))
    return out


def signature(text: str) -> Signature:
    """The MinHash signature of one text."""
    return signatures([text])[0]
