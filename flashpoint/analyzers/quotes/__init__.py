"""Quotes: who said what, in whose words, to which outlet.

For every attribution in the text (a direct quote, reported speech, a reported
belief, or a paraphrase with a quoted fragment) the analyzer returns a
:class:`~flashpoint.model.Quote` with its content, its cue (``said``,
``according to``, ``believes``), its speaker as written and as resolved, the
speaker's descriptor, and the outlet or audience the words were given to.

How it works, on the spaCy parse:

1. :func:`~flashpoint.analyzers.quotes.rules.quotations` finds quotation
   marks of every style, including quotes that run over paragraphs.
2. A linear **cue model** (trained on PolNeAR train, see
   ``scripts/train_quotes.py``) scores each verb, noun and adjective as the
   head of an attribution cue.
3. For each cue, candidate contents come from the parse (clausal complement,
   object, the clause an ``according to`` hangs on, the subject plus complement
   of a raising verb, adjacent quotations) and a linear **content model** picks
   one, reading where each candidate starts and stops. Cues are taken most confident first; a
   cue inside an accepted content is a nested attribution and is not reported.
4. A quotation split by its cue (``"…," he added. "…"``) is joined as one
   quote with several ``parts``; a quotation with no cue of its own joins the
   direct quote before it in its paragraph; ``Name: words`` lines (headlines,
   transcripts) are attributions with ``:`` as cue.
5. The speaker comes from the cue's subject (or the object of ``according
   to``, the agent of a passive, the subject of the governing verb for
   ``adding``/``saying``). Pronouns and definite descriptions (``he``, ``the
   analyst``) are resolved to the nearest compatible earlier speaker or
   PERSON entity; vague sources (``experts say``, ``Russian media
   reported``) are marked with their kind.
6. A quote a speaker page can trust (:mod:`.speakers`): a cue on a heading
   (title or subheading line) gives no quote, and a speaker whose head is an
   abstract noun phrase (``The first cracks in relations``) is no speaker.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc, Token

from ...model import Actor, Quote, QuoteKind, Span, Speaker, VagueKind
from ...nlp import entities
from ...pipeline import AnalysisInput, Analyzer
from . import rules, speakers
from .features import (
    CUE_POS,
    Candidate,
    Models,
    Quotations,
    content_candidates,
    content_features,
    cue_features,
    doc_text,
    is_audience,
    load_models,
    sent_bounds,
)

ORPHAN_MAX_WORDS = 4
"""A quotation with no cue of its own this short (``"Today"``) is not attached to a speaker."""

MAX_SENT_BACK = 6
"""How many sentences back a pronoun or definite description looks for its speaker."""


@dataclass(slots=True)
class Found:
    """One accepted attribution while the analysis runs (token-level)."""

    cue: Token
    score: float
    content: Candidate
    chars: list[tuple[int, int]] = field(default_factory=list)
    source: Token | None = None
    """The speaker's head when a rule (not the parse) found it, as in ``Name: words``."""


# --- step 2-3: cues and contents ---------------------------------------------------------


def _depth(tok: Token) -> int:
    d = 0
    while tok.head.i != tok.i and d < 50:
        tok = tok.head
        d += 1
    return d


def find_attributions(doc: Doc, quotes: Quotations, models: Models) -> list[Found]:
    """Cues above threshold, each with its best content; most confident first, no nesting.

    A cue inside an accepted content, or a content overlapping an accepted one, is
    dropped: PolNeAR (like most readers) wants the outermost attribution only.
    """
    scored = []
    for tok in doc:
        if tok.pos_ in CUE_POS or tok.lower_ == "according":
            s = models.cue.score(cue_features(doc, tok, quotes))
            if s >= models.cue.threshold:
                scored.append((s, tok))
    scored.sort(key=lambda st: (-st[0], st[1].i))
    taken: set[int] = set()
    found: list[Found] = []
    for s, tok in scored:
        if tok.i in taken:
            continue
        cands = [c for c in content_candidates(doc, tok, quotes) if not taken & set(c.tokens)]
        if not cands:
            continue
        ranked = [(models.content.score(content_features(doc, tok, c)), c) for c in cands]
        best_score, best = max(ranked, key=lambda x: x[0])
        if is_audience(doc, tok, best) and any(c.quote for c in cands):
            # the hearer is never the content when a quotation stands beside the cue
            best_score, best = max(((s, c) for s, c in ranked if c.quote), key=lambda x: x[0])
        if best_score < models.content.threshold:
            continue
        found.append(Found(cue=tok, score=s, content=best))
        taken.update(best.tokens)
        taken.add(tok.i)
    found.sort(key=lambda f: f.cue.i)
    return found


