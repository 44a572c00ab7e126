"""The technique model over an article a chunk of sentences at a time (bounded memory).

The whole-article path (:func:`~.states.article_states`) holds every word piece's
states of four encoder layers at once: 6 KB per word piece, 400 MB for a
50,000-word article, and as much again in the copies made from them. Here at most
:data:`CHUNK_SEGMENTS` sentences are handled at a time:

- token heads (every article, short or long): each sentence's small values
  (:mod:`.parts`: the heads' first-layer products of its tokens, 1 KB a token per
  head, and the sum of its tokens' pooled states) were made when the encoder ran
  it, usually for ``sentence_scores``; their sums give the article block, then each
  chunk's products are finished and its sentences go through the BiLSTM (which
  never crosses a sentence). A sentence whose values were not kept is encoded again;
- lexical tagger: each chunk's token features are built, scored and dropped;
- classifier: each span's pooled states are read from the sentences it overlaps
  (the encoder's cache, or encoded again: only those sentences).

Each token's and each span's numbers are those of the whole-article path within
float32 rounding (products made a sentence batch at a time; the article block summed
in float64 from float32 sentence sums). A 50,000-word article is encoded once for
``sentence_scores``, the token heads and the frames, plus the sentences holding a span.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np

from ....encoder import HIDDEN, derived, layer_columns
from . import features as F
from . import parts
from .linear import FloatArray
from .states import TokenHead, article_states, probabilities_from_hidden, span_vectors

CHUNK_SEGMENTS = 128
"""Sentences whose encoder states (or token-head values) are held at once in a pass."""


def streamed(segments: Sequence[tuple[int, int]]) -> bool:
    """Whether an article of these segments goes through in chunks (more than one chunk)."""
    return len(segments) > CHUNK_SEGMENTS


def head_probabilities(heads: Sequence[TokenHead], keep: Sequence[int], text: str,
                       segments: Sequence[tuple[int, int]], rows: F.TokenRows) -> FloatArray:
    """The mean of the heads' probabilities of each token of ``rows``, chunk by chunk.

    Reads each sentence's small values (:mod:`.parts`: the heads' per-token
    products and the sum of its tokens' states), made when the encoder ran it,
    usually for ``sentence_scores``: first the sums (the article block), then, a
    chunk of sentences at a time, the products, which go through the rest of the
    heads. Any sentence without stored values is encoded again.
    """
    seg = np.asarray(rows.segment, dtype=np.int64)
    out = np.zeros(len(rows.tokens))
    if not heads or not rows.tokens:
        return out
    texts = [text[s:e] if e > s else "" for s, e in segments]
    total = parts.article_total(heads, keep, [t for t in texts if t])
    article = (total / len(rows.tokens)).astype(np.float32)
    tops = [head.article_part(article[layer_columns(keep, head.layers)]) for head in heads]
    later = Counter(t for t in texts if t)  # sentences still to come, by text
    for a in range(0, len(segments), CHUNK_SEGMENTS):
        lo, hi = int(np.searchsorted(seg, a)), int(np.searchsorted(seg, a + CHUNK_SEGMENTS))
        chunk = [t for t in texts[a : a + CHUNK_SEGMENTS] if t]
        later.subtract(chunk)
        if hi == lo:
            continue
        done, missing = parts.chunk_inputs(heads, keep, chunk, later)
        hidden = [head.finish(done[k], missing, tops[k]) for k, head in enumerate(heads)]
        found = probabilities_from_hidden(heads, hidden, rows.segment[lo:hi])
        out[lo:hi] = np.mean(found, axis=0)
    return out


def tagger_probabilities(tag: Callable[[F.TokenRows], FloatArray], text: str,
                         segments: Sequence[tuple[int, int]]) -> FloatArray:
    """``tag(rows)`` over the token rows (with features) of each chunk of segments, joined."""
    stats = F.ArticleStats.of(text)
    found = [tag(F.token_rows(text, segments[a : a + CHUNK_SEGMENTS], stats=stats))
             for a in range(0, len(segments), CHUNK_SEGMENTS)]
    return np.concatenate(found) if found else np.zeros(0)


def span_vectors_of(keep: Sequence[int], layers: Sequence[int], text: str,
                    segments: Sequence[tuple[int, int]],
                    spans: Sequence[tuple[int, int]]) -> FloatArray:
    """:func:`~.states.span_vectors` of ``spans`` over layers ``layers``, chunk by chunk.

    Only the sentences a span overlaps are read (from the encoder's cache, or encoded
    again, without the :mod:`~flashpoint.encoder.derived` hooks): a span's vector
    pools the word pieces overlapping it, which all lie in those sentences.
    """
    out = np.zeros((len(spans), HIDDEN * len(layers)))
    starts = [s for s, _ in segments]
    groups: dict[int, list[int]] = {}
    for i, (s, _) in enumerate(spans):
        first = max(0, bisect.bisect_right(starts, s) - 1)
        groups.setdefault(first // CHUNK_SEGMENTS, []).append(i)
    for _, members in sorted(groups.items()):
        needed: set[int] = set()
        for i in members:
            s, e = spans[i]
            first = max(0, bisect.bisect_right(starts, s) - 1)
            needed.update(range(first, max(first, bisect.bisect_left(starts, e) - 1) + 1))
        with derived.paused():
            states = article_states(text, [segments[j] for j in sorted(needed)], keep)
        out[members] = span_vectors(states, [spans[i] for i in members], len(layers), keep,
                                    layers)
    return out
