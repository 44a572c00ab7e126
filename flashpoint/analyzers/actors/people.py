"""People for the ``actors`` analyzer: titled names, spaCy PERSON entities, speakers.

A name after a title ("President Aliyev", "Foreign Minister Jane Roe") or tagged PERSON by
spaCy is looked up in the office-holder table (``via="leader"``; a surname resolves by the
article's date and the title); a lone surname that ends the name of someone already found is
``coreference``; anyone else is a new ``person:<slug>`` actor (``via="name"``), owned by a
demonym or state just before the name ("Azerbaijani military analyst Aqil Rustamzade").
Capitalised subjects of speech verbs that spaCy did not tag ("Karim insists") count too.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc
from unidecode import unidecode

from . import coref as actors_coref
from . import gazetteer as gz
from .found import Found
from .roles import ROLE_OF_TITLE, TITLE_FIRSTS, TITLE_MAX, TITLES

_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """A lower-case ASCII id fragment: "Aqil Rustamzade" -> "aqil-rustamzade"."""
    return _SLUG.sub("-", unidecode(text).lower()).strip("-") or "x"


NO_ENTRY = gz.Entry("", "", "organization")
"""Stand-in for ids the gazetteer does not know."""


def title_roles(doc: Doc, start: int) -> tuple[str, ...]:
    """Roles implied by a title just before token ``start`` ("President", "Foreign Minister").

    An appositive comma is skipped: "the foreign minister, Jane Roe".
    """
    if start > 0 and doc[start - 1].text == ",":
        start -= 1
    for n in range(TITLE_MAX, 0, -1):
        if start - n < 0:
            continue
        key = tuple(t.lower_ for t in doc[start - n : start])
        if key in TITLES:
            return TITLES[key]
    return ()


def _name_run(doc: Doc, start: int) -> int:
    """End of the run of capitalised name tokens starting at ``start``."""
    end = start
    while end < len(doc) and end - start < 5:
        t = doc[end]
        capital = t.text[:1].isupper()
        if t.is_title or (t.is_upper and len(t) > 1) or (t.pos_ == "PROPN" and capital):
            if t.lower_ in ("and", "of", "'s") or t.is_punct:
                break
            end += 1
        elif t.text == "-" and end + 1 < len(doc) and doc[end + 1].is_title and end > start:
            end += 2
        else:
            break
    return end


def title_pass(doc: Doc, found: Found) -> None:
    """Names after titles: "President Aliyev", "Foreign Minister Jane Roe".

    The lower-cased words are read once per document and a title is looked up only at a
    capitalised word that can start one (most tokens are neither).
    """
    lowers: list[str] = []
    starts: list[bool] = []
    for t in doc:
        lowers.append(t.lower_)
        starts.append(t.text[:1].isupper() and t.lower_ in TITLE_FIRSTS)
    i = 0
    while i < len(lowers):
        hit = None
        for n in range(TITLE_MAX, 0, -1) if starts[i] else ():
            key = tuple(lowers[i : i + n])
            if len(key) == n and key in TITLES:
                hit = (n, TITLES[key])
                break
        if hit is None:
            i += 1
            continue
        n, roles = hit
        start = i + n
        end = _name_run(doc, start)
        if end > start and _looks_like_name(doc, found, start, end):
            _person(doc, found, start, end, roles, titled=True)
        i = max(end, i + 1)


NOT_NAMES = frozenset({
    "office", "department", "ministry", "council", "house", "assembly", "committee", "motors",
    "staff", "administration", "cabinet", "palace", "residence", "election", "elections",
    "decree", "said", "says", "and", "of", "the", "on", "in", "for", "to", "has", "is", "was",
})


def _looks_like_name(doc: Doc, found: Found, start: int, end: int,
                     labels: tuple[str, ...] = ("", "PERSON", "NORP")) -> bool:
    """Tokens after a title that can be a person's name (not "General Assembly")."""
    toks = doc[start:end]
    if any(t.i in found.taken or t.i in found.owners for t in toks):
        return False
    if any(t.lower_ in NOT_NAMES for t in toks):
        return False
    return all(t.ent_type_ in labels for t in toks)