def content_chars(doc: Doc, cand: Candidate) -> list[tuple[int, int]]:
    """Character fragments of a candidate: its quotations, or its runs of adjacent tokens."""
    if cand.quote:
        return [(s, e) for s, e in cand.chars]
    out: list[tuple[int, int]] = []
    prev = -2
    for i in cand.tokens:
        t = doc[i]
        if i == prev + 1 and out:
            out[-1] = (out[-1][0], t.idx + len(t.text))
        else:
            out.append((t.idx, t.idx + len(t.text)))
        prev = i
    return out


def cue_span_tokens(cue: Token, cand: Candidate) -> list[int]:
    """The cue's tokens: its head, particles, ``to`` of ``according to``, a linking preposition."""
    ids = {cue.i}
    for c in cue.children:
        if c.dep_ in ("prt", "neg") or (c.dep_ == "aux" and c.lower_ in ("has", "have")):
            ids.add(c.i)
        if c.dep_ == "prep" and (cue.lower_ == "according" or (
            cand.kind.startswith("prep:") and any(g.i in cand.tokens for g in c.children)
        )):
            ids.add(c.i)
    lo, hi = min(ids), max(ids)
    content = set(cand.tokens)
    ids_ = [i for i in range(lo, hi + 1) if i not in content and not cue.doc[i].is_punct]
    return ids_ or [cue.i]


# --- step 5: speakers --------------------------------------------------------------------


def source_token(cue: Token) -> Token | None:
    """The head token of the speaker of ``cue``, from the parse."""
    seen = 0
    tok = cue
    while seen < 4:
        seen += 1
        for c in tok.children:
            if c.dep_ == "nsubj" or (c.dep_ == "poss" and tok.pos_ == "NOUN"):
                return c
            if c.dep_ == "agent":
                for g in c.children:
                    if g.dep_ == "pobj":
                        return g
            if tok.lower_ == "according" and c.dep_ == "prep":
                for g in c.children:
                    if g.dep_ == "pobj":
                        return g
        if tok.dep_ == "relcl" and tok.head.pos_ in ("PROPN", "NOUN"):
            return tok.head
        if tok.dep_ in ("xcomp", "conj", "advcl", "ccomp", "acl") and tok.head.i != tok.i:
            if tok.dep_ == "acl" and tok.head.pos_ in ("NOUN", "PROPN"):
                return tok.head
            tok = tok.head
            continue
        break
    return None


def _subtree_span(tok: Token, exclude: set[int]) -> tuple[int, int] | None:
    """Characters of the contiguous run of ``tok``'s subtree around it, on its own line."""
    doc = tok.doc
    sent = sent_bounds(tok)
    ids = {t.i for t in tok.subtree if sent.start <= t.i < sent.end and t.i not in exclude}
    lo = hi = tok.i
    while lo - 1 in ids and not _line_break(doc, lo - 1, lo):
        lo -= 1
    while hi + 1 in ids and not _line_break(doc, hi, hi + 1):
        hi += 1
    run = list(range(lo, hi + 1))
    while run and (doc[run[0]].is_punct or doc[run[0]].is_space):
        run.pop(0)
    while run and (doc[run[-1]].is_punct or doc[run[-1]].is_space):
        run.pop()
    if not run:
        return None
    return doc[run[0]].idx, word_end(doc_text(doc), doc[run[-1]].idx + len(doc[run[-1]].text))


def _line_break(doc: Doc, a: int, b: int) -> bool:
    """Whether a line break separates tokens ``a`` and ``b`` (adjacent, ``a < b``)."""
    return "\n" in doc_text(doc)[doc[a].idx:doc[b].idx]


