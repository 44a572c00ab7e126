"""Events: who did what to whom, in PLOVER terms, how hard, and whether it really happened.

For every sentence, triggers from the PLOVER lexicon (verbs such as
``struck``, nominalisations such as ``the shootdown of X by Y``, combinations
such as ``cut ties``) are found in the parse (:mod:`._event_syntax`); their
arguments become source and target actor ids by span overlap with the actor
mentions (:mod:`._event_actors`); the mode comes from the ``claims`` status of
the sentence and from the trigger's own clause, the more cautious winning
(:mod:`._event_mode`). An event needs a trigger, a sentence and at least one
actor; precision comes before volume. Coordinated actors give one event per
source/target pair. Events inside a quote carry the quote's id. Each event's evidence
holds its source and target phrases as written; the event whose trigger sits highest in
the parse of its sentence (the main clause's, not an embedded noun's) is marked ``main``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from ...model import Article, Claim, Event, EventMode, Evidence, Quote, Span
from ...pipeline import AnalysisInput, Analyzer
from . import mode as modes
from . import plover as _plover
from .actors import ActorIndex, from_article
from .syntax import PRONOUNS, Trigger, argument_extent, argument_ranges, depth, find_triggers

MAX_EVENTS_PER_TRIGGER = 6
DYADIC_ONLY = frozenset({"CONSULT"})
"""Categories that need both a source and a target (a meeting with nobody is no event)."""
NEEDS_RECIPIENT = frozenset({"CONSULT", "COOPERATE", "AID"})
"""Categories whose PLOVER definition requires a recipient."""


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
        coded = [(t, list(_events_of(t, sent, index, article, claims, quotes, lex)))
                 for t in triggers]
        coded = [(t, evs) for t, evs in coded if evs]
        if coded:
            main = min(coded, key=lambda item: _prominence(item[0], sent))[1]
            main[0] = replace(main[0], main=True)
        for _, evs in coded:
            found.extend(evs)
    return {"events": tuple(_unique(found))}


def _prominence(trig: Trigger, sent: SpacySpan) -> tuple[int, int, int]:
    """Sort key of the sentence's main event: nearest the root of the parse, verbs first.

    A nominalisation folded with its light or governing verb (``launched an offensive``)
    stands where the verb stands; an embedded noun (``crimes``, ``war``) sits lower.
    """
    tokens = [trig.token] + [t for t in (trig.folded, trig.governor) if t is not None]
    inside = [t for t in tokens if sent.start <= t.i < sent.end] or [trig.token]
    return (min(depth(t, sent) for t in inside), trig.kind != "verb", trig.token.i)


def _sentences(article: Article, doc: Doc) -> Iterator[SpacySpan]:
    for start, end in ((s.span.start, s.span.end) for s in article.sentences):
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None and len(span):
            yield span


def _deduplicate(triggers: list[Trigger]) -> list[Trigger]:
    """Fold a nominalisation into the verb whose subject or object it is, when they are one act.

    ``A Russian strike hit Kharkiv`` (same quad class, noun in the subject),
    ``launched an offensive against X``, ``imposed sanctions on Y``,
    ``lodged a protest`` (noun as the object of a light verb or of the verb
    combination it completes): one event, evidenced by the verb and the noun,
    whose missing actors come from the verb's clause. Its category is the
    verb's when the noun is its object, else the noun's. ``dismissed the
    complaint`` stays two events (a complaint, and its rejection).
    """
    lex = _plover.load()
    verbs = [t for t in triggers if t.kind == "verb"]
    folded: set[int] = set()
    for trig in triggers:
        if trig.kind != "noun":
            continue
        for verb in verbs:
            if verb.token.i in folded or not _one_act(trig, verb, lex):
                continue
            folded.add(verb.token.i)
            completes = verb.combo is not None and verb.combo.i == trig.token.i
            if completes or _role_of(trig.token, verb) == "object":
                trig.entry = verb.entry
            trig.governor = trig.governor or verb.token
            trig.folded = verb.token
            trig.gov_sources = [*trig.gov_sources, *verb.sources]
            trig.gov_targets = [*trig.gov_targets, *verb.targets]
            trig.location_targets = [*trig.location_targets, *verb.location_targets]
            lo, hi = sorted((trig.token.i, verb.token.i))
            if hi - lo <= 5:
                trig.extent = (lo, hi)
            break
    return [t for t in triggers if t.kind == "noun" or t.token.i not in folded]


def _one_act(noun: Trigger, verb: Trigger, lex: _plover.Lexicon) -> bool:
    if verb.combo is not None and verb.combo.i == noun.token.i:
        return True
    role = _role_of(noun.token, verb)
    same_quad = lex.quad(noun.entry.category) == lex.quad(verb.entry.category)
    if role == "subject":
        return same_quad
    return role == "object" and same_quad and verb.token.lemma_.lower() in lex.light_verbs


def _role_of(noun: Token, verb: Trigger) -> str | None:
    """Whether ``noun`` heads or sits in the verb's own subject or object phrase."""
    for role, args in (("subject", verb.sources), ("object", verb.targets)):
        own = [a for a in args if a.head.i == verb.token.i]
        if any(noun.i in {t.i for t in arg.subtree} for arg in own):
            return role
    return None