def _person(doc: Doc, found: Found, start: int, end: int, roles: tuple[str, ...],
            titled: bool) -> None:
    gaz = found.gaz
    text = doc[start:end].text
    cands = {a.entry for a in gaz.lookup(text) if gaz.entries.get(a.entry, NO_ENTRY).kind
             == "person"}
    if not cands and titled:
        cands = set(gaz.surnames.get(gz.surname_key(text), set()))
        if end - start > 1:  # a full name must agree on the first name too
            first = gz.normalise(doc[start].text)
            cands = {p for p in cands if gz.normalise(gaz.entries[p].name).startswith(first)}
    pid = gaz.pick_person(cands, found.day, roles) if cands else None
    if pid is not None:
        found.mention(doc, start, end, found.known(pid), "leader")
        return
    earlier = actors_coref.same_surname(found, text) if end - start == 1 else None
    if earlier is not None:
        found.mention(doc, start, end, earlier, "coreference")
        return
    aid = "person:" + slug(text)
    state = owner_before(doc, found, start)
    role = ROLE_OF_TITLE.get(roles[0]) if roles else None
    found.actor(aid, text, "person", state, role)
    found.mention(doc, start, end, aid, "name")


def owner_before(doc: Doc, found: Found, start: int) -> str | None:
    """A demonym/state modifying the noun phrase that ends in the name at ``start``."""
    for k in range(start - 1, max(-1, start - 8), -1):
        t = doc[k]
        if t.text == "," and k == start - 1 and k > 0 and doc[k - 1].pos_ == "NOUN":
            continue  # "Nigeria's foreign minister, Yusuf Tuggar"
        if (t.is_punct and t.text not in ("-",)) or t.pos_ in ("VERB", "AUX", "ADP", "SCONJ"):
            return None
        if k in found.by_token:
            aid = found.by_token[k]
            actor = found.actors.get(aid)
            if actor is not None and actor.kind == "state":
                return aid
            return actor.belongs_to if actor is not None else None
        if k in found.owners:
            return found.owners[k]
    return None


def ner_person_pass(doc: Doc, found: Found) -> None:
    for ent in doc.ents:
        if ent.label_ != "PERSON" or ent.start in found.headlines:
            continue
        if ent[-1].pos_ != "PROPN" or (len(ent) == 1 and ent[0].tag_ in ("NNPS", "NNS")):
            continue
        start, end = ent.start, ent.end
        while start < end and (doc[start].is_punct or doc[start].lower_ in ("the", "'s")):
            start += 1
        while end > start and (doc[end - 1].text in ("'s", "’s", "'") or doc[end - 1].is_punct):
            end -= 1
        if end <= start or any(k in found.taken or k in found.owners for k in range(start, end)):
            continue
        if not doc[start].text[:1].isupper():
            continue
        _person(doc, found, start, end, title_roles(doc, start), titled=False)


SPEECH_VERBS = frozenset({
    "say", "tell", "add", "insist", "claim", "argue", "deny", "explain", "warn", "note",
    "believe", "announce", "write", "reply", "respond", "stress", "admit", "acknowledge",
    "confirm", "suggest", "urge", "recall", "predict", "conclude", "complain", "ask",
})


def speaker_pass(doc: Doc, found: Found) -> None:
    """Capitalised names spaCy did not tag, as subjects of speech verbs ("Lyons said")."""
    for tok in doc:
        if (tok.dep_ != "nsubj" or not tok.is_title or tok.i in found.headlines
                or tok.head.lemma_.lower() not in SPEECH_VERBS
                or tok.ent_type_ not in ("", "GPE") or tok.tag_ in ("NNS", "NNPS")):
            continue
        if tok.pos_ != "PROPN" and (tok.is_sent_start or tok.pos_ != "NOUN"):
            continue
        start = tok.i
        while start > 0 and doc[start - 1].dep_ == "compound" and doc[start - 1].is_title \
                and doc[start - 1].pos_ == "PROPN" and tok.i - start < 3:
            start -= 1
        if _looks_like_name(doc, found, start, tok.i + 1, ("", "GPE")):
            _person(doc, found, start, tok.i + 1, title_roles(doc, start), titled=False)