def word_end(text: str, end: int) -> int:
    """Extend ``end`` over the rest of a word the tokenizer split (``Pravda.Ru``)."""
    n = len(text)
    while end < n and not text[end].isspace() and text[end] not in ",;:()\"“”«»!?":
        if text[end] in ".'’" and not (end + 1 < n and text[end + 1].isalnum()):
            break
        end += 1
    return end


def _name_entity(doc: Doc, start: int, end: int) -> tuple[int, int, str] | None:
    """The best named entity inside ``[start, end)``: a PERSON, else an ORG/GPE/NORP."""
    best: tuple[int, int, str] | None = None
    rank = {"PERSON": 0, "ORG": 1, "GPE": 2, "NORP": 3}
    for ent in entities(doc).in_chars(start, end):
        if ent.label_ in rank:
            cand = (ent.start_char, ent.end_char, ent.label_)
            if best is None or rank[ent.label_] < rank[best[2]]:
                best = cand
    return best


def _propn_name(head: Token) -> tuple[int, int, str] | None:
    """A proper-noun head with its compound proper nouns, taken as a PERSON name."""
    if head.pos_ != "PROPN":
        return None
    toks = [t for t in head.lefts if t.dep_ == "compound" and t.pos_ == "PROPN"] + [head]
    toks = [t for t in toks if t.i >= toks[-1].i - len(toks) + 1]
    return toks[0].idx, head.idx + len(head.text), "PERSON"


def _descriptor(doc: Doc, head: Token, name: tuple[int, int, str] | None) -> tuple[int, int] | None:
    """Title or description of the speaker: pre-name modifiers or an apposition.

    The descriptor never repeats the name: in ``the foreign minister, Raychelle
    Omamo`` the apposition is the name, so the descriptor is the head phrase
    (``foreign minister``); in ``Berg, Defence Minister Anna Berg`` the name is cut
    off the apposition (``Defence Minister``).
    """
    for c in head.children:
        if c.dep_ == "appos":
            span = _subtree_span(c, set())
            if span and name is not None:
                span = _drop_name(doc, span, name)
                if span is None:
                    return _head_phrase(doc, head, name)
            if span:
                return span
    if name is None or name[2] != "PERSON":
        return None
    mods = [t for t in head.lefts if t.dep_ in ("compound", "amod", "nmod", "nummod", "poss")
            and t.idx + len(t.text) <= name[0]]
    if not mods:
        return None
    first = min(t.left_edge.i for t in mods)
    last_end = name[0]
    line_start = doc_text(doc).rfind("\n", 0, name[0]) + 1
    toks = [t for t in doc[first:head.i + 1]
            if t.idx + len(t.text) <= last_end and t.idx >= line_start]
    while toks and (toks[0].is_punct or toks[0].pos_ == "DET"):
        toks.pop(0)
    while toks and toks[-1].is_punct:
        toks.pop()
    if not toks:
        return None
    return toks[0].idx, toks[-1].idx + len(toks[-1].text)


def _drop_name(
    doc: Doc, span: tuple[int, int], name: tuple[int, int, str]
) -> tuple[int, int] | None:
    """``span`` without the name at its end (the name's own span, or a name ending the same way).

    ``None`` when nothing but the name (and punctuation) is left.
    """
    text = doc_text(doc)
    start, end = span
    written = text[name[0]:name[1]]
    last_word = written.split()[-1] if written.split() else written
    if name[0] < end and start < name[1]:
        if name[0] <= start:  # the span opens with the name: what follows it
            start = max(start, name[1])
        else:
            end = min(end, name[0])
    else:
        for ent in entities(doc).in_chars(start, end):
            if ent.label_ == "PERSON" and ent.text.split()[-1] == last_word:
                end = ent.start_char  # the same person named again: "Berg, Minister Anna Berg"
                break
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    if end <= start or text[start:end] == written:
        return None
    return start, end


