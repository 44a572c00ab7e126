"""Each sentence's share of the token heads' first layer, made while its encoder states live.

A token head's first layer is ``gelu(pooled_part + flag + article_part)``
(:class:`~.states.TokenHead`): the first term depends on the token alone, the last
on the mean of all the article's tokens. So for each sentence the model needs
only (a) each head's :meth:`~.states.TokenHead.pooled_part` of its tokens (1 KB a
token per head) and (b) the sum of its tokens' pooled states (6 KB a sentence),
not the word-piece states themselves (6 KB a word piece).

:func:`register` asks the encoder (:mod:`flashpoint.encoder.derived`) to hand
every batch it encodes to :func:`compute`, whoever asked for it:
``sentence_scores`` encodes every sentence of the article first, and the technique
model then reads these small values back (:func:`article_total`, then
:func:`chunk_inputs`) instead of encoding the article again once the encoder's
64 MB state cache has dropped its first sentences. A sentence whose values are
not stored (past :data:`PARTS_BYTES`, or encoded before the hook was registered)
is encoded again (or read from the state cache), and computed the same way.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from .... import encoder
from ....encoder import derived
from ....errors import BackboneMissing
from .features import _TOKEN
from .states import F32, KEEP, ArticleStates, TokenHead, token_inputs

if TYPE_CHECKING:
    from .model import TechniqueModel

PARTS = "techniques.parts"
TOTALS = "techniques.totals"
PARTS_BYTES = 160 * 2**20
"""Memory for the heads' per-token products between the encoder pass and the technique
model (2 KB a token with two heads: all of a 60,000-word article)."""
TOTALS_BYTES = 32 * 2**20
"""Memory for the sentences' sums of pooled states (6 KB a sentence: 5,000 sentences)."""


@dataclass(frozen=True, slots=True)
class SentenceParts:
    """One sentence's tokens: each head's ``pooled_part`` rows and the tokens' missing flags."""

    parts: tuple[F32, ...]
    missing: F32

    @property
    def nbytes(self) -> int:
        return sum(p.nbytes for p in self.parts) + self.missing.nbytes


def _name(kind: str, heads: Sequence[TokenHead]) -> str:
    """The store of ``kind`` for these heads (values of other heads never mix in)."""
    return f"{kind}:{id(heads[0])}"


def compute(heads: Sequence[TokenHead], keep: Sequence[int], texts: Sequence[str],
            states: Sequence[encoder.SentenceStates]) -> list[tuple[SentenceParts, F32]]:
    """Each sentence's :class:`SentenceParts` and the sum of its tokens' pooled states.

    ``states`` hold layers ``keep``. The sentences are laid end to end (one pooling
    and one product per head for the batch); a token's row is pooled from the word
    pieces overlapping it, as :func:`~.states.token_inputs` pools over the article.
    """
    spans: list[tuple[int, int]] = []
    pieces, offsets, counts = [], [], []
    base = 0
    for text, found in zip(texts, states, strict=True):
        real = found.offsets[:, 1] > found.offsets[:, 0]
        pieces.append(found.states[real])
        offsets.append(found.offsets[real].astype(np.int64) + base)
        tokens = [(m.start() + base, m.end() + base) for m in _TOKEN.finditer(text)]
        spans += tokens
        counts.append(len(tokens))
        base += len(text) + 1
    width = states[0].states.shape[1] if states else encoder.HIDDEN * len(keep)
    flat = np.concatenate(offsets) if offsets else np.zeros((0, 2), np.int64)
    order = np.argsort(flat[:, 0], kind="stable")
    art = ArticleStates(np.concatenate(pieces)[order] if pieces else
                        np.zeros((0, width), np.float32), flat[order])
    inputs = token_inputs(art, spans)
    parts = [head.pooled_part(inputs.layers(keep, head.layers).pooled) for head in heads]
    out = []
    bounds = np.concatenate([[0], np.cumsum(counts)]).astype(int)
    for lo, hi in itertools.pairwise(bounds):
        total = inputs.pooled[lo:hi].sum(axis=0, dtype=np.float64).astype(np.float32)
        out.append((SentenceParts(tuple(p[lo:hi].copy() for p in parts),
                                  inputs.missing[lo:hi].copy()), total))
    return out


