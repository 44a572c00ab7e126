"""Who stands behind a claim: the kind of source named by a noun phrase.

Kinds: ``author`` (first person, or nobody else), ``person`` (a named or
identifiable individual), ``organization`` (states, governments, ministries,
companies, parties), ``outlet`` (a news medium), ``vague`` (a collective:
"media", "experts", "officials", "critics") and ``anonymous`` ("sources", "a
senior official who asked not to be named"). The actors analyzer, when it ran,
supplies the actor id and kind; the word lists below cover the rest.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from ...model import Actor, ClaimSource, Quote, SourceKind
from ...nlp import entities

REPORTING_VERBS = frozenset({
    "say", "tell", "claim", "allege", "state", "warn", "insist", "argue", "believe", "think",
    "announce", "accuse", "report", "note", "add", "explain", "write", "tweet", "post",
    "suggest", "assert", "contend", "maintain", "declare", "predict", "estimate", "confirm",
    "acknowledge", "admit", "stress", "emphasise", "emphasize", "reiterate", "fear", "suspect",
    "hint", "indicate", "reveal", "charge", "testify", "deny", "concede", "observe", "remark",
    "recall", "caution", "forecast", "expect", "agree", "conclude", "speculate", "assume",
    "consider", "doubt", "hope", "reckon", "signal", "vow", "pledge", "promise", "threaten",
    "urge", "demand", "describe", "complain", "boast", "brief", "inform", "quote", "cite",
    "mention", "point", "underline", "underscore", "affirm", "counter", "retort", "respond",
    "reply", "comment", "see", "feel", "told", "ask", "wonder", "question", "dismiss",
    "blame", "brand", "characterise", "characterize", "label", "condemn",
})
NP_REPORTS = frozenset({
    "accuse", "describe", "blame", "brand", "dismiss", "characterise", "characterize",
    "label", "deny", "claim", "condemn",
})
"""Reporting verbs whose content can be a noun phrase: "accused X of", "described X as"."""
HUMAN_NOUNS = frozenset({
    "farmer", "teacher", "doctor", "nurse", "soldier", "engineer", "worker", "student",
    "villager", "refugee", "mother", "father", "woman", "man", "survivor", "pilot", "driver",
    "fisherman", "shopkeeper", "trader", "businessman", "businesswoman", "priest", "imam",
    "monk", "veteran", "lawyer", "fighter", "militant", "rebel", "guard", "policeman",
    "volunteer", "medic", "surgeon", "miner", "voter", "citizen",
    "protester", "prisoner", "hostage", "mayor", "person", "defector", "historian",
})
VAGUE_HEADS = frozenset({
    "media", "press", "outlet", "report", "expert", "analyst", "observer", "official",
    "diplomat", "commentator", "critic", "pundit", "journalist", "reporter", "resident",
    "witness", "activist", "politician", "lawmaker", "legislator", "authority", "scholar",
    "academic", "researcher", "economist", "specialist", "insider", "voice", "circle",
    "people", "many", "some", "others", "western", "commentary", "blogger",
    "propagandist", "hawk", "supporter", "opponent", "leader", "government", "capital",
    "country", "state", "ally", "partner", "neighbour", "neighbor", "military", "strategist",
    "watcher", "voter", "citizen", "protester", "campaigner", "agency", "intelligence",
    "newspaper", "channel", "broadcaster", "source",
})
ANONYMOUS_WORDS = frozenset({
    "anonymous", "anonymity", "unnamed", "unidentified", "source", "sources", "insider",
    "insiders", "familiar", "undisclosed",
})
ROLE_NOUNS = frozenset({
    "spokesman", "spokeswoman", "spokesperson", "minister", "president", "ambassador",
    "general", "commander", "analyst", "expert", "official", "leader", "chief", "secretary",
    "envoy", "adviser", "advisor", "director", "head", "chairman", "chairwoman", "chair",
    "governor", "mayor", "senator", "deputy", "colonel", "officer", "diplomat", "professor",
    "researcher", "economist", "journalist", "reporter", "editor", "negotiator", "premier",
    "chancellor", "king", "prince", "emir", "sheikh", "commissioner", "representative",
    "lawmaker", "legislator", "prosecutor", "judge", "candidate", "politician", "activist",
    "witness", "resident", "source", "aide", "strategist", "author", "scholar", "founder",
    "ceo", "executive", "admiral", "marshal", "attache", "consul", "counsellor", "counselor",
    "speaker", "mp", "lieutenant", "captain", "major", "sergeant", "observer", "commentator",
}) | HUMAN_NOUNS
ORG_HEADS = frozenset({
    "ministry", "government", "kremlin", "army", "military", "office", "department",
    "council", "committee", "parliament", "party", "embassy", "administration", "pentagon",
    "company", "group", "alliance", "union", "command", "court", "regime", "cabinet",
    "presidency", "bank", "commission", "service", "navy", "force", "forces", "staff",
    "secretariat", "directorate", "bureau", "institute", "organisation", "organization",
    "coalition", "bloc", "movement", "authority", "agency", "mission", "corporation", "firm",
    "fund", "board", "assembly", "senate", "congress", "duma", "knesset", "majlis",
    "legislature", "leadership", "junta", "opposition", "rebels", "militia", "operator",
    "palace", "house", "hall", "team", "delegation", "consulate", "guard",
})
OUTLET_NOUNS = frozenset({
    "newspaper", "daily", "broadcaster", "channel", "tabloid", "magazine", "website",
    "paper", "weekly", "outlet", "network", "station", "portal", "news", "wire", "television",
    "radio", "gazette", "journal", "publication", "blog",
})
OUTLET_WORDS = frozenset({
    "news", "times", "post", "journal", "gazette", "herald", "telegraph", "tribune", "press",
    "tv", "radio", "broadcasting", "daily", "channel", "media", "pravda", "izvestia", "reuters",
    "bloomberg", "afp", "ap", "bbc", "cnn", "tass", "ria", "interfax", "xinhua", "anadolu",
    "aljazeera", "jazeera", "guardian", "monde", "spiegel", "haaretz", "kommersant", "vedomosti",
    "economist", "politico", "axios", "nhk", "kyodo", "yonhap", "irna", "isna", "fars", "tasnim",
    "sputnik", "rt", "dpa", "ansa", "efe", "cctv", "cgtn",
    "chronicle", "ukrinform", "unian",
    "azertac", "armenpress", "hurriyet", "asharq",
    "arabiya", "frankfurter", "allgemeine", "zeitung", "corriere",
    "repubblica", "figaro", "liberation", "pais", "kathimerini", "wyborcza", "rzeczpospolita",
    "novaya", "gazeta", "meduza", "euronews", "france24", "dw", "voa", "rfe",
    "rferl", "abc", "nbc", "cbs", "itv", "npr", "pbs", "wsj", "nyt",
})
_ACTOR_KINDS: dict[str, SourceKind] = {
    "person": "person", "media": "outlet", "state": "organization", "igo": "organization",
    "organization": "organization", "company": "organization", "group": "vague",
    "region": "organization",
}


@dataclass
class SourceContext:
    """Article-wide look-ups for source resolution: actors by offset, earlier PERSON names."""

    doc: Doc
    actors: Sequence[Actor] = ()
    quotes: Sequence[Quote] = ()
    text: str = ""
    _mentions: list[tuple[int, int, Actor]] = field(default_factory=list)
    _persons: list[tuple[int, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.text:
            self.text = self.doc.text
        self._mentions = sorted(
            (m.start, m.end, a) for a in self.actors for m in a.mentions
        )
        self._persons = sorted((e.start_char, e.text) for e in entities(self.doc).all
                               if e.label_ == "PERSON")
        self._starts = [m[0] for m in self._mentions]
        self._longest = max((e - s for s, e, _ in self._mentions), default=0)

    def actor_at(self, start: int, end: int) -> Actor | None:
        """The actor whose mention overlaps ``[start, end)`` most to the right (the head).

        Mentions are sorted by start; the scan goes back from the last one starting
        before ``end`` and stops where no mention can reach ``start`` any more.
        """
        k = bisect.bisect_left(self._starts, end) - 1
        while k >= 0 and self._mentions[k][0] + self._longest > start:
            if self._mentions[k][1] > start:
                return self._mentions[k][2]
            k -= 1
        return None

    def person_before(self, offset: int) -> str | None:
        i = bisect.bisect_left(self._persons, (offset, ""))
        return self._persons[i - 1][1] if i else None


def np_bounds(head: Token, within: tuple[int, int] | None = None) -> tuple[int, int]:
    """Character bounds of the noun phrase of ``head`` (its subtree, relative clauses cut,
    clipped to ``within``, usually the sentence)."""
    lo, hi = within or (0, 1 << 62)
    toks = [t for t in head.subtree
            if lo <= t.idx < hi and not t.is_space and not _inside_clause(t, head)]
    toks = [t for t in toks if not t.is_punct] or [head]
    return toks[0].idx, toks[-1].idx + len(toks[-1].text)


def _inside_clause(tok: Token, head: Token) -> bool:
    while tok.i != head.i:
        if tok.dep_ in ("relcl", "acl", "appos", "punct", "cc") and tok.head.i == head.i:
            return True
        tok = tok.head
    return False


def source_of(ctx: SourceContext, head: Token,
              within: tuple[int, int] | None = None) -> ClaimSource:
    """Classify the source named by the noun phrase headed by ``head``."""
    low = head.lower_
    if low in ("i", "we", "me", "us"):
        return ClaimSource(kind="author")
    if low in ("who", "which", "that") and head.head.dep_ == "relcl" and head.head.head != head:
        return source_of(ctx, head.head.head, within)  # "a spokesman, who accused ..."
    if head.pos_ == "PRON":
        return _pronoun_source(ctx, head)
    start, end = np_bounds(head, within)
    text = ctx.text[start:end]
    words = {t.lower_ for t in head.subtree}
    lemma = head.lemma_.lower()
    actor = ctx.actor_at(start, end)
    actor_id = actor.id if actor else None
    ents = entities(ctx.doc).in_chars(start, end)
    person = next((e.text for e in ents if e.label_ == "PERSON"), None)
    org = next((e.text for e in ents if e.label_ in ("ORG", "GPE", "NORP", "FAC")), None)
    if any(c.dep_ == "acl" and c.lower_ == "named" for c in head.children):
        return ClaimSource(kind="person", name=person or text, actor=actor_id)
    if words & ANONYMOUS_WORDS and not person:
        return ClaimSource(kind="anonymous", name=text, actor=actor_id)
    if _is_outlet(head, text, org, actor):
        return ClaimSource(kind="outlet", name=org or text, actor=actor_id)
    if person or (actor is not None and actor.kind == "person"):
        return ClaimSource(kind="person", name=person or text, actor=actor_id)
    if lemma in ROLE_NOUNS and head.tag_ in ("NN", "NNP"):
        indefinite = any(c.lower_ in ("a", "an", "one", "another") for c in head.children)
        return ClaimSource(kind="anonymous" if indefinite else "person", name=text,
                           actor=actor_id)
    plural = head.tag_ in ("NNS", "NNPS")
    if (plural and head.ent_type_ in ("", "NORP")) or (lemma in VAGUE_HEADS and (
        head.tag_ in ("NNS", "NNPS") or lemma in ("media", "press", "people")
    )):
        return ClaimSource(kind="vague", name=text, actor=actor_id)
    if org or lemma in ORG_HEADS or actor is not None:
        kind = _ACTOR_KINDS.get(actor.kind, "organization") if actor else "organization"
        return ClaimSource(kind=kind, name=org or text, actor=actor_id)
    return ClaimSource(kind="vague", name=text, actor=actor_id)


def _pronoun_source(ctx: SourceContext, head: Token) -> ClaimSource:
    low = head.lower_
    if low in ("he", "she", "him", "her"):
        actor = ctx.actor_at(head.idx, head.idx + len(head.text))
        if actor is not None and actor.kind == "person":
            return ClaimSource(kind="person", name=actor.name, actor=actor.id)
        return ClaimSource(kind="person", name=ctx.person_before(head.idx))
    if low == "it":
        actor = ctx.actor_at(head.idx, head.idx + len(head.text))
        return ClaimSource(kind="organization", actor=actor.id if actor else None)
    return ClaimSource(kind="vague", name=head.text)


def _is_outlet(head: Token, text: str, org: str | None, actor: Actor | None) -> bool:
    if actor is not None and actor.kind == "media" and head.tag_ not in ("NNS", "NNPS"):
        return True
    lemma = head.lemma_.lower()
    if lemma in OUTLET_NOUNS and head.tag_ in ("NN", "NNP") and (org or head.pos_ == "PROPN"):
        return True
    if lemma == "agency" and any(t.lower_ in ("news", "press") for t in head.subtree):
        return True
    if head.pos_ == "PROPN" or head.ent_type_ == "ORG":
        tokens = {w.strip(".,'’").lower() for w in text.replace("-", " ").split()}
        return bool(tokens & OUTLET_WORDS) and head.tag_ not in ("NNS", "NNPS")
    return False


AGENT_NOUNS = ROLE_NOUNS | VAGUE_HEADS | ORG_HEADS | OUTLET_NOUNS
_AGENT_PRONOUNS = frozenset({"he", "she", "they", "it", "who", "someone", "somebody", "one",
                             "many", "some", "others", "few", "both", "all", "this"})


def is_agent(subj: Token) -> bool:
    """Can ``subj`` say or believe something? (names, pronouns, people, institutions)."""
    if subj.pos_ == "PRON":
        return subj.lower_ in _AGENT_PRONOUNS
    if subj.pos_ == "PROPN" or subj.ent_type_ in ("PERSON", "ORG", "GPE", "NORP", "FAC"):
        return True
    if subj.lemma_.lower() in AGENT_NOUNS or subj.lower_ in AGENT_NOUNS:
        return True
    return any(c.dep_ == "acl" and c.lower_ == "named" for c in subj.children)
