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
the parse of its sentence (the main clause's, not an embedded noun's) is marked ``main``;
the main event's phrases are then chosen among the sentence's noun phrases by a learned
chooser (:mod:`.spans`), the rules' phrases staying where it is unsure.

The sentence quad-class model (:mod:`.classifier`, :mod:`.backoff`) then decides whether
a sentence has a main event at all (gate), moves ``main`` to a lexicon event of its class
when it rules out the chosen one's (veto), and gives a sentence without a lexicon event a
*model-backed* main event on a lexicon trigger of its class or on its main verb (back-off),
one actor being enough, none for a lexicon trigger (an *unnamed* event); such events carry
the model's probability as ``confidence`` (lexicon events: 1.0). Each trigger's claim and
quote are found through an index of the article's claims and quotes (:mod:`.intervals`),
so the analyzer is linear in article length.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from ...model import Article, Claim, Event, EventMode, Evidence, Quote, Span
from ...pipeline import AnalysisInput, Analyzer
from . import backoff
from . import mode as modes
from . import plover as _plover
from . import spans as _spans
from .actors import ActorIndex, from_article
from .classifier import PentaModel, active_model
from .intervals import Stabbing
from .plover import PENTA
from .syntax import (
    PRONOUNS,
    Trigger,
    argument_extent,
    argument_ranges,
    depth,
    find_triggers,
)

MAX_EVENTS_PER_TRIGGER = 6
DYADIC_ONLY = frozenset({"CONSULT"})
"""Categories that need both a source and a target (a meeting with nobody is no event)."""
NEEDS_RECIPIENT = frozenset({"CONSULT", "COOPERATE", "AID"})
"""Categories whose PLOVER definition requires a recipient."""
NOMINAL = frozenset({"NOUN", "PROPN", "PRON"})
TIMES = frozenset({"DATE", "TIME"})
"""Entity types that are never an argument phrase (``called on Monday for ...``)."""
UNNAMED = True
"""Whether a confident model-backed main event may name no actor (its phrases as written)."""


def events(inp: AnalysisInput) -> Mapping[str, Any]:
    article, doc = inp.article, inp.doc
    lex = _plover.load()
    index = from_article(article, doc)
    found: list[Event] = []
    if not len(index):
        return {"events": ()}
    claims = tuple(getattr(article, "claims", ()) or ())
    quotes = tuple(getattr(article, "quotes", ()) or ())
    context = _Context(index, article, Stabbing(claims, lambda c: (c.span.start, c.span.end)),
                       Stabbing(quotes, lambda q: (q.content.start, q.content.end)), lex,
                       active_model())
    for sent in _sentences(article, doc):
        if len(sent) > 150:  # not a sentence: a table, a list, a run-on line
            continue
        found.extend(_sentence_events(sent, context))
    return {"events": tuple(_unique(found))}


@dataclass(frozen=True, slots=True)
class _Context:
    """What every sentence of an article is coded with."""

    index: ActorIndex
    article: Article
    claims: Stabbing[Claim]
    """The article's claims, by the offsets they contain (:mod:`.intervals`)."""
    quotes: Stabbing[Quote]
    lex: _plover.Lexicon
    model: PentaModel


Coded = list[tuple[Trigger, list[Event]]]


def _sentence_events(sent: SpacySpan, ctx: _Context) -> list[Event]:
    """A sentence's events, its main event marked (lexicon first, the model as gate,
    back-off and veto: :mod:`.backoff`)."""
    triggers = _deduplicate(find_triggers(sent, ctx.lex))
    coded: Coded = [(t, list(_events_of(t, sent, ctx.index, ctx.article, ctx.claims,
                                        ctx.quotes, ctx.lex))) for t in triggers]
    coded = [(t, evs) for t, evs in coded if evs]
    if not coded and not _mentions(ctx.index, sent):
        return []  # no actor to code an event with: the model is not consulted
    probabilities = ctx.model.probabilities(sent.text)
    if not coded:
        return _backed(sent, triggers, ctx, probabilities)
    if backoff.gated(probabilities):
        return [ev for _, evs in coded for ev in evs]
    main = min(coded, key=lambda item: _prominence(item[0], sent))
    label = PENTA[ctx.lex.quad(main[0].entry.category)]
    if backoff.vetoed(probabilities, label):
        vetoed = _vetoed(sent, coded, ctx, probabilities)
        if vetoed is not None:
            return vetoed
    main[1][0] = _main(main[1][0], main[0], sent, ctx)
    return [ev for _, evs in coded for ev in evs]


