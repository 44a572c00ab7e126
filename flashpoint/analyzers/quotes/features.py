"""Candidates and features for the learned parts of the ``quotes`` analyzer.

Two small linear models (trained by ``scripts/train_quotes.py`` on PolNeAR train)
read the features built here:

* the **cue** model scores every verb, noun or adjective as the head of an
  attribution cue (``said``, ``according to``, ``believes``, ``claims``...);
* the **content** model ranks, for one cue, the candidate contents proposed by
  :func:`content_candidates` from the dependency parse (the clausal complement,
  the object, the clause an ``according to`` hangs on, the subject plus complement
  of a raising verb, an adjacent quotation...).

Both the training script and the analyzer call these functions, so the
features can never drift apart.
"""

from __future__ import annotations

import bisect
import gzip
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import repeat
from pathlib import Path

from spacy.tokens import Doc, Token

CUE_POS = frozenset({"VERB", "AUX", "NOUN", "ADJ"})
CHILD_DEPS = frozenset(
    {"ccomp", "dobj", "xcomp", "nsubjpass", "nsubj", "acl", "advcl", "oprd", "attr",
     "dative", "acomp", "parataxis", "npadvmod", "appos", "relcl"}
)
GRANDCHILD = frozenset(
    {("xcomp", "dobj"), ("xcomp", "ccomp"), ("dobj", "acl"), ("acomp", "ccomp"),
     ("advcl", "dobj"), ("advcl", "ccomp"), ("xcomp", "xcomp"), ("dobj", "relcl")}
)
PARENT_DEPS = frozenset(
    {"prep", "parataxis", "relcl", "acl", "advcl", "ccomp", "conj", "amod", "advmod",
     "compound", "nsubj", "npadvmod"}
)
QUOTE_CHARS = frozenset("\"“”«»„‟‘’'`")
MODEL_PATH = Path(__file__).resolve().parents[2] / "data" / "quotes" / "model.json.gz"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A possible content for one cue: its tokens (sorted indices) and how it was found."""

    kind: str
    tokens: tuple[int, ...]
    quote: bool = False
    """True when the content is a quotation; ``chars`` then gives its exact extent."""
    chars: tuple[tuple[int, int], ...] = ()
    beside_quote: bool = False
    """True when the cue also has a quotation candidate (this one or another)."""


class Quotations:
    """Quotation spans of one text, with fast lookup by character offset."""

    def __init__(self, spans: Sequence[tuple[int, int]]) -> None:
        self.spans = list(spans)
        self.starts = [s for s, _ in self.spans]

    def containing(self, char: int) -> int | None:
        """Index of the quotation containing ``char`` (marks included), if any."""
        i = bisect.bisect_right(self.starts, char) - 1
        if i >= 0 and self.spans[i][0] <= char < self.spans[i][1]:
            return i
        return None

    def starting(self, start: int, end: int) -> list[int]:
        """Indices of the quotations opening in ``[start, end)``."""
        return list(range(bisect.bisect_left(self.starts, start),
                          bisect.bisect_left(self.starts, end)))

    def within(self, start: int, end: int) -> list[int]:
        lo = bisect.bisect_left(self.starts, start)
        hi = bisect.bisect_left(self.starts, end)
        return [i for i in range(lo, hi) if self.spans[i][1] <= end + 1]


def doc_text(doc: Doc) -> str:
    """``doc.text``, cached on the Doc: spaCy rebuilds the string on every access.

    The cache is keyed by the Doc's identity, so a Doc merged from cached chunks
    (``Doc.from_docs`` copies ``user_data``) never reuses a chunk's text.
    """
    cached = doc.user_data.get("flashpoint.text")
    if isinstance(cached, tuple) and cached[0] == id(doc) and isinstance(cached[1], str):
        return cached[1]
    text: str = doc.text
    doc.user_data["flashpoint.text"] = (id(doc), text)
    return text


@dataclass(frozen=True, slots=True)
class SentBounds:
    """One sentence: its tokens ``[start, end)`` and characters ``[start_char, end_char)``."""

    start: int
    end: int
    start_char: int
    end_char: int


class DocIndex:
    """What the analyzer reads about a Doc again and again, computed once per Doc.

    ``Token.sent`` walks the sentence on every access (milliseconds per article when
    asked for every candidate cue); here each token's sentence comes from one pass over
    ``doc.sents``. Headline tests are memoised by line.
    """

    def __init__(self, doc: Doc) -> None:
        self.sent_of: list[SentBounds] = []
        for sent in doc.sents:
            bounds = SentBounds(sent.start, sent.end, sent.start_char, sent.end_char)
            self.sent_of.extend(bounds for _ in range(sent.start, sent.end))
        self.lowers = [t.lower_ for t in doc]
        self.headline_lines: dict[tuple[int, int], bool] = {}
        self._doc = doc
        self._heads: list[int] | None = None
        self._texts: list[str] | None = None
        self._quote_marks: frozenset[int] | None = None
        self.subtrees: dict[tuple[int, int, int], tuple[int, ...]] = {}

    @property
    def heads(self) -> list[int]:
        """Each token's head index (``doc[i].head.i``), read on first use."""
        if self._heads is None:
            self._heads = [t.head.i for t in self._doc]
        return self._heads

    @property
    def texts(self) -> list[str]:
        """Each token's text, read on first use."""
        if self._texts is None:
            self._texts = [t.text for t in self._doc]
        return self._texts

    @property
    def quote_marks(self) -> frozenset[int]:
        """The tokens that are quotation marks only (:func:`_is_quote`)."""
        if self._quote_marks is None:
            self._quote_marks = frozenset(
                i for i, text in enumerate(self.texts)
                if text and all(ch in QUOTE_CHARS for ch in text))
        return self._quote_marks


