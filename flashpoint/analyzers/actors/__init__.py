"""Actors: who is involved, with metonyms, demonyms, leaders, organisations and regions resolved.

Every mention is resolved to a canonical actor (ISO alpha-3 ids for states, ``igo:``,
``org:``, ``co:``, ``media:``, ``group:``, ``region:`` and ``person:`` ids from the gazetteer,
see :mod:`flashpoint.analyzers.actors.gazetteer`) and says how it was recognised
(``via``). The passes, in order, each claiming tokens so that no two mentions overlap:

1. gazetteer matches (names, aliases, capitals and seats, demonyms, leaders, organisations,
   regions), longest first; capitals and seats count only where the parse makes them agents
   (:func:`~flashpoint.analyzers.actors.roles.is_agent`); leaders resolve by the article date;
2. titled names ("President Aliyev", "Foreign Minister Jane Roe") and spaCy PERSON entities;
3. demonyms and state names modifying a noun: an actor-like head ("Azerbaijani media",
   "Russian authorities", "US officials") makes a derived actor ``AZE/media`` belonging to
   the state; a role ("the Russian president") resolves to the office-holder at the date;
   any other head ("Turkish missile") is a mention of the state with ``head`` kept;
4. other spaCy ORG entities (organisations) and plural NORP nouns (groups);
5. coreference: surnames, pronouns, bare roles ("the president") and "the alliance".

Options (:class:`ActorsOptions`): ``gazetteer`` (path of a user CSV merged over the
shipped tables; loaded, and checked, when the pipeline is built).
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from spacy.tokens import Doc, Token

from ...model import Actor, ActorKind, Via
from ...nlp import entities
from ...pipeline import AnalysisInput, Analyzer
from . import coref as actors_coref
from . import gazetteer as gz
from . import roles as actors_roles
from .found import Found
from .people import (
    NO_ENTRY,
    ner_person_pass,
    owner_before,
    slug,
    speaker_pass,
    title_pass,
    title_roles,
)
from .roles import (
    HEAD_GROUPS,
    ROLE_NOUNS,
    head_phrase,
    is_agent,
)

# -- pass 1: gazetteer -----------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Modifier:
    """A demonym or state name that modifies a noun, handled after people are known."""

    start: int
    end: int
    state: str
    via: Via


def _ent_label(doc: Doc, start: int, end: int) -> str:
    labels = {t.ent_type_ for t in doc[start:end]}
    return labels.pop() if len(labels) == 1 else ""


def _inside_bigger_person(doc: Doc, start: int, end: int) -> bool:
    """Whether tokens ``start:end`` are part of a longer PERSON name ("Israel Katz")."""
    for t in doc[start:end]:
        ent = entities(doc).at_token(t.i)
        if ent is None:
            continue
        words = [w for w in ent if not w.is_punct and w.text not in ("'s", "’s")]
        if words and (words[0].i < start or words[-1].i >= end):
            return True
    return False


def _first_words(gaz: gz.Gazetteer) -> Collection[str]:
    """The first words of the gazetteer's alias keys (kept by the gazetteer as it grows)."""
    return gaz.firsts.keys()


def gazetteer_pass(doc: Doc, found: Found, words: list[str]) -> list[Modifier]:
    """Longest acceptable gazetteer match at each token, left to right."""
    modifiers: list[Modifier] = []
    firsts = _first_words(found.gaz)
    i, n = 0, len(words)
    while i < n:
        if words[i] not in firsts:  # no alias starts here
            i += 1
            continue
        for j in range(min(n, i + found.gaz.max_len), i, -1):
            aliases = found.gaz.index.get(tuple(words[i:j]))
            if aliases and _take(doc, found, aliases, i, j, modifiers):
                i = j
                break
        else:
            i += 1
    return modifiers


def _take(doc: Doc, found: Found, aliases: list[gz.Alias], i: int, j: int,
          modifiers: list[Modifier]) -> bool:
    """Handle one candidate match; False when no alias fits the text here."""
    gaz = found.gaz
    span = doc[i:j]
    label = _ent_label(doc, i, j)
    ok = [a for a in aliases if gaz.accepts(a, span.text, label)]
    if j - i > 1 and doc[j - 1].is_lower and _modifier_of_next(doc[j - 1]):
        ok = [a for a in ok if a.via != "org"]  # "Azerbaijani military analyst"
    if any(a.exact for a in ok) and _shouting(doc, i, j):
        ok = [a for a in ok if not a.exact]  # "IS" in an all-capitals headline
    if not ok:
        return False
    people = [a for a in ok if gaz.entries.get(a.entry, NO_ENTRY).kind == "person"]
    if people and len(people) == len(ok):
        pid = gaz.pick_person([a.entry for a in people], found.day, title_roles(doc, i))
        if pid is not None:
            found.mention(doc, i, j, found.known(pid), "leader")
        return pid is not None
    alias = next(a for a in ok if a not in people)
    kind = gaz.entries.get(alias.entry, NO_ENTRY).kind
    if kind in ("state", "region") and label == "PERSON" and _inside_bigger_person(doc, i, j):
        return False
    _dispatch(doc, found, alias, i, j, modifiers)
    return True


