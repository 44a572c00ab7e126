"""Event triggers and their arguments, read off the dependency parse.

A trigger is a verb or an event nominalisation found in the PLOVER lexicon.
Its arguments are token ranges, not yet actors:

* verbs: the subject is the source (the passive ``by`` agent too), the
  passive subject, direct object, dative and ``against/on/with/to...``
  objects are targets; infinitives and conjuncts borrow the subject of the
  verb they hang on (object control for ``urge X to ...``);
* nouns: ``by`` and possessives are sources (``Russia's attack``), ``of``,
  ``on``, ``against``... targets (``the shootdown of X by Y``), ``between X
  and Y`` gives both, actor modifiers (``Russian strikes``,
  ``NATO-Russia conflict``) are sources then targets, and ``anti-X``
  modifiers are targets; the verb that governs a nominalisation (``launched
  an assault``, ``imposed sanctions``) lends its subject and objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from .plover import Entry, Lexicon

TARGET_PREPS = frozenset({
    "against", "on", "upon", "with", "to", "toward", "towards", "at", "into", "onto", "for",
})
PREP_CATEGORIES: dict[str, frozenset[str]] = {
    "at": frozenset({"ASSAULT", "THREATEN", "DISAPPROVE", "COERCE", "MOBILIZE"}),
    "into": frozenset({"ASSAULT", "COERCE", "MOBILIZE", "INVESTIGATE", "CRIME"}),
    "onto": frozenset({"ASSAULT", "COERCE", "MOBILIZE"}),
    "for": frozenset({"AID", "SUPPORT", "AGREE", "COOPERATE"}),
}
"""Prepositions that mark a recipient only for some categories (``fired at X``, ``aid for X``;
not ``helped at the hotel``, ``criticised X for its policy``)."""
TOPIC_OBJECT_VERBS = frozenset({"discuss", "debate", "negotiate", "mediate", "bargain"})
"""Verbs whose direct object is the topic, not the partner (``discussed trade``)."""
SOURCE_OF_NOUNS = frozenset({"withdrawal", "pullout", "retreat", "surrender", "disarmament",
                             "demobilization", "demobilisation"})
SOURCE_OF_CATEGORIES = frozenset({
    "AID", "SUPPORT", "COOPERATE", "AGREE", "CONSULT", "CONCEDE",
})
SKIP_IN_ARGUMENTS = frozenset({"relcl", "advcl", "ccomp", "parataxis", "punct", "appos"})
LOCATION_PREPS = frozenset({"in", "at", "near", "across", "outside", "inside", "around", "during",
                            "throughout", "within", "along", "after", "before", "since"})
ARGUMENT_VERBS = frozenset({
    "consider", "threaten", "propose", "mull", "weigh", "prepare", "plan", "seek",
    "contemplate", "envisage", "postpone", "delay", "halt", "suspend", "end", "stop",
})
"""Verbs whose subject is the agent of the nominalisation they govern but which keep their own
modality (``considers an embargo``); light verbs are transparent. Not ``rule out``, ``fear``,
``discuss``: who does not rule out a war is not waging it."""
OBJECT_CONTROL = frozenset({"urge", "ask", "call", "force", "allow", "persuade", "tell", "order",
                            "push", "pressure", "press", "encourage", "invite", "compel", "help"})
RAISING_DEPS = frozenset({"acomp", "prep", "oprd"})
"""Where an adjective, ``about`` or a participle that takes a ``to`` infinitive hangs under the
verb whose subject the infinitive borrows (``Iran is ready to``, ``Turkey is about to``)."""
RAISING_VERBS = frozenset({"appear", "seem", "look"})
PASSIVE_RAISING = frozenset({
    "set", "expect", "force", "poise", "schedule", "slate", "due", "bind", "ask", "urge",
    "oblige", "compel", "require", "allow", "permit", "authorize", "authorise", "invite",
    "order", "say", "report", "believe", "think", "rumour", "rumor", "understand", "tell",
})
"""Passive verbs whose ``to`` infinitive (parsed as a clause) borrows their subject
(``Russia is set to expel``); elsewhere a passive's infinitive is a purpose clause."""
BENEFICIARY_VERBS = frozenset({"come", "rush", "go", "leap", "spring", "run"})
VERB_POS = frozenset({"VERB"})
NOUN_POS = frozenset({"NOUN", "PROPN"})
STATEMENT_NOUNS = frozenset({
    "statement", "declaration", "resolution", "communique", "communiqué", "letter", "note",
    "motion", "decree", "order", "appeal", "call", "message", "memorandum", "report", "bill",
})
"""Documents and speech acts whose participle (``a statement condemning X``) is their
issuer's act: the participle's source is the subject of the verb that issued them."""
PRONOUNS = frozenset({"it", "they", "them", "its", "their"})
PARTICLES = frozenset({"back", "out", "down", "off", "up", "over", "in"})
CROWDS = frozenset({"protester", "protesters", "demonstrator", "demonstrators", "crowd", "crowds",
                    "mob", "rioter", "rioters", "activist", "activists", "student", "students",
                    "farmer", "farmers", "worker", "workers", "marcher", "marchers"})