def doc_index(doc: Doc) -> DocIndex:
    """The :class:`DocIndex` of ``doc``, cached on the Doc (keyed by its identity, as
    :func:`doc_text`)."""
    cached = doc.user_data.get("flashpoint.quotes.index")
    if isinstance(cached, tuple) and cached[0] == id(doc) and isinstance(cached[1], DocIndex):
        return cached[1]
    index = DocIndex(doc)
    doc.user_data["flashpoint.quotes.index"] = (id(doc), index)
    return index


def sent_bounds(tok: Token) -> SentBounds:
    """The sentence of ``tok`` (as ``tok.sent``), from the Doc's cached index."""
    return doc_index(tok.doc).sent_of[tok.i]


def token_range(doc: Doc, start: int, end: int) -> tuple[int, ...]:
    """Indices of the tokens overlapping characters ``[start, end)``."""
    first = doc.char_span(start, end, alignment_mode="expand")
    if first is None:
        return ()
    return tuple(range(first.start, first.end))


def _span_tokens(tok: Token, sent_start: int, sent_end: int) -> tuple[int, ...]:
    """``tok``'s subtree inside the sentence (memoised per Doc: candidates share subtrees)."""
    memo = doc_index(tok.doc).subtrees
    key = (tok.i, sent_start, sent_end)
    found = memo.get(key)
    if found is None:
        found = memo[key] = tuple(t.i for t in tok.subtree if sent_start <= t.i < sent_end)
    return found


def _trim(doc: Doc, toks: Iterable[int]) -> tuple[int, ...]:
    ids = sorted(set(toks))
    while ids and (doc[ids[0]].is_punct or doc[ids[0]].is_space) and not _is_quote(doc[ids[0]]):
        ids.pop(0)
    while ids and (doc[ids[-1]].is_punct or doc[ids[-1]].is_space) and not _is_quote(doc[ids[-1]]):
        ids.pop()
    return tuple(ids)


_CUT = frozenset({",", "—", "--", "–", ";", "("})


def _cut_at_punct(
    doc: Doc, toks: tuple[int, ...], quotes: Quotations, last: bool = False
) -> tuple[int, ...] | None:
    """``toks`` up to its first (or ``last``) comma, dash or semicolon outside quotation marks."""
    texts = doc_index(doc).texts
    cuts = [k for k, i in enumerate(toks)
            if k >= 3 and texts[i] in _CUT and quotes.containing(doc[i].idx) is None]
    if not cuts:
        return None
    cut = _trim(doc, toks[:cuts[-1] if last else cuts[0]])
    return cut if len(cut) >= 3 else None