def _head_phrase(doc: Doc, head: Token, name: tuple[int, int, str]) -> tuple[int, int] | None:
    """The head noun with its modifiers (no determiner), when it is not the name itself."""
    toks = [t for t in doc[head.left_edge.i:head.i + 1]
            if not t.is_punct and t.pos_ != "DET" and not name[0] <= t.idx < name[1]]
    if not toks or head.pos_ not in ("NOUN", "PROPN") or name[0] <= head.idx < name[1]:
        return None
    return toks[0].idx, toks[-1].idx + len(toks[-1].text)


def _vague_kind(head: Token, span_has_name: bool) -> VagueKind | None:
    lemma = head.lemma_.lower()
    lower = head.lower_
    if span_has_name or head.pos_ == "PROPN":
        return None
    kind = rules.VAGUE_HEADS.get(lower) or rules.VAGUE_HEADS.get(lemma)
    if kind is None:
        return None
    plural = head.tag_ in ("NNS", "NNPS") or lower in rules.VAGUE_PLURAL_ONLY
    determiners = {c.lower_ for c in head.children if c.dep_ == "det"}
    if not plural and determiners & {"the", "this", "that"} and kind in ("experts", "officials"):
        return None  # "the analyst": anaphoric, resolved instead
    return kind


@dataclass(slots=True)
class Mention:
    """A speaker seen so far, for resolving later pronouns."""

    start: int
    name: str
    label: str
    span: Span
    descriptor: Span | None
    actor: str | None
    words: frozenset[str]


class Resolver:
    """Nearest-compatible-antecedent resolution over speakers and PERSON entities."""

    def __init__(
        self, doc: Doc, text: str, actors: Sequence[Actor], quotes: Quotations | None = None
    ) -> None:
        self.doc = doc
        self.text = text
        self.actors = actors
        self.quotes = quotes or Quotations([])
        self.sents = list(doc.sents)
        self._sent_starts = [s.start for s in self.sents]
        self.speakers: list[Mention] = []
        self._mentions = sorted((m.start, m.end, order, actor.id) for order, (actor, m) in
                                enumerate((a, m) for a in actors for m in a.mentions))
        self._mention_starts = [m[0] for m in self._mentions]
        self._longest = max((e - s for s, e, _, _ in self._mentions), default=0)

    def actor_for(self, start: int, end: int) -> str | None:
        """The actor of the longest mention overlapping ``[start, end)`` (the first listed
        on a tie), found by bisection over the mentions sorted by start."""
        best: tuple[int, int, str] | None = None
        k = bisect.bisect_left(self._mention_starts, end) - 1
        while k >= 0 and self._mentions[k][0] + self._longest > start:
            m_start, m_end, order, actor_id = self._mentions[k]
            if start < m_end and (best is None or (m_end - m_start, -order) > best[:2]):
                best = (m_end - m_start, -order, actor_id)
            k -= 1
        return best[2] if best else None

    def remember(self, m: Mention) -> None:
        self.speakers.append(m)

    def full_name(self, name: str, before: int) -> Mention | None:
        """An earlier, longer PERSON name ending with the surname ``name`` (``Lipovoy``)."""
        words = name.split()
        if len(words) != 1:
            return None
        for m in reversed(self.speakers):
            if m.start < before and m.label == "PERSON" and len(m.name.split()) > 1 and (
                m.name.split()[-1] == words[0]
            ):
                return m
        for e in reversed(entities(self.doc).before_char(before)):
            if e.label_ == "PERSON" and len(e.text.split()) > 1 and e.text.split()[-1] == words[0]:
                desc = _descriptor(self.doc, e.root, (e.start_char, e.end_char, e.label_))
                return Mention(e.start_char, e.text, "PERSON",
                               Span.of(self.text, e.start_char, e.end_char),
                               Span.of(self.text, *desc) if desc else None,
                               self.actor_for(e.start_char, e.end_char), frozenset())
        return None

    def resolve(self, tok: Token) -> Mention | None:
        """Antecedent of pronoun or definite description ``tok``, if one is found."""
        lower = tok.lower_
        plural = lower in rules.PRONOUNS_PLURAL or tok.tag_ in ("NNS", "NNPS")
        if tok.pos_ == "PRON":
            want = ("ORG", "NORP", "GPE", "VAGUE") if plural else ("PERSON",)
        else:
            want = ("PERSON",) if not plural else ("ORG", "NORP", "GPE", "VAGUE")
        lemma = tok.lemma_.lower()
        earlier = [m for m in self.speakers if m.start < tok.idx and m.label in want]
        if tok.pos_ != "PRON":
            same = [m for m in earlier if lemma in m.words]
            if same:
                return same[-1]
        ent = self._nearest_entity(tok, want)
        last = earlier[-1] if earlier else None
        if ent is not None and (last is None or ent.start > last.start):
            return ent
        return last

    def _nearest_entity(self, tok: Token, want: Iterable[str]) -> Mention | None:
        want = set(want)
        sents = self.sents
        idx = max(0, bisect.bisect_right(self._sent_starts, tok.i) - 1)
        for k in range(idx, max(-1, idx - MAX_SENT_BACK), -1):
            sent = sents[k]
            ents = [e for e in entities(self.doc).in_tokens(sent.start, sent.end)
                    if e.label_ in want and e.end <= tok.i
                    and self.quotes.containing(e.start_char) is None]
            if not ents:
                continue
            subjects = [e for e in ents if any(t.dep_ in ("nsubj", "nsubjpass") or
                                                t.head.dep_ in ("nsubj", "nsubjpass")
                                                for t in e)]
            e = (subjects or ents)[-1]
            span = Span.of(self.text, e.start_char, e.end_char)
            desc = _descriptor(self.doc, e.root, (e.start_char, e.end_char, e.label_))
            return Mention(e.start_char, e.text, e.label_, span,
                           Span.of(self.text, *desc) if desc else None,
                           self.actor_for(e.start_char, e.end_char), frozenset())
        return None


