"""Events: who did what to whom, in PLOVER terms, how hard, and whether it really happened.

For every sentence, triggers from the PLOVER lexicon (verbs such as
``struck``, nominalisations such as ``the shootdown of X by Y``, combinations
such as ``cut ties``) are found in the parse (:mod:`._event_syntax`); their
arguments become source and target actor ids by span overlap with the actor
mentions (:mod:`._event_actors`); the mode comes from the ``claims`` status of
the sentence and from the trigger's own clause, the more cautious winning
(:mod:`._event_mode`). An event needs a trigger, a sentence and at least one
actor; precision comes before volume. Coordinated actors give one event per
source/target pair. Events inside a quote carry the quote's id.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from ..model import Article, Claim, Event, EventMode, Evidence, Quote, Span
from ..pipeline import AnalysisInput, Analyzer
from . import _event_mode as modes
from . import _plover
from ._event_actors import ActorIndex, from_article
from ._event_syntax import PRONOUNS, Trigger, argument_ranges, find_triggers

MAX_EVENTS_PER_TRIGGER = 6
DYADIC_ONLY = frozenset({"CONSULT"})
"""Categories that need both a source and a target (a meeting with nobody is no event)."""


def events(inp: AnalysisInput) -> Mapping[str, Any]:
    article, doc = inp.article, inp.doc
    lex = _plover.load()
    index = from_article(article, doc)
    found: list[Event] = []
    if not len(index):
        return {"events": ()}
    claims = tuple(getattr(article, "claims", ()) or ())
    quotes = tuple(getattr(article, "quotes", ()) or ())
    for sent in _sentences(article, doc):
        if len(sent) > 150:  # not a sentence: a table, a list, a run-on line
            continue
        triggers = _deduplicate(find_triggers(sent, lex))
        for trig in triggers:
            found.extend(_events_of(trig, sent, index, article, claims, quotes, lex))
    return {"events": tuple(_unique(found))}


def _sentences(article: Article, doc: Doc) -> Iterator[SpacySpan]:
    bounds = [(s.span.start, s.span.end) for s in article.sentences]
    if not bounds:
        bounds = [(s.start_char, s.end_char) for s in doc.sents]
    for start, end in bounds:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None and len(span):
            yield span


def _deduplicate(triggers: list[Trigger]) -> list[Trigger]:
    """Drop a nominalisation already covered by a verb trigger of the same quad class."""
    lex = _plover.load()
    verbs = [t for t in triggers if t.kind == "verb"]
    keep: list[Trigger] = []
    for trig in triggers:
        quad = lex.quad(trig.entry.category)
        covered = trig.kind == "noun" and any(
            lex.quad(v.entry.category) == quad
            and any(trig.token.i in {t.i for t in arg.subtree} for arg in (*v.sources, *v.targets))
            for v in verbs
        )
        if not covered:
            keep.append(trig)
    return keep


def _resolve(
    tokens: Sequence[Token], index: ActorIndex, sent: SpacySpan, head_first: bool = True
) -> list[str]:
    actors: list[str] = []
    lo, hi = sent.start_char, sent.end_char
    for tok in tokens:
        if not sent.start <= tok.i < sent.end:
            continue
        ranges = [(max(a, lo), min(b, hi)) for a, b in argument_ranges(tok) if a < hi and b > lo]
        found = (_head_actor(tok, index) if head_first else []) or index.actors_within(ranges)
        if not found and tok.lower_ in PRONOUNS:
            found = _antecedent(tok, index, sent)
        actors.extend(a for a in found if a not in actors)
    return actors


def _head_actor(tok: Token, index: ActorIndex) -> list[str]:
    """The actor whose mention covers the phrase's head word (``Armenian PM Nikol Pashinyan``)."""
    head = index.within(tok.idx, tok.idx + len(tok.text))
    return [head[0].actor] if head else []


def _antecedent(pron: Token, index: ActorIndex, sent: SpacySpan) -> list[str]:
    """The nearest earlier actor of the sentence that is a subject (``Russia ... it could``)."""
    doc = pron.doc
    fallback: list[str] = []
    for m in reversed(index.within(sent.start_char, pron.idx)):
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None:
            continue
        if span.root.dep_ in ("nsubj", "nsubjpass"):
            return [m.actor]
        fallback = fallback or [m.actor]
    return fallback if pron.lower_ in ("its", "their") else []