def _shouting(doc: Doc, i: int, j: int) -> bool:
    """Whether the words around tokens ``i:j`` are written in capitals too."""
    near = [t for t in doc[max(0, i - 2) : j + 2] if t.is_alpha and not i <= t.i < j]
    return bool(near) and all(t.is_upper and len(t) > 1 for t in near)


def _modifier_of_next(tok: Token) -> bool:
    return (tok.dep_ in ("amod", "compound") and tok.head.i == tok.i + 1
            and tok.head.pos_ in ("NOUN", "PROPN"))


def _dispatch(doc: Doc, found: Found, alias: gz.Alias, i: int, j: int,
              modifiers: list[Modifier]) -> None:
    entry = found.gaz.entries.get(alias.entry)
    kind = entry.kind if entry else "organization"
    if alias.via in ("capital", "seat"):
        if is_agent(doc[i:j]):
            found.mention(doc, i, j, found.known(alias.entry), alias.via)
        else:
            found.taken |= set(range(i, j))  # a place: not an actor, not to be re-read
            found.places.update(dict.fromkeys(range(i, j), alias.entry))
        return
    if kind == "state" and _modifies_noun(doc[j - 1]):
        modifiers.append(Modifier(i, j, alias.entry, alias.via))
        return
    if alias.via == "demonym":
        modifiers.append(Modifier(i, j, alias.entry, alias.via))
        return
    found.mention(doc, i, j, found.known(alias.entry), alias.via)


def _modifies_noun(tok: Token) -> bool:
    return head_phrase(tok) is not None


# -- pass 3: demonyms and state modifiers --------------------------------------------------

def modifier_pass(doc: Doc, found: Found, modifiers: list[Modifier]) -> None:
    gaz = found.gaz
    for m in modifiers:
        tok = doc[m.end - 1]
        state_actor = found.known(m.state)
        phrase = head_phrase(tok)
        if phrase is None:  # "the Russians said", a bare demonym
            found.mention(doc, m.start, m.end, state_actor, m.via)
            continue
        head, head_i = phrase
        if found.actors[state_actor].kind != "state":  # "Western governments": no sub-groups
            found.mention(doc, m.start, m.end, state_actor, m.via, _head_text(doc, m.end, head_i))
            continue
        named = _names_follow(doc, found, head_i)
        shared = _shares_head(doc, found, m.end, head_i)  # "Russian and Ukrainian negotiators"
        free = shared or not _head_taken(found, m.end, head_i)
        if head in ROLE_NOUNS and _predicative(doc[head_i]):
            named = True  # a description of someone, not a reference: the state, head kept
        if head in ROLE_NOUNS and not named and not shared and free:
            holders = gaz.holders(m.state, ROLE_NOUNS[head], found.day)
            pid = gaz.pick_person(holders, found.day, ROLE_NOUNS[head]) if holders else None
            if pid is not None:
                found.mention(doc, m.start, head_i + 1, found.known(pid), "leader")
                continue
        group = HEAD_GROUPS.get(head) or HEAD_GROUPS.get(doc[head_i].lower_)
        span_end = m.end if shared else head_i + 1
        if group is not None and not named and free:
            suffix, kind = group
            base = gaz.demonyms.get(m.state) or doc[m.start:m.end].text
            aid = gaz.tagged(m.state, suffix) or found.actor(
                f"{m.state}/{suffix}", f"{base} {suffix}", cast(ActorKind, kind), m.state)
            found.known(aid)
            if found.mention(doc, m.start, span_end, aid, m.via, doc[head_i].text):
                continue
        found.mention(doc, m.start, m.end, state_actor, m.via, _head_text(doc, m.end, head_i))


def _predicative(head: Token) -> bool:
    """A role noun that describes rather than refers ("was sworn in as Pakistan's premier")."""
    return head.dep_ in ("attr", "oprd") or (head.dep_ == "pobj" and head.head.lower_ == "as")


def _shares_head(doc: Doc, found: Found, end: int, head_i: int) -> bool:
    """Whether another modifier or a conjunction stands between a demonym and its head."""
    return any(t.dep_ == "cc" or t.text == "," or t.i in found.owners or t.i in found.by_token
               for t in doc[end:head_i])


def _head_text(doc: Doc, end: int, head_i: int) -> str:
    return doc[end : head_i + 1].text.lstrip("'’s ").strip() or doc[head_i].text


def _names_follow(doc: Doc, found: Found, head_i: int) -> bool:
    """Whether the head noun is a title before a name ("Russian President Vladimir Putin",
    "Nigeria's foreign minister, Yusuf Tuggar,")."""

    def is_person(i: int) -> bool:
        return i < len(doc) and (doc[i].ent_type_ == "PERSON" or (
            i in found.by_token and found.actors[found.by_token[i]].kind == "person"))

    nxt = head_i + 1
    if is_person(nxt) or (nxt < len(doc) and doc[nxt].text == "," and is_person(nxt + 1)):
        return True
    head = doc[head_i]
    if any(c.dep_ == "appos" and is_person(c.i) for c in head.children):
        return True
    return head.dep_ == "compound" and head.head.ent_type_ == "PERSON"


