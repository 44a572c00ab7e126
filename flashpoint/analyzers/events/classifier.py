"""The sentence quad-class model: TF-IDF over words and PLOVER lexicon cues, then a linear model.

It answers "what is the strongest event of this sentence, by quad class"
with the CAMEO penta-class labels (0 no event, 1 verbal cooperation, 2
material cooperation, 3 verbal conflict, 4 material conflict). Features are
the sentence's words and word bigrams plus one pseudo-word per PLOVER
trigger found in it (``plovq_material_conflict``, ``plovc_assault``), looked
up by surface form so that no parse is needed. Weights are trained by
``scripts/train_events.py`` on the CAMEO penta-class data and stored as JSON
(``flashpoint/data/events/penta_model.json``); inference here is plain
Python, with no scikit-learn at run time.
"""

from __future__ import annotations

import contextlib
import functools
import json
import math
import re
from collections import Counter
from collections.abc import Iterator
from importlib import resources
from typing import Any

from .plover import Lexicon
from .plover import load as load_lexicon

MODEL_PATH = "data/events/penta_model.json"
TOKEN = re.compile(r"(?u)\b\w\w+\b")
WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
IRREGULAR: dict[str, tuple[str, ...]] = {
    "strike": ("struck", "stricken"), "shoot": ("shot",), "fight": ("fought",), "meet": ("met",),
    "hold": ("held",), "send": ("sent",), "make": ("made",), "take": ("took", "taken"),
    "give": ("gave", "given"), "beat": ("beaten",), "seek": ("sought",),
    "withdraw": ("withdrew", "withdrawn"), "freeze": ("froze", "frozen"),
    "break": ("broke", "broken"), "forgive": ("forgave", "forgiven"), "overrun": ("overran",),
    "pay": ("paid",), "lay": ("laid",), "come": ("came",), "go": ("went", "gone"),
    "stand": ("stood",), "undertake": ("undertook", "undertaken"), "hit": ("hit",),
    "cut": ("cut",), "sell": ("sold",), "bring": ("brought",), "lead": ("led",),
    "win": ("won",), "draw": ("drew", "drawn"), "blow": ("blew", "blown"),
}
VOWELS = set("aeiou")


def inflections(lemma: str) -> set[str]:
    """Regular and listed irregular forms of an English verb or noun lemma."""
    forms = {lemma, *IRREGULAR.get(lemma, ())}
    if lemma.endswith("e"):
        forms |= {lemma + "s", lemma + "d", lemma[:-1] + "ing"}
    elif lemma.endswith("y") and len(lemma) > 2 and lemma[-2] not in VOWELS:
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"}
    else:
        plural = lemma + ("es" if lemma.endswith(("s", "sh", "ch", "x", "z")) else "s")
        forms |= {plural, lemma + "ed", lemma + "ing"}
        if (len(lemma) >= 3 and lemma[-1] not in VOWELS | {"w", "x", "y"}
                and lemma[-2] in VOWELS and lemma[-3] not in VOWELS):
            forms |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
    return forms


@functools.lru_cache(maxsize=1)
def surface_table() -> dict[str, str]:
    """Inflected trigger word -> PLOVER category (single words; first listing wins)."""
    return _surface_table(load_lexicon())


def _surface_table(lex: Lexicon) -> dict[str, str]:
    table: dict[str, str] = {}
    for lemma, entry in (*lex.verbs.items(), *lex.nouns.items()):
        if " " in lemma:
            continue
        for form in inflections(lemma):
            table.setdefault(form, entry.category)
    return table


def cue_words(text: str) -> list[str]:
    """The PLOVER pseudo-words of a sentence: one quad and one category word per trigger."""
    lex = load_lexicon()
    table = surface_table()
    cues: list[str] = []
    for word in WORD.findall(text):
        cat = table.get(word.lower())
        if cat is not None:
            cues += [f"plovq_{lex.quad(cat)}", f"plovc_{cat.lower()}"]
    return cues


def featurize(text: str) -> str:
    """The text the vectorizer sees: the sentence followed by its lexicon pseudo-words."""
    return " ".join([text, *cue_words(text)])


class PentaModel:
    """A TF-IDF + multinomial logistic regression model read from JSON."""

    def __init__(self, data: dict[str, Any]):
        self.vocabulary: dict[str, int] = data["vocabulary"]
        self.idf: list[float] = data["idf"]
        self.coef: list[list[float]] = data["coef"]
        self.intercept: list[float] = data["intercept"]
        self.classes: list[int] = data["classes"]
        self.ngram_max: int = data.get("ngram_max", 2)
        self.category_prior: dict[str, str] = data.get("category_prior", {})
        """Quad class -> the PLOVER category a model-backed event of that class gets when the
        sentence has no lexicon cue of the class (learned: the commonest cue category of the
        training sentences labelled with the class)."""

    def _vector(self, text: str) -> dict[int, float]:
        words = TOKEN.findall(featurize(text).lower())
        grams = list(words)
        for n in range(2, self.ngram_max + 1):
            grams += [" ".join(words[i:i + n]) for i in range(len(words) - n + 1)]
        counts = Counter(self.vocabulary[g] for g in grams if g in self.vocabulary)
        vec = {j: (1.0 + math.log(c)) * self.idf[j] for j, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {j: v / norm for j, v in vec.items()}

    def probabilities(self, text: str) -> dict[int, float]:
        """P(label) for each penta-class label."""
        vec = self._vector(text)
        scores = [b + sum(row[j] * v for j, v in vec.items())
                  for row, b in zip(self.coef, self.intercept, strict=True)]
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return {c: e / total for c, e in zip(self.classes, exps, strict=True)}

    def predict(self, text: str) -> int:
        probs = self.probabilities(text)
        return max(probs, key=lambda c: probs[c])


    def category(self, text: str, quad: str) -> str | None:
        """The PLOVER category of a model-backed event of class ``quad`` in ``text``.

        The commonest lexicon cue of that class among the sentence's words (a trigger the parse
        did not accept: ``lifts boycott``), else the class's learned prior.
        """
        lex = load_lexicon()
        cues = Counter(
            w[len("plovc_"):].upper() for w in cue_words(text)
            if w.startswith("plovc_") and lex.quad(w[len("plovc_"):].upper()) == quad
        )
        if cues:
            return max(sorted(cues), key=lambda c: cues[c])
        return self.category_prior.get(quad)


_OVERRIDE: list[PentaModel] = []


@functools.lru_cache(maxsize=1)
def load_model() -> PentaModel:
    """The packaged quad-class model (cached)."""
    raw = resources.files("flashpoint").joinpath(MODEL_PATH).read_text("utf-8")
    return PentaModel(json.loads(raw))


def active_model() -> PentaModel:
    """The model the analyzer uses: the one set by :func:`use_model`, else the packaged one."""
    return _OVERRIDE[-1] if _OVERRIDE else load_model()


@contextlib.contextmanager
def use_model(model: PentaModel) -> Iterator[PentaModel]:
    """Run the analyzer with ``model`` instead of the packaged weights (cross-validation
    trains one model per fold and scores the held-out fold with it); this process only."""
    _OVERRIDE.append(model)
    try:
        yield model
    finally:
        _OVERRIDE.pop()
