"""The sentence classifier as a gate, a back-off and a veto for a sentence's main event.

The lexicon finds an event only where it lists the trigger; the sentence quad-class model
(:mod:`.classifier`) reads the whole sentence. Three uses, each per sentence:

* **gate**: when the model gives "no event" a probability over :data:`GATE`, the sentence has
  no main event (its lexicon events stay in the output, none marked ``main``);
* **back-off**: when the lexicon found no event with an actor, "no event" is under
  :data:`BACKOFF` and the model's best class reaches :data:`BACKOFF_BEST`, the sentence's
  most prominent lexicon trigger of that class, else the main clause's verb, becomes a
  *model-backed* main event: its category is the trigger's, or for the verb the sentence's
  lexicon cue of the class or the class's learned prior
  (:meth:`.classifier.PentaModel.category`); its arguments are those of its clause, one
  actor being enough; its ``confidence`` is the model's probability of the class (lexicon
  events have 1.0). Reported speech (``X said ...``) keeps the speech verb for a verbal class
  and takes the reported clause's verb for a material one; verbs of state and lexicon verbs
  the lexicon rules out here (``hit a record``) are never used, and the lexicon's
  corrections (disasters, crowds) apply;
* **veto**: when the model gives the lexicon main event's class under :data:`VETO_MAIN` and
  another class over :data:`VETO_BEST`, ``main`` moves to the most prominent lexicon event of
  the model's class, else to a model-backed event on the main verb when that verb is no
  lexicon trigger; the lexicon's reading of a verb always stands, and a veto never makes a
  material conflict.
"""

from __future__ import annotations

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from .classifier import PentaModel
from .plover import PENTA, Lexicon
from .syntax import Trigger, refine, verb_entry, verb_trigger

GATE = 0.5
"""P(no event) above which a sentence has no main event."""
BACKOFF = 0.5
"""P(no event) under which a sentence without lexicon events gets a model-backed one."""
BACKOFF_BEST = 0.7
"""Least probability of the model's best class for a model-backed event on the main verb."""
BACKOFF_AGREE = 0.5
"""Least probability of the model's best class for a model-backed event on a lexicon trigger
of that class (the lexicon and the model agree on the class)."""
VETO_BEST = 0.5
VETO_MAIN = 0.2
"""The model vetoes the lexicon's main event when it gives the event's class under
``VETO_MAIN`` and another class over ``VETO_BEST``."""
SPEECH_VERBS = frozenset({
    "say", "tell", "add", "state", "note", "stress", "insist", "report", "write", "explain",
    "declare", "confirm", "reiterate", "emphasize", "emphasise", "argue",
})
"""Verbs that report a clause: its verb is the act for a material class."""
CLAUSE_VERBS = frozenset({"VERB", "AUX"})
STATIVE_VERBS = frozenset({
    "exist", "seem", "appear", "mean", "matter", "consist", "belong", "sound", "look", "lie",
    "know", "think", "wonder", "be",
})
"""Verbs of state that report no act: never a model-backed trigger (``be`` only as such:
``is ready to help`` takes ``help``)."""
BALLOT_VERBS = frozenset({"vote", "elect", "reelect", "re-elect", "poll", "campaign"})
"""Voting and campaigning are domestic procedure, never by themselves an event between actors:
no model-backed trigger (``Millions of Indonesians voted``); what a vote decides
(``voted to expel``) is the lexicon's."""
NO_ACT_VERBS = STATIVE_VERBS | BALLOT_VERBS
NOUN_LINK = 5
"""Largest distance (tokens) from a light verb to the noun that completes its trigger."""
QUADS = {label: quad for quad, label in PENTA.items()}


def gated(probabilities: dict[int, float]) -> bool:
    """Whether the model rules out a main event in the sentence."""
    return probabilities.get(0, 0.0) > GATE


def best_class(
    probabilities: dict[int, float], veto: bool = False, least: float | None = None,
) -> tuple[str, float] | None:
    """The model's best quad class and its probability, when a back-off event (``veto``: a
    veto of the lexicon's main event) is warranted; ``least``: the back-off's least
    probability of that class (default :data:`BACKOFF_BEST`)."""
    labels = [k for k in probabilities if k in QUADS]
    if probabilities.get(0, 1.0) >= BACKOFF or not labels:
        return None
    label = max(labels, key=lambda k: probabilities[k])
    if not veto and probabilities[label] < (BACKOFF_BEST if least is None else least):
        return None
    if veto and (probabilities[label] <= VETO_BEST or QUADS[label] == "material_conflict"):
        return None  # a veto never makes a material conflict (the index's heaviest weight)
    return QUADS[label], probabilities[label]


def vetoed(probabilities: dict[int, float], label: int) -> bool:
    """Whether the model rules out the lexicon main event's class ``label`` (1-4)."""
    best = best_class(probabilities, veto=True)
    return best is not None and probabilities.get(label, 0.0) < VETO_MAIN


def main_verb(sent: SpacySpan, quad: str) -> Token | None:
    """The verb of the sentence's main clause (the reported clause's for a material act)."""
    verb = sent.root
    if verb.pos_ not in CLAUSE_VERBS:
        return None
    if quad.startswith("material") and verb.lemma_.lower() in SPEECH_VERBS:
        reported = [c for c in verb.children if c.dep_ == "ccomp" and c.pos_ in CLAUSE_VERBS]
        verb = reported[0] if reported else verb
    ready = [v for c in verb.children if c.dep_ == "acomp" for v in c.children
             if v.dep_ == "xcomp" and v.pos_ == "VERB"]
    verb = ready[0] if verb.lemma_.lower() == "be" and ready else verb  # "is ready to help"
    return None if verb.lemma_.lower() in NO_ACT_VERBS else verb


def _rejected(verb: Token, lex: Lexicon) -> bool:
    """A lexicon verb whose use here the lexicon rules out (``hit a record``)."""
    return verb.lemma_.lower() in lex.verbs and verb_entry(verb, lex) is None


def trigger(
    sent: SpacySpan, text: str, model: PentaModel, probabilities: dict[int, float],
    lex: Lexicon,
) -> tuple[Trigger, float] | None:
    """The model-backed trigger of a sentence with no lexicon event, and its confidence."""
    best = best_class(probabilities)
    if best is None:
        return None
    quad, confidence = best
    category = model.category(text, quad)
    verb = main_verb(sent, quad)
    if category is None or verb is None or _rejected(verb, lex):
        return None
    trig = verb_trigger(verb, lex.entry(category), sent, lex)
    refined = refine(trig, lex)  # "an earthquake killed", "protesters blocked"
    if refined is None:
        return None
    trig.entry = refined
    objects = [c for c in verb.children if c.dep_ == "dobj" and 0 < c.i - verb.i <= NOUN_LINK]
    if objects and verb.lemma_.lower() in lex.light_verbs:
        trig.extent = (verb.i, objects[0].i)  # "issued a declaration", "provided funding"
    return trig, confidence
