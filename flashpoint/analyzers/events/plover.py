"""The PLOVER event ontology and flashpoint's trigger lexicon for it.

PLOVER (Political Language Ontology for Verifiable Event Records, the Open
Event Data Alliance's successor to CAMEO, used by POLECAT) has 18 event
categories here (its FIGHT is merged into ASSAULT, as in the 2021 CAMEO to
PLOVER mapping) grouped into four quad classes. The lexicon in
``flashpoint/data/events/plover.json`` lists, per category, verb lemmas,
event nominalisations and verb+object / verb+particle combinations, each
with an intensity on the Goldstein (1992) -10..+10 scale (see
``docs/events.md`` for the scale and its source).
"""

from __future__ import annotations

import dataclasses
import functools
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any, get_args

from ...errors import LexiconError
from ...model import QuadClass

CATEGORIES: tuple[str, ...] = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE",
    "COOPERATE", "AID", "RETREAT", "INVESTIGATE",
    "DEMAND", "DISAPPROVE", "REJECT", "THREATEN", "SANCTION",
    "PROTEST", "CRIME", "MOBILIZE", "COERCE", "ASSAULT",
)
"""PLOVER's event types, in the order of its README's quad table."""

PENTA: dict[str, int] = {
    "verbal_cooperation": 1, "material_cooperation": 2,
    "verbal_conflict": 3, "material_conflict": 4,
}
"""The CAMEO penta-class label of each quad class (0 means no event)."""


@dataclass(frozen=True, slots=True)
class Category:
    name: str
    quad: QuadClass
    intensity: float
    cameo: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Entry:
    """What a trigger word means: its category and intensity."""

    category: str
    intensity: float


@dataclass(frozen=True, slots=True)
class Lexicon:
    categories: dict[str, Category]
    verbs: dict[str, Entry]
    nouns: dict[str, Entry]
    combos: dict[tuple[str, str], Entry]
    light_verbs: frozenset[str]
    noun_modifiers: dict[str, dict[str, str | None]]
    stop_objects: dict[str, frozenset[str]]
    verb_with_object: dict[str, str]
    intransitive: frozenset[str]
    labour_words: frozenset[str] = frozenset()
    """Words that make a ``strike`` a labour strike (PROTEST), not an attack."""
    reciprocal: frozenset[str] = frozenset()
    """Verbs whose coordinated subjects act on each other (``X and Y met``)."""
    swap_roles: frozenset[str] = frozenset()
    """Verbs whose subject is the recipient (``X hosted Y``: Y visits X)."""
    pointed: dict[str, frozenset[str]] = dataclasses.field(default_factory=dict)
    """Verbs that need an aim (``fired at X``) or a weapon object (``fired rockets``)."""
    needs_target: frozenset[str] = frozenset()
    """Verbs that make an event only with a recipient (``warned Finland``, not ``warned of``)."""
    stop_complements: frozenset[str] = frozenset()
    """Infinitive complements that make a verb no event (``declined to comment``)."""

    def entry(self, category: str, intensity: float | None = None) -> Entry:
        base = self.categories[category].intensity
        return Entry(category, base if intensity is None else float(intensity))

    def quad(self, category: str) -> QuadClass:
        return self.categories[category].quad


def _entries(raw: dict[str, Any], kind: str, lex_cats: dict[str, Category]) -> dict[str, Entry]:
    out: dict[str, Entry] = {}
    for name, spec in raw.items():
        for lemma, value in spec[kind].items():
            if lemma in out:
                raise LexiconError(f"{kind} trigger {lemma!r} is listed under both "
                                   f"{out[lemma].category} and {name}")
            base = lex_cats[name].intensity
            out[lemma] = Entry(name, base if value is None else float(value))
    return out


def _categories(raw: dict[str, Any]) -> dict[str, Category]:
    quads = set(get_args(QuadClass))
    cats: dict[str, Category] = {}
    for name, spec in raw.items():
        if name not in CATEGORIES:
            raise LexiconError(f"unknown PLOVER category {name!r}")
        if spec["quad"] not in quads:
            raise LexiconError(f"{name}: unknown quad class {spec['quad']!r}")
        intensity = float(spec["intensity"])
        if not -10.0 <= intensity <= 10.0:
            raise LexiconError(f"{name}: intensity {intensity} outside -10..+10")
        cats[name] = Category(name, spec["quad"], intensity, tuple(spec["cameo"]))
    return cats


def parse(data: dict[str, Any]) -> Lexicon:
    """Build a :class:`Lexicon` from the JSON structure of ``plover.json``."""
    raw = data["categories"]
    cats = _categories(raw)
    combos: dict[tuple[str, str], Entry] = {}
    for key, entry in _entries(raw, "combos", cats).items():
        verb, _, rest = key.partition(" ")
        combos[(verb, rest)] = entry
    return Lexicon(
        categories=cats,
        verbs=_entries(raw, "verbs", cats),
        nouns=_entries(raw, "nouns", cats),
        combos=combos,
        light_verbs=frozenset(data["light_verbs"]),
        noun_modifiers={k: dict(v) for k, v in data["ambiguous_noun_modifiers"].items()},
        stop_objects={k: frozenset(v) for k, v in data["stop_objects"].items()},
        verb_with_object=dict(data["verb_with_object"]),
        intransitive=frozenset(data["intransitive_verbs"]),
        labour_words=frozenset(data.get("labour_words", ())),
        reciprocal=frozenset(data.get("reciprocal_verbs", ())),
        swap_roles=frozenset(data.get("swap_roles_verbs", ())),
        stop_complements=frozenset(data.get("stop_complements", ())),
        needs_target=frozenset(data.get("needs_target_verbs", ())),
        pointed={k: frozenset(v) for k, v in data.get("pointed_verbs", {}).items()},
    )


@functools.lru_cache(maxsize=1)
def load() -> Lexicon:
    """The packaged lexicon (cached)."""
    text = resources.files("flashpoint").joinpath("data/events/plover.json").read_text("utf-8")
    return parse(json.loads(text))
