"""The learned argument-span chooser of the main event: which phrase is its source, its target.

The rules of :mod:`flashpoint.analyzers.events` give each event the phrase that named its
source and target actor. Annotated data (CAMEO ``actors_train.txt``) marks the argument as a
reader sees it: often a phrase that names no actor (``the last ISIS group bastion``), a
whole coordination (``Poland, Germany and Sweden``), or nothing at all where the rules found
a phrase. So for the sentence's main event, every noun phrase of the sentence is a
*candidate* (the head word's phrase as written, see
:func:`~flashpoint.analyzers.events.syntax.argument_extent`, and the phrase with its
conjuncts), described by a few sparse features (dependency path to the trigger,
preposition, side and distance, actor mention, entity type, head lemma, length, agreement
with the rule's phrase); per role a logistic regression scores it alone and a ranking (a
conditional logit over the sentence's candidates) orders the candidates. The best-ranked
candidate wins when the most probable one reaches the model's threshold; otherwise the
rules' phrase (or ``null``) stays.

Weights are trained by ``scripts/train_events.py --spans`` and stored as JSON
(``flashpoint/data/events/span_model.json``); inference is plain Python. The evaluation
trains one model per fold (:func:`use_span_model`) and collects training candidates with
:func:`recording`.
"""

from __future__ import annotations

import contextlib
import functools
import json
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from .actors import ActorIndex
from .syntax import argument_extent

SPAN_MODEL_PATH = "data/events/span_model.json"
ROLES = ("source", "target")
HEADS = frozenset({"NOUN", "PROPN", "PRON", "NUM"})
INNER = frozenset({"compound", "nummod", "amod", "quantmod", "det", "npadvmod"})
"""Dependents inside a name or a noun phrase (``North`` of ``North Korea``): never a phrase."""
MAX_PATH = 4


@dataclass(frozen=True, slots=True)
class Candidate:
    """A phrase of the sentence (character range) and its features."""

    start: int
    end: int
    features: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Anchor:
    """What candidates are described against: the trigger and the rule's phrases."""

    trigger: Token
    governor: Token | None
    quad: str
    kind: str
    rule: tuple[int, int] | None
    other: tuple[int, int] | None


@dataclass(frozen=True, slots=True)
class Record:
    """One role of one main event as seen by the chooser (for training)."""

    text: str
    role: str
    candidates: tuple[Candidate, ...]
    rule: tuple[int, int] | None = None
    """The rules' phrase for the role (the fallback)."""


def _bucket(n: int, edges: Sequence[int]) -> str:
    for edge in edges:
        if n <= edge:
            return str(edge)
    return f">{edges[-1]}"


def _path(tok: Token, anchor: Token, sent: SpacySpan) -> str:
    """Dependency labels from ``tok`` up to ``anchor`` (``pobj<prep``), or how far it is off."""
    labels: list[str] = []
    cur = tok
    while cur.i != anchor.i and len(labels) < MAX_PATH:
        if cur.head.i == cur.i or not sent.start <= cur.head.i < sent.end:
            return "off"
        labels.append(cur.dep_)
        cur = cur.head
    return "<".join(labels) if cur.i == anchor.i else "far"


def _ancestors(tok: Token, sent: SpacySpan) -> list[Token]:
    """``tok`` and its heads up to the root of the sentence."""
    chain = [tok]
    while (chain[-1].head.i != chain[-1].i and sent.start <= chain[-1].head.i < sent.end
           and len(chain) < 64):
        chain.append(chain[-1].head)
    return chain


def _relation(tok: Token, theirs: Sequence[Token], sent: SpacySpan) -> str:
    """The path between a word and the trigger (``theirs``: the trigger's
    :func:`_ancestors`) through their lowest common head: the labels up from ``tok``, then
    those up from the trigger (``dobj^xcomp``: the object of the verb the trigger is the
    complement of), each cut at :data:`MAX_PATH`."""
    mine = _ancestors(tok, sent)
    at = {t.i: k for k, t in enumerate(theirs)}
    for k, t in enumerate(mine):
        if t.i in at:
            up = [x.dep_ for x in mine[:k]][:MAX_PATH]
            down = [x.dep_ for x in theirs[:at[t.i]]][:MAX_PATH]
            return "<".join(up) + "^" + "<".join(down)
    return "none"


def _conjoined(tok: Token, phrase: tuple[int, int]) -> tuple[int, int] | None:
    """The phrase of ``tok`` together with its conjuncts (``Poland, Germany and Sweden``)."""
    conj = [c for c in tok.conjuncts if c.i > tok.i]
    if not conj or tok.dep_ == "conj":
        return None
    _, hi = argument_extent(max(conj, key=lambda c: c.i))
    return phrase[0], hi


