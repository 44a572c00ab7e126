"""Genre: is the piece opinion, reporting or satire?

Opinion vs reporting is a balanced logistic regression over fourteen
author's-voice and attribution cues, trained on the opinion and reporting
articles of SemEval-2023 Task 3 English subtask 1 (``flashpoint/train/genre_frames.py``,
``scripts/train_genre_frames.py``; weights in ``flashpoint/data/persuasion/genre.npz``).
Balanced class weights put the decision at equal priors: the training split is
90% opinion, real feeds are mostly reporting. The cues (see :data:`FEATURES`):

- **opinion** speaks in the author's voice: first and second person outside
  quotations, questions and exclamations, evaluative words, obligation modals
  ("should", "must"), subjective sentences (``Sentence.subjectivity`` from
  ``sentence_scores``);
- **reporting** attributes: reporting verbs ("said", "according to"), a high
  share of quoted text, datelines, numbers, check-worthy factual sentences.

**Satire** is not learned (the training split has three satire articles, none
of them marked as such): it is declared, not guessed, by a known satirical
outlet in the metadata, an explicit "satire" label near the start or end, or
stock satirical phrasings ("area man", "at press time"). Irony without such
markers reads as opinion or reporting.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from ...errors import WeightsError
from ...model import Article, Genre
from .weights import load_npz, save_npz

F64 = npt.NDArray[np.float64]
DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "persuasion"
MODEL_PATH = DATA_DIR / "genre.npz"
RATE_CAP = 3.0
"""Per-sentence cue rates are clipped here (three questions in two lines are not 50x opinion)."""
SATIRE_THRESHOLD = 0.6
MIN_SENTENCES = 3
"""Fewer sentences (a headline, a wire flash) hold too little author's voice to weigh: the
model, trained on whole articles, reads the absence of quotes and attribution in a
one-line headline as opinion. Such texts are ``reporting`` at score 0.5 (undecided)."""


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


SATIRE_OUTLETS = (
    "theonion", "the onion", "babylonbee", "babylon bee", "thedailymash", "daily mash",
    "newsthump", "waterfordwhispers", "waterford whispers", "thebeaverton", "the beaverton",
    "theshovel", "the shovel", "gorafi", "elmundotoday", "el mundo today", "der-postillon",
    "postillon", "clickhole", "duffelblog", "reductress", "panorama.pub",
)
_SATIRE_SELF = re.compile(r"\b(?:satire|satirical|parody)\b", re.IGNORECASE)
_SATIRE_STOCK = re.compile(
    r"\b(?:area (?:man|woman|dad|mom)|local (?:man|woman) (?:reportedly|who)|nation's"
    r"|sources confirmed that|at press time|visibly (?:shaken|moved|confused)"
    r"|reportedly (?:still )?(?:unaware|baffled)|study finds \d+% of)\b",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"“[^”]*”|\"[^\"\n]*\"|«[^»]*»")
_WORD = re.compile(r"[A-Za-z’']+")
_FIRST_SG = _words("i me my mine myself i'm i’m i've i’ve i'd i’d")
_FIRST_PL = _words("we us our ours ourselves let's let’s")
_SECOND = _words("you your yours yourself yourselves")
_MODAL = _words("should must ought shouldn't shouldn’t mustn't")
_BOOSTERS = _words(
    "clearly obviously surely undoubtedly certainly undeniably frankly simply truly "
    "absurd disgraceful shameful outrageous reckless foolish cynical pathetic "
    "brilliant naive scandalous appalling ridiculous grotesque hypocritical cowardly "
    "shameless dangerous disastrous wise admirable courageous deplorable sheer "
    "utterly"
)
_ATTRIBUTION = re.compile(
    r"\b(?:said|says|told|according to|announced|stated|added|confirmed|reported|"
    r"declined to comment|spokesman|spokeswoman|spokesperson|press conference|statement)\b",
    re.IGNORECASE,
)
_DATELINE = re.compile(
    r"^\s*[A-Z][A-Z .'-]{2,40}(?:,\s*[A-Z][a-z]+\.? \d{1,2})?\s*(?:\(\w+\))?\s*[-—–]"
)
_NUMBER = re.compile(r"\b\d[\d,.]*\b")

FEATURES = (
    "first_sg", "first_pl", "second", "question", "exclaim", "booster", "modal",
    "attribution", "dateline", "numbers", "quoted", "subjectivity", "subjective_share",
    "checkworthiness",
)
"""The model's inputs, in order: cue rates per sentence (author's voice where it
matters, clipped at :data:`RATE_CAP`), the share of characters inside quotation
marks or quotes, the mean sentence subjectivity, the share of sentences with
subjectivity above 0.5, and the mean check-worthiness. The article's length is not
an input: in the training split longer articles are more often reporting, and the
feature turned short wire reports into opinion."""


def author_voice(text: str, quotes: Sequence[tuple[int, int]] = ()) -> str:
    """``text`` with quoted passages blanked out (offsets kept)."""
    chars = list(text)
    for s, e in quoted_zones(text, quotes):
        chars[s:e] = " " * (e - s)
    return "".join(chars)


def quoted_zones(text: str, quotes: Sequence[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """Passages inside quotation marks, and the quotes found by ``quotes.v1``."""
    return [(m.start(), m.end()) for m in _QUOTED.finditer(text)] + list(quotes)


def _quoted_share(text: str, zones: Sequence[tuple[int, int]]) -> float:
    inside = np.zeros(len(text), dtype=bool)
    for s, e in zones:
        inside[s:e] = True
    return float(inside.sum()) / max(1, len(text.strip()))


def _scores(article: Article, name: str) -> F64:
    values = [getattr(s, name) for s in article.sentences]
    return np.asarray([v for v in values if v is not None] or [np.nan], dtype=np.float64)


def features(article: Article, segments: Sequence[tuple[int, int]]) -> F64:
    """The :data:`FEATURES` of ``article`` (its quotes and sentence scores included).

    The three sentence-score features are NaN when the sentences carry no scores
    (``sentence_scores`` did not run); :meth:`GenreModel.probability` then uses
    their training means.
    """
    text = article.text
    quotes = [(q.content.start, q.content.end) for q in article.quotes]
    zones = quoted_zones(text, quotes)
    own = author_voice(text, quotes)
    words = [w.lower() for w in _WORD.findall(own)]
    n = max(1, len(segments))
    own_sentences = [own[s:e].strip() for s, e in segments]
    rates = [
        sum(w in _FIRST_SG for w in words), sum(w in _FIRST_PL for w in words),
        sum(w in _SECOND for w in words), sum(s.endswith("?") for s in own_sentences),
        sum(s.endswith("!") for s in own_sentences), sum(w in _BOOSTERS for w in words),
        sum(w in _MODAL for w in words), len(_ATTRIBUTION.findall(text)),
    ]
    subjectivity = _scores(article, "subjectivity")
    subjective = float((subjectivity > 0.5).mean()) if not np.isnan(subjectivity[0]) else np.nan
    out = [min(r / n, RATE_CAP) for r in rates] + [
        float(bool(_DATELINE.match(text))), min(len(_NUMBER.findall(text)) / n, RATE_CAP),
        _quoted_share(text, zones), float(subjectivity.mean()), subjective,
        float(_scores(article, "checkworthiness").mean()),
    ]
    return np.asarray(out, dtype=np.float64)


def satire_score(text: str, article: Article | None) -> float:
    """Strength of declared satire markers in [0, 1] (outlet, self-label, stock phrases)."""
    score = 0.0
    if article is not None:
        where = f"{article.metadata.outlet or ''} {article.metadata.url or ''}".lower()
        if any(o in where for o in SATIRE_OUTLETS):
            score += 1.0
    if _SATIRE_SELF.search(text[:300]) or _SATIRE_SELF.search(text[-300:]):
        score += 0.6
    score += 0.3 * len(_SATIRE_STOCK.findall(text))
    return min(1.0, score)


@dataclass(frozen=True)
class GenreModel:
    """Logistic regression P(opinion) over :data:`FEATURES` (standardisation folded in)."""

    coef: F64
    intercept: float
    means: F64
    """Training mean of each feature, used in place of a missing (NaN) one."""
    meta: dict[str, object]

    def probability(self, x: F64) -> float:
        """P(opinion) for one row of :data:`FEATURES`."""
        x = np.where(np.isnan(x), self.means, x)
        z = float(x @ self.coef) + self.intercept
        return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))

    def save(self, path: Path) -> None:
        meta = {"features": list(FEATURES), "intercept": self.intercept, **self.meta}
        save_npz(path, meta, coef=self.coef.astype(np.float64),
                 means=self.means.astype(np.float64))

    @classmethod
    def load(cls, path: Path) -> GenreModel:
        meta, arrays = load_npz(path)
        if tuple(meta.pop("features")) != FEATURES:
            raise WeightsError(f"genre model {path} was trained on other features; retrain it "
                             "with `python scripts/train_genre_frames.py`")
        return cls(coef=arrays["coef"].astype(np.float64),
                   intercept=float(meta.pop("intercept")),
                   means=arrays["means"].astype(np.float64), meta=meta)


@functools.lru_cache(maxsize=1)
def load_model(path: Path = MODEL_PATH) -> GenreModel:
    """The committed genre model (cached per process)."""
    if not path.exists():
        raise WeightsError(f"genre model {path} is missing; run "
                                "`python scripts/train_genre_frames.py`")
    return GenreModel.load(path)


def classify(article: Article, segments: Sequence[tuple[int, int]],
             model: GenreModel | None = None, *, encoder: bool = True) -> Genre | None:
    """The genre of ``article`` with a score in [0.5, 1]; ``None`` for text without sentences.

    The learned model decides only where its inputs are what it was trained on: at
    least :data:`MIN_SENTENCES` sentences, scored by the encoder (``encoder``). Else
    the piece is ``reporting`` with score 0.5: undecided, with the prior of news feeds.
    """
    text = article.text
    if not segments or not text.strip():
        return None
    satire = satire_score(text, article)
    if satire >= SATIRE_THRESHOLD:
        return Genre(label="satire", score=round(0.5 + satire / 2, 3))
    if not encoder or len(segments) < MIN_SENTENCES:
        return Genre(label="reporting", score=0.5)
    p = (model or load_model()).probability(features(article, segments))
    if p >= 0.5:
        return Genre(label="opinion", score=round(p, 3))
    return Genre(label="reporting", score=round(1 - p, 3))
