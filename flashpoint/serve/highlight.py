"""Findings as highlights: ``(start, end, kind)`` spans turned into escaped HTML.

The article text is untrusted. :func:`render` never inserts raw text: every
piece of text and every attribute value goes through :func:`markupsafe.escape`,
class names are reduced to ``[a-z0-9-]``, and the only tags written are
``<mark>`` and ``<span>`` built here. Spans may nest or cross; crossing spans
are split at the boundary so that the output is always well-formed (the same
finding may then be drawn in two or more pieces; only the first piece is
focusable and carries the note).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from markupsafe import Markup, escape

from ..model import Article

KINDS = ("actor", "quote", "claim", "event", "technique")
"""Highlight kinds, outermost first when two spans start and end at the same place."""

KIND_SYMBOLS = {"actor": "A", "quote": "Q", "claim": "C", "event": "E", "technique": "T"}
"""A letter per kind, shown in the legend and in each highlight's label, so colour is never
the only carrier of meaning."""

_CLASS_RE = re.compile(r"[^a-z0-9-]+")


@dataclass(frozen=True, slots=True)
class Mark:
    """One highlight: ``text[start:end]`` is a finding of ``kind``.

    ``variant`` refines the kind for styling (actor kind, claim status, event mode);
    ``label`` is the short accessible name ("quote by Ilham Aliyev");
    ``note`` is the longer explanation shown on hover and keyboard focus.
    """

    start: int
    end: int
    kind: str
    variant: str = ""
    label: str = ""
    note: str = ""
    ref: str = ""
    """Id of the finding (e.g. ``quote-0``) so that the page can link to its card."""


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of text with the marks that cover it, outermost first."""

    start: int
    end: int
    marks: tuple[Mark, ...]


def css_class(value: str) -> str:
    """``value`` reduced to a safe CSS class name fragment (``[a-z0-9-]``)."""
    return _CLASS_RE.sub("-", value.lower()).strip("-")[:40]


def _order(mark: Mark) -> tuple[int, int, int]:
    kind_rank = KINDS.index(mark.kind) if mark.kind in KINDS else len(KINDS)
    return (mark.start, -mark.end, kind_rank)


def clip(marks: Iterable[Mark], length: int) -> list[Mark]:
    """The marks that lie (after clipping) inside a text of ``length``, sorted outermost first."""
    kept: list[Mark] = []
    for m in marks:
        start, end = max(0, m.start), min(length, m.end)
        if start < end:
            kept.append(Mark(start, end, m.kind, m.variant, m.label, m.note, m.ref))
    return sorted(kept, key=_order)


def segments(text: str, marks: Iterable[Mark]) -> list[Segment]:
    """Cut ``text`` at every mark boundary: each segment has a constant set of marks.

    One sweep over the sorted marks: the active list only grows by marks that start at the
    cut (all later than those already active), so it stays in outermost-first order.
    """
    ordered = clip(marks, len(text))
    cuts = sorted({0, len(text), *(m.start for m in ordered), *(m.end for m in ordered)})
    starting: dict[int, list[Mark]] = {}
    for m in ordered:
        starting.setdefault(m.start, []).append(m)
    out: list[Segment] = []
    active: list[Mark] = []
    for start, end in pairwise(cuts):
        active = [m for m in active if m.end > start] + starting.get(start, [])
        out.append(Segment(start, end, tuple(active)))
    return out


def _open_tag(mark: Mark, first: bool) -> str:
    kind = css_class(mark.kind) or "finding"
    classes = f"hl hl-{kind}"
    if mark.variant:
        classes += f" hl-{kind}-{css_class(mark.variant)}"
    attrs = [f'class="{classes}"', f'data-kind="{escape(mark.kind)}"']
    if mark.ref:
        attrs.append(f'data-ref="{escape(mark.ref)}"')
    if first:
        attrs.append('tabindex="0"')
        attrs.append(f'data-symbol="{KIND_SYMBOLS.get(mark.kind, "?")}"')
        if mark.label:
            attrs.append(f'aria-label="{escape(mark.label)}"')
    else:
        attrs.append('data-continued="1"')
    return f"<mark {' '.join(attrs)}>"


def _note(mark: Mark) -> str:
    """The explanation, shown by CSS on hover and focus (the kind's letter is drawn by CSS
    from ``data-symbol``, so that copying the text does not copy it)."""
    return f'<span class="hl-note" role="tooltip">{escape(mark.note or mark.label)}</span>'


