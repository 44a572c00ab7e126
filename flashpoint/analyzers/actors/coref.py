"""Coreference for the ``actors`` analyzer: surnames, pronouns, bare roles, "the alliance".

Deliberately conservative: a later mention resolves only when exactly one candidate fits.

* a lone surname ("Rustamzade") resolves to the one person of the article whose name ends
  with it;
* a personal pronoun (he, she, him, her, his) resolves to the one person mentioned in the
  same or the previous sentence before it (people named inside a quotation do not count
  for a pronoun outside it: in ``"... President Aliyev ...," he added`` the speaker is not
  Aliyev);
* "the president", "the prime minister", "the foreign minister" ... resolve to the one
  person of the article known (from the office-holder table at the article's date, or from
  a title) to hold that office;
* "the alliance" and "the bloc" resolve to the last alliance or bloc named before.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

from . import gazetteer as gz
from .found import Found
from .roles import ROLE_NOUNS, ROLE_OF_TITLE

PRONOUNS = frozenset({"he", "she", "him", "her", "his", "hers", "himself", "herself"})
BACK_REFERENCES = {"alliance": "alliance", "bloc": "bloc", "union": "bloc"}
_QUOTED = re.compile(r"“[^”\n]{1,2000}”|\"[^\"\n]{1,2000}\"|«[^»\n]{1,2000}»")


def same_surname(found: Found, surname: str) -> str | None:
    """The one person already found whose name ends with ``surname``."""
    key = gz.normalise(surname)
    hits = {a.id for a in found.actors.values() if a.kind == "person" and a.id in found.mentions
            and gz.normalise(a.name).split(" ")[-1] == key and gz.normalise(a.name) != key}
    return hits.pop() if len(hits) == 1 else None


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _QUOTED.finditer(text)]


def _inside(spans: list[tuple[int, int]], pos: int) -> tuple[int, int] | None:
    return next(((s, e) for s, e in spans if s <= pos < e), None)


def _people_before(found: Found, lo: int, hi: int) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for aid, ms in found.mentions.items():
        actor = found.actors.get(aid)
        if actor is None or actor.kind != "person":
            continue
        out.extend((m.start, aid) for m in ms if lo <= m.start < hi)
    return sorted(out)


def resolve(doc: Doc, found: Found) -> None:
    """Add coreference mentions to ``found`` (in place)."""
    quotes = _quoted_spans(doc.text)
    sents = list(doc.sents)
    starts = [0, 0]
    for sent in sents:
        prev_start = starts[-2]
        for tok in sent:
            if tok.i in found.taken:
                continue
            low = tok.lower_
            if low in PRONOUNS and tok.pos_ == "PRON":
                _pronoun(doc, found, tok.i, prev_start, quotes)
            elif low == "the":
                _definite(doc, found, tok.i)
        starts.append(sent.start_char)


def _pronoun(doc: Doc, found: Found, i: int, lo: int, quotes: list[tuple[int, int]]) -> None:
    pos = doc[i].idx
    here = _inside(quotes, pos)
    cands = {aid for start, aid in _people_before(found, lo, pos)
             if _inside(quotes, start) in (None, here)}
    if len(cands) == 1:
        found.mention(doc, i, i + 1, cands.pop(), "coreference")


def _definite(doc: Doc, found: Found, i: int) -> None:
    """ "the president", "the alliance": tokens after ``the`` at index ``i``."""
    for n in (2, 1):
        if i + 1 + n > len(doc):
            continue
        words = " ".join(t.lower_ for t in doc[i + 1 : i + 1 + n])
        nxt = doc[i + 1 + n] if i + 1 + n < len(doc) else None
        if words not in ROLE_NOUNS and words not in BACK_REFERENCES:
            continue
        if words in ROLE_NOUNS and nxt is not None and nxt.lower_ == "of":
            _role_of_state(doc, found, i + 1, i + 1 + n, ROLE_NOUNS[words])
            return
        if nxt is not None and (nxt.pos_ == "PROPN" or nxt.ent_type_ == "PERSON"):
            return
        if words in ROLE_NOUNS:
            _role(doc, found, i + 1, i + 1 + n, ROLE_NOUNS[words])
            return
        if n == 1 and words in BACK_REFERENCES:
            _back_reference(doc, found, i + 1, BACK_REFERENCES[words])
            return


def _role_of_state(doc: Doc, found: Found, start: int, end: int,
                   roles: tuple[str, ...]) -> None:
    """ "the president of Azerbaijan": the office-holder of that state at the date."""
    state_i = end + 1
    if state_i >= len(doc) or state_i not in found.by_token:
        return
    state = found.by_token[state_i]
    actor = found.actors.get(state)
    after = state_i + 1
    while after < len(doc) and after in found.by_token and found.by_token[after] == state:
        after += 1
    if actor is None or actor.kind not in ("state", "igo"):
        return
    if after < len(doc) and (doc[after].ent_type_ == "PERSON" or after in found.by_token):
        return  # "the president of Azerbaijan Ilham Aliyev": the name is its own mention
    holders = found.gaz.holders(state, roles, found.day)
    pid = found.gaz.pick_person(holders, found.day, roles) if holders else None
    if pid is not None:
        found.mention(doc, start, end, found.known(pid), "leader")


def _role(doc: Doc, found: Found, start: int, end: int, roles: tuple[str, ...]) -> None:
    pos = doc[start].idx
    cands = set()
    for aid, actor in found.actors.items():
        if actor.kind != "person" or not any(m.start < pos for m in found.mentions.get(aid, ())):
            continue
        live = [t for t in found.gaz.terms_of(aid) if found.day is None or t.covers(found.day)]
        held = {actor.role} | {t.role for t in live} | {t.title for t in live}
        if not live and actor.role is not None:
            held |= {t for t, r in ROLE_OF_TITLE.items() if r == actor.role}
        if set(roles) & held:
            cands.add(aid)
    if len(cands) == 1:
        found.mention(doc, start, end, cands.pop(), "coreference")


def _back_reference(doc: Doc, found: Found, i: int, tag: str) -> None:
    pos = doc[i].idx
    best: tuple[int, str] | None = None
    for aid, ms in found.mentions.items():
        entry = found.gaz.entries.get(aid)
        if entry is None or tag not in entry.tags:
            continue
        last = max((m.start for m in ms if m.start < pos), default=-1)
        if last >= 0 and (best is None or last > best[0]):
            best = (last, aid)
    if best is not None:
        found.mention(doc, i, i + 1, best[1], "coreference")
