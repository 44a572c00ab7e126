"""Status cues of a claim: hedges, conditionals, predictions, questions, negation, boosters.

Each detector reads the tokens of one claim (a spaCy ``Token`` list, already
restricted to the claim's own clauses) and returns the tokens that decided it.
The lexicons are general English epistemic markers (after Hyland's hedges and
boosters and the FactBank/TimeML modality cues), never tuned to a text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from spacy.tokens import Token

Cue = tuple[int, int]
"""Character bounds (start, end) of a cue in the document."""

HEDGE_ADVERBS = frozenset({
    "allegedly", "reportedly", "purportedly", "supposedly", "apparently", "seemingly",
    "possibly", "perhaps", "maybe", "probably", "presumably", "conceivably", "arguably",
    "ostensibly", "likely", "unlikely", "potentially", "reputedly", "plausibly",
})
HEDGE_ADJECTIVES = frozenset({
    "alleged", "suspected", "unconfirmed", "rumoured", "rumored", "purported", "possible",
    "plausible", "likely", "unlikely", "probable", "conceivable", "unverified", "putative",
})
HEDGE_MODALS = frozenset({"may", "might", "could"})
HEDGE_VERBS = frozenset({"seem", "appear", "suggest", "indicate"})
FIRST_PERSON = frozenset({"i", "we"})
OPINION_VERBS = frozenset({"think", "believe", "suspect", "guess", "suppose", "feel", "doubt"})
PASSIVE_REPORT = frozenset({
    "say", "report", "believe", "think", "allege", "rumour", "rumor", "understand", "claim",
    "suspect", "know", "estimate",
})

BOOST_ADVERBS = frozenset({
    "clearly", "obviously", "undoubtedly", "undeniably", "unquestionably", "certainly",
    "definitely", "surely", "evidently", "indisputably", "incontrovertibly", "doubtless",
    "inevitably", "manifestly", "patently", "unmistakably", "plainly",
})
BOOST_ADJECTIVES = frozenset({
    "clear", "obvious", "evident", "certain", "undeniable", "indisputable", "unquestionable",
    "inevitable", "self-evident", "incontrovertible", "plain", "beyond",
})
BOOST_PHRASES: tuple[tuple[str, ...], ...] = (
    ("of", "course"), ("no", "doubt"), ("without", "doubt"), ("without", "a", "doubt"),
    ("beyond", "doubt"), ("beyond", "any", "doubt"), ("no", "question"),
    ("make", "no", "mistake"), ("everyone", "knows"), ("everybody", "knows"),
    ("the", "fact", "is"), ("there", "is", "no", "denying"), ("it", "goes", "without"),
    ("we", "all", "know"), ("no", "one", "can", "deny"), ("nobody", "can", "deny"),
)
CONDITIONAL_MARKERS = frozenset({"if", "unless", "whether"})
CONDITIONAL_PHRASES: tuple[tuple[str, ...], ...] = (
    ("in", "the", "event"), ("in", "case"), ("provided", "that"), ("as", "long", "as"),
    ("on", "condition", "that"), ("suppose",), ("supposing",), ("imagine",), ("assuming",),
    ("were", "to"), ("was", "to"), ("in", "a", "scenario"),
)
FUTURE_MODALS = frozenset({"will", "'ll", "shall", "wo", "ll"})
FUTURE_FRAMES = frozenset({
    "set", "poised", "expected", "due", "about", "slated", "scheduled", "bound", "likely",
    "unlikely", "certain", "sure", "destined",
})
WH_WORDS = frozenset({"who", "what", "why", "how", "when", "where", "which", "whom", "whose"})
NEGATORS = frozenset({"not", "n't", "never", "no", "nobody", "nothing", "none", "neither",
                      "nor", "nowhere", "cannot"})
_NOT_NEGATION_AFTER = frozenset({"only", "doubt", "question", "longer", "less", "more", "sooner",
                                 "mistake", "denying", "matter"})


def _bounds(tokens: Sequence[Token]) -> Cue:
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)


def _phrases(tokens: Sequence[Token], phrases: Sequence[tuple[str, ...]]) -> list[Cue]:
    words = [t.lower_ for t in tokens]
    firsts = {p[0] for p in phrases}
    found = []
    for i, word in enumerate(words):
        if word not in firsts:
            continue
        for phrase in phrases:
            if tuple(words[i : i + len(phrase)]) == phrase:
                found.append(_bounds(tokens[i : i + len(phrase)]))
    return found


def _single(tok: Token) -> Cue:
    return tok.idx, tok.idx + len(tok.text)


def hedges(tokens: Sequence[Token]) -> list[Cue]:
    """Hedging adverbs, adjectives and modals, seem/appear, first-person opinion verbs."""
    found = []
    for tok in tokens:
        low = tok.lower_
        if _is_hedge(tok, low):
            found.append(_single(tok))
    return found


def _is_hedge(tok: Token, low: str) -> bool:
    if low in HEDGE_ADVERBS and tok.pos_ in ("ADV", "ADJ"):
        return True
    if low in HEDGE_ADJECTIVES and tok.pos_ == "ADJ":
        return True
    if low in HEDGE_MODALS and tok.tag_ == "MD":
        return not _negated_ability(tok)
    lemma = tok.lemma_.lower()
    if lemma in HEDGE_VERBS and tok.pos_ == "VERB":
        return _hedge_verb(tok)
    if lemma in OPINION_VERBS and _has_subject(tok, FIRST_PERSON):
        return True
    return _passive_report(tok, lemma)


def _negated_ability(tok: Token) -> bool:
    """"could not" reports a (failed) ability, not a possibility."""
    if tok.lower_ != "could" or tok.i + 1 >= len(tok.doc):
        return False
    return tok.nbor(1).lower_ in ("not", "n't")


def _hedge_verb(tok: Token) -> bool:
    """seem/appear + to-infinitive or that-clause; suggest/indicate with a clause."""
    kids = {c.dep_ for c in tok.children}
    if tok.lemma_.lower() in ("seem", "appear"):
        return bool(kids & {"xcomp", "ccomp", "acomp", "oprd", "attr"})
    return "ccomp" in kids


def _has_subject(tok: Token, words: frozenset[str]) -> bool:
    return any(c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in words for c in tok.children)


def _passive_report(tok: Token, lemma: str | None = None) -> bool:
    """"is said to", "is believed to", "it is reported that": agentless passive reports.

    ``lemma`` is ``tok.lemma_.lower()`` when the caller has it already.
    """
    if (tok.lemma_.lower() if lemma is None else lemma) not in PASSIVE_REPORT \
            or tok.tag_ != "VBN":
        return False
    kids = list(tok.children)
    passive = any(c.dep_ == "auxpass" for c in kids)
    agent = any(c.dep_ == "agent" for c in kids)
    complement = any(c.dep_ in ("xcomp", "ccomp") for c in kids)
    return passive and not agent and complement


def boosters(tokens: Sequence[Token]) -> list[Cue]:
    """Certainty boosters: adverbs, "it is clear/obvious", fixed phrases."""
    found = _phrases(tokens, BOOST_PHRASES)
    for tok in tokens:
        low = tok.lower_
        if low in BOOST_ADVERBS and tok.pos_ == "ADV":
            found.append(_single(tok))
        elif low in BOOST_ADJECTIVES and tok.pos_ == "ADJ" and _copular_it(tok):
            start = tok
            for left in reversed(list(tok.lefts)):
                if left.dep_ == "advmod":
                    start = left
            found.append((start.idx, tok.idx + len(tok.text)))
    return found


def _copular_it(tok: Token) -> bool:
    """The adjective of "it is (abundantly) clear", "it is obvious that", "X is clear:"."""
    head = tok.head
    if tok.dep_ not in ("acomp", "attr", "ROOT") or head.lemma_ != "be":
        return False
    subj = [c for c in head.children if c.dep_ in ("nsubj", "expl")]
    return bool(subj) and subj[0].lower_ in ("it", "this", "that", "what")


def conditionals(tokens: Sequence[Token]) -> list[Cue]:
    """if/unless clauses, "were to", inverted should/had/were, scenarios, would."""
    found = _phrases(tokens, CONDITIONAL_PHRASES)
    for i, tok in enumerate(tokens):
        low = tok.lower_
        if _is_conditional(tokens, i, low):
            found.append(_single(tok))
    return found


def _is_conditional(tokens: Sequence[Token], i: int, low: str) -> bool:
    tok = tokens[i]
    if low in CONDITIONAL_MARKERS and tok.dep_ in ("mark", "advmod", "ROOT", "prep"):
        return low != "whether" or any(t.lower_ == "or" for t in tokens[i + 1 : i + 4])
    if low in ("would", "'d") and tok.tag_ == "MD":
        return True
    return i == 0 and low in ("should", "had", "were") and _inverted(tokens)


def _inverted(tokens: Sequence[Token]) -> bool:
    """"Should the talks fail, ..." : a fronted auxiliary in a statement with a comma."""
    last = tokens[-1].text
    return last != "?" and any(t.text == "," for t in tokens[2:])


def predictions(tokens: Sequence[Token]) -> list[Cue]:
    """will/shall/'ll, "going to", "is set/poised/expected/due to" + verb."""
    found = []
    for i, tok in enumerate(tokens):
        low = tok.lower_
        if low in FUTURE_MODALS and tok.tag_ == "MD":
            found.append(_single(tok))
        elif low in _FRAMES_OR_GOING and _to_verb(tokens, i) and _after_be(tokens, i):
            found.append(_bounds(tokens[i : i + 2]))
        elif low == "gonna" or (tok.lemma_.lower() in EXPECT_VERBS and _expects(tok)):
            found.append(_single(tok))
    return found