def render(text: str, marks: Iterable[Mark]) -> Markup:
    """``text`` as escaped HTML with each mark drawn as a ``<mark>`` element.

    Nested marks become nested elements; a mark that crosses another's boundary is closed and
    reopened. Newlines are kept (the container uses ``white-space: pre-wrap``).
    """
    parts: list[str] = []
    stack: list[Mark] = []
    started: set[int] = set()
    pending_notes: dict[int, Mark] = {}
    for seg in segments(text, marks):
        keep = 0
        while keep < len(stack) and keep < len(seg.marks) and stack[keep] is seg.marks[keep]:
            keep += 1
        while len(stack) > keep:
            closing = stack.pop()
            note = pending_notes.pop(id(closing), None)
            parts.append((_note(note) if note else "") + "</mark>")
        for mark in seg.marks[keep:]:
            first = id(mark) not in started
            started.add(id(mark))
            parts.append(_open_tag(mark, first))
            if first:
                pending_notes[id(mark)] = mark
            stack.append(mark)
        parts.append(str(escape(text[seg.start:seg.end])))
    while stack:
        closing = stack.pop()
        note = pending_notes.pop(id(closing), None)
        parts.append((_note(note) if note else "") + "</mark>")
    return Markup("".join(parts))


def _actor_marks(article: Article) -> list[Mark]:
    out: list[Mark] = []
    for actor in article.actors:
        label = f"actor {actor.name} ({actor.kind})"
        note = f"{actor.name}: {actor.kind}, id {actor.id}"
        if actor.belongs_to:
            note += f", part of {actor.belongs_to}"
        if actor.role:
            note += f", {actor.role}"
        for m in actor.mentions:
            out.append(Mark(m.start, m.end, "actor", actor.kind, label, note, f"actor-{actor.id}"))
    return out


def _quote_marks(article: Article) -> list[Mark]:
    out: list[Mark] = []
    for i, q in enumerate(article.quotes):
        who = q.speaker.name or (q.speaker.text.text if q.speaker.text else None)
        who = who or (f"{q.speaker.vague} source" if q.speaker.vague else "unknown speaker")
        label = f"{q.kind} quote by {who}"
        note = label + (f", {q.speaker.descriptor.text}" if q.speaker.descriptor else "")
        note += f", told to {q.outlet.text}" if q.outlet else ""
        pieces = q.parts or (q.content,)
        out.extend(Mark(p.start, p.end, "quote", q.kind, label, note, f"quote-{i}")
                   for p in pieces)
    return out


def _claim_marks(article: Article) -> list[Mark]:
    out: list[Mark] = []
    for i, c in enumerate(article.claims):
        status = ", ".join(c.status) or "claim"
        source = c.source.name or c.source.kind
        note = f"claim ({status}), source: {source}"
        variant = c.status[0] if c.status else ""
        out.append(Mark(c.span.start, c.span.end, "claim", variant, f"claim, {status}", note,
                        f"claim-{i}"))
    return out


def _event_marks(article: Article) -> list[Mark]:
    out: list[Mark] = []
    for i, e in enumerate(article.events):
        pair = f"{e.source or '?'} → {e.target or '?'}"
        note = (f"event {e.category} ({e.quad_class.replace('_', ' ')}, {e.mode}), {pair}, "
                f"intensity {e.intensity:g}")
        t = e.evidence.trigger
        out.append(Mark(t.start, t.end, "event", e.mode, f"event {e.category}, {e.mode}", note,
                        f"event-{i}"))
    return out


def _technique_marks(article: Article) -> list[Mark]:
    out: list[Mark] = []
    for i, t in enumerate(article.techniques):
        name = t.technique.replace("_", " ")
        note = f"{name}: {t.explanation}" if t.explanation else name
        out.append(Mark(t.span.start, t.span.end, "technique", t.technique,
                        f"technique {name}", note, f"technique-{i}"))
    return out


def article_marks(article: Article, kinds: Sequence[str] = KINDS) -> list[Mark]:
    """Every finding of ``article`` of the given kinds as marks (events by their trigger)."""
    builders = {"actor": _actor_marks, "quote": _quote_marks, "claim": _claim_marks,
                "event": _event_marks, "technique": _technique_marks}
    out: list[Mark] = []
    for kind in kinds:
        out.extend(builders[kind](article))
    return out


def render_article(article: Article, kinds: Sequence[str] = KINDS) -> Markup:
    """The article's text as escaped HTML with its findings highlighted in place."""
    return render(article.text, article_marks(article, kinds))