"""Subjects that make a blockade, a storming or a clash a PROTEST (PLOVER: violent protest)."""
REDUCED_PASSIVE_VERBS = frozenset({
    "sentence", "arrest", "detain", "jail", "imprison", "deport", "expel", "kill", "wound",
    "injure", "kidnap", "abduct", "execute", "charge", "indict", "convict", "release", "free",
    "capture", "seize", "shoot", "attack", "extradite", "pardon",
})
NATURAL_CAUSES = frozenset({
    "outbreak", "plague", "disease", "virus", "epidemic", "pandemic", "earthquake", "quake",
    "hurricane", "storm", "typhoon", "cyclone", "flood", "floods", "flooding", "wildfire",
    "wildfires", "drought", "tsunami", "landslide", "mudslide", "accident", "crash", "avalanche",
    "heatwave", "famine", "cholera", "malaria", "covid", "influenza", "lightning", "eruption",
})
"""Subjects that make "killed", "hit" or "destroyed" a disaster, not an assault."""
STANDING_PLACES = frozenset({
    "border", "frontier", "coast", "island", "sea", "soil", "territory", "ground", "shore",
    "side", "edge", "outskirts", "front", "line", "bank", "peninsula", "flank", "doorstep",
})
"""Where drills or deployments happen (``on the border``): not what they are aimed at."""
FROM_TARGET_CATEGORIES = frozenset({"COERCE", "ASSAULT", "RETREAT"})
POINTED = frozenset({"at", "on", "against", "toward", "towards"})
ACCUSING = frozenset({"accuse", "charge", "suspect", "blame", "convict", "sentence", "arrest",
                      "detain", "fine", "punish", "praise", "thank", "criticize", "criticise",
                      "condemn", "sanction", "sue", "indict", "commend", "congratulate"})
NEEDS_COMPLEMENT = frozenset({"agree", "pledge", "promise", "vow", "offer", "propose", "help",
                              "support", "back", "defend", "stand"})
"""Verbs that are events only with a complement (``Matviychuk agrees`` is an opinion)."""


@dataclass(slots=True)
class Trigger:
    """A trigger token, what it means, and the token ranges of its arguments."""

    token: Token
    entry: Entry
    kind: str  # "verb" | "noun"
    governor: Token | None = None
    sources: list[Token] = field(default_factory=list)
    targets: list[Token] = field(default_factory=list)
    pairs: list[tuple[Token, Token]] = field(default_factory=list)
    modifiers: list[Token] = field(default_factory=list)
    """Actor-like modifiers of a nominalisation (``Russian strikes``): sources, or a pair."""
    gov_sources: list[Token] = field(default_factory=list)
    gov_targets: list[Token] = field(default_factory=list)
    combo: Token | None = None
    """The particle or object that completes a verb combination (``impose sanctions``)."""
    extent: tuple[int, int] | None = None
    """Token range the evidence should cover when wider than the trigger word."""
    folded: Token | None = None
    """The verb this nominalisation was folded with (one act): transparent for the mode."""
    location_targets: list[Token] = field(default_factory=list)
    """``in X`` places of a violent or coercive act: targets when nothing else is."""


def _low(tok: Token) -> str:
    return tok.lemma_.lower()


def _children(tok: Token, *deps: str) -> list[Token]:
    return [c for c in tok.children if c.dep_ in deps]