EXPECT_VERBS = frozenset({"expect", "anticipate", "predict", "forecast"})
_FRAMES_OR_GOING = FUTURE_FRAMES | {"going"}


def _expects(tok: Token) -> bool:
    """"Diplomats expect the resolution to pass": expectation of a future event."""
    if tok.tag_ == "VBN" and any(c.dep_ == "auxpass" for c in tok.children):
        return False  # "is expected to" is a future frame handled above
    for child in tok.children:
        if child.dep_ in ("ccomp", "xcomp") and child.tag_ == "VB" and any(
            c.lower_ == "to" for c in child.children
        ):
            return True
    return False


def _to_verb(tokens: Sequence[Token], i: int) -> bool:
    nxt = tokens[i + 1 : i + 3]
    return len(nxt) == 2 and nxt[0].lower_ == "to" and nxt[1].tag_ == "VB"


def _after_be(tokens: Sequence[Token], i: int) -> bool:
    before = tokens[max(0, i - 3) : i]
    return any(t.lemma_ == "be" for t in before)


def question(tokens: Sequence[Token]) -> list[Cue]:
    """A question mark ending the claim (rhetorical and leading questions included)."""
    words = [t for t in tokens if not t.is_punct and not t.is_space]
    if not words:
        return []
    trailing = [t for t in tokens[-3:] if t.text == "?"]
    return [_single(trailing[-1])] if trailing else []