def _arguments(
    trig: Trigger, index: ActorIndex, sent: SpacySpan
) -> tuple[list[str], list[str], list[tuple[str, str]]]:
    """Resolved (sources, targets, reciprocal pairs) of a trigger, most explicit first."""
    sources = _resolve(trig.sources, index, sent)
    targets = _resolve(trig.targets, index, sent)
    pairs: list[tuple[str, str]] = []
    for left, right in trig.pairs:
        a, b = _resolve([left], index, sent), _resolve([right], index, sent)
        if a and b and a[0] != b[0]:
            pairs.append((a[0], b[0]))
    modified = _resolve(trig.modifiers, index, sent, head_first=False)
    if len(modified) >= 2 and not sources and not targets and not pairs:
        pairs.append((modified[0], modified[1]))
    elif not sources:
        sources = modified
    if not sources and not pairs:
        sources = _resolve(trig.gov_sources, index, sent)
    if not targets and not pairs:
        targets = _resolve(trig.gov_targets, index, sent)
    return sources, [t for t in targets if t not in sources], pairs


def _pairs(trig: Trigger, index: ActorIndex, sent: SpacySpan) -> list[tuple[str | None, str | None]]:
    sources, targets, reciprocal = _arguments(trig, index, sent)
    pairs: list[tuple[str | None, str | None]] = [(a, b) for a, b in reciprocal]
    src: list[str | None] = list(sources) or [None]
    tgt: list[str | None] = list(targets) or [None]
    if not pairs:
        pairs = [(s, t) for s in src for t in tgt if (s or t) and s != t]
    lex = _plover.load()
    category = trig.entry.category
    if category in DYADIC_ONLY:
        pairs = [(s, t) for s, t in pairs if s and t]
    if lex.quad(category).startswith("verbal") and not _passive(trig):
        pairs = [(s, t) for s, t in pairs if s]
    return pairs[:MAX_EVENTS_PER_TRIGGER]


def _passive(trig: Trigger) -> bool:
    return any(c.dep_ == "nsubjpass" for c in trig.token.children)


def _mode(trig: Trigger, sent: SpacySpan, claims: Sequence[Claim]) -> EventMode:
    local = modes.local_mode(trig.token, sent, trig.governor)
    start = trig.token.idx
    containing = [c for c in claims if c.span.start <= start < c.span.end]
    if not containing:
        return local
    smallest = min(containing, key=lambda c: c.span.end - c.span.start)
    return modes.combine(local, modes.claim_mode(smallest))


def _quote_id(start: int, quotes: Sequence[Quote]) -> str | None:
    inside = [q for q in quotes if q.content.start <= start < q.content.end]
    if not inside:
        return None
    return min(inside, key=lambda q: q.content.end - q.content.start).id


def _trigger_span(trig: Trigger, text: str) -> Span:
    tok = trig.token
    start, end = tok.idx, tok.idx + len(tok.text)
    particles = [c for c in tok.children if c.dep_ == "prt" and c.i == tok.i + 1]
    if particles:
        end = particles[0].idx + len(particles[0].text)
    return Span.of(text, start, end)


def _events_of(
    trig: Trigger, sent: SpacySpan, index: ActorIndex, article: Article,
    claims: Sequence[Claim], quotes: Sequence[Quote], lex: _plover.Lexicon,
) -> Iterator[Event]:
    pairs = _pairs(trig, index, sent)
    if not pairs:
        return
    text = article.text
    evidence = Evidence(
        trigger=_trigger_span(trig, text),
        sentence=Span.of(text, sent.start_char, sent.end_char),
    )
    mode = _mode(trig, sent, claims)
    quote = _quote_id(trig.token.idx, quotes)
    category = trig.entry.category
    for source, target in pairs:
        yield Event(
            source=source, target=target, category=category, quad_class=lex.quad(category),
            intensity=trig.entry.intensity, mode=mode, evidence=evidence, quote=quote,
        )


def _unique(found: list[Event]) -> Iterator[Event]:
    seen: set[tuple[object, ...]] = set()
    for ev in found:
        key = (ev.source, ev.target, ev.category, ev.evidence.trigger.start)
        if key not in seen:
            seen.add(key)
            yield ev


ANALYZER = Analyzer(
    name="events.v1",
    func=events,
    produces=("events",),
    requires=frozenset({"doc", "sentences"}),
    description="PLOVER events between actors, with intensity and mode, tied to their sentence.",
)