def _without_linking_word(doc: Doc, cue: Token, toks: tuple[int, ...]) -> tuple[int, ...] | None:
    """``toks`` without a leading preposition or ``to`` that binds to the cue.

    ``called on X to resign``, ``calls for X to drop out``, ``agreed to pay``: the
    word belongs to the verb (PolNeAR marks it so), the content starts after it.
    """
    first = doc[toks[0]]
    if len(toks) < 2 or first.i <= cue.i or first.pos_ not in ("ADP", "PART"):
        return None
    between = doc[cue.i + 1:first.i]
    if any(not (t.is_punct or t.dep_ in ("prt", "advmod", "neg")) for t in between):
        return None
    return _trim(doc, toks[1:]) or None


def _that_clause(doc: Doc, cue: Token, reach: int = 15) -> Token | None:
    """A ``that`` opening a clause a few phrases after the cue, with no verb between.

    ``X said on Friday during a news conference that …``: the parser often hangs
    the clause on the last noun; the clause is still what was said.
    """
    for tok in doc[cue.i + 1:min(cue.i + reach, sent_bounds(cue).end)]:
        if tok.lower_ == "that":
            return tok if tok.i > cue.i + 1 else None  # right after the cue: a ccomp already
        if tok.pos_ in ("VERB", "AUX") or tok.text in (";", ":") or _is_quote(tok):
            return None
    return None


def _phrase_objects(tok: Token, depth: int = 3) -> list[Token]:
    """Objects of the prepositions ending a multi-word cue (``expressing concern about X``).

    Follows ``tok``'s chain of objects, open complements and prepositions down to
    ``depth`` levels and returns every prepositional object met on the way.
    """
    out = []
    for c in tok.children:
        if c.dep_ == "prep" and c.i > tok.i:
            out += [g for g in c.children if g.dep_ in ("pobj", "pcomp")]
        elif c.dep_ in ("dobj", "xcomp") and c.i > tok.i and depth > 1:
            out += _phrase_objects(c, depth - 1)
    return out


def _from_subject(doc: Doc, toks: tuple[int, ...]) -> tuple[int, ...] | None:
    """``toks`` from its main clause's subject on, without a fronted phrase set off by a comma.

    ``Though he trails, X leads`` -> ``X leads``; ``None`` when nothing precedes the
    subject, or no comma sets the fronted words off.
    """
    ids = set(toks)
    head = next((doc[i] for i in toks if doc[i].head.i not in ids or doc[i].head.i == i), None)
    if head is None:
        return None
    subj = next((c for c in head.children if c.dep_ in ("nsubj", "nsubjpass", "expl")
                 and c.i in ids), None)
    if subj is None:
        return None
    start = subj.left_edge.i
    before = [i for i in toks if i < start]
    if not before or not any(doc[i].text == "," for i in before):
        return None
    core = _trim(doc, (i for i in toks if i >= start))
    return core if len(core) >= 2 else None


_COMPLEMENTS = frozenset({"xcomp", "oprd", "acomp", "ccomp"})