def _mentions(index: ActorIndex, sent: SpacySpan) -> bool:
    """Whether the sentence mentions an actor or a place (any event needs one)."""
    lo, hi = sent.start_char, sent.end_char
    return bool(index.within(lo, hi) or (index.places is not None and index.places.within(lo, hi)))


def _vetoed(
    sent: SpacySpan, coded: Coded, ctx: _Context, probabilities: dict[int, float],
) -> list[Event] | None:
    """The events of a sentence whose lexicon main event the model vetoes (it gives the main
    event's class under :data:`.backoff.VETO_MAIN`): the most prominent lexicon event of the
    model's class becomes main, else a model-backed event on the main verb, which replaces
    the lexicon events of that verb; None when neither exists."""
    best = backoff.best_class(probabilities, veto=True)
    if best is None:
        return None
    agreeing = [item for item in coded if ctx.lex.quad(item[0].entry.category) == best[0]]
    if agreeing:
        main = min(agreeing, key=lambda item: _prominence(item[0], sent))
        main[1][0] = _main(main[1][0], main[0], sent, ctx)
        return [ev for _, evs in coded for ev in evs]
    backed = _model_backed(sent, ctx, probabilities)
    if not backed:
        return None
    verb = backed[0].evidence.trigger
    lexical = [ev for _, evs in coded for ev in evs]
    if any(ev.evidence.trigger.overlaps(verb) for ev in lexical):
        return None  # the lexicon's reading of that verb stands
    return lexical + backed


def _backed(
    sent: SpacySpan, triggers: list[Trigger], ctx: _Context, probabilities: dict[int, float],
) -> list[Event]:
    """The model-backed main event of a sentence whose lexicon triggers gave no event.

    When the quad-class model says the sentence reports an event (:mod:`.backoff`), its most
    prominent lexicon trigger of the model's class (the class at
    :data:`.backoff.BACKOFF_AGREE` or more), else the main clause's verb with that class (at
    :data:`.backoff.BACKOFF_BEST` or more), gives the main event even where the category's
    argument rules would drop it (one actor is enough); its ``confidence`` is the model's
    probability of its class. Where none names an actor, the lexicon triggers of the class
    give an *unnamed* main event (:data:`UNNAMED`: source and target ``null``, their phrases
    as written, ``Unidentified gunmen beheaded three men in Kabul``); the sentence still
    mentions an actor or a place, and the main verb alone never gives one.
    """
    best = backoff.best_class(probabilities, least=backoff.BACKOFF_AGREE)
    if best is None:
        return []
    ranked = [t for t in sorted(triggers, key=lambda t: _prominence(t, sent))
              if ctx.lex.quad(t.entry.category) == best[0]]
    for trig in ranked:
        evs = _loose_events(trig, sent, ctx, probabilities)
        if evs:
            return evs
    evs = _model_backed(sent, ctx, probabilities)
    for trig in ranked if UNNAMED and not evs else ():
        evs = _loose_events(trig, sent, ctx, probabilities, bare=True)
        if evs:
            return evs
    return evs


def _model_backed(
    sent: SpacySpan, ctx: _Context, probabilities: dict[int, float],
) -> list[Event]:
    """Events of the main clause's verb with the model's best class (:func:`.backoff.trigger`)."""
    backed = backoff.trigger(sent, sent.text, ctx.model, probabilities, ctx.lex)
    return [] if backed is None else _loose_events(backed[0], sent, ctx, probabilities)


