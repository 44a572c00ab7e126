"""Feature strings for technique classification (spans) and span identification (tokens).

Every feature is a short string (``"w=regime"``, ``"rep=2+"``); the linear models
in :mod:`flashpoint.analyzers.persuasion.techniques.model` hash them, so no vocabulary is stored.
Features are lexical and structural only: words and word pairs of the span and
its context, the span's length, whether its text recurs in the article (the
signature of Repetition), punctuation, capitals, quotation marks, and a small
hand-written lexicon of cue words per technique (:data:`CUES`).
"""

from __future__ import annotations

import functools
import itertools
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]")
_QUOTES = "\"“”«»„"
CONTEXT_TOKENS = 120
"""A token's context bag covers its segment, cut into pieces of at most this many tokens."""



def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Cue words per technique, written for flashpoint (not taken from any corpus).
CUES: dict[str, frozenset[str]] = {
    "fear": _words(
        "threat threaten threatens danger dangerous destroy destroyed destruction "
        "catastrophe catastrophic chaos invasion invade terror terrorist terrorists "
        "deadly collapse crisis disaster annihilation extinction nightmare doom "
        "existential"
    ),
    "flag": _words(
        "nation national patriot patriots patriotic homeland fatherland motherland our "
        "people country sovereignty sacred heritage flag freedom values americans"
    ),
    "doubt": _words(
        "really supposedly so-called alleged allegedly questionable credibility truly why "
        "whether actually claim claims pretend pretends"
    ),
    "exaggeration": _words(
        "never always totally completely entirely absolutely utterly everyone nobody "
        "nothing everything worst best greatest biggest massive huge enormous "
        "unprecedented only merely just mere tiny minor"
    ),
    "authority": _words(
        "expert experts scientists professor according said says stated official "
        "officials study studies report reports analyst analysts"
    ),
    "causal": _words("because therefore thus hence consequently cause caused causes led"),
    "black_white": _words("either or only choice unless must whether alternative"),
    "bandwagon": _words("everyone everybody majority millions all most popular"),
    "hitler": _words("hitler nazi nazis fascist fascists stalin communist totalitarian"),
    "whatabout": _words("what about hypocrisy hypocrite hypocritical yet while meanwhile"),
    "cliche": _words("simply period enough end story that's it is what"),
}


@dataclass(frozen=True, slots=True)
class Token:
    start: int
    end: int
    text: str