@dataclass(frozen=True, slots=True)
class _Where:
    """What the features of every candidate of one main event are measured against."""

    anchor: Anchor
    sent: SpacySpan
    index: ActorIndex
    lineage: Sequence[Token]
    """The trigger and its heads."""
    starts: dict[int, int]
    """Character offset where a token of the sentence starts -> the token's index."""
    ends: dict[int, int]
    """Character offset where a token of the sentence ends -> the token's index."""


def _where(anchor: Anchor, sent: SpacySpan, index: ActorIndex) -> _Where:
    return _Where(anchor, sent, index, _ancestors(anchor.trigger, sent),
                  {t.idx: t.i for t in sent}, {t.idx + len(t.text): t.i for t in sent})


def _word_features(tok: Token, where: _Where) -> tuple[str, ...]:
    """The features of a phrase's head word (shared by its phrase, short and coordinated)."""
    anchor, sent, index = where.anchor, where.sent, where.index
    trig = anchor.trigger
    path = _path(tok, trig, sent)
    gpath = _path(tok, anchor.governor, sent) if anchor.governor is not None else "none"
    prep = tok.head.lower_ if tok.dep_ == "pobj" else "-"
    side = "left" if tok.i < trig.i else "right"
    head_actor = bool(index.within(tok.idx, tok.idx + len(tok.text)))
    trigger = trig.lemma_.lower()
    return (
        f"rel={_relation(tok, where.lineage, sent)}", f"prep={prep}|path={path}",
        f"trigger={trigger}|prep={prep}", "bias", f"dep={tok.dep_}", f"path={path}",
        f"gpath={gpath}", f"prep={prep}", f"side={side}",
        f"dist={_bucket(abs(tok.i - trig.i), (1, 2, 4, 8, 16))}", f"pos={tok.pos_}",
        f"ent={tok.ent_type_ or '-'}", f"lemma={tok.lemma_.lower()}",
        f"quad={anchor.quad}|path={path}", f"kind={anchor.kind}|path={path}",
        f"side={side}|dep={tok.dep_}", f"prep={prep}|quad={anchor.quad}",
        f"head_actor={head_actor}|dep={tok.dep_}", f"trigger={trigger}|side={side}",
    )


def _extent_features(lo: int, hi: int, shape: str, path: str, where: _Where,
                     ) -> tuple[str, ...]:
    """The features of one phrase of a head word: length, first word, mentions, shape."""
    first, last = where.starts.get(lo), where.ends.get(hi)
    length = last - first + 1 if first is not None and last is not None else 1
    index = where.index
    actor = bool(index.within(lo, hi))
    place = index.places is not None and bool(index.places.within(lo, hi))
    word = where.sent.doc[first].lower_ if first is not None else "-"
    return (f"len={_bucket(length, (1, 2, 3, 5, 8, 12))}", f"actor={actor}", f"place={place}",
            f"shape={shape}", f"shape={shape}|{path}", f"first={word}")


def _agreement(span: tuple[int, int], rule: tuple[int, int] | None) -> str:
    """How a candidate relates to a rule phrase: same, inside, around, overlapping, apart."""
    if rule is None:
        return "none"
    (a, b), (c, d) = span, rule
    if (a, b) == (c, d):
        return "same"
    if c <= a and b <= d:
        return "inside"
    if a <= c and d <= b:
        return "around"
    return "overlap" if a < d and c < b else "apart"


def phrases(anchor: Anchor, sent: SpacySpan, index: ActorIndex) -> list[Candidate]:
    """Every noun phrase of the sentence that does not cover the trigger, with the features
    that do not depend on the role (computed once for both roles)."""
    found: dict[tuple[int, int], Candidate] = {}
    lo_s, hi_s = sent.start_char, sent.end_char
    keep = {anchor.trigger.i} | ({anchor.governor.i} if anchor.governor is not None else set())
    where = _where(anchor, sent, index)
    for tok in sent:
        if tok.pos_ not in HEADS or tok.i in keep or tok.dep_ in INNER:
            continue
        phrase = argument_extent(tok)
        extents = [(phrase, "phrase")]
        if phrase[1] > tok.idx + len(tok.text):  # "the last bastion" of "... in the country"
            extents.append(((phrase[0], tok.idx + len(tok.text)), "short"))
        wide = _conjoined(tok, phrase)
        if wide is not None:
            extents.append((wide, "conj"))
        word: tuple[str, ...] = ()
        for (lo, hi), shape in extents:
            lo, hi = max(lo, lo_s), min(hi, hi_s)
            if lo >= hi or (lo, hi) in found or _covers(lo, hi, keep, sent):
                continue
            word = word or _word_features(tok, where)
            path = next(f for f in word if f.startswith("path="))
            found[(lo, hi)] = Candidate(lo, hi, word + _extent_features(lo, hi, shape, path,
                                                                        where))
    return list(found.values())