def make_speaker(
    doc: Doc, text: str, cue: Token, exclude: set[int], res: Resolver,
    source: Token | None = None,
) -> Speaker:
    """The speaker of ``cue``: span as written, name, actor, descriptor, vague kind."""
    head = source or source_token(cue)
    if head is None or head.i in exclude:
        return Speaker()
    head = _on_cue_line(head, cue)
    bounds = _subtree_span(head, exclude)
    if bounds is None:
        return Speaker()
    span = Span.of(text, *bounds)
    name = _name_entity(doc, *bounds) or _propn_name(head)
    desc = _descriptor(doc, head, name)
    desc_span = Span.of(text, *desc) if desc else None
    if head.pos_ == "PRON" or (name is None and _is_definite(head)):
        ante = res.resolve(head)
        if ante is not None:
            full = res.full_name(ante.name, ante.start + 1) if ante.label == "PERSON" else None
            if full is not None:
                ante = Mention(ante.start, full.name, "PERSON", ante.span,
                               ante.descriptor or full.descriptor, ante.actor or full.actor,
                               ante.words)
            return Speaker(text=span, name=ante.name, actor=ante.actor,
                           descriptor=desc_span or ante.descriptor)
        if head.pos_ == "PRON":
            return Speaker(text=span)
    vague = _vague_kind(head, name is not None and name[2] in ("PERSON", "ORG"))
    name_text = text[name[0]:name[1]] if name else None
    if vague:
        name_text = span.text
    actor = res.actor_for(name[0], name[1]) if name else res.actor_for(*bounds)
    if name and name[2] == "PERSON" and name_text and len(name_text.split()) == 1:
        full = res.full_name(name_text, bounds[0])
        if full is not None:
            return Speaker(text=span, name=full.name, actor=actor or full.actor,
                           descriptor=desc_span or full.descriptor)
    label = name[2] if name else ("VAGUE" if vague else "OTHER")
    words = frozenset(t.lemma_.lower() for t in doc.char_span(*bounds, alignment_mode="expand")
                      or ()) if bounds else frozenset()
    res.remember(Mention(bounds[0], name_text or span.text, label, span, desc_span, actor, words))
    return Speaker(text=span, name=name_text, actor=actor, descriptor=desc_span, vague=vague)