def _with_conjuncts(tok: Token) -> list[Token]:
    return [tok, *tok.conjuncts]


def _pobjs(prep: Token) -> list[Token]:
    return [p for o in _children(prep, "pobj") for p in _with_conjuncts(o)]


# --- trigger detection ---------------------------------------------------------------------


def _combo_children(verb: Token) -> list[Token]:
    found = _children(verb, "prt")
    found += [c for c in _children(verb, "advmod") if c.lower_ in PARTICLES]
    found += _children(verb, "dobj", "nsubjpass")
    if not _children(verb, "dobj"):
        found += _children(verb, "prep")
    return found


def combo_match(tok: Token, lex: Lexicon) -> tuple[Entry, Token] | None:
    """A verb+particle or verb+object combination (``cut ties``) and the word that completed it."""
    lemma = _low(tok)
    for child in _combo_children(tok):
        key = _low(child) if child.dep_ != "prep" else child.lower_
        if (lemma, key) in lex.combos:
            return lex.combos[(lemma, key)], child
    return None


def verb_entry(tok: Token, lex: Lexicon) -> Entry | None:
    """The lexicon entry of a verb token, or None when it is not an event trigger here."""
    if tok.pos_ not in VERB_POS or tok.dep_ in ("amod", "compound"):
        return None
    lemma = _low(tok)
    combo = combo_match(tok, lex)
    if combo is not None:
        return combo[0]
    entry = lex.verbs.get(lemma)
    if entry is None:
        return None
    objects = _children(tok, "dobj")
    stops = lex.stop_objects.get(lemma, frozenset())
    themes = objects + _children(tok, "nsubjpass") + ([tok.head] if tok.dep_ == "acl" else [])
    if any(_low(o) in stops or o.lower_ in stops for o in themes):
        return None
    if objects and lemma in lex.intransitive:
        return None
    if any(_low(c) in lex.stop_complements for c in _children(tok, "xcomp")):
        return None
    if lemma in lex.pointed and not (
        any(c.dep_ == "prep" and c.lower_ in POINTED for c in tok.children)
        or any(_low(o) in lex.pointed[lemma] for o in objects)
    ):
        return None
    if lemma in NEEDS_COMPLEMENT and not _has_complement(tok):
        return None
    if objects and lemma in lex.verb_with_object:
        return lex.entry(lex.verb_with_object[lemma])
    return entry


def refine(trig: Trigger, lex: Lexicon) -> Entry | None:
    """Category corrections that need the arguments: crowds protest, missiles fired at X strike."""
    cat = trig.entry.category
    verb = trig.token
    if cat in ("ASSAULT", "COERCE") and any(
        _low(s) in NATURAL_CAUSES or s.lower_ in NATURAL_CAUSES for s in trig.sources
    ):
        return None
    if cat in ("ASSAULT", "COERCE") and any(
        s.lower_ in CROWDS or _low(s) in CROWDS for s in trig.sources
    ):
        return lex.entry("PROTEST")
    if cat == "MOBILIZE" and _joint(trig):
        return lex.entry("COOPERATE")  # "held joint drills": PLOVER's joint military games
    if cat == "MOBILIZE" and any(c.dep_ == "prep" and c.lower_ in POINTED and not _unaimed(c)
                                 for c in verb.children):
        return lex.entry("ASSAULT", -9.0)
    if cat == "ASSAULT" and _weapons_test(verb):
        return lex.entry("MOBILIZE")  # "test-fired two missiles": a test, not an attack
    return trig.entry


def _joint(trig: Trigger) -> bool:
    """Whether the exercise a MOBILIZE trigger names is ``joint`` (``held joint drills``)."""
    nouns = [t for t in (trig.token, trig.combo) if t is not None and t.pos_ in NOUN_POS]
    return any(c.lower_ == "joint" for n in nouns for c in n.children)


def _unaimed(prep: Token) -> bool:
    """Whether a preposition's object is a date or a time (``on Saturday``) or where forces
    stand (``on the border``), not an aim."""
    return any(o.ent_type_ in ("DATE", "TIME") or _low(o) in STANDING_PLACES for o in _pobjs(prep))