def for_role(found: Sequence[Candidate], anchor: Anchor,
             blocked: Sequence[tuple[int, int]] = ()) -> list[Candidate]:
    """The phrases that overlap no ``blocked`` range, with the features of their agreement
    with the rules' phrase for the role (``anchor.rule``) and for the other role."""
    out: list[Candidate] = []
    for cand in found:
        if any(cand.start < d and c < cand.end for c, d in blocked):
            continue
        span = (cand.start, cand.end)
        agree = _agreement(span, anchor.rule)
        actor = "actor=True" in cand.features
        extra = (f"rule={agree}", f"other={_agreement(span, anchor.other)}",
                 f"rule={agree}|actor={actor}")
        out.append(Candidate(cand.start, cand.end, cand.features + extra))
    return out


def candidates(anchor: Anchor, sent: SpacySpan, index: ActorIndex,
               blocked: Sequence[tuple[int, int]] = ()) -> list[Candidate]:
    """Every noun phrase of the sentence not covering the trigger or a ``blocked`` range,
    with all its features (:func:`phrases`, then :func:`for_role`)."""
    return for_role(phrases(anchor, sent, index), anchor, blocked)


def _covers(lo: int, hi: int, tokens: set[int], sent: SpacySpan) -> bool:
    doc = sent.doc
    return any(lo <= doc[i].idx < hi for i in tokens)


class SpanModel:
    """Per role, a logistic regression over candidate features (is a phrase the role's at
    all: the threshold) and, optionally, a ranking over the same features (which phrase of
    the sentence is it: trained on the whole candidate list, :func:`rank_score`), read from
    JSON. Without ranking weights the regression also ranks."""

    def __init__(self, data: dict[str, Any]):
        self.weights: dict[str, dict[str, float]] = {
            role: dict(data["weights"][role]) for role in ROLES if role in data["weights"]}
        self.threshold: dict[str, float] = {
            role: float(data.get("threshold", {}).get(role, 0.5)) for role in self.weights}
        self.rank: dict[str, dict[str, float]] = {
            role: dict(w) for role, w in data.get("rank", {}).items()
            if role in self.weights and w}

    def rank_score(self, role: str, candidate: Candidate) -> float:
        """The ranking score of a candidate (higher: more likely the role's phrase among the
        sentence's candidates); the regression's probability without ranking weights."""
        weights = self.rank.get(role)
        if weights is None:
            return self.probability(role, candidate)
        return sum(weights.get(f, 0.0) for f in candidate.features)

    def probability(self, role: str, candidate: Candidate) -> float:
        """P(the candidate is the role's phrase)."""
        weights = self.weights[role]
        score = sum(weights.get(f, 0.0) for f in candidate.features)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score))))

    def choose(self, role: str, found: Sequence[Candidate]) -> Candidate | None:
        """The best-ranked candidate (ties: the earlier), when the most probable candidate's
        probability reaches the role's threshold."""
        if role not in self.weights or not found:
            return None
        if max(self.probability(role, c) for c in found) < self.threshold[role]:
            return None
        return max(found, key=lambda c: (self.rank_score(role, c), -c.start))


_OVERRIDE: list[SpanModel | None] = []
_RECORDS: list[list[Record]] = []


@functools.lru_cache(maxsize=1)
def load_span_model() -> SpanModel | None:
    """The packaged span model (cached), or None when the package has none."""
    path = resources.files("flashpoint").joinpath(SPAN_MODEL_PATH)
    if not path.is_file():
        return None
    return SpanModel(json.loads(path.read_text("utf-8")))


def active_span_model() -> SpanModel | None:
    """The model set by :func:`use_span_model`, else the packaged one (None: rules only)."""
    return _OVERRIDE[-1] if _OVERRIDE else load_span_model()


@contextlib.contextmanager
def use_span_model(model: SpanModel | None) -> Iterator[SpanModel | None]:
    """Choose spans with ``model`` (None: the rules' phrases) in this process only."""
    _OVERRIDE.append(model)
    try:
        yield model
    finally:
        _OVERRIDE.pop()


@contextlib.contextmanager
def recording() -> Iterator[list[Record]]:
    """Collect the candidates of every main event's roles while the block runs."""
    records: list[Record] = []
    _RECORDS.append(records)
    try:
        yield records
    finally:
        _RECORDS.pop()


def is_recording() -> bool:
    """Whether a :func:`recording` block is active."""
    return bool(_RECORDS)


def record(text: str, role: str, found: Sequence[Candidate],
           rule: tuple[int, int] | None = None) -> None:
    """Keep a role's candidates for training when :func:`recording` is active."""
    if _RECORDS:
        _RECORDS[-1].append(Record(text, role, tuple(found), rule))


def to_json(weights: dict[str, dict[str, float]], threshold: dict[str, float],
            note: str, rank: dict[str, dict[str, float]] | None = None) -> dict[str, Any]:
    """The JSON structure :class:`SpanModel` reads (``rank``: the ranking weights)."""
    out: dict[str, Any] = {"_doc": note, "threshold": threshold, "weights": weights}
    if rank:
        out["rank"] = rank
    return out
