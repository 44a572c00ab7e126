"""Genre: is the piece opinion, reporting or satire? Hand-weighted cues, no training data.

What separates the genres (Biber's register features; Krestel et al. on opinion
in news; the satire literature):

- **opinion** speaks in the author's voice: first and second person outside
  quotations, questions and exclamations, evaluative words, obligation modals
  ("should", "must"), certainty boosters, and many loaded-language spans;
- **reporting** attributes: reporting verbs ("said", "according to"), a high
  share of quoted text, datelines, numbers and dates;
- **satire** imitates reporting but declares itself: a known satirical outlet
  (metadata), an explicit "satire" label, or stock satirical phrasings
  ("area man", "nation's"). Without such markers satire reads as reporting or
  opinion: we do not guess at irony.

Each cue is a rate per sentence (of author-voice text where relevant); the
opinion-vs-reporting score is a logistic function of their weighted sum with
weights set by hand (see :data:`WEIGHTS`), checked on the hand-labelled
development set ``tests/data/persuasion_genre.jsonl``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ...model import Article, Genre, Technique


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

WEIGHTS: dict[str, float] = {
    "first_sg": 2.5, "first_pl": 1.5, "second": 1.5, "question": 2.5, "exclaim": 2.0,
    "booster": 1.5, "modal": 1.5, "loaded": 1.0,
    "attribution": -2.5, "quoted": -2.5, "dateline": -1.5, "numbers": -0.4,
}
BIAS = -0.3


@dataclass(frozen=True, slots=True)
class Cues:
    """Per-sentence rates of the genre cues (``quoted`` is a share of characters)."""

    rates: dict[str, float]
    satire: float


def author_voice(text: str, quotes: Sequence[tuple[int, int]] = ()) -> str:
    """``text`` with quoted passages blanked out (offsets kept)."""
    chars = list(text)
    zones = [(m.start(), m.end()) for m in _QUOTED.finditer(text)] + list(quotes)
    for s, e in zones:
        chars[s:e] = " " * (e - s)
    return "".join(chars)


def cues(text: str, segments: Sequence[tuple[int, int]], article: Article | None,
         techniques: Sequence[Technique]) -> Cues:
    quotes = [(q.content.start, q.content.end) for q in article.quotes] if article else []
    own = author_voice(text, quotes)
    words = [w.lower() for w in _WORD.findall(own)]
    n = max(1, len(segments))
    own_sentences = [own[s:e].strip() for s, e in segments]
    loaded = sum(1 for t in techniques if t.technique in {"Loaded_Language",
                                                          "Name_Calling,Labeling"})
    rates = {
        "first_sg": sum(w in _FIRST_SG for w in words) / n,
        "first_pl": sum(w in _FIRST_PL for w in words) / n,
        "second": sum(w in _SECOND for w in words) / n,
        "question": sum(s.endswith("?") for s in own_sentences) / n,
        "exclaim": sum(s.endswith("!") for s in own_sentences) / n,
        "booster": sum(w in _BOOSTERS for w in words) / n,
        "modal": sum(w in _MODAL for w in words) / n,
        "loaded": loaded / n,
        "attribution": len(_ATTRIBUTION.findall(text)) / n,
        "quoted": 1.0 - len(own.strip()) / max(1, len(text.strip())),
        "dateline": float(bool(_DATELINE.match(text))),
        "numbers": len(_NUMBER.findall(text)) / n,
    }
    return Cues(rates, _satire(text, article))


def _satire(text: str, article: Article | None) -> float:
    score = 0.0
    if article is not None:
        where = f"{article.metadata.outlet or ''} {article.metadata.url or ''}".lower()
        if any(o in where for o in SATIRE_OUTLETS):
            score += 1.0
    if _SATIRE_SELF.search(text[:300]) or _SATIRE_SELF.search(text[-300:]):
        score += 0.6
    score += 0.3 * len(_SATIRE_STOCK.findall(text))
    return min(1.0, score)


def opinion_probability(c: Cues) -> float:
    z = BIAS + sum(WEIGHTS[k] * min(v, 3.0) for k, v in c.rates.items())
    return 1.0 / (1.0 + math.exp(-z))


def classify(text: str, segments: Sequence[tuple[int, int]], article: Article | None = None,
             techniques: Sequence[Technique] = ()) -> Genre | None:
    """The genre of ``text`` with a score in [0.5, 1]; ``None`` for text without sentences."""
    if not segments or not text.strip():
        return None
    c = cues(text, segments, article, techniques)
    if c.satire >= 0.6:
        return Genre(label="satire", score=round(0.5 + c.satire / 2, 3))
    p = opinion_probability(c)
    if p >= 0.5:
        return Genre(label="opinion", score=round(p, 3))
    return Genre(label="reporting", score=round(1 - p, 3))