def _weapons_test(verb: Token) -> bool:
    """``test-fired``, ``test-launched``: the verb written as a test (spaCy splits the hyphen)."""
    doc = verb.doc
    return verb.i >= 2 and doc[verb.i - 1].text == "-" and doc[verb.i - 2].lower_ == "test"


def _has_complement(verb: Token) -> bool:
    return any(
        c.dep_ in ("dobj", "xcomp", "ccomp", "dative", "nsubjpass")
        or (c.dep_ == "prep" and c.lower_ in ("to", "on", "with"))
        for c in verb.children
    )


def noun_entry(tok: Token, lex: Lexicon) -> Entry | None:
    """The lexicon entry of an event nominalisation, or None."""
    if tok.pos_ not in NOUN_POS:
        return None
    low, lemma = tok.lower_, _low(tok)
    entry = None
    if tok.i > 0:
        prev = tok.doc[tok.i - 1]
        entry = lex.nouns.get(f"{prev.lower_} {low}") or lex.nouns.get(f"{prev.lower_} {lemma}")
    entry = entry or lex.nouns.get(low) or lex.nouns.get(lemma)
    if entry is None:
        return None
    mods = lex.noun_modifiers.get(lemma) or lex.noun_modifiers.get(low) or {}
    for child in tok.children:
        if child.lower_ in mods:
            switched = mods[child.lower_]
            return None if switched is None else lex.entry(switched)
    if lemma == "strike" and (
        (tok.head.lower_ == "on" and _low(tok.head.head) == "go")
        or any(t.lower_ in lex.labour_words for t in tok.subtree)
    ):
        return lex.entry("PROTEST")
    return entry


def find_triggers(sent: SpacySpan, lex: Lexicon) -> list[Trigger]:
    """Every verb and noun trigger of ``sent`` with its argument tokens."""
    found: list[Trigger] = []
    for tok in sent:
        entry = verb_entry(tok, lex)
        if entry is not None:
            trig = verb_trigger(tok, entry, sent, lex)
            refined = refine(trig, lex)
            if refined is not None:
                trig.entry = refined
                found.append(trig)
            continue
        entry = noun_entry(tok, lex)
        if entry is not None:
            trig = Trigger(tok, entry, "noun")
            _noun_arguments(trig, lex)
            found.append(trig)
    return found


def verb_trigger(tok: Token, entry: Entry, sent: SpacySpan, lex: Lexicon) -> Trigger:
    """A verb trigger meaning ``entry``, with the argument tokens of its clause."""
    trig = Trigger(tok, entry, "verb")
    combo = combo_match(tok, lex)
    trig.combo = combo[1] if combo is not None else None
    _verb_arguments(trig, tok, tok, lex)
    if not trig.sources and not subjects(tok):
        trig.sources.extend(_orphan_subject(tok, sent))
    return trig


# --- arguments -----------------------------------------------------------------------------


