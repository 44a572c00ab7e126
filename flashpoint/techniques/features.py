"""Feature strings for technique classification (spans) and span identification (tokens).

Every feature is a short string (``"w=regime"``, ``"rep=2+"``); the linear models
in :mod:`flashpoint.techniques.model` hash them, so no vocabulary is stored.
Features are lexical and structural only: words and word pairs of the span and
its context, the span's length, whether its text recurs in the article (the
signature of Repetition), punctuation, capitals, quotation marks, and a small
hand-written lexicon of cue words per technique (:data:`CUES`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]")
_QUOTES = "\"“”«»„"

# Cue words per technique, written for flashpoint (not taken from any corpus).
CUES: dict[str, frozenset[str]] = {
    "fear": frozenset(
        "threat threaten threatens danger dangerous destroy destroyed destruction catastrophe "
        "catastrophic chaos invasion invade terror terrorist terrorists deadly collapse crisis "
        "disaster annihilation extinction nightmare doom existential".split()
    ),
    "flag": frozenset(
        "nation national patriot patriots patriotic homeland fatherland motherland our people "
        "country sovereignty sacred heritage flag freedom values americans".split()
    ),
    "doubt": frozenset(
        "really supposedly so-called alleged allegedly questionable credibility truly why whether "
        "actually claim claims pretend pretends".split()
    ),
    "exaggeration": frozenset(
        "never always totally completely entirely absolutely utterly everyone nobody nothing "
        "everything worst best greatest biggest massive huge enormous unprecedented only merely "
        "just mere tiny minor".split()
    ),
    "authority": frozenset(
        "expert experts scientists professor according said says stated official officials study "
        "studies report reports analyst analysts".split()
    ),
    "causal": frozenset("because therefore thus hence consequently cause caused causes led".split()),
    "black_white": frozenset("either or only choice unless must whether alternative".split()),
    "bandwagon": frozenset("everyone everybody majority millions all most popular".split()),
    "hitler": frozenset("hitler nazi nazis fascist fascists stalin communist totalitarian".split()),
    "whatabout": frozenset("what about hypocrisy hypocrite hypocritical yet while meanwhile".split()),
    "cliche": frozenset("simply period enough end story that's it is what".split()),
}


@dataclass(frozen=True, slots=True)
class Token:
    start: int
    end: int
    text: str


def tokenize(text: str) -> list[Token]:
    """Words (with inner apostrophes) and single punctuation marks, with offsets."""
    return [Token(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]


def line_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Bounds of the line(s) around ``text[start:end]`` (PTC has one sentence a line)."""
    s = text.rfind("\n", 0, start) + 1
    e = text.find("\n", end)
    return s, len(text) if e < 0 else e


def _bucket(n: int, edges: Sequence[int]) -> str:
    for edge in edges:
        if n <= edge:
            return str(edge)
    return f"{edges[-1]}+"


def _shape(word: str) -> str:
    if word.isupper() and len(word) > 1:
        return "UPPER"
    if word[:1].isupper():
        return "Title"
    if word.isdigit():
        return "digit"
    if not word[:1].isalnum():
        return "punct"
    return "lower"


def _cue_features(words: Sequence[str], prefix: str) -> Iterator[str]:
    for name, cue in CUES.items():
        hits = sum(1 for w in words if w in cue)
        if hits:
            yield f"{prefix}cue={name}"
            if hits > 1:
                yield f"{prefix}cue2={name}"