def _loose_events(
    trig: Trigger, sent: SpacySpan, ctx: _Context, probabilities: dict[int, float],
    bare: bool = False,
) -> list[Event]:
    """A model-backed trigger's events (actors optional; ``bare``: none needed), the first
    marked main."""
    evs = list(_events_of(trig, sent, ctx.index, ctx.article, ctx.claims, ctx.quotes, ctx.lex,
                          loose=True, bare=bare))
    if not evs:
        return []
    confidence = round(probabilities.get(PENTA[ctx.lex.quad(trig.entry.category)], 0.0), 3)
    evs = [replace(ev, confidence=confidence) for ev in evs]
    evs[0] = _main(evs[0], trig, sent, ctx)
    return evs


def _main(ev: Event, trig: Trigger, sent: SpacySpan, ctx: _Context) -> Event:
    """``ev`` marked as its sentence's main event, its source and target phrases chosen by
    the learned span chooser (:mod:`.spans`) when one is active and sure enough (else the
    rules' phrases stay)."""
    ev = replace(ev, main=True)
    model = _spans.active_span_model()
    if model is None and not _spans.is_recording():
        return ev
    text = ctx.article.text
    rules = {role: getattr(ev.evidence, role) for role in _spans.ROLES}
    blocked = [(ev.evidence.trigger.start, ev.evidence.trigger.end)]
    chosen: dict[str, Span | None] = {}
    found: list[_spans.Candidate] | None = None
    for role, other in zip(_spans.ROLES, reversed(_spans.ROLES), strict=True):
        anchor = _spans.Anchor(
            trigger=trig.token, governor=trig.folded or trig.governor, quad=ev.quad_class,
            kind=trig.kind, rule=_extent(rules[role]), other=_extent(rules[other]))
        found = _spans.phrases(anchor, sent, ctx.index) if found is None else found
        scored = _spans.for_role(found, anchor, blocked)
        _spans.record(text, role, scored, anchor.rule)
        if model is None or role not in model.weights:
            continue
        pick = model.choose(role, scored)
        if pick is not None:  # else the rules' phrase stays (the fallback)
            chosen[role] = Span.of(text, pick.start, pick.end)
            blocked.append((pick.start, pick.end))
    if not chosen:
        return ev
    evidence = replace(ev.evidence, source=chosen.get("source", rules["source"]),
                       target=chosen.get("target", rules["target"]))
    return replace(ev, evidence=evidence)


def _extent(span: Span | None) -> tuple[int, int] | None:
    return None if span is None else (span.start, span.end)


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
    places: bool = False, spans: Spans | None = None, widen: bool = False,
) -> list[str]:
    """Actor ids of argument phrases; ``spans`` receives each actor's phrase as written
    (``widen``: for a place, the object phrase it locates, ``the mosque in Mosul``)."""
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
            extent = _clip(argument_extent(_located(tok) if widen else tok), lo, hi)
            for actor in found:
                spans.setdefault(actor, extent)
        actors.extend(a for a in found if a not in actors)
    return actors


def _located(place: Token) -> Token:
    """The noun phrase an ``in X`` place belongs to (``targets in Syria``), else the place."""
    prep = place.head
    if prep.dep_ == "prep" and prep.lower_ == "in" and prep.head.pos_ in NOMINAL:
        return prep.head
    return place


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
        targets = _resolve(trig.location_targets, index, sent, places=True, spans=tgt,
                           widen=True)
    return sources, [t for t in targets if t not in sources], pairs


Pair = tuple[str | None, str | None]


def _pairs(
    trig: Trigger, index: ActorIndex, sent: SpacySpan, src_spans: Spans, tgt_spans: Spans,
    loose: bool = False,
) -> list[Pair]:
    """The (source, target) pairs of a trigger's events, each with at least one actor;
    ``loose`` (a model-backed main event) keeps the pairs the category's argument rules
    drop (``met`` with one named party, ``distributed supplies`` with no named recipient)."""
    before, after = _strict_pairs(trig, index, sent, src_spans, tgt_spans)
    return before if loose and not after else after


