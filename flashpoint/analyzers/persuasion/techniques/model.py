"""The technique model: a token head that finds propaganda spans and a span classifier.

The span finder is two token heads, each a small perceptron and a sentence
BiLSTM over MiniLM token states (:mod:`flashpoint.analyzers.persuasion.techniques.states`), one
reading layers 4 and 5, the other layers 2 and 3, averaged and mixed with a
linear tagger over lexical token features; the classifier a hashed linear model
(:mod:`flashpoint.analyzers.persuasion.techniques.linear`) over lexical features and the span's
pooled states. Both are trained by ``scripts/train_techniques.py`` on the PTC
train split and shipped in ``flashpoint/data/techniques/``. Spans are decoded
from token probabilities with hysteresis: a run of tokens starts at a token
scoring at least ``high`` and grows to neighbours scoring at least ``low``,
never across a segment (sentence) boundary.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ....errors import BackboneMissing
from . import features as F
from . import stream
from .linear import FloatArray, HashedLinear, sigmoid, softmax
from .states import (
    KEEP,
    ArticleStates,
    TokenHead,
    article_states,
    heads_probabilities,
    span_vectors,
    token_inputs,
)

DATA_DIR = Path(__file__).resolve().parents[3] / "data" / "techniques"
TAGGER_SIZES = (2**19, 2**18)
TAGGER_WEIGHTS = (1.0, 0.3)
CLASSIFIER_SIZES = (2**18, 2**18)
CLASSIFIER_WEIGHTS = (1.0, 1.0)
EMBEDDING_WEIGHT = 1.0
"""Weight of the pooled MiniLM span states next to the classifier's TF-IDF features."""
CLASSIFIER_LAYERS = (4, 5)
"""Encoder layers of the classifier's pooled span states."""
HIGH, LOW = 0.25, 0.06
"""Thresholds of the linear tagger (model without the encoder); the span head's are chosen in
training by CV inside the training articles and stored in ``model.json``."""
TEMPERATURE = 1.0
"""Softmax temperature of the classifier's logits (1: multinomial logistic regression as fitted)."""

DEFINITIONS: dict[str, str] = {
    "Loaded_Language": "Words chosen for their emotional charge rather than their "
    "meaning, to make the reader feel before they think.",
    "Name_Calling,Labeling": "A person or group is given a label (flattering or "
    "insulting) that the reader is meant to adopt instead of judging the facts.",
    "Repetition": "The same message is said again and again so that it sticks and "
    "starts to feel true.",
    "Doubt": "The credibility of someone or something is questioned, often by a loaded "
    "question, without evidence being offered.",
    "Exaggeration,Minimisation": "Something is made to look much bigger, better or worse "
    "than it is, or played down as trivial.",
    "Appeal_to_fear-prejudice": "Support is sought by making the reader afraid of an "
    "outcome or of a group, instead of by argument.",
    "Flag-Waving": "An idea is justified by appeal to patriotism or group identity "
    "(the nation, our people) rather than by its merits.",
    "Causal_Oversimplification": "A complex outcome is pinned on a single cause (or one "
    "cause is said to produce it) when many factors are at play.",
    "Appeal_to_Authority": "A claim is presented as true because an authority or expert "
    "said it, without the evidence itself.",
    "Slogans": "A short, catchy phrase that packs a stance into a formula, often with "
    "labels or stereotypes.",
    "Whataboutism,Straw_Men,Red_Herring": "The argument is deflected: the opponent is "
    "accused of hypocrisy, their position is distorted, or an irrelevant topic is raised.",
    "Black-and-White_Fallacy": "Only two options are presented as possible when others "
    "exist, or one option is presented as the only one.",
    "Thought-terminating_Cliches": "A stock phrase that discourages further thought or "
    "discussion ('it is what it is', 'enough said').",
    "Bandwagon,Reductio_ad_hitlerum": "The reader is urged to join what 'everyone' does, "
    "or an idea is rejected because a hated group (e.g. Nazis) held it.",
}
TECHNIQUES: tuple[str, ...] = tuple(DEFINITIONS)


@dataclass(frozen=True, slots=True)
class FoundSpan:
    start: int
    end: int
    score: float