Spans = dict[str, tuple[int, int]]
"""Actor id -> character range of the phrase that named it."""


def _resolve(
    tokens: Sequence[Token], index: ActorIndex, sent: SpacySpan, head_first: bool = True,
    places: bool = False, spans: Spans | None = None,
) -> list[str]:
    actors: list[str] = []
    lo, hi = sent.start_char, sent.end_char
    for tok in tokens:
        if not sent.start <= tok.i < sent.end:
            continue
        ranges = [(max(a, lo), min(b, hi)) for a, b in argument_ranges(tok) if a < hi and b > lo]
        found = (_head_actor(tok, index) if head_first else []) or index.actors_within(ranges)
        if not found and places and index.places is not None:
            found = index.places.actors_within(ranges)
        if not found and tok.lower_ in PRONOUNS:
            found = _antecedent(tok, index, sent)
        if not found:  # "their forces", "its navy"
            owners = [c for c in tok.children if c.dep_ == "poss" and c.lower_ in PRONOUNS]
            found = _antecedent(owners[0], index, sent) if owners else []
        if spans is not None and found:
            extent = _clip(argument_extent(tok), lo, hi)
            for actor in found:
                spans.setdefault(actor, extent)
        actors.extend(a for a in found if a not in actors)
    return actors


def _clip(extent: tuple[int, int], lo: int, hi: int) -> tuple[int, int]:
    return max(extent[0], lo), min(extent[1], hi)


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
    trig: Trigger, index: ActorIndex, sent: SpacySpan, src: Spans, tgt: Spans,
) -> tuple[list[str], list[str], list[tuple[str, str]]]:
    """Resolved (sources, targets, reciprocal pairs) of a trigger, most explicit first.

    ``src`` and ``tgt`` receive the phrase of each source and target actor.
    """
    sources = _resolve(trig.sources, index, sent, spans=src)
    targets = _resolve(trig.targets, index, sent, places=True, spans=tgt)
    pairs: list[tuple[str, str]] = []
    for left, right in trig.pairs:
        a, b = _resolve([left], index, sent, spans=src), _resolve([right], index, sent, spans=tgt)
        if a and b and a[0] != b[0]:
            pairs.append((a[0], b[0]))
    modified = _resolve(trig.modifiers, index, sent, head_first=False, spans=src)
    if len(modified) >= 2 and not sources and not targets and not pairs:
        pairs.append((modified[0], modified[1]))
    elif not sources:
        sources = modified
    if not sources and not pairs:
        sources = _resolve(trig.gov_sources, index, sent, spans=src)
    if not targets and not pairs:
        targets = _resolve(trig.gov_targets, index, sent, places=True, spans=tgt)
    if not targets and not pairs and sources:
        targets = _resolve(trig.location_targets, index, sent, places=True, spans=tgt)
    return sources, [t for t in targets if t not in sources], pairs


Pair = tuple[str | None, str | None]


def _pairs(
    trig: Trigger, index: ActorIndex, sent: SpacySpan, src_spans: Spans, tgt_spans: Spans,
) -> list[Pair]:
    sources, targets, reciprocal = _arguments(trig, index, sent, src_spans, tgt_spans)
    pairs: list[Pair] = [(a, b) for a, b in reciprocal]
    src: list[str | None] = list(sources) or [None]
    tgt: list[str | None] = list(targets) or [None]
    lex = _plover.load()
    category = trig.entry.category
    if not pairs and not targets and len(sources) >= 2 and _reciprocal(trig, lex):
        pairs = [(sources[0], sources[1]), (sources[1], sources[0])]
    if not pairs:
        pairs = [(s, t) for s in src for t in tgt if (s or t) and s != t]
    if category in DYADIC_ONLY:
        pairs = [(s, t) for s, t in pairs if s and t]
    if category in NEEDS_RECIPIENT or trig.token.lemma_.lower() in lex.needs_target:
        pairs = [(s, t) for s, t in pairs if t]
    if lex.quad(category).startswith("verbal") and not _passive(trig):
        pairs = [(s, t) for s, t in pairs if s]
    return pairs[:MAX_EVENTS_PER_TRIGGER]