def _subject_complements(cue: Token) -> list[tuple[Token, Token]]:
    """(subject, complement) pairs of a cue whose subject is part of what is attributed.

    With a raising or agentless passive cue (``X appears to lead``, ``X is expected
    to win``, ``X was accused of lying``, ``X is seen as a threat``) the subject is
    not the source: PolNeAR's content is the subject plus the complement, in two
    pieces. The content model decides (by the cue's lemma) when this reading holds.
    """
    if cue.pos_ not in ("VERB", "AUX", "ADJ") or any(c.dep_ == "agent" for c in cue.children):
        return []
    subj = next((c for c in cue.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None or subj.i > cue.i or (
        subj.pos_ == "PRON" and subj.lower_ not in ("it", "this", "that", "which", "who")
    ):
        return []
    comps = [c for c in cue.children if c.i > cue.i and c.dep_ in _COMPLEMENTS]
    comps += [c for c in cue.children if c.i > cue.i and c.dep_ == "prep"]
    return [(subj, comps[0])] if comps else []


def _is_quote(tok: Token) -> bool:
    return bool(tok.text) and all(ch in QUOTE_CHARS for ch in tok.text)


def content_candidates(doc: Doc, cue: Token, quotes: Quotations) -> list[Candidate]:
    """Possible contents of the attribution headed by ``cue``, from parse and quotation marks."""
    sent = sent_bounds(cue)
    s0, s1 = sent.start, sent.end
    found: dict[tuple[int, ...], Candidate] = {}

    def add(kind: str, toks: Iterable[int], **kw: object) -> None:
        ids = _trim(doc, (i for i in toks if i != cue.i))
        if ids and ids not in found:
            found[ids] = Candidate(kind, ids, **kw)  # type: ignore[arg-type]

    for child in cue.children:
        if child.dep_ in CHILD_DEPS:
            add(f"child:{child.dep_}", _span_tokens(child, s0, s1))
            for gc in child.children:
                if (child.dep_, gc.dep_) in GRANDCHILD:
                    add(f"gc:{child.dep_}/{gc.dep_}", _span_tokens(gc, s0, s1))
        elif child.dep_ == "prep":
            for gc in child.children:
                if gc.dep_ in ("pobj", "pcomp"):
                    add(f"prep:{gc.dep_}", _span_tokens(gc, s0, s1))
    right = [c for c in cue.rights if c.dep_ not in ("punct", "cc", "conj", "advmod", "npadvmod")]
    objs = [c for c in right if c.dep_ in ("dobj", "dative", "nsubj")]
    if objs and len(right) > 1:
        obj = objs[0]
        tail = [c for c in right if c.i > obj.i and c.dep_ in ("prep", "oprd", "ccomp", "xcomp")]
        if tail:
            add("obj+tail", [i for c in (obj, tail[0]) for i in _span_tokens(c, s0, s1)])
    if len(right) > 1:
        add("right:all", [i for c in right for i in _span_tokens(c, s0, s1)])
    for child in cue.children:
        if child.dep_ in ("ccomp", "xcomp", "dobj") and child.i > cue.i:
            sub = _span_tokens(child, s0, s1)
            if sub and sub[-1] + 1 < s1:  # the parse may attach the clause's end elsewhere
                add(f"child:{child.dep_}+tosent", range(sub[0], s1))
        if child.dep_ in ("dobj", "xcomp", "acomp", "attr") and child.i > cue.i:
            for obj in _phrase_objects(child):
                add("deep:pobj", _span_tokens(obj, s0, s1))
    that = _that_clause(doc, cue)
    if that is not None:
        add("that:tosent", range(that.i, s1))
    for subj, comp in _subject_complements(cue):
        add(f"subj:{subj.dep_}+{comp.dep_}",
            [*_span_tokens(subj, s0, s1), *_span_tokens(comp, s0, s1)])
    if cue.dep_ in PARENT_DEPS and cue.head.i != cue.i:
        own = set(_span_tokens(cue, s0, s1))
        rest = [i for i in _span_tokens(cue.head, s0, s1) if i not in own]
        add(f"parent:{cue.dep_}", rest)
    for cand in list(found.values()):
        core = _from_subject(doc, cand.tokens)
        if core and core not in found:
            found[core] = Candidate(f"{cand.kind}+fromsubj", core)
    for cand in list(found.values()):
        bare = _without_linking_word(doc, cue, cand.tokens)
        if bare and bare not in found:
            found[bare] = Candidate(f"{cand.kind}+noprep", bare)
    for cand in list(found.values()):
        for suffix, last in (("+cut", False), ("+cutlast", True)):
            cut = _cut_at_punct(doc, cand.tokens, quotes, last)
            if cut and cut not in found:
                found[cut] = Candidate(f"{cand.kind}{suffix}", cut)
    quoted = quote_candidates(doc, cue, quotes)
    if quoted:  # a clause inside an adjacent quotation is not a content of its own
        inside = {i for c in quoted for i in c.tokens}
        found = {k: c for k, c in found.items() if not set(k) <= inside}
    for cand in quoted:
        if cand.tokens not in found:
            found[cand.tokens] = cand
    if quoted:
        return [replace(c, beside_quote=True) for c in found.values()]
    return list(found.values())


def quote_candidates(doc: Doc, cue: Token, quotes: Quotations) -> list[Candidate]:
    """Quotations that may be the cue's content: in its sentence, right before or right after."""
    sent = sent_bounds(cue)
    text = doc_text(doc)
    if quotes.containing(cue.idx) is not None:
        return []
    inside = quotes.starting(sent.start_char, sent.end_char)
    before = _quote_before(text, cue, quotes)
    after = _quote_after(text, cue, quotes)
    out: list[Candidate] = []
    if inside:
        out.extend(_quote_cands(doc, "quote", tuple(quotes.spans[i] for i in inside), cue, quotes))
        if len(inside) > 1:
            nearest = min(inside, key=lambda i: min(abs(quotes.spans[i][0] - cue.idx),
                                                    abs(quotes.spans[i][1] - cue.idx)))
            out.extend(_quote_cands(doc, "quote:nearest", (quotes.spans[nearest],), cue, quotes))
    if before is not None:
        out.extend(_quote_cands(doc, "quote:before", (quotes.spans[before],), cue, quotes))
    if after is not None:
        out.extend(_quote_cands(doc, "quote:after", (quotes.spans[after],), cue, quotes))
    if before is not None and after is not None:
        pair = (quotes.spans[before], quotes.spans[after])
        out.extend(_quote_cands(doc, "quote:split", pair, cue, quotes))
    return out


_GAP_WORDS = 8


def _quote_before(text: str, cue: Token, quotes: Quotations) -> int | None:
    """The quotation just before the cue, separated only by a few words (``"…," said X``)."""
    i = bisect.bisect_right(quotes.starts, cue.idx) - 1
    if i < 0 or quotes.spans[i][1] > cue.idx:
        return None
    gap = text[quotes.spans[i][1]:cue.idx]
    if "\n" in gap or any(ch in gap for ch in ".!?;\"“”") or len(gap.split()) > _GAP_WORDS:
        return None
    return i


def _quote_after(text: str, cue: Token, quotes: Quotations) -> int | None:
    """The quotation just after the cue (``X said: "…"``, ``said X, "…"``)."""
    end = cue.idx + len(cue.text)
    i = bisect.bisect_left(quotes.starts, end)
    if i >= len(quotes.spans):
        return None
    gap = text[end:quotes.spans[i][0]]
    stripped = gap.rstrip()
    if any(ch in gap for ch in ".!?;\"“”") or len(gap.split()) > _GAP_WORDS:
        return None
    if "\n" in gap and not stripped.endswith(":"):
        return None
    return i


def continued(
    text: str, cue: Token, chars: tuple[tuple[int, int], ...], quotes: Quotations
) -> tuple[tuple[int, int], ...]:
    """``chars`` plus a quotation going on right after the cue's sentence (``…," he said. "…``)."""
    anchor = max(max(e for _, e in chars), cue.idx + len(cue.text))
    sent_end = max(sent_bounds(cue).end_char, anchor)
    nxt = quotes.starting(anchor, sent_end + 3)
    if not nxt:
        return chars
    s, e = quotes.spans[nxt[0]]
    gap = text[anchor:s]
    if (s, e) in chars or "\n" in gap or not _closing_gap(gap):
        return chars
    return (*chars, (s, e))


def _closing_gap(gap: str) -> bool:
    """Whether ``gap`` only finishes the cue's sentence: some words, then a full stop."""
    words = gap.split()
    return len(words) <= 40 and gap.rstrip().endswith((".", ":", ",")) and not any(
        ch in gap for ch in "\"“”!?;"
    )


def _quote_cands(
    doc: Doc, kind: str, chars: tuple[tuple[int, int], ...], cue: Token, quotes: Quotations
) -> list[Candidate]:
    """The quotation candidate ``chars`` and, when one goes on after the cue's sentence
    (``"…," he said. "…"``), the same joined with it (kind ``+cont``)."""
    out = [_quote_cand(doc, kind, chars)]
    more = continued(doc_text(doc), cue, chars, quotes)
    if more != chars:
        out.append(_quote_cand(doc, f"{kind}+cont", more))
    return out


def _quote_cand(doc: Doc, kind: str, chars: tuple[tuple[int, int], ...]) -> Candidate:
    toks: list[int] = []
    for s, e in chars:
        toks.extend(token_range(doc, s, e))
    return Candidate(kind, tuple(sorted(set(toks))), quote=True, chars=chars)


# --- features ---------------------------------------------------------------------------


_SUBJECT_DEPS = ("nsubj", "nsubjpass", "poss")


def _subject(tok: Token) -> Token | None:
    for c in tok.children:
        if c.dep_ in _SUBJECT_DEPS:
            return c
    return None


def _subject_class(subj: Token | None) -> str:
    if subj is None:
        return "none"
    if subj.pos_ == "PRON":
        return f"pron:{subj.lower_}"
    if subj.ent_type_:
        return f"ent:{subj.ent_type_}"
    return f"pos:{subj.pos_}"


def cue_features(doc: Doc, tok: Token, quotes: Quotations) -> list[str]:
    """Sparse binary features of ``tok`` as the head of an attribution cue.

    Called for every verb, noun and adjective of an article: the token's attributes and
    children are read once here, its sentence and neighbours come from :func:`doc_index`.
    """
    lemma = tok.lemma_.lower()
    i, dep, tag, head = tok.i, tok.dep_, tok.tag_, tok.head
    kids = list(tok.children)
    kid_deps = [c.dep_ for c in kids]
    deps = sorted(set(kid_deps))
    subj = next((c for c, d in zip(kids, kid_deps, strict=True) if d in _SUBJECT_DEPS),
                None)
    if subj is None and dep in ("xcomp", "conj", "advcl") and head.i != i:
        subj = _subject(head)
    subj_cls = _subject_class(subj)
    index = doc_index(doc)
    lowers = index.lowers
    nxt = lowers[i + 1] if i + 1 < len(lowers) else "<end>"
    prev = lowers[i - 1] if i > 0 else "<start>"
    in_quote = quotes.containing(tok.idx) is not None
    sent = index.sent_of[i]
    sent_quotes = bool(quotes.within(sent.start_char, sent.end_char))
    feats = [
        "bias", f"lemma={lemma}", f"lower={lowers[i]}", f"pos={tok.pos_}", f"tag={tag}",
        f"dep={dep}", f"lemma_dep={lemma}|{dep}", f"lemma_next={lemma}|{nxt}",
        f"prev={prev}", f"next={nxt}", f"subj={subj_cls}", f"lemma_subj={lemma}|{subj_cls[:4]}",
        f"head_dep={head.dep_}", f"in_quote={in_quote}", f"sent_quotes={sent_quotes}",
        f"lemma_inq={lemma}|{in_quote}", f"lemma_sq={lemma}|{sent_quotes}",
    ]
    text = doc_text(doc)
    near_quote = _adjacent_quote(text, tok, quotes)
    headline = _in_headline(doc, tok, text)
    feats += [f"headline={headline}", f"lemma_headline={lemma}|{headline}",
              f"lemma_subjcls={lemma}|{subj_cls}"]
    feats += [f"lemma_tag={lemma}|{tag}", f"near_quote={near_quote}",
              f"lemma_nq={lemma}|{near_quote}", f"head_lemma={head.lemma_.lower()}|{dep}"]
    feats += [f"lemma_prep={lemma}|{c.lower_}" for c, d in zip(kids, kid_deps, strict=True)
              if d in ("prep", "prt")]
    feats += [f"child={d}" for d in deps]
    feats += [f"lemma_child={lemma}|{d}" for d in deps if d in CHILD_DEPS or d == "prep"]
    if subj is not None and subj.pos_ != "PRON":
        feats.append(f"subj_lemma={subj.lemma_.lower()}")
    if dep == "ROOT" or head.i == i:
        feats.append("is_root")
    return feats


def _in_headline(doc: Doc, tok: Token, text: str | None = None) -> bool:
    """Whether ``tok`` sits on a title-cased line with no final full stop (a headline).

    ``text`` is ``doc_text(doc)`` when the caller has it already.
    """
    text = doc_text(doc) if text is None else text
    lo = text.rfind("\n", max(0, tok.idx - 300), tok.idx) + 1
    hi = text.find("\n", tok.idx, tok.idx + 300)
    if (lo == 0 and tok.idx > 300) or (hi < 0 and tok.idx + 300 < len(text)):
        return False  # a line this long is no headline (and the search stays bounded)
    memo = doc_index(doc).headline_lines
    key = (lo, hi)
    if key not in memo:
        memo[key] = _headline_line(text[lo:len(text) if hi < 0 else hi].strip())
    return memo[key]


def _headline_line(line: str) -> bool:
    """Whether one line of text is title-cased with no final full stop."""
    words = [w for w in line.split() if w[:1].isalpha()]
    if not words or line.endswith((".", "?", "!", '"', "”")) or len(words) > 25:
        return False
    return sum(w[0].isupper() for w in words) >= 0.6 * len(words)


def _adjacent_quote(text: str, tok: Token, quotes: Quotations) -> str:
    """Whether a quotation sits right before or after ``tok`` (a few words away) in ``text``
    (the Doc's text)."""
    before = _quote_before(text, tok, quotes) is not None
    after = _quote_after(text, tok, quotes) is not None
    return "both" if before and after else "before" if before else "after" if after else "none"


def content_features(doc: Doc, cue: Token, cand: Candidate) -> list[str]:
    """Sparse binary features of ``cand`` as the content of the cue headed by ``cue``."""
    lemma = cue.lemma_.lower()
    first, last = doc[cand.tokens[0]], doc[cand.tokens[-1]]
    n = len(cand.tokens)
    side = "after" if first.i > cue.i else ("before" if last.i < cue.i else "around")
    size = min(int(math.log2(n)), 6)
    head = _head_of(doc, cand.tokens)
    kind = cand.kind
    has_ccomp = any(c.dep_ == "ccomp" for c in cue.children)
    feats = [
        "bias", f"kind={kind}", f"kind_lemma={kind}|{lemma}", f"side={side}",
        f"kind_side={kind}|{side}",
        f"size={size}", f"kind_size={kind}|{size}", f"first={first.lower_}",
        f"kind_first={kind}|{first.lower_ if first.is_stop else first.pos_}",
        f"head_pos={head.pos_}", f"head_ent={head.ent_type_ or '-'}",
        f"kind_ccomp={kind}|{has_ccomp}",
        f"kind_headpos={kind}|{head.pos_}", f"quote={cand.quote}",
        f"lemma_quote={lemma}|{cand.quote}", f"cue_pos={cue.pos_}",
    ]
    after = doc[last.i + 1] if last.i + 1 < len(doc) else None
    nxt = "<end>" if after is None else (after.lower_ if after.is_punct or after.is_stop
                                         else after.pos_)
    after2 = doc[last.i + 2] if last.i + 2 < len(doc) else None
    nxt2 = "<end>" if after2 is None else (after2.lower_ if after2.is_stop or after2.is_punct
                                           else after2.tag_)
    base = kind.split("+")[0]
    feats += [f"after2={nxt}|{nxt2}", f"base_after2={base}|{nxt}|{nxt2}",
              f"base={base}", f"base_cut={base}|{kind[len(base):]}|{nxt2}"]
    feats += [f"after={nxt}", f"kind_after={kind}|{nxt}", f"last_pos={last.pos_}",
              f"before={doc[first.i - 1].lower_ if first.i else '<start>'}",
              f"ends_sent={after is None or after.is_sent_start or after.text in '.!?'}"]
    if head.pos_ == "PRON":
        feats.append(f"head_pron={head.lower_}")
    if not doc_index(doc).quote_marks.isdisjoint(cand.tokens):
        feats.append("has_quote_mark")
    feats += _boundary_features(doc, cue, cand, base)
    return feats


def is_audience(doc: Doc, cue: Token, cand: Candidate) -> bool:
    """Whether ``cand`` is whom the words were given to: ``explained to El Tiempo``."""
    head = _head_of(doc, cand.tokens)
    prep = head.head
    return (not cand.quote and head.dep_ == "pobj" and prep.dep_ == "prep"
            and prep.head.i == cue.i and prep.lower_ in ("to", "with")
            and (head.pos_ == "PROPN" or bool(head.ent_type_)))


def _word_class(tok: Token) -> str:
    """A token as a feature value: function words and punctuation as written, else the tag."""
    return tok.lower_ if tok.is_stop or tok.is_punct else tok.tag_


def _boundary_features(doc: Doc, cue: Token, cand: Candidate, base: str) -> list[str]:
    """Where the candidate starts and ends relative to the clauses around it.

    Describes the breaks inside it (a comma or dash followed by a participle, a
    relative pronoun, ``and`` + verb...), its last top-level constituent (a trailing
    ``after the event``), the words between the cue and its start, and the
    quotation pieces it joins: the evidence for choosing among candidates that
    differ only in where they start or stop.
    """
    toks = cand.tokens
    ids = set(toks)
    first = doc[toks[0]]
    feats = [f"first_dep={first.dep_}", f"base_first_dep={base}|{first.dep_}"]
    breaks = set()
    for k in () if cand.quote else toks[1:-1]:  # a quotation's own commas are no breaks
        t = doc[k]
        if t.text in _CUT and k + 1 < len(doc) and k + 1 in ids:
            breaks.add(f"{t.text}|{_word_class(doc[k + 1])}")
    feats += [f"inner={b}" for b in breaks] + [f"base_inner={base}|{b}" for b in breaks]
    feats += [f"n_breaks={min(len(breaks), 3)}", f"kind_breaks={cand.kind}|{min(len(breaks), 3)}"]
    heads = doc_index(doc).heads
    roots = [doc[i] for i in toks if heads[i] not in ids or heads[i] == i]
    roots = [r for r in roots if not r.is_punct]
    if len(roots) > 1:
        last = roots[-1]
        obj = next((c for c in last.children if c.dep_ == "pobj"), last)
        lastroot = f"{last.dep_}|{_word_class(last)}|{obj.ent_type_ or '-'}"
        feats += [f"lastroot={lastroot}", f"base_lastroot={base}|{lastroot}"]
    feats += [f"n_roots={min(len(roots), 3)}", f"kind_roots={cand.kind}|{min(len(roots), 3)}"]
    if first.i > cue.i:
        gap = [doc[i] for i in range(cue.i + 1, first.i) if not doc[i].is_punct]
        feats.append(f"gap={min(len(gap), 4)}")
        if 0 < len(gap) <= 2:
            feats.append("gapw=" + "_".join(_word_class(t) for t in gap))
    if is_audience(doc, cue, cand):
        feats += ["audience", f"audience_base={base}"]
    if cand.beside_quote and not cand.quote:
        feats += ["beside_quote", f"beside_quote_base={base}"]
    if cand.quote:
        pieces = len(cand.chars)
        shortest = min(len(doc_text(doc)[a:b].split()) for a, b in cand.chars)
        feats += [f"qparts={min(pieces, 4)}", f"kind_qparts={cand.kind}|{min(pieces, 4)}",
                  f"qshort={min(shortest, 4)}|{pieces > 1}"]
    return feats


def _head_of(doc: Doc, toks: Sequence[int]) -> Token:
    ids = set(toks)
    heads = doc_index(doc).heads
    for i in toks:
        if heads[i] not in ids or heads[i] == i:
            return doc[i]
    return doc[toks[0]]


# --- the linear models ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LinearModel:
    """A logistic regression over sparse binary features, as stored in ``model.json``."""

    weights: Mapping[str, float]
    threshold: float = 0.5

    def score(self, feats: Iterable[str]) -> float:
        z = sum(map(self.weights.get, feats, repeat(0.0)))  # in order, as a loop would
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@dataclass(frozen=True, slots=True)
class Models:
    cue: LinearModel
    content: LinearModel


def models_from_json(data: Mapping[str, object]) -> Models:
    def one(key: str) -> LinearModel:
        part = data[key]
        assert isinstance(part, dict)
        return LinearModel(weights=dict(part["weights"]), threshold=float(part["threshold"]))

    return Models(cue=one("cue"), content=one("content"))


@lru_cache(maxsize=1)
def load_models() -> Models | None:
    """The models shipped in ``flashpoint/data/quotes`` (gzipped JSON); ``None`` if absent."""
    if not MODEL_PATH.is_file():
        return None
    with gzip.open(MODEL_PATH, "rt", encoding="utf-8") as fh:
        return models_from_json(json.load(fh))