def _strict_pairs(
    trig: Trigger, index: ActorIndex, sent: SpacySpan, src_spans: Spans, tgt_spans: Spans,
) -> tuple[list[Pair], list[Pair]]:
    """The pairs before and after the category's argument rules."""
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
    before = pairs[:MAX_EVENTS_PER_TRIGGER]
    if category in DYADIC_ONLY:
        pairs = [(s, t) for s, t in pairs if s and t]
    if category in NEEDS_RECIPIENT or trig.token.lemma_.lower() in lex.needs_target:
        pairs = [(s, t) for s, t in pairs if t]
    if lex.quad(category).startswith("verbal") and not _passive(trig):
        pairs = [(s, t) for s, t in pairs if s]
    return before, pairs[:MAX_EVENTS_PER_TRIGGER]


def _reciprocal(trig: Trigger, lex: _plover.Lexicon) -> bool:
    """``X and Y met``: coordinated subjects act on each other."""
    if trig.entry.category in ("CONSULT", "COOPERATE"):
        return True
    verbs = [trig.token] + ([trig.governor] if trig.governor is not None else [])
    return any(v.lemma_.lower() in lex.reciprocal for v in verbs)


def _passive(trig: Trigger) -> bool:
    return any(c.dep_ == "nsubjpass" for c in trig.token.children)


def _mode(trig: Trigger, sent: SpacySpan, claims: Stabbing[Claim]) -> EventMode:
    lex = _plover.load()
    gov = trig.folded or trig.governor
    transparent = gov if gov is not None and (
        trig.folded is not None or gov.lemma_.lower() in lex.light_verbs) else None
    local = modes.local_mode(trig.token, sent, transparent)
    start = trig.token.idx
    containing = claims.containing(start)
    if not containing:
        return local
    smallest = min(containing, key=lambda c: c.span.end - c.span.start)
    return modes.combine(local, modes.scoped_claim_mode(smallest, trig.token, sent))


def _quote_id(start: int, quotes: Stabbing[Quote]) -> str | None:
    inside = quotes.containing(start)
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
    claims: Stabbing[Claim], quotes: Stabbing[Quote], lex: _plover.Lexicon,
    loose: bool = False, bare: bool = False,
) -> Iterator[Event]:
    src: Spans = {}
    tgt: Spans = {}
    pairs = _pairs(trig, index, sent, src, tgt, loose)
    if bare and not pairs:
        pairs = [(None, None)]  # an unnamed model-backed main event (``_backed``)
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
    if unnamed["target"] is None:
        unnamed["target"] = _nested_party(trig, sent, index, trigger, unnamed["source"], text)
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


NESTED_DEPS = frozenset({"pobj", "dobj", "dative"})


def _nested_party(
    trig: Trigger, sent: SpacySpan, index: ActorIndex, trigger: Span, source: Span | None,
    text: str,
) -> Span | None:
    """With no recipient argument, the first phrase after the trigger, in its clause, that
    names an actor (``called for sanctions against the entities in Uganda``): as written."""
    head = trig.folded or trig.token
    after = [t for t in head.subtree if trig.token.i < t.i < sent.end and t.dep_ in NESTED_DEPS]
    for tok in after:
        if not index.actors_within(argument_ranges(tok)):
            continue
        lo, hi = _clip(argument_extent(tok), sent.start_char, sent.end_char)
        span = Span.of(text, lo, hi) if lo < hi else None
        if span is not None and not span.overlaps(trigger) and not (
                source is not None and span.overlaps(source)):
            return span
    return None


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
    inside = [t for t in tokens if sent.start <= t.i < sent.end and t.ent_type_ not in TIMES]
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
    name="events.v2",
    func=events,
    produces=("events",),
    requires=frozenset({"doc", "sentences", "actors", "quotes", "claims"}),
    description="PLOVER events between actors, with intensity and mode, tied to their sentence.",
)