def span_features(text: str, start: int, end: int, counts: Counter[str]) -> list[str]:
    """Feature strings of one candidate technique span in its article ``text``.

    ``counts`` maps lower-cased, whitespace-normalised strings to their number
    of occurrences in the article; see :func:`phrase_counts`.
    """
    span = text[start:end]
    words = [t.text.lower() for t in tokenize(span)]
    feats = [f"w={w}" for w in words]
    feats += [f"b={a}_{b}" for a, b in zip(words, words[1:], strict=False)]
    if words:
        feats += [f"first={words[0]}", f"last={words[-1]}"]
    feats.append(f"len={_bucket(len(words), (1, 2, 3, 5, 8, 12, 20, 35))}")
    feats.append(f"chars={_bucket(len(span), (5, 10, 20, 40, 80, 160))}")
    ls, le = line_bounds(text, start, end)
    line = text[ls:le]
    left = [t.text.lower() for t in tokenize(text[ls:start])][-3:]
    right = [t.text.lower() for t in tokenize(text[end:le])][:3]
    feats += [f"L{i}={w}" for i, w in enumerate(reversed(left))]
    feats += [f"R{i}={w}" for i, w in enumerate(right)]
    feats += [f"s={w}" for w in {t.text.lower() for t in tokenize(line)}]
    cover = (end - start) / max(1, len(line.strip()))
    feats.append(f"cover={_bucket(int(cover * 10), (2, 5, 8, 10))}")
    feats.append(f"rep={_bucket(counts.get(normalise(span), 1), (1, 2, 3))}")
    if words:
        head = max(words, key=len)
        feats.append(f"headrep={_bucket(counts.get(head, 1), (1, 2, 4, 8))}")
    if ls == 0:
        feats.append("in_title")
    for mark, name in (("?", "q"), ("!", "excl"), ('"', "dq"), ("“", "dq"), ("”", "dq")):
        if mark in span:
            feats.append(f"has_{name}")
        if mark in line:
            feats.append(f"line_{name}")
    if start > 0 and text[start - 1] in _QUOTES:
        feats.append("quoted_left")
    if end < len(text) and text[end] in _QUOTES:
        feats.append("quoted_right")
    caps = sum(1 for t in tokenize(span) if _shape(t.text) == "UPPER")
    if caps:
        feats.append(f"caps={_bucket(caps, (1, 2))}")
    if words and words[0] in {"#"} or span.startswith("#"):
        feats.append("hashtag")
    feats += list(_cue_features(words, ""))
    return feats


def normalise(s: str) -> str:
    return " ".join(s.lower().split())


def phrase_counts(text: str, max_n: int = 6) -> Counter[str]:
    """Occurrences of every word and word n-gram (n <= ``max_n``) of ``text``, lower-cased."""
    words = [t.text.lower() for t in tokenize(text) if t.text[:1].isalnum()]
    counts: Counter[str] = Counter()
    for n in range(1, max_n + 1):
        for i in range(len(words) - n + 1):
            counts[" ".join(words[i : i + n])] += 1
    return counts


def token_features(
    tokens: Sequence[Token], i: int, counts: Counter[str], line_feats: Sequence[str]
) -> list[str]:
    """Feature strings of token ``i`` for span identification (a window of 2 each side)."""
    low = [t.text.lower() for t in tokens]
    w = low[i]
    feats = [f"w={w}", f"shape={_shape(tokens[i].text)}", f"suf3={w[-3:]}"]
    for d in (-2, -1, 1, 2):
        j = i + d
        feats.append(f"w{d}={low[j]}" if 0 <= j < len(low) else f"w{d}=<pad>")
    if i > 0:
        feats.append(f"b-1={low[i - 1]}_{w}")
    if i + 1 < len(low):
        feats.append(f"b+1={w}_{low[i + 1]}")
    feats.append(f"freq={_bucket(counts.get(w, 1), (1, 2, 4, 8))}")
    feats += list(_cue_features([w], "t"))
    feats += line_feats
    return feats


def line_features(line_tokens: Sequence[Token], position: int) -> list[str]:
    """Features shared by every token of a line: length, punctuation, its place in the article."""
    words = [t.text for t in line_tokens]
    feats = [f"linelen={_bucket(len(words), (3, 8, 15, 25, 40))}"]
    if position == 0:
        feats.append("line_title")
    for mark, name in (("?", "q"), ("!", "excl"), ('"', "dq"), ("“", "dq")):
        if mark in words:
            feats.append(f"line_{name}")
    return feats