def _reciprocal(trig: Trigger, lex: _plover.Lexicon) -> bool:
    """``X and Y met``: coordinated subjects act on each other."""
    if trig.entry.category in ("CONSULT", "COOPERATE"):
        return True
    verbs = [trig.token] + ([trig.governor] if trig.governor is not None else [])
    return any(v.lemma_.lower() in lex.reciprocal for v in verbs)


def _passive(trig: Trigger) -> bool:
    return any(c.dep_ == "nsubjpass" for c in trig.token.children)


def _mode(trig: Trigger, sent: SpacySpan, claims: Sequence[Claim]) -> EventMode:
    lex = _plover.load()
    gov = trig.folded or trig.governor
    transparent = gov if gov is not None and (
        trig.folded is not None or gov.lemma_.lower() in lex.light_verbs) else None
    local = modes.local_mode(trig.token, sent, transparent)
    start = trig.token.idx
    containing = [c for c in claims if c.span.start <= start < c.span.end]
    if not containing:
        return local
    smallest = min(containing, key=lambda c: c.span.end - c.span.start)
    return modes.combine(local, modes.scoped_claim_mode(smallest, trig.token, sent))


def _quote_id(start: int, quotes: Sequence[Quote]) -> str | None:
    inside = [q for q in quotes if q.content.start <= start < q.content.end]
    if not inside:
        return None
    return min(inside, key=lambda q: q.content.end - q.content.start).id


def _trigger_span(trig: Trigger, text: str) -> Span:
    """The trigger word, widened to its particle or combination object (``imposed sanctions``)."""
    tok = trig.token
    lo = hi = tok.i
    gov = trig.governor
    light = gov is not None and gov.lemma_.lower() in _plover.load().light_verbs
    if trig.extent is None and gov is not None and light and 0 < tok.i - gov.i <= 5:
        lo = gov.i  # "launched an offensive", "provide X with aid"
    if trig.extent is not None:
        lo, hi = trig.extent
    elif trig.combo is not None and 0 < trig.combo.i - tok.i <= 4:
        hi = trig.combo.i
    doc = tok.doc
    return Span.of(text, doc[lo].idx, doc[hi].idx + len(doc[hi].text))


def _events_of(
    trig: Trigger, sent: SpacySpan, index: ActorIndex, article: Article,
    claims: Sequence[Claim], quotes: Sequence[Quote], lex: _plover.Lexicon,
) -> Iterator[Event]:
    src: Spans = {}
    tgt: Spans = {}
    pairs = _pairs(trig, index, sent, src, tgt)
    if not pairs:
        return
    text = article.text
    trigger = _trigger_span(trig, text)
    sentence = Span.of(text, sent.start_char, sent.end_char)
    mode = _mode(trig, sent, claims)
    quote = _quote_id(trig.token.idx, quotes)
    category = trig.entry.category
    unnamed = {
        "source": _unnamed(text, trig.sources or trig.gov_sources, sent, trigger),
        "target": _unnamed(text, trig.targets or trig.gov_targets, sent, trigger),
    }
    for source, target in pairs:
        evidence = Evidence(
            trigger=trigger, sentence=sentence,
            source=_phrase(text, source, src, tgt) if source else unnamed["source"],
            target=_phrase(text, target, tgt, src) if target else unnamed["target"],
        )
        yield Event(
            source=source, target=target, category=category, quad_class=lex.quad(category),
            intensity=trig.entry.intensity, mode=mode, evidence=evidence, quote=quote,
        )


def _phrase(text: str, actor: str, first: Spans, second: Spans) -> Span | None:
    """The phrase that named ``actor`` in its role (``first``), else in the other one."""
    extent = first.get(actor) or second.get(actor)
    if extent is None or extent[0] >= extent[1]:
        return None
    return Span.of(text, *extent)


def _unnamed(
    text: str, tokens: Sequence[Token], sent: SpacySpan, trigger: Span,
) -> Span | None:
    """The argument phrase that names no actor (``a car bomb``), as written, if any."""
    inside = [t for t in tokens if sent.start <= t.i < sent.end]
    if not inside:
        return None
    lo, hi = _clip(argument_extent(inside[0]), sent.start_char, sent.end_char)
    span = Span.of(text, lo, hi) if lo < hi else None
    if span is None or span.overlaps(trigger):
        return None
    return span


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
    requires=frozenset({"doc", "sentences", "actors", "quotes", "claims"}),
    description="PLOVER events between actors, with intensity and mode, tied to their sentence.",
)