@dataclass(frozen=True, slots=True)
class TechniqueModel:
    """The span finder, the technique classifier, and the decoding thresholds.

    Token probabilities are the mean of the :class:`~.states.TokenHead` s'
    (each over the MiniLM token states of its own layers) when there are
    ``heads``, mixed with the lexical ``tagger``'s as
    ``(1 - mix) * heads + mix * tagger``; without heads, the ``tagger``'s alone
    (the model trained without the encoder). The classifier's dense block (when
    it has one) is the span's pooled token states of ``classifier_layers``
    (:func:`~.states.span_vectors`). All read the states of one encoder pass
    per sentence for layers ``keep`` (:func:`~.states.article_states`); pass
    ``states`` to reuse them. Without ``states``, an article of more than
    :data:`~.stream.CHUNK_SEGMENTS` segments is read a chunk at a time (:mod:`.stream`).
    """

    classifier: HashedLinear
    heads: tuple[TokenHead, ...] = ()
    high: float = HIGH
    low: float = LOW
    keep: tuple[int, ...] = KEEP
    tagger: HashedLinear | None = None
    mix: float = 0.0
    """Weight of the lexical ``tagger``'s probability next to the heads' (0: heads alone)."""
    classifier_layers: tuple[int, ...] = CLASSIFIER_LAYERS

    def needs_states(self) -> bool:
        """Whether span finding or classification reads encoder states."""
        return bool(self.heads) or bool(self.classifier.dense_dim)

    def states_of(self, text: str, segments: Sequence[tuple[int, int]]) -> ArticleStates:
        """The encoder states of ``text``'s segments, for layers :attr:`keep`."""
        return article_states(text, segments, self.keep)

    def head_probabilities(self, states: ArticleStates, rows: F.TokenRows) -> FloatArray:
        """The mean of the heads' probabilities of each token (zeros without heads)."""
        out = np.zeros(len(rows.tokens))
        if not self.heads:
            return out
        every = token_inputs(states, [(t.start, t.end) for t in rows.tokens])  # all layers, once
        found = heads_probabilities(
            self.heads, [every.layers(self.keep, head.layers) for head in self.heads],
            rows.segment)
        result: FloatArray = np.mean(found, axis=0)
        return result

    def token_probabilities(
        self, text: str, segments: Sequence[tuple[int, int]], states: ArticleStates | None = None
    ) -> tuple[F.TokenRows, FloatArray]:
        """Tokens of the segments and the probability that each lies in a technique span."""
        if not self.heads:
            rows = F.token_rows(text, segments, features=self.tagger is not None)
            if self.tagger is None:
                return rows, np.zeros(len(rows.tokens))
            return rows, tagger_probabilities(self.tagger, rows)
        lexical = self.tagger if self.mix > 0 else None
        chunked = states is None and stream.streamed(segments)  # a long article: bounded memory
        rows = F.token_rows(text, segments, features=lexical is not None and not chunked)
        if not rows.tokens:
            return rows, np.zeros(0)
        if states is None:  # sentence by sentence, from values kept at encoding (.parts)
            p = stream.head_probabilities(self.heads, self.keep, text, segments, rows)
        else:
            p = self.head_probabilities(states, rows)
        if chunked:
            lex = None if lexical is None else stream.tagger_probabilities(
                lambda r: tagger_probabilities(lexical, r), text, segments)
        else:
            lex = None if lexical is None else tagger_probabilities(lexical, rows)
        return rows, mixed(p, lex, self.mix)

    def find_spans(self, text: str, segments: Sequence[tuple[int, int]],
                   states: ArticleStates | None = None) -> list[FoundSpan]:
        """Propaganda spans of ``text`` within ``segments`` (sentence or line bounds)."""
        rows, p = self.token_probabilities(text, segments, states)
        return decode(rows, p, self.high, self.low)

    def classify(
        self, text: str, spans: Sequence[tuple[int, int]], segments: Sequence[tuple[int, int]],
        states: ArticleStates | None = None, use_encoder: bool = True,
    ) -> FloatArray:
        """Technique probabilities, one row per span, columns in ``classifier.classes`` order.

        With ``use_encoder=False`` the dense block of span states is left at zero:
        only the lexical features speak (the fast mode, less accurate).
        """
        if not spans:
            return np.zeros((0, len(self.classifier.classes)))
        dense = None
        if self.classifier.dense_dim and not use_encoder:
            dense = np.zeros((len(spans), self.classifier.dense_dim))
        elif self.classifier.dense_dim and states is None and stream.streamed(segments):
            dense = stream.span_vectors_of(self.keep, self.classifier_layers, text, segments,
                                           spans)
        elif self.classifier.dense_dim:
            states = self.states_of(text, segments) if states is None else states
            dense = span_vectors(states, spans, len(self.classifier_layers), self.keep,
                                 self.classifier_layers)
        stats = F.ArticleStats.of(text)
        words, chars = [], []
        same = F.same_text_counts(text, spans)
        for (s, e), n in zip(spans, same, strict=True):
            seg = F.segment_of(segments, s, e)
            words.append(F.span_features(text, s, e, seg, stats, n))
            chars.append(F.char_ngrams(text[s:e]))
        return softmax(self.classifier.decision([words, chars], dense), TEMPERATURE)

    def label(
        self, text: str, spans: Sequence[tuple[int, int]], segments: Sequence[tuple[int, int]],
        states: ArticleStates | None = None,
    ) -> list[tuple[str, float]]:
        """The best technique of each span; a span listed twice gets its next-best label."""
        probs = self.classify(text, spans, segments, states)
        seen: dict[tuple[int, int], int] = {}
        out = []
        for row, span in zip(probs, spans, strict=True):
            rank = seen.get(span, 0)
            seen[span] = rank + 1
            order = np.argsort(-row)
            k = int(order[min(rank, len(order) - 1)])
            out.append((self.classifier.classes[k], float(row[k])))
        return out


