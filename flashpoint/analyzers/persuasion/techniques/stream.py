"""The technique model over a long article, a chunk of sentences at a time (bounded memory).

The whole-article path (:func:`~.states.article_states`) holds every word piece's
states of four encoder layers at once: 6 KB per word piece, 400 MB for a
50,000-word article, and as much again in the copies made from them. Here the
encoder states of at most :data:`CHUNK_SEGMENTS` sentences are alive at a time:

- token heads: each chunk's tokens are pooled, their first-layer products kept
  (:meth:`~.states.TokenHead.pooled_part`, 1 KB a token per head, up to
  :data:`PARTS_BYTES`; chunks past it are pooled again later) and their sum added to
  the article block's; once the article block is known, each chunk is finished and
  its sentences go through the BiLSTM (which never crosses a sentence);
- lexical tagger: each chunk's token features are built, scored and dropped;
- classifier: each span's pooled states are read from the chunk holding the
  sentence it starts in (extended to the sentences it runs into).

Each token's and each span's numbers are those of the whole-article path (the
article block's mean is summed chunk by chunk, in float64).

The passes alternate direction: ``sentence_scores`` encodes the article forwards,
so the first pass here goes backwards, from the sentences the encoder's cache still
holds, and the next ones forwards again; an article longer than the cache is
encoded about twice more rather than three times.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence

import numpy as np

from ....encoder import HIDDEN, layer_columns
from . import features as F
from .linear import FloatArray
from .states import (
    F32,
    TokenHead,
    TokenInputs,
    article_states,
    probabilities_from_hidden,
    select_layers,
    span_vectors,
    token_inputs,
)

CHUNK_SEGMENTS = 128
"""Sentences whose encoder states are held at once; an article with more is streamed."""
PARTS_BYTES = 32 * 2**20
"""Memory for the token heads' first-layer products kept between the two passes (about
15,000 words); the chunks past it are encoded again in the second pass (time, not memory)."""


def streamed(segments: Sequence[tuple[int, int]]) -> bool:
    """Whether an article of these segments goes through in chunks (more than one chunk)."""
    return len(segments) > CHUNK_SEGMENTS


def head_probabilities(heads: Sequence[TokenHead], keep: Sequence[int], text: str,
                       segments: Sequence[tuple[int, int]], rows: F.TokenRows) -> FloatArray:
    """The mean of the heads' probabilities of each token of ``rows``, chunk by chunk."""
    seg = np.asarray(rows.segment, dtype=np.int64)
    tokens = [(t.start, t.end) for t in rows.tokens]
    out = np.zeros(len(tokens))
    if not heads or not tokens:
        return out
    chunks: list[tuple[int, int, int]] = []  # first segment, first and end token
    kept: dict[int, tuple[list[F32], F32]] = {}  # chunk: heads' products, missing flags
    kept_bytes = 0
    total = np.zeros(HIDDEN * len(keep), dtype=np.float64)
    for a in reversed(range(0, len(segments), CHUNK_SEGMENTS)):  # last chunk first
        lo, hi = int(np.searchsorted(seg, a)), int(np.searchsorted(seg, a + CHUNK_SEGMENTS))
        if hi == lo:
            continue
        inputs = token_inputs(article_states(text, segments[a : a + CHUNK_SEGMENTS], keep),
                              tokens[lo:hi])
        total += inputs.pooled.sum(axis=0, dtype=np.float64)
        if kept_bytes + (hi - lo) * sum(h.w1.shape[1] for h in heads) * 4 <= PARTS_BYTES:
            kept[len(chunks)] = (_pooled_parts(heads, keep, inputs), inputs.missing)
            kept_bytes += sum(p.nbytes for p in kept[len(chunks)][0])
        chunks.append((a, lo, hi))
    article = (total / len(tokens)).astype(np.float32)
    tops = [head.article_part(article[layer_columns(keep, head.layers)]) for head in heads]
    for n in reversed(range(len(chunks))):  # first chunk first
        a, lo, hi = chunks[n]
        if n in kept:
            done, missing = kept.pop(n)
        else:  # past the budget: pooled again (the encoder's cache may still hold it)
            inputs = token_inputs(article_states(text, segments[a : a + CHUNK_SEGMENTS], keep),
                                  tokens[lo:hi])
            done, missing = _pooled_parts(heads, keep, inputs), inputs.missing
        hidden = [head.finish(done[k], missing, tops[k]) for k, head in enumerate(heads)]
        found = probabilities_from_hidden(heads, hidden, rows.segment[lo:hi])
        out[lo:hi] = np.mean(found, axis=0)
    return out


def _pooled_parts(heads: Sequence[TokenHead], keep: Sequence[int],
                  inputs: TokenInputs) -> list[F32]:
    """Each head's :meth:`~.states.TokenHead.pooled_part` of a chunk's token inputs."""
    return [head.pooled_part(inputs.layers(keep, head.layers).pooled) for head in heads]


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
    """:func:`~.states.span_vectors` of ``spans`` over layers ``layers``, chunk by chunk."""
    out = np.zeros((len(spans), HIDDEN * len(layers)))
    starts = [s for s, _ in segments]
    groups: dict[int, list[int]] = {}
    for i, (s, _) in enumerate(spans):
        first = max(0, bisect.bisect_right(starts, s) - 1)
        groups.setdefault(first // CHUNK_SEGMENTS, []).append(i)
    for chunk, members in sorted(groups.items()):
        a = chunk * CHUNK_SEGMENTS
        last = max(bisect.bisect_left(starts, spans[i][1]) for i in members)
        b = max(a + CHUNK_SEGMENTS, last)
        states = select_layers(article_states(text, segments[a:b], keep), keep, layers)
        out[members] = span_vectors(states, [spans[i] for i in members], len(layers))
    return out