def tokenize(text: str) -> list[Token]:
    """Words (with inner apostrophes) and single punctuation marks, with offsets."""
    return [Token(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]


def line_segments(text: str) -> list[tuple[int, int]]:
    """Bounds of the non-blank lines of ``text`` (PTC articles have one sentence a line)."""
    out, pos = [], 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            begin = pos + line.index(stripped)
            out.append((begin, begin + len(stripped)))
        pos += len(line) + 1
    return out


def segment_of(segments: Sequence[tuple[int, int]], start: int, end: int) -> tuple[int, int]:
    """The union of the segments that ``[start, end)`` overlaps (itself when none does)."""
    hits = [(s, e) for s, e in segments if s < end and start < e]
    if not hits:
        return start, end
    return min(start, hits[0][0]), max(end, hits[-1][1])


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


def span_features(
    text: str,
    start: int,
    end: int,
    segment: tuple[int, int],
    article: ArticleStats,
    same_text: int = 10,
) -> list[str]:
    """Feature strings of one candidate technique span in its article ``text``.

    ``segment`` bounds the sentence (or sentences) around the span; ``same_text``
    comes from :func:`same_text_counts` over the spans classified together.
    """
    span = text[start:end]
    words = [t.text.lower() for t in tokenize(span)]
    feats = [f"w={w}" for w in words]
    feats += [f"b={a}_{b}" for a, b in itertools.pairwise(words)]
    if words:
        feats += [f"first={words[0]}", f"last={words[-1]}"]
    feats.append(f"len={_bucket(len(words), (1, 2, 3, 5, 8, 12, 20, 35))}")
    feats.append(f"chars={_bucket(len(span), (5, 10, 20, 40, 80, 160))}")
    ls, le = segment
    line = text[ls:le]
    left = [t.text.lower() for t in tokenize(text[ls:start])][-3:]
    right = [t.text.lower() for t in tokenize(text[end:le])][:3]
    feats += [f"L{i}={w}" for i, w in enumerate(reversed(left))]
    feats += [f"R{i}={w}" for i, w in enumerate(right)]
    feats += [f"s={w}" for w in {t.text.lower() for t in tokenize(line)}]
    cover = (end - start) / max(1, len(line.strip()))
    feats.append(f"cover={_bucket(int(cover * 10), (2, 5, 8, 10))}")
    low = span.lower()
    feats.append(f"rep={_bucket(article.lower.count(low), (1, 2, 3))}")
    feats.append(f"rep_before={_bucket(article.lower.count(low, 0, start), (0, 1, 2))}")
    feats.append(f"same_spans={_bucket(same_text // 10, (1, 2, 3))}")
    feats.append(f"same_head={_bucket(same_text % 10, (0, 1, 2, 4))}")
    if words:
        head = max(words, key=len)
        feats.append(f"headrep={_bucket(article.words.get(head, 1), (1, 2, 4, 8))}")
    if ls <= article.first_line_end:
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
    if (words and words[0] in {"#"}) or span.startswith("#"):
        feats.append("hashtag")
    feats += list(_cue_features(words, ""))
    return feats


def char_ngrams(span: str, low: int = 2, high: int = 5) -> list[str]:
    """Character n-grams of each space-padded lower-cased word (like ``char_wb``)."""
    grams = []
    for word in span.lower().split():
        padded = f" {word} "
        for n in range(low, high + 1):
            grams += [padded[i : i + n] for i in range(len(padded) - n + 1)]
    return grams


@dataclass(frozen=True, slots=True)
class ArticleStats:
    """Article-wide facts the features need: lower-cased text, word counts, title end."""

    lower: str
    words: Counter[str]
    first_line_end: int

    @classmethod
    def of(cls, text: str) -> ArticleStats:
        words = Counter(t.text.lower() for t in tokenize(text) if t.text[:1].isalnum())
        first = text.find("\n")
        return cls(text.lower(), words, len(text) if first < 0 else first)


@functools.lru_cache(maxsize=2**16)
def _word_cues(word: str) -> tuple[str, ...]:
    """``_cue_features([word], "t")`` (one word: the same answer every time, so cached)."""
    return tuple(_cue_features([word], "t"))


def token_features(
    tokens: Sequence[Token], i: int, counts: Counter[str], line_feats: Sequence[str],
    lowered: Sequence[str] | None = None,
) -> list[str]:
    """Feature strings of token ``i`` for span identification (a window of 3 each side).

    ``lowered``: the tokens' lower-cased texts, when the caller made them once for all
    the tokens of the segment (else they are made here, for every call).
    """
    low = [t.text.lower() for t in tokens] if lowered is None else lowered
    w = low[i]
    n = len(low)
    feats = [f"w={w}", f"shape={_shape(tokens[i].text)}", f"suf3={w[-3:]}", f"pre3={w[:3]}"]
    for d in (-3, -2, -1, 1, 2, 3):
        j = i + d
        feats.append(f"w{d}={low[j]}" if 0 <= j < n else f"w{d}=<pad>")
    if i > 0:
        feats.append(f"b-1={low[i - 1]}_{w}")
    if i > 1:
        feats.append(f"b-2={low[i - 2]}_{low[i - 1]}")
    if i + 1 < n:
        feats.append(f"b+1={w}_{low[i + 1]}")
    if i + 2 < n:
        feats.append(f"b+2={low[i + 1]}_{low[i + 2]}")
    feats.append(f"pos={min(4, 5 * i // max(1, n))}")
    feats.append(f"freq={_bucket(counts.get(w, 1), (1, 2, 4, 8))}")
    feats += _word_cues(w)
    feats += line_feats
    return feats


def line_features(line_tokens: Sequence[Token], is_title: bool) -> list[str]:
    """Features shared by every token of a line: length, punctuation, its place in the article."""
    words = [t.text for t in line_tokens]
    feats = [f"linelen={_bucket(len(words), (3, 8, 15, 25, 40))}"]
    if is_title:
        feats.append("line_title")
    for mark, name in (("?", "q"), ("!", "excl"), ('"', "dq"), ("“", "dq")):
        if mark in words:
            feats.append(f"line_{name}")
    return feats


@dataclass(frozen=True, slots=True)
class TokenRows:
    """Tokens of an article's segments, with their two feature blocks for span identification."""

    tokens: list[Token]
    segment: list[int]
    local: list[list[str]]
    context: list[list[str]]


def token_rows(text: str, segments: Sequence[tuple[int, int]], features: bool = True,
               stats: ArticleStats | None = None) -> TokenRows:
    """Tokenise each segment; features of each token and the bag of words of its segment.

    ``features=False`` leaves the two feature blocks empty (tokens only). ``stats``:
    ``text``'s :class:`ArticleStats` when the caller has them (a long article's rows
    are built a chunk of segments at a time).
    """
    if features and stats is None:
        stats = ArticleStats.of(text)
    stats = stats if features else None
    out = TokenRows([], [], [], [])
    for k, (s, e) in enumerate(segments):
        toks = [Token(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text, s, e)]
        out.tokens.extend(toks)
        out.segment.extend([k] * len(toks))
        if stats is None:
            continue
        lf = line_features(toks, s <= stats.first_line_end)
        lowered = [t.text.lower() for t in toks]
        for c in range(0, len(toks), CONTEXT_TOKENS):
            bow = sorted({"L=" + t.text.lower() for t in toks[c : c + CONTEXT_TOKENS]})
            for i in range(c, min(len(toks), c + CONTEXT_TOKENS)):
                out.local.append(token_features(toks, i, stats.words, lf, lowered))
                out.context.append(bow)
    return out


def same_text_counts(text: str, spans: Sequence[tuple[int, int]]) -> list[int]:
    """For each span, how many distinct spans in ``spans`` share its lower-cased text.

    The count is multiplied by 10 and the number of distinct spans containing
    the span's longest word is added (capped at 9), so one integer carries both.
    """
    distinct = set(spans)
    counts = Counter(" ".join(text[s:e].lower().split()) for s, e in distinct)
    heads: Counter[str] = Counter()
    for s, e in distinct:
        heads.update({w.text.lower() for w in tokenize(text[s:e]) if len(w.text) > 3})
    out = []
    for s, e in spans:
        words = [w.text.lower() for w in tokenize(text[s:e])]
        head = max(words, key=len) if words else ""
        out.append(10 * counts[" ".join(text[s:e].lower().split())] + min(9, heads[head]))
    return out