def subjects(verb: Token, depth: int = 0) -> list[Token]:
    """The subject(s) of ``verb``, borrowed from the governing verb when it has none."""
    subj = [s for c in _children(verb, "nsubj") for s in _with_conjuncts(c)]
    if subj:
        if len(subj) == 1 and subj[0].tag_ in ("WDT", "WP") and verb.dep_ == "relcl":
            return [verb.head]
        return subj
    if depth > 3:
        return []
    head = verb.head
    if verb.dep_ == "acl" and verb.tag_ == "VBG":
        if (_low(head) in STATEMENT_NOUNS and head.dep_ in ("dobj", "nsubjpass")
                and head.head.pos_ in ("VERB", "AUX")):  # "issued a statement demanding"
            return subjects(head.head, depth + 1) or _agents(head.head)
        return [head]
    if verb.dep_ == "xcomp" and _low(head) in OBJECT_CONTROL:
        objs = _children(head, "dobj")
        if objs:
            return [o for ob in objs for o in _with_conjuncts(ob)]
    if (_infinitive(verb) and head.pos_ in ("VERB", "AUX") and (
            verb.dep_ == "xcomp" or (verb.dep_ == "advcl" and _low(head) in PASSIVE_RAISING))):
        raised = _children(head, "nsubjpass")  # "was forced to withdraw", "is set to expel"
        if raised and not _children(head, "nsubj"):
            return [s for c in raised for s in _with_conjuncts(c)]
    if (verb.dep_ == "xcomp" and head.pos_ in ("ADJ", "ADP", "VERB") and head.head.i != head.i
            and head.head.pos_ in ("VERB", "AUX") and not _children(head, "nsubj")
            and (head.dep_ in RAISING_DEPS
                 or (head.dep_ == "ccomp" and _low(head.head) in RAISING_VERBS))):
        return subjects(head.head, depth + 1)  # "is ready to", "is about to", "appears poised to"
    if (verb.dep_ in ("xcomp", "conj", "advcl", "pcomp") and head.i != verb.i
            and head.pos_ in ("VERB", "AUX")):
        return subjects(head, depth + 1)
    if verb.dep_ == "pcomp" and head.dep_ == "prep" and head.head.pos_ in ("VERB", "AUX"):
        objs = _children(head.head, "dobj")
        if objs and _low(head.head) in ACCUSING:  # "accused Kyiv of attacking"
            return [o for ob in objs for o in _with_conjuncts(ob)]
        return subjects(head.head, depth + 1)
    if (verb.dep_ == "pcomp" and head.dep_ == "prep" and head.head.dep_ == "dobj"
            and _low(head.head.head) in ACCUSING):  # "suspect its agents of hacking"
        return _with_conjuncts(head.head)
    if verb.dep_ == "acl" and head.pos_ in NOUN_POS:  # "Russia's decision to invade"
        owners = _children(head, "poss")
        if owners:
            return owners
        if head.dep_ in ("dobj", "attr") and head.head.pos_ in ("VERB", "AUX"):
            return subjects(head.head, depth + 1)  # "Georgia has no plans to impose"
    return []


def _infinitive(verb: Token) -> bool:
    """Whether ``verb`` is a ``to`` infinitive (``to expel``)."""
    return any(c.dep_ == "aux" and c.tag_ == "TO" for c in verb.children)


def _agents(verb: Token) -> list[Token]:
    """The ``by`` agent of a passive verb (``a resolution was adopted by the assembly``)."""
    return [o for agent in _children(verb, "agent") for o in _pobjs(agent)]


def _orphan_subject(verb: Token, sent: SpacySpan) -> list[Token]:
    """A noun phrase the parser hung outside the sentence (headlines glued to the next line)."""
    if sent.start <= verb.head.i < sent.end and verb.head.i != verb.i:
        return []
    for tok in reversed(sent.doc[sent.start: verb.i]):
        if tok.pos_ in ("VERB", "AUX") and tok.head.i != verb.i:
            return []
        if tok.pos_ in ("PROPN", "NOUN") and not sent.start <= tok.head.i < sent.end:
            return [tok]
    return []


def _verb_arguments(trig: Trigger, verb: Token, gov: Token, lex: Lexicon) -> None:
    """Fill sources/targets from the clause of ``verb`` (the trigger or its governor)."""
    swap = _low(verb) in lex.swap_roles or _reduced_passive(verb)
    for subj in subjects(verb):
        (trig.targets if swap else trig.sources).append(subj)
    for child in verb.children:
        if child.dep_ == "nsubjpass":
            trig.targets.extend(_with_conjuncts(child))
        elif child.dep_ == "agent":
            trig.sources.extend(_pobjs(child))
    _objects(trig, verb, swap)
    for prep in _children(verb, "prep"):
        parties = _pobjs(prep) if prep.lower_ == "between" else []
        if len(parties) >= 2:  # "mediated between X and Y"
            trig.pairs.append((parties[0], parties[1]))
    if not trig.targets:
        for comp in _children(verb, "xcomp"):
            _objects(trig, comp, False, strict=False)
    if not trig.targets and trig.entry.category == "DEMAND":
        for comp in _children(verb, "ccomp"):
            trig.targets.extend(s for c in _children(comp, "nsubj", "nsubjpass")
                                for s in _with_conjuncts(c) if s.pos_ == "PROPN")
    if verb.dep_ == "acl" and verb.tag_ == "VBN":
        trig.targets.append(verb.head)
    if verb.dep_ == "relcl" and any(c.dep_ == "nsubjpass" and c.tag_ in ("WDT", "WP")
                                    for c in verb.children):
        trig.targets.append(verb.head)


