"""The state of one actors pass over an article (:class:`Found`), shared by the pass modules.

It lives here, below the passes (``people``, ``coref``) and the analyzer, so that they
import it without an import cycle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from spacy.tokens import Doc

from ...model import Actor, ActorKind, ActorMention, Via
from . import gazetteer as gz


@dataclass(slots=True)
class Found:
    """Actors and mentions collected while reading one article."""

    gaz: gz.Gazetteer
    day: date | None
    actors: dict[str, Actor] = field(default_factory=dict)
    mentions: dict[str, list[ActorMention]] = field(default_factory=dict)
    taken: set[int] = field(default_factory=set)
    by_token: dict[int, str] = field(default_factory=dict)
    """Token index -> actor id, for every token inside a mention."""
    owners: dict[int, str] = field(default_factory=dict)
    """Token index -> state id, for demonyms/state names still waiting for pass 3."""
    headlines: set[int] = field(default_factory=set)
    """Tokens on title-case lines, where spaCy's NER guesses are not trusted."""
    places: dict[int, str] = field(default_factory=dict)
    """Token index -> state id, for capitals and seats read as places (no mention)."""

    def actor(self, aid: str, name: str, kind: ActorKind, belongs_to: str | None = None,
              role: str | None = None) -> str:
        if aid not in self.actors:
            self.actors[aid] = Actor(id=aid, name=name, kind=kind, belongs_to=belongs_to,
                                     role=role)
        return aid

    def known(self, aid: str) -> str:
        """Register a gazetteer entry (or person) as an actor of this article."""
        if aid in self.actors:
            return aid
        entry = self.gaz.entries.get(aid)
        if entry is None:
            return self.actor(aid, aid, "organization")
        if entry.kind == "person":
            role = next((t.role for t in self.gaz.terms_of(aid) if _on(t, self.day)), None)
            return self.actor(aid, entry.name, "person", self.gaz.state_of(aid, self.day), role)
        return self.actor(aid, entry.name, entry.kind, entry.belongs_to)

    def mention(self, doc: Doc, start: int, end: int, aid: str, via: Via,
                head: str | None = None) -> bool:
        """Record tokens ``start:end`` as a mention of ``aid``; False if any is taken."""
        toks = set(range(start, end))
        if not toks or toks & self.taken:
            return False
        span = doc[start:end]
        self.mentions.setdefault(aid, []).append(
            ActorMention(span.start_char, span.end_char, span.text, via, head))
        self.taken |= toks
        for i in toks:
            self.by_token[i] = aid
        return True

    def result(self) -> tuple[Actor, ...]:
        out = []
        for aid, actor in self.actors.items():
            ms = tuple(sorted(self.mentions.get(aid, ()), key=lambda m: (m.start, m.end)))
            if ms:
                out.append(Actor(id=actor.id, name=actor.name, kind=actor.kind,
                                 belongs_to=actor.belongs_to, mentions=ms, role=actor.role))
        return tuple(sorted(out, key=lambda a: (a.mentions[0].start, a.id)))


def _on(term: gz.Term, day: date | None) -> bool:
    return term.end is None if day is None else term.covers(day)
