"""Whether an event really happened: its mode, from claims or from the trigger's syntax.

Two readings are combined and the more cautious wins (question > negated >
hypothetical > alleged > future > actual):

* the ``claims`` analysis of the sentence, when there is one (:func:`claim_mode`);
* a local reading of the trigger's clause (:func:`local_mode`): negation,
  modal and future auxiliaries, ``if``-clauses, embedding verbs (``claimed``,
  ``denied``, ``threatened to``, ``called for``), hedging adverbs
  (``allegedly``), irrealis nouns (``the risk of war``, ``in the event of``)
  and adjectives (``a possible clash``, ``deemed unlikely``), and a final
  question mark. This is also the fallback when ``claims`` did not run.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from ...model import Claim, EventMode

PRIORITY: tuple[EventMode, ...] = (
    "question", "negated", "hypothetical", "alleged", "future", "actual",
)

MODALS = frozenset({"may", "might", "could", "would", "should", "can", "must", "ought"})
FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo"})
CONDITIONAL_MARKS = frozenset({"if", "unless", "whether", "lest"})
NEGATORS = frozenset({"not", "n't", "never", "no", "nor", "neither"})
DOUBLE_NEGATION = frozenset({"rule", "exclude", "preclude", "deny"})
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass", "agent", "expl"})
SPEECH_ACTS = frozenset({
    "warn", "threaten", "say", "vow", "pledge", "promise", "demand", "insist", "tell",
    "announce", "declare", "state", "urge", "caution",
})
"""Verbs whose conditional clause belongs to what is said, not to the saying."""
NEGATIVE_SUBJECTS = frozenset({"nobody", "none", "nothing", "neither", "no-one"})

EMBED_NEGATED = frozenset({
    "deny", "refuse", "fail", "avoid", "prevent", "halt", "stop", "end", "cancel", "suspend",
    "postpone", "lift", "ease", "abandon", "forgo", "forego", "reject", "decline", "dismiss",
    "rule", "averted", "avert", "thwart", "foil", "drop", "scrap", "call",
})
EMBED_HYPOTHETICAL = frozenset({
    "demand", "urge", "ask", "request", "press", "appeal", "propose", "consider", "mull",
    "discuss", "weigh", "contemplate", "fear", "risk", "provoke", "warn", "seek", "want", "wish",
    "hope", "push", "advocate", "recommend", "envisage", "envision", "imagine",
    "simulate", "threaten", "need", "prepare", "trigger", "spark", "invite", "encourage",
    "ready", "willing", "prepared", "eager", "keen", "unwilling", "reluctant",
})
EMBED_FUTURE = frozenset({
    "plan", "intend", "vow", "pledge", "promise", "aim", "expect", "decide", "agree", "schedule",
    "set", "announce", "offer", "resolve", "poised", "due", "determined", "vote",
})
EMBED_ALLEGED = frozenset({
    "claim", "allege", "accuse", "suspect", "believe", "think", "speculate", "rumor", "rumour",
    "assume", "charge", "insinuate", "purport", "blame", "contend", "assert", "insist",
    "suggest", "report",
})
HEDGE_ADVERBS = frozenset({
    "allegedly", "reportedly", "purportedly", "supposedly", "apparently", "possibly",
    "probably", "perhaps", "maybe", "presumably", "ostensibly",
})
HYPO_ADJECTIVES = frozenset({
    "possible", "likely", "unlikely", "inevitable", "imminent", "plausible", "potential",
    "hypothetical", "far-fetched", "conceivable", "probable", "future", "looming", "prospective",
    "impending", "feared", "alleged", "planned", "proposed", "threatened", "eventual",
    "improbable", "impossible",
})
HYPO_NOUNS = frozenset({
    "risk", "threat", "possibility", "prospect", "danger", "fear", "scenario", "event", "case",
    "spectre", "specter", "brink", "verge", "path", "road", "threshold", "eve", "likelihood",
    "chance", "plan", "plans", "call", "calls", "demand", "warning", "hypothesis", "prospects",
    "talk", "rumor", "rumour", "allegation", "allegations", "claim", "claims", "accusation",
    "ability", "capacity", "capability", "capabilities", "readiness", "willingness",
    "intention", "intent", "desire", "option", "options", "attempt", "bid", "right", "power",
})
NOUN_MODE: dict[str, EventMode] = {
    "allegation": "alleged", "allegations": "alleged", "claim": "alleged", "claims": "alleged",
    "accusation": "alleged", "rumor": "alleged", "rumour": "alleged",
}


def _strongest(modes: Iterable[EventMode]) -> EventMode:
    ranked = sorted(set(modes), key=PRIORITY.index)
    return ranked[0] if ranked else "actual"


def _chain(token: Token, sent: SpacySpan, limit: int = 12) -> list[Token]:
    """The trigger and the tokens above it, inside the sentence, up to an adverbial clause."""
    chain = [token]
    while len(chain) < limit:
        x = chain[-1]
        if x.head.i == x.i:
            break
        if not sent.start <= x.head.i < sent.end:
            break
        chain.append(x.head)
    return chain


def _negated(x: Token) -> bool:
    return any(
        c.dep_ == "neg"
        or (c.dep_ == "det" and c.lower_ == "no")
        or (c.dep_ == "advmod" and c.lower_ == "never")
        or (c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in NEGATIVE_SUBJECTS)
        for c in x.children
    )


def _embedding_mode(x: Token) -> EventMode | None:
    lemma = x.lemma_.lower()
    if lemma in DOUBLE_NEGATION and _negated(x):
        return "hypothetical"  # "does not rule out war", "nobody denies they could strike"
    if lemma in EMBED_NEGATED:
        if lemma == "call" and not any(c.lower_ == "off" for c in x.children):
            return "hypothetical"  # "called for talks"
        if lemma == "rule" and not any(c.lower_ == "out" for c in x.children):
            return None
        return "negated"
    if lemma in EMBED_ALLEGED:
        return "alleged"
    if lemma in EMBED_HYPOTHETICAL:
        return "hypothetical"
    if lemma in EMBED_FUTURE or (lemma == "about" and any(c.dep_ == "xcomp" for c in x.children)):
        return "future"  # "is about to launch"
    if x.pos_ in ("NOUN", "PROPN") and (lemma in HYPO_NOUNS or x.lower_ in HYPO_NOUNS):
        return NOUN_MODE.get(x.lower_, "hypothetical")
    return None


def _conditional_clause(x: Token) -> bool:
    return any(
        c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in CONDITIONAL_MARKS
                                  for m in c.children)
        for c in x.children
    )


def _own_mode(x: Token) -> list[EventMode]:
    """Cues attached to ``x`` itself: negation, auxiliaries, conditionals, hedges."""
    modes: list[EventMode] = []
    negated = _negated(x)
    for c in x.children:
        low = c.lower_
        if c.dep_ in ("aux", "auxpass") and low in MODALS:
            modes.append("hypothetical")
        elif c.dep_ in ("aux", "auxpass") and low in FUTURE_AUX:
            modes.append("future")
        elif c.dep_ == "mark" and low in CONDITIONAL_MARKS:
            modes.append("hypothetical")
        elif low in HEDGE_ADVERBS:
            modes.append("alleged")
        elif c.dep_ in ("acomp", "oprd", "amod") and low in HYPO_ADJECTIVES:
            modes.append("hypothetical")
    if negated:
        lemma = x.lemma_.lower()
        modes.append("hypothetical" if lemma in DOUBLE_NEGATION else "negated")
    if x.lower_ == "going" and any(c.dep_ == "xcomp" for c in x.children):
        modes.append("future")
    if _imperative(x):
        modes.append("hypothetical")  # "Confront them now, or fight them later."
    return modes


def _imperative(x: Token) -> bool:
    return (
        x.tag_ == "VB"
        and x.dep_ in ("ROOT", "conj")
        and not any(c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass", "expl") for c in x.children)
        and (x.dep_ == "ROOT" or _imperative(x.head))
    )


def local_mode(trigger: Token, sent: SpacySpan, governor: Token | None = None) -> EventMode:
    """The mode implied by the trigger's own clause and the clauses above it."""
    modes: list[EventMode] = []
    chain = _chain(trigger, sent)
    skip = {trigger.i} | ({governor.i} if governor is not None else set())
    crossed = False  # above an adverbial or relative clause, negation no longer applies
    below = ""  # how the previous token of the chain hangs on this one
    for x in chain:
        found = _own_mode(x)
        if x.i not in skip and below not in SUBJECT_DEPS:  # "the arrest sparked outrage"
            emb = _embedding_mode(x)
            if emb is not None:
                found.append(emb)
        if x.lemma_.lower() not in SPEECH_ACTS and _conditional_clause(x):
            found.append("hypothetical")  # "X will attack if the drills continue"
        modes.extend(m for m in found if not (crossed and m == "negated"))
        crossed = crossed or x.dep_ in ("advcl", "relcl")
        below = x.dep_
    if trigger.pos_ in ("NOUN", "PROPN"):
        modes.extend("hypothetical" for t in trigger.subtree
                     if t.lower_ in HYPO_ADJECTIVES and t.i != trigger.i)
    window = sent.doc[max(sent.start, trigger.i - 4): trigger.i]
    if any(t.lower_ in MODALS and t.pos_ in ("AUX", "VERB") for t in window):
        modes.append("hypothetical")
    if _is_question(sent):
        modes.append("question")
    return _strongest(modes)