def _reduced_passive(verb: Token) -> bool:
    """Headline passives without an auxiliary: ``Smuggler sentenced to ten years``."""
    return (
        verb.tag_ == "VBN"
        and any(c.dep_ == "nsubj" for c in verb.children)
        and not any(c.dep_ in ("aux", "auxpass", "dobj") for c in verb.children)
        and _low(verb) in REDUCED_PASSIVE_VERBS
    )


def _objects(trig: Trigger, verb: Token, swap: bool, strict: bool = True) -> None:
    """Direct objects, datives and ``against/on/with/to...`` objects of ``verb``."""
    for child in verb.children:
        if child.dep_ == "dobj" and _low(verb) in TOPIC_OBJECT_VERBS:
            continue
        if child.dep_ in ("dobj", "dative") and child.i != trig.token.i:
            found = _pobjs(child) if child.pos_ == "ADP" else _with_conjuncts(child)
            (trig.sources if swap else trig.targets).extend(found)
        elif child.dep_ == "prep":
            word = child.lower_
            if swap and word == "from":
                trig.sources.extend(_pobjs(child))
            elif _target_prep(child, trig, strict):
                trig.targets.extend(_pobjs(child))
            elif word == "in" and trig.entry.category in FROM_TARGET_CATEGORIES:
                trig.location_targets.extend(_pobjs(child))
        if child.dep_ == "dobj" and trig.entry.category in FROM_TARGET_CATEGORIES:
            trig.location_targets.extend(
                p for c in child.children if c.dep_ == "prep" and c.lower_ == "in"
                for p in _pobjs(c))


def _target_prep(prep: Token, trig: Trigger, strict: bool) -> bool:
    """Whether a preposition of the verb introduces a recipient of this trigger's event."""
    word, category = prep.lower_, trig.entry.category
    if word == "from":
        return category in FROM_TARGET_CATEGORIES
    marks = _marks_target(word, category) or (not strict and word in TARGET_PREPS)
    return marks and not _is_trigger_path(prep, trig.token)


def _marks_target(word: str, category: str) -> bool:
    return word in TARGET_PREPS and category in PREP_CATEGORIES.get(word, frozenset({category}))


def _is_trigger_path(prep: Token, trigger: Token) -> bool:
    return any(t.i == trigger.i for t in prep.subtree)


def _noun_arguments(trig: Trigger, lex: Lexicon) -> None:
    noun = trig.token
    cat = trig.entry.category
    beneficiary = (noun.dep_ == "pobj" and noun.head.lower_ == "to"
                   and _low(noun.head.head) in BENEFICIARY_VERBS)
    modifiers: list[Token] = []
    for child in noun.children:
        dep, word = child.dep_, child.lower_
        if dep == "poss":
            (trig.targets if beneficiary else trig.sources).append(child)
        elif dep in ("compound", "amod", "nmod") and child.pos_ in ("PROPN", "ADJ", "NOUN"):
            modifiers.append(child)
        elif dep == "prep" and word == "by":
            trig.sources.extend(_pobjs(child))
        elif dep == "prep" and word == "between":
            parties = _pobjs(child)
            if len(parties) >= 2:
                trig.pairs.append((parties[0], parties[1]))
        elif dep == "prep" and word == "of":
            agentive = cat in SOURCE_OF_CATEGORIES or _low(noun) in SOURCE_OF_NOUNS
            (trig.sources if agentive else trig.targets).extend(_pobjs(child))
        elif dep == "prep" and word == "from" and cat in SOURCE_OF_CATEGORIES:
            trig.sources.extend(_pobjs(child))
        elif dep == "prep" and _marks_target(word, cat):
            trig.targets.extend(_pobjs(child))
    _modifier_arguments(trig, modifiers)
    gov = governor(noun, lex)
    if gov is not None:
        trig.governor = gov
        borrowed = Trigger(noun, trig.entry, "noun")
        _verb_arguments(borrowed, gov, gov, lex)
        trig.gov_sources, trig.gov_targets = borrowed.sources, borrowed.targets


def _modifier_arguments(trig: Trigger, modifiers: list[Token]) -> None:
    """``Russian strikes``, ``NATO-Russia conflict`` (modifiers), ``anti-Russian`` (target)."""
    for mod in modifiers:
        doc = mod.doc
        prev = doc[mod.i - 2].lower_ if mod.i >= 2 and doc[mod.i - 1].text == "-" else ""
        (trig.targets if prev == "anti" else trig.modifiers).append(mod)