_TRIM = set(" .,:;")


def tagger_probabilities(tagger: HashedLinear, rows: F.TokenRows) -> FloatArray:
    """The linear tagger's probability of each token (``rows`` built with features)."""
    if not rows.tokens:
        return np.zeros(0)
    return sigmoid(tagger.decision([rows.local, rows.context])[:, 0])


def mixed(head: FloatArray, tagger: FloatArray | None, mix: float) -> FloatArray:
    """``(1 - mix) * head + mix * tagger``: the token probabilities decoded into spans."""
    if tagger is None or mix <= 0.0:
        return head
    out: FloatArray = (1.0 - mix) * head + mix * tagger
    return out


def decode(rows: F.TokenRows, p: FloatArray, high: float, low: float) -> list[FoundSpan]:
    """Hysteresis decoding of token probabilities into character spans."""
    out: list[FoundSpan] = []
    n, i = len(rows.tokens), 0
    while i < n:
        if p[i] < high:
            i += 1
            continue
        s = e = i
        while s > 0 and p[s - 1] >= low and rows.segment[s - 1] == rows.segment[i]:
            s -= 1
        while e + 1 < n and p[e + 1] >= low and rows.segment[e + 1] == rows.segment[i]:
            e += 1
        while e > s and rows.tokens[e].text in _TRIM:
            e -= 1
        while s < e and rows.tokens[s].text in _TRIM:
            s += 1
        if rows.tokens[s].text not in _TRIM:
            score = float(p[s : e + 1].mean())
            out.append(FoundSpan(rows.tokens[s].start, rows.tokens[e].end, score))
        i = max(e, i) + 1
    return out


def _head_file(k: int) -> str:
    return "head.npz" if k == 0 else f"head_{k + 1}.npz"


def save_model(model: TechniqueModel, folder: Path, meta: dict[str, object]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for stale in [folder / "tagger.npz", *folder.glob("head*.npz")]:
        stale.unlink(missing_ok=True)
    model.classifier.save(folder / "classifier.npz")
    if model.tagger is not None:
        model.tagger.save(folder / "tagger.npz")
    for k, head in enumerate(model.heads):
        head.save(folder / _head_file(k))
    info = {**meta, "high": model.high, "low": model.low, "keep": list(model.keep),
            "mix": model.mix, "heads": len(model.heads),
            "classifier_layers": list(model.classifier_layers)}
    (folder / "model.json").write_text(json.dumps(info, indent=2, sort_keys=True) + "\n")


@functools.lru_cache(maxsize=2)
def load_model(folder: Path = DATA_DIR) -> TechniqueModel:
    """The shipped model (cached); raises :class:`BackboneMissing` when its files are absent."""
    try:
        info = json.loads((folder / "model.json").read_text())
        classifier = HashedLinear.load(folder / "classifier.npz")
        count = int(info.get("heads", 1 if (folder / "head.npz").exists() else 0))
        heads = tuple(TokenHead.load(folder / _head_file(k)) for k in range(count))
        tagger = (HashedLinear.load(folder / "tagger.npz")
                  if not heads or (folder / "tagger.npz").exists() else None)
    except FileNotFoundError as exc:
        raise BackboneMissing(
            f"technique model not found in {folder} ({exc.filename}); "
            "run `python scripts/train_techniques.py`"
        ) from None
    keep = tuple(int(k) for k in info.get("keep", KEEP))
    return TechniqueModel(
        classifier, heads, float(info["high"]), float(info["low"]), keep, tagger,
        float(info.get("mix", 0.0)) if heads else 0.0,
        tuple(int(k) for k in info.get("classifier_layers", keep)))