STRONG_CUE = 0.7
"""Cue score above which an attribution with an abstract speaker keeps its content (no speaker).

Below it (``The first cracks in relations appeared after …`` scores about 0.4)
the abstract subject is taken as a sign that nothing was said, and the
attribution is dropped; above it (``said``, ``warned``) the words were
attributed, only the speaker phrase is not one, so the quote stays unattributed.
"""


def trustworthy(text: str, f: Found, exclude: set[int], res: Resolver) -> str:
    """``"heading"``, ``"abstract"`` or ``"ok"``: may ``f`` be listed under its speaker?

    A cue on a title or subheading line (:func:`speakers.heading_line`) gives no
    quote (``"heading"``); a speaker whose head is an abstract noun phrase
    (``The first cracks in relations``, see :func:`speakers.can_speak`) is no
    speaker (``"abstract"``, see :data:`STRONG_CUE`).
    """
    if speakers.heading_line(text, f.cue.idx):
        return "heading"
    head = f.source or source_token(f.cue)
    if head is None or head.i in exclude:
        return "ok"
    head = _on_cue_line(head, f.cue)
    word = speakers.noun_head(head)
    actor = res.actor_for(word.idx, word.idx + len(word.text)) is not None
    return "ok" if speakers.can_speak(head, actor, speakers.names_person(head)) else "abstract"


def _on_cue_line(head: Token, cue: Token) -> Token:
    """The highest token of ``head``'s subtree on the cue's line (headlines glued by the parser)."""
    text = doc_text(cue.doc)
    lo = text.rfind("\n", 0, cue.idx) + 1
    hi = text.find("\n", cue.idx)
    hi = len(text) if hi < 0 else hi
    if lo <= head.idx < hi:
        return head
    inside = [t for t in head.subtree if lo <= t.idx < hi and not t.is_punct]
    return min(inside, key=_depth) if inside else head


def _is_definite(head: Token) -> bool:
    return head.pos_ == "NOUN" and any(
        c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in head.children
    ) and head.tag_ == "NN"


# --- outlets -----------------------------------------------------------------------------


def outlet_span(cue: Token, cand: Candidate, exclude: set[int]) -> tuple[int, int] | None:
    """The outlet or audience: ``told X``, ``to X``, ``in an interview with X``, ``on X``."""
    content = set(cand.tokens) | exclude
    for c in _outlet_scope(cue):
        if c.i in content:
            continue
        if c.dep_ in ("dative", "dobj") and cue.lemma_ == "tell" and c.pos_ in ("NOUN", "PROPN"):
            return _subtree_span(c, content)
        if c.dep_ == "prep":
            hit = _prep_outlet(c, content)
            if hit:
                return hit
    return None


_OUTLET_TEXT = re.compile(
    r"\b(?:interviews?|comments?|remarks?|conversation|speaking|spoke|statements?)\s+"
    r"(?:to|with)\s+(?:the\s+)?(?P<name>[A-Z][\w.’'&-]*(?:\s+[A-Z][\w.’'&-]*){0,4})"
)


def outlet_by_text(text: str, cue: Token, content_start: int) -> tuple[int, int] | None:
    """``in comments to X`` / ``in an interview with X`` near the cue (when the parse missed it).

    Looks on the cue's line and, for a quotation introduced by a line ending in a
    colon (``In comments to X, he said:``), on that line too.
    """
    windows = []
    line_start = text.rfind("\n", max(0, cue.idx - 200), cue.idx) + 1
    line_end = text.find("\n", cue.idx, cue.idx + 150)
    windows.append((max(line_start, cue.idx - 200),
                    min(len(text) if line_end < 0 else line_end, cue.idx + 150)))
    intro = text[:content_start].rstrip()
    if intro.endswith(":") and "\n" in text[len(intro):content_start]:
        windows.append((max(text.rfind("\n", 0, len(intro)) + 1, len(intro) - 200), len(intro)))
    for lo, hi in windows:
        for m in _OUTLET_TEXT.finditer(text, lo, hi):
            a, b = m.span("name")
            return a, word_end(text, b)
    return None