def negations(tokens: Sequence[Token], heads: Sequence[Token]) -> list[Cue]:
    """Negators attached to the claim's main predicates (``heads``) or their arguments."""
    head_ids = {h.i for h in heads}
    found = []
    for tok in tokens:
        low = tok.lower_
        if low not in NEGATORS:
            continue
        nxt = tok.nbor(1).lower_ if tok.i + 1 < len(tok.doc) else ""
        if nxt in _NOT_NEGATION_AFTER:
            continue
        if _negates(tok, head_ids):
            found.append(_single(tok))
    return found


_ARGUMENTS = frozenset({"nsubj", "dobj", "nsubjpass", "attr"})


def _negates(tok: Token, head_ids: set[int]) -> bool:
    """"not"/"never" on a head, "nobody"/"nothing" as its argument, "no" on its argument."""
    if tok.head.i in head_ids:
        return tok.dep_ in _ARGUMENTS | {"neg", "advmod", "npadvmod", "dep"}
    return tok.dep_ == "det" and tok.head.head.i in head_ids and tok.head.dep_ in _ARGUMENTS


DETECTORS: dict[str, Callable[[Sequence[Token]], list[Cue]]] = {
    "hedged": hedges,
    "boosted": boosters,
    "hypothetical": conditionals,
    "prediction": predictions,
    "question": question,
}