def _store(heads: Sequence[TokenHead], texts: Sequence[str],
           values: Sequence[tuple[SentenceParts, F32]]) -> None:
    for text, (found, total) in zip(texts, values, strict=True):
        derived.remember(_name(PARTS, heads), text, found, found.nbytes, PARTS_BYTES)
        derived.remember(_name(TOTALS, heads), text, total, total.nbytes, TOTALS_BYTES)


def register(model: Callable[[], TechniqueModel] | None) -> None:
    """From now on, compute and keep the values of the heads of ``model()`` (called on the
    first sentence: nothing loads before the encoder runs) for every sentence the encoder
    runs; ``None`` stops it (``analyze --fast``)."""
    if model is None:
        derived.on_encoded(PARTS, (), None)
        return
    load = model

    def hook(texts: Sequence[str], states: Sequence[encoder.SentenceStates]) -> None:
        try:
            found = load()
        except BackboneMissing:  # no technique model: nothing to keep
            return
        if found.heads and tuple(found.keep) == KEEP:
            _store(found.heads, texts, compute(found.heads, found.keep, texts, states))

    derived.on_encoded(PARTS, KEEP, hook)


def article_total(heads: Sequence[TokenHead], keep: Sequence[int],
                  texts: Sequence[str]) -> npt.NDArray[np.float64]:
    """The sum over ``texts``' tokens of their pooled states (float64).

    Stored sums are used up; the other sentences are encoded (or read from the
    state cache) and their values computed, the heads' parts kept for :func:`chunk_inputs`.
    """
    name = _name(TOTALS, heads)
    times = Counter(texts)  # a sentence repeated in the article counts each time
    total = np.zeros(encoder.HIDDEN * len(keep), dtype=np.float64)
    todo = []
    for text, n in times.items():
        found = derived.recall(name, text, pop=True)
        if found is None:
            todo.append(text)
        else:
            total += n * found.astype(np.float64)
    if not todo:
        return total
    rest: list[tuple[str, encoder.SentenceStates]] = []
    for text, states in zip(todo, encoder.sentence_states(todo, keep), strict=True):
        found = derived.recall(name, text, pop=True)  # stored by the hook if just encoded
        if found is None:
            rest.append((text, states))
        else:
            total += times[text] * found.astype(np.float64)
    if rest:
        values = compute(heads, keep, [t for t, _ in rest], [s for _, s in rest])
        for (text, _), (parts, part_total) in zip(rest, values, strict=True):
            total += times[text] * part_total.astype(np.float64)
            derived.remember(_name(PARTS, heads), text, parts, parts.nbytes, PARTS_BYTES)
    return total


def chunk_inputs(heads: Sequence[TokenHead], keep: Sequence[int], texts: Sequence[str],
                 later: Counter[str] | None = None) -> tuple[list[F32], F32]:
    """Each head's ``pooled_part`` rows and the missing flags of ``texts``' tokens, in order.

    Stored values are used up, except for sentences that ``later`` counts (they come
    again in a later chunk); the others are computed from the sentences' states
    (encoded again without storing anything: the article is read once more only for
    the sentences whose values did not fit).
    """
    name = _name(PARTS, heads)
    found: dict[str, SentenceParts] = {}
    for text in dict.fromkeys(texts):
        value = derived.recall(name, text, pop=not (later and later[text]))
        if value is not None:
            found[text] = value
    todo = [t for t in dict.fromkeys(texts) if t not in found]
    if todo:
        with derived.paused():
            states = encoder.sentence_states(todo, keep)
        found.update({t: v for t, (v, _) in zip(todo, compute(heads, keep, todo, states),
                                                 strict=True)})
    rows = [found[t] for t in texts]
    parts = [np.concatenate([r.parts[k] for r in rows]) if rows else
             np.zeros((0, head.w1.shape[1]), np.float32) for k, head in enumerate(heads)]
    missing = np.concatenate([r.missing for r in rows]) if rows else np.zeros(0, np.float32)
    return parts, missing