def _outlet_scope(cue: Token) -> list[Token]:
    kids = list(cue.children)
    if cue.dep_ in ("xcomp", "conj") and cue.head.i != cue.i:
        kids += [c for c in cue.head.children if c.dep_ == "prep"]
    return kids


_NOT_OUTLETS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "PERCENT", "MONEY", "QUANTITY"})
"""Entity types that are never an audience ("said on Monday", "told on 3 May")."""


def _prep_outlet(prep: Token, content: set[int]) -> tuple[int, int] | None:
    word = prep.lower_
    for obj in prep.children:
        if obj.dep_ != "pobj" or obj.i in content or obj.ent_type_ in _NOT_OUTLETS:
            continue
        if word in ("to", "with") and obj.pos_ in ("PROPN", "NOUN") and obj.lemma_ not in (
            "question", "issue", "report", "reference"
        ):
            return _subtree_span(obj, content)
        if word == "on" and (obj.pos_ == "PROPN" or obj.ent_type_ == "ORG"):
            return _subtree_span(obj, content)
        if word in ("in", "during") and obj.lemma_.lower() in rules.OUTLET_NOUNS:
            for p2 in obj.children:
                if p2.dep_ == "prep" and p2.lower_ in ("to", "with", "on"):
                    hit = _prep_outlet(p2, content)
                    if hit:
                        return hit
    return None


# --- step 4 and assembly -----------------------------------------------------------------


def _kind(text: str, chars: Sequence[tuple[int, int]], cand: Candidate) -> QuoteKind:
    if cand.quote:
        return "direct"
    body = "".join(text[s:e] for s, e in chars)
    if any(len(q) > 0 for q in rules.quotations(body)):
        return "mixed"
    return "indirect"


