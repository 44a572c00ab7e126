"""The counting rules of the tension index, as pure functions over one analysed article.

An :class:`~flashpoint.model.Event` becomes at most one :class:`Report`: a weighted
contribution to one channel of one directed dyad. Every rule of docs/index.md lives
here, so tests can check it without a database:

* roll-up through ``belongs_to`` (:func:`root_of`);
* channels (:func:`channel_of`): action, rhetoric, speculation, cooperation; negated
  events count nowhere; alleged events weigh :data:`ALLEGED_FACTOR`;
* genre and voice: the author's own voice in an opinion or satire piece is commentary
  (conflict goes to speculation, cooperation nowhere); an event inside a quote whose
  speaker is named counts as that speaker's rhetoric (:func:`reports_of`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..model import Article, Quote

CHANNELS = ("action", "rhetoric", "speculation", "cooperation")
CONFLICT = frozenset({"verbal_conflict", "material_conflict"})
SPECULATIVE_MODES = frozenset({"hypothetical", "future", "question"})
COMMENTARY_GENRES = frozenset({"opinion", "satire"})
ALLEGED_FACTOR = 0.5
"""An alleged event (hedged, or from a vague source) weighs half an actual one."""
MAX_DEPTH = 8
"""Longest ``belongs_to`` chain followed (guards against cycles in hand-written data)."""


@dataclass(frozen=True, slots=True)
class Report:
    """One event's contribution to the index (one row of the ``ix_report`` table)."""

    event_id: str
    source: str
    target: str
    root_source: str
    root_target: str
    category: str
    mode: str
    channel: str
    weight: float
    speaker: str | None = None
    """The quote speaker's actor id when the report is attributed rhetoric."""


def root_of(actor: str, parents: Mapping[str, str | None]) -> str:
    """The top of ``actor``'s ``belongs_to`` chain (``RUS/government`` -> ``RUS``).

    ``parents`` maps actor ids to their ``belongs_to``; an id missing from it whose
    form is ``XXX/...`` (a state's institution) rolls up to ``XXX``.
    """
    current = actor
    for _ in range(MAX_DEPTH):
        parent = parents.get(current)
        if parent is None and current not in parents and "/" in current:
            parent = current.split("/", 1)[0]
        if not parent or parent == current:
            return current
        current = parent
    return current


def channel_of(quad_class: str, mode: str, *, commentary: bool, attributed: bool) -> str | None:
    """The channel an event counts in, or ``None`` when it counts nowhere.

    ``commentary``: the event is in the author's own voice in an opinion or satire
    piece. ``attributed``: it sits inside a quote whose speaker is named.
    """
    if mode == "negated":
        return None
    conflict = quad_class in CONFLICT
    if mode in SPECULATIVE_MODES:
        return "speculation" if conflict else None
    if not conflict:
        return None if commentary else "cooperation"
    if attributed:
        return "rhetoric"
    if commentary:
        return "speculation"
    return "action" if quad_class == "material_conflict" else "rhetoric"


def weight_of(intensity: float, mode: str, confidence: float = 1.0) -> float:
    """An event's weight: its Goldstein intensity's size, halved when alleged, times its
    confidence (1.0 for a lexicon event, the sentence model's probability for a
    model-backed one)."""
    factor = ALLEGED_FACTOR if mode == "alleged" else 1.0
    return round(abs(intensity) * factor * confidence, 6)


def named_speaker(quote: Quote | None) -> tuple[bool, str | None]:
    """Whether ``quote`` has a named speaker, and that speaker's actor id if known."""
    if quote is None:
        return False, None
    sp = quote.speaker
    if sp.vague is not None:
        return False, None
    return bool(sp.actor or sp.name), sp.actor


@dataclass(frozen=True, slots=True)
class EventFacts:
    """What the rules read of one event (a model Event or a row of the store's ``events``)."""

    idx: int
    source: str | None
    target: str | None
    category: str
    quad_class: str
    intensity: float
    mode: str
    quote: str | None = None
    confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class Speaker:
    """A quote's speaker as the rules need it: named or not, and its actor id if known."""

    named: bool
    actor: str | None = None