def _is_question(sent: SpacySpan) -> bool:
    return sent.text.rstrip(" \"'”’»)").endswith("?")


def claim_mode(claim: Claim) -> EventMode:
    """The event mode a claim's status implies (see docs/events.md for the map)."""
    status = set(claim.status)
    if "question" in status:
        return "question"
    if "negated" in status:
        return "negated"
    if "hypothetical" in status:
        return "hypothetical"
    if "hedged" in status:
        return "alleged"
    if "attributed" in status and claim.source.kind in ("vague", "anonymous"):
        return "alleged"
    if "prediction" in status:
        return "future"
    return "actual"


SCOPED_STATUSES = frozenset({"hypothetical", "prediction", "negated"})


def scoped_claim_mode(claim: Claim, trigger: Token, sent: SpacySpan) -> EventMode:
    """:func:`claim_mode`, with clause-bound statuses checked against the trigger's clause.

    A claim's ``hypothetical``, ``prediction`` and ``negated`` statuses come
    from cue words (``if``, ``will``, ``not``); they apply to the event only
    when one of the claim's cues sits on the trigger's own chain of heads
    (``Russia warned Finland of countermeasures if ...``: the warning is
    actual, only the countermeasures are conditional). Attribution, hedging
    and questions apply to the whole claim.
    """
    status = claim.status
    if claim.cues and set(status) & SCOPED_STATUSES and not _cue_in_scope(claim, trigger, sent):
        status = tuple(s for s in status if s not in SCOPED_STATUSES)
    return claim_mode(dataclasses.replace(claim, status=status))


def _cue_in_scope(claim: Claim, trigger: Token, sent: SpacySpan) -> bool:
    chain = {t.i for t in _chain(trigger, sent)}
    doc = trigger.doc
    for cue in claim.cues:
        span = doc.char_span(cue.start, cue.end, alignment_mode="expand")
        if span is None:
            continue
        if any(t.i == trigger.i for t in span):
            continue  # the trigger itself cited as an attribution cue ("threatens")
        if any(t.head.lemma_.lower() in DOUBLE_NEGATION for t in span):
            continue  # "does not rule out": a possibility, not a negation
        if any(t.i in chain or t.head.i in chain for t in span):
            return True
    return False


def combine(*modes: EventMode) -> EventMode:
    """The most cautious of several readings."""
    return _strongest(modes)