def _head_taken(found: Found, start: int, head_i: int) -> bool:
    return any(k in found.taken for k in range(start, head_i + 1))


# -- pass 4: other named entities -----------------------------------------------------------

def other_entities_pass(doc: Doc, found: Found) -> None:
    for ent in doc.ents:
        if ent.label_ not in ("ORG", "NORP") or ent.start in found.headlines:
            continue
        start, end = ent.start, ent.end
        while start < end and doc[start].lower_ in ("the", "a", "an"):
            start += 1
        while end > start and (doc[end - 1].is_punct or doc[end - 1].text in ("'s", "’s")):
            end -= 1
        if end <= start or end - start > 6 or any(k in found.taken for k in range(start, end)):
            continue
        text = doc[start:end].text
        if not text[:1].isupper() or not any(c.isalpha() for c in text):
            continue
        if ent.label_ == "ORG" and doc[start].lower_ not in ("operation", "exercise"):
            owner = owner_before(doc, found, start) or _owner_after(doc, found, end)
            prefix = f"org:{slug(owner)}-" if owner else "org:"
            aid = found.actor(prefix + slug(text), text, "organization", owner)
            found.mention(doc, start, end, aid, "name")
        elif doc[end - 1].tag_ in ("NNPS", "NNS"):
            aid = found.actor("group:" + slug(text), text, "group")
            found.mention(doc, start, end, aid, "name")


def _owner_after(doc: Doc, found: Found, end: int) -> str | None:
    """ "the Foreign Ministry in Moscow", "the parliament of Georgia": the state named after."""
    if end + 1 >= len(doc) or doc[end].lower_ not in ("in", "of"):
        return None
    k = end + 1
    if k in found.places:
        return found.places[k]
    actor = found.actors.get(found.by_token.get(k, ""))
    return actor.id if actor is not None and actor.kind == "state" else None


# -- the analyzer ---------------------------------------------------------------------------

_SMALL = frozenset({"a", "an", "the", "of", "in", "on", "to", "for", "and", "or", "with", "at",
                    "by", "is", "as", "from", "vs", "but", "be"})


def headline_tokens(doc: Doc) -> set[int]:
    """Tokens on lines written in title case ("War Between Russia and Azerbaijan Unlikely")."""
    out: set[int] = set()
    line: list[Token] = []
    for tok in [*doc, None]:
        if tok is None or "\n" in tok.text_with_ws:
            if tok is not None:
                line.append(tok)
            words = [t for t in line if t.is_alpha and t.lower_ not in _SMALL]
            if len(words) >= 3 and sum(t.text[:1].isupper() for t in words) >= 0.8 * len(words):
                out.update(t.i for t in line)
            line = []
        else:
            line.append(tok)
    return out


@functools.lru_cache(maxsize=65536)
def _normalised(word: str) -> str:
    """:func:`gz.normalise` of one token's text, memoised (the same words recur)."""
    return gz.normalise(word)


def find_actors(doc: Doc, day: date | None, user_gazetteer: str | None = None
                ) -> tuple[Actor, ...]:
    """Every actor mentioned in ``doc`` (a parsed article), resolved at ``day``."""
    gaz = gz.load(user_gazetteer)
    found = Found(gaz, day)
    words = [_normalised(t.text) for t in doc]
    found.headlines = headline_tokens(doc)
    modifiers = gazetteer_pass(doc, found, words)
    found.owners = {k: m.state for m in modifiers for k in range(m.start, m.end)}
    title_pass(doc, found)
    ner_person_pass(doc, found)
    speaker_pass(doc, found)
    modifier_pass(doc, found, modifiers)
    other_entities_pass(doc, found)
    actors_coref.resolve(doc, found)
    return found.result()


@dataclass(frozen=True, slots=True)
class ActorsOptions:
    """Options of ``actors.v1``."""

    gazetteer: str | None = None
    """Path of a user gazetteer CSV merged over the shipped tables (``--gazetteer``)."""


def prepare(options: ActorsOptions) -> None:
    """Load the gazetteer when the pipeline is built, so a bad file stops the run there."""
    gz.load(options.gazetteer)


def actors(inp: AnalysisInput) -> Mapping[str, Any]:
    day = gz.parse_day(inp.article.metadata.published)
    return {"actors": find_actors(inp.doc, day, inp.options_as(ActorsOptions).gazetteer)}


ANALYZER = Analyzer(
    name="actors.v1",
    func=actors,
    produces=("actors",),
    requires=frozenset({"doc"}),
    options=ActorsOptions,
    prepare=prepare,
    description="Actors with canonical ids: states (ISO alpha-3), organisations, people, "
    "regions; metonyms, demonyms, leaders at the article date, coreference.",
)

__all__ = ["ANALYZER", "ActorsOptions", "actors", "actors_roles", "find_actors"]