@dataclass(frozen=True, slots=True)
class ArticleFacts:
    """What the rules read of one article: genre, actors' ``belongs_to``, quotes, events."""

    article_id: str
    genre: str | None
    parents: Mapping[str, str | None]
    speakers: Mapping[str, Speaker]
    events: tuple[EventFacts, ...]


def facts_of(article: Article) -> ArticleFacts:
    """The :class:`ArticleFacts` of a model :class:`~flashpoint.model.Article`."""
    speakers = {q.id: Speaker(*named_speaker(q)) for q in article.quotes}
    events = tuple(EventFacts(i, e.source, e.target, e.category, e.quad_class, e.intensity,
                              e.mode, e.quote, e.confidence) for i, e in enumerate(article.events))
    return ArticleFacts(article.id, article.genre.label if article.genre else None,
                        {a.id: a.belongs_to for a in article.actors}, speakers, events)


def reports_of(article: Article | ArticleFacts) -> list[Report]:
    """The index's reports for every event of an article (event ids as in the store)."""
    facts = article if isinstance(article, ArticleFacts) else facts_of(article)
    genre = facts.genre or "reporting"
    out = []
    for event in facts.events:
        report = _report(f"{facts.article_id}:{event.idx}", event, facts.speakers,
                         facts.parents, genre)
        if report is not None:
            out.append(report)
    return out


def _report(event_id: str, event: EventFacts, speakers: Mapping[str, Speaker],
            parents: Mapping[str, str | None], genre: str) -> Report | None:
    quoted = event.quote is not None
    speaker = speakers.get(event.quote) if event.quote else None
    attributed = speaker is not None and speaker.named
    # the author's own voice, or an unnamed voice, in an opinion piece is commentary
    commentary = genre in COMMENTARY_GENRES and (not quoted or not attributed)
    channel = channel_of(event.quad_class, event.mode, commentary=commentary,
                         attributed=attributed)
    if channel is None:
        return None
    speaker_actor = speaker.actor if speaker is not None and attributed else None
    pair = _pair(event, channel, speaker_actor, parents)
    if pair is None:
        return None
    (source, target), (rs, rt) = pair
    return Report(event_id, source, target, rs, rt, event.category, event.mode, channel,
                  weight_of(event.intensity, event.mode, event.confidence),
                  speaker_actor if channel == "rhetoric" else None)


def _pair(event: EventFacts, channel: str, speaker: str | None,
          parents: Mapping[str, str | None]) -> tuple[tuple[str, str], tuple[str, str]] | None:
    """The directed (exact, rolled-up) dyad a report counts for, or None (no pair)."""
    parties = [p for p in (event.source, event.target) if p]
    if channel == "rhetoric" and speaker and event.quad_class in CONFLICT:
        # a speaker who is a party: (speaker, the other party); a third party's claim
        # about others keeps the event's own pair (below)
        sr = root_of(speaker, parents)
        others = [p for p in parties if root_of(p, parents) != sr]
        if others and len(others) < len(parties):
            return (speaker, others[0]), (sr, root_of(others[0], parents))
    if event.source is None or event.target is None:
        return None
    rs, rt = root_of(event.source, parents), root_of(event.target, parents)
    if rs == rt:
        return None
    return (event.source, event.target), (rs, rt)


def mentioned_roots(article: Article | ArticleFacts) -> set[str]:
    """The rolled-up ids of every actor the article mentions (the exposure of a dyad)."""
    facts = article if isinstance(article, ArticleFacts) else facts_of(article)
    roots = {root_of(a, facts.parents) for a in facts.parents}
    for event in facts.events:
        roots.update(root_of(p, facts.parents) for p in (event.source, event.target) if p)
    return roots


def undirected(a: str, b: str) -> tuple[str, str]:
    """The canonical (sorted) order of an undirected dyad."""
    return (a, b) if a <= b else (b, a)


def sum_channels(reports: Iterable[Report]) -> dict[str, float]:
    """Total weight per channel (no de-duplication: a helper for tests and checks)."""
    totals = dict.fromkeys(CHANNELS, 0.0)
    for r in reports:
        totals[r.channel] += r.weight
    return totals