def governor(noun: Token, lex: Lexicon) -> Token | None:
    """The light verb whose object (or ``to``-object) ``noun`` is: ``launched an attack``."""
    head = noun.head
    if noun.dep_ in ("dobj", "nsubjpass") and head.pos_ == "VERB" and (
        _low(head) in lex.light_verbs or _low(head) in ARGUMENT_VERBS
    ):
        return head
    if noun.dep_ == "pobj" and head.dep_ in ("prep", "prt") and head.head.pos_ == "VERB":
        verb = head.head
        if _low(verb) in BENEFICIARY_VERBS and head.lower_ == "to":
            return verb
        if _low(verb) in ("carry", "step", "ramp") and head.lower_ in ("out", "up"):
            return verb
        if head.lower_ == "with" and _low(verb) in lex.light_verbs:  # "provide X with aid"
            return verb
        if head.lower_ == "for" and _low(verb) not in lex.verbs:  # "travelled to X for talks"
            return verb
    if noun.dep_ == "conj":
        return governor(noun.head, lex) if noun.head.pos_ in NOUN_POS else None
    return None


def _clausal(t: Token) -> bool:
    """A participial or relative clause inside a phrase (``, banking on ...``)."""
    if t.dep_ in ("relcl", "ccomp"):
        return True
    return t.tag_ == "VBG" or (t.dep_ == "conj" and t.lower_.endswith("ing") and t.pos_ != "PROPN")


def argument_tokens(tok: Token) -> list[Token]:
    """The tokens of an argument phrase: its subtree minus clauses and location phrases."""
    skip: set[int] = set()
    for child in tok.children:
        if (
            child.dep_ in SKIP_IN_ARGUMENTS
            or (child.dep_ == "prep" and child.lower_ in LOCATION_PREPS)
            or child.dep_ == "conj"
            or (child.dep_ == "acl" and child.tag_ == "VBG")
        ):
            skip.update(t.i for t in child.subtree)
    for t in tok.subtree:
        if t.i != tok.i and t.i not in skip and (
            _clausal(t) or (t.dep_ == "prep" and t.lower_ in LOCATION_PREPS)
        ):
            skip.update(x.i for x in t.subtree)
    return [t for t in tok.subtree if t.i not in skip]


def argument_ranges(tok: Token) -> list[tuple[int, int]]:
    """Character ranges of an argument phrase, one a token (see :func:`argument_tokens`)."""
    return [(t.idx, t.idx + len(t.text)) for t in argument_tokens(tok)]


EDGE_PUNCT = frozenset({"PUNCT", "CCONJ"})


PHRASE_CUTS = frozenset({"relcl", "acl", "advcl", "ccomp", "xcomp", "conj", "cc", "parataxis"})
"""Dependents that end a phrase as written: clauses and coordinated phrases."""


def argument_extent(tok: Token) -> tuple[int, int]:
    """Character range of the argument phrase as written (``the Croatian government's
    request``, ``the U.S. Embassy in Athens``): the unbroken run of the head word's subtree
    around it without clauses or conjuncts, and without punctuation at either edge."""
    skip: set[int] = set()
    for t in tok.subtree:
        if t.i != tok.i and t.i not in skip and t.dep_ in PHRASE_CUTS:
            skip.update(x.i for x in t.subtree)
    own = {t.i for t in tok.subtree} - skip
    lo = hi = tok.i
    while lo - 1 in own:
        lo -= 1
    while hi + 1 in own:
        hi += 1
    doc = tok.doc
    while lo < tok.i and doc[lo].pos_ in EDGE_PUNCT:
        lo += 1
    while hi > tok.i and (doc[hi].pos_ in EDGE_PUNCT or doc[hi].dep_ in ("prep", "case")):
        hi -= 1
    return doc[lo].idx, doc[hi].idx + len(doc[hi].text)


def depth(tok: Token, sent: SpacySpan) -> int:
    """Number of heads between ``tok`` and the root of its sentence (the root is 0)."""
    steps = 0
    while tok.head.i != tok.i and sent.start <= tok.head.i < sent.end and steps < 64:
        tok = tok.head
        steps += 1
    return steps