def _paragraph_of(text: str, pos: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, len(text) if end < 0 else end


def attach_orphans(text: str, found: list[Found], quotes: Quotations) -> None:
    """Give a quotation with no cue of its own to the attribution before it in its paragraph.

    News style keeps one speaker per paragraph: in ``"A," she said. Then X. "B."`` the
    second quotation is still hers. A quotation opening the next paragraph goes on a
    direct quote that ends the previous one. A short quotation (at most
    :data:`ORPHAN_MAX_WORDS` words: a title, a scare quote, a nickname) is not speech
    and stays alone.
    """
    owned = [(s, e) for f in found for s, e in f.chars]
    cues = sorted(f.cue.idx for f in found)
    for qs, qe in quotes.spans:
        if any(s < qe and qs < e for s, e in owned) or any(qs <= c < qe for c in cues):
            continue
        if len(text[qs:qe].split()) <= ORPHAN_MAX_WORDS:
            continue
        p0, p1 = _paragraph_of(text, qs)
        owner = _owner(text, found, qs, p0)
        if owner is None:
            continue
        if any(p0 <= c < p1 and c > qs for c in cues) and p0 > owner.cue.idx:
            continue
        owner.chars.append((qs, qe))
        owned.append((qs, qe))


def _owner(text: str, found: list[Found], qs: int, p0: int) -> Found | None:
    before = [f for f in found if max(e for _, e in f.chars) <= qs and f.cue.idx < qs]
    if not before:
        return None
    last = max(before, key=lambda f: max(max(e for _, e in f.chars), f.cue.idx))
    end = max(max(e for _, e in last.chars), last.cue.idx)
    if end >= p0:  # same paragraph: the paragraph's speaker
        return last
    if not last.content.quote:
        return None
    prev_p0, _ = _paragraph_of(text, max(0, p0 - 2))
    if end >= prev_p0 and not text[p0:qs].strip():  # next paragraph opens with the quotation
        return last
    return None


_COLON_LINE = re.compile(
    r"^[ \t]*(?P<name>[A-Z][\w.'’-]*(?:[ \t]+(?:[A-Z][\w.'’-]*|and|de|van|von|al-\w+)){0,4})"
    r"[ \t]*:[ \t]+(?P<rest>\S[^\n]*)$",
    re.MULTILINE,
)
_NOT_SPEAKERS = rules.NOT_SPEAKERS


def merge_colon_lines(doc: Doc, text: str, found: list[Found]) -> list[Found]:
    """Add ``Name: words`` lines (headlines, transcripts, ``Peskov: 'We will respond'``)."""
    taken = {(s, e) for f in found for s, e in content_chars(doc, f.content)}
    spans = sorted(taken)
    extra = []
    for m in _COLON_LINE.finditer(text):
        name = m.group("name")
        if name.split()[0].lower().strip(".") in _NOT_SPEAKERS or len(m.group("rest")) > 400:
            continue
        start, end = m.span("rest")
        end = len(text[:end].rstrip().rstrip("."))
        if end <= start or any(s < end and start < e for s, e in spans):
            continue
        colon = doc.char_span(m.end("name"), m.start("rest"), alignment_mode="expand")
        head = doc.char_span(*m.span("name"), alignment_mode="expand")
        if colon is None or head is None or not any(t.text == ":" for t in colon):
            continue
        cue = next(t for t in colon if t.text == ":")
        toks = tuple(range(cue.i + 1, len(doc)))
        toks = tuple(i for i in toks if doc[i].idx < end)
        quoted = text[start] in "\"“‘'«„" and text[end - 1] in "\"”’'»“"
        if (not quoted and len(text[start:end].split()) <= 5
                and not any(doc[i].pos_ in ("VERB", "AUX") for i in toks)):
            continue  # a subheading (``Sünik Corridor: The Real Prize?``), not words said
        cand = Candidate("colon-line", toks, quote=quoted, chars=((start, end),))
        extra.append(Found(cue=cue, score=1.0, content=cand, chars=[(start, end)],
                           source=head.root))
    return sorted([*found, *extra], key=lambda f: f.cue.i)


def _trim_chars(text: str, chars: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out = []
    for s, e in sorted(chars):
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def extract(
    doc: Doc, actors: Sequence[Actor] = (), models: Models | None = None
) -> tuple[Quote, ...]:
    """All attributions in a parsed text, as :class:`Quote` objects in text order."""
    models = models or load_models()
    text = doc_text(doc)
    if models is None or not text.strip():
        return ()
    quotes = Quotations(rules.quotations(text))
    found = find_attributions(doc, quotes, models)
    for f in found:
        f.chars = content_chars(doc, f.content)
    found = merge_colon_lines(doc, text, found)
    attach_orphans(text, found, quotes)
    res = Resolver(doc, text, actors, quotes)
    out = []
    for n, f in enumerate(found, 1):
        chars = _trim_chars(text, f.chars)
        if not chars:
            continue
        cue_ids = cue_span_tokens(f.cue, f.content)
        exclude = set(f.content.tokens) | set(cue_ids)
        verdict = trustworthy(text, f, exclude, res)
        if verdict == "heading" or (verdict == "abstract" and f.score < STRONG_CUE):
            continue
        speaker = (
            Speaker()
            if verdict == "abstract"
            else make_speaker(doc, text, f.cue, exclude, res, f.source)
        )
        outlet = outlet_span(f.cue, f.content, exclude) or outlet_by_text(text, f.cue, chars[0][0])
        cue = Span.of(text, doc[cue_ids[0]].idx, doc[cue_ids[-1]].idx + len(doc[cue_ids[-1]]))
        parts = tuple(Span.of(text, s, e) for s, e in chars) if len(chars) > 1 else ()
        out.append(Quote(
            id=f"q{n}", kind=_kind(text, chars, f.content),
            content=Span.of(text, chars[0][0], chars[-1][1]), cue=cue, speaker=speaker,
            outlet=Span.of(text, *outlet) if outlet else None, parts=parts,
            score=round(f.score, 3),
        ))
    return tuple(out)


def quotes(inp: AnalysisInput) -> Mapping[str, Any]:
    actors = getattr(inp.article, "actors", ()) or ()
    return {"quotes": extract(inp.doc, actors)}


ANALYZER = Analyzer(
    name="quotes.v1",
    func=quotes,
    produces=("quotes",),
    requires=frozenset({"doc", "actors"}),
    description="Direct, indirect and mixed quotes with cue, speaker, descriptor and outlet.",
)
