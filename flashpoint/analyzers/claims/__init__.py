"""Claims: every statement about the world, how sure it is, and who stands behind it.

One claim per sentence that states or asks something (imperatives, bylines and
verbless fragments are skipped), plus one for each *embedded* report inside a
sentence ("..., where local media claimed Moscow had ordered the strike"), whose
span is the reporting clause. For each claim:

* ``status``: ``attributed`` (a reporting verb with a third-party subject,
  "according to", a passive report, or a direct quotation), ``hedged``,
  ``hypothetical``, ``prediction``, ``question``, ``negated``, ``boosted``;
  ``asserted`` when it is the author's plain statement (none of attributed,
  hedged, hypothetical, prediction, question). A question records only
  ``question`` (plus ``attributed``).
* ``source``: see :mod:`flashpoint.analyzers.claims.sources`; the quote and
  actor found by the quotes and actors analyzers are linked when present.
* ``cues``: the spans that decided each status (hedge words, "if", "will",
  the question mark, boosters, negators, the reporting verb or quote marks).

The rules are in :mod:`flashpoint.analyzers.claims.cues` and documented with
the label guidelines in ``docs/claims.md``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc, Token

from ...model import Claim, ClaimSource, ClaimStatus, Quote, SourceKind, Span
from ...pipeline import AnalysisInput, Analyzer
from . import cues
from .sources import NP_REPORTS, REPORTING_VERBS, SourceContext, is_agent, source_of

MAX_SENTENCE_TOKENS = 300
"""Longer "sentences" (run-on text without punctuation) are not analysed."""
MODIFIERS: tuple[ClaimStatus, ...] = (
    "attributed", "hedged", "hypothetical", "prediction", "question", "negated", "boosted",
)
NOT_ASSERTED = frozenset({"attributed", "hedged", "hypothetical", "prediction", "question"})
_QUOTE_PAIRS = (
    re.compile(r"“[^“”\n]{2,}”"), re.compile(r"«[^«»\n]{2,}»"), re.compile(r'"[^"\n]{2,}"'),
    re.compile(r"„[^„“”\n]{2,}[“”]"),
)
_CLAUSE_DEPS = frozenset({"relcl", "advcl", "acl", "conj", "ccomp", "pcomp"})


@dataclass
class _Found:
    """A claim under construction."""

    start: int
    end: int
    source: ClaimSource = field(default_factory=lambda: ClaimSource(kind="author"))
    statuses: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    def add(self, status: str, found: Sequence[tuple[int, int]]) -> None:
        if found:
            self.statuses.setdefault(status, []).extend(found)


class _Intervals:
    """Character intervals, with those overlapping a range found by bisection (not a scan)."""

    def __init__(self, items: Sequence[tuple[int, int]]) -> None:
        self.order = sorted(range(len(items)), key=lambda k: items[k][0])
        self.items = [items[k] for k in self.order]
        self.starts = [s for s, _ in self.items]
        self.longest = max((e - s for s, e in self.items), default=0)

    def overlapping(self, start: int, end: int) -> list[int]:
        """Indices (into the list given) of the intervals overlapping ``[start, end)``."""
        out = []
        k = bisect.bisect_left(self.starts, end) - 1
        while k >= 0 and self.starts[k] + self.longest > start:
            if self.items[k][1] > start:
                out.append(self.order[k])
            k -= 1
        return sorted(out)


@dataclass
class _Article:
    """What every sentence needs: text, parse, sources, quotation regions."""

    text: str
    doc: Doc
    sources: SourceContext
    quoted: list[tuple[int, int]]
    quotes: Sequence[Quote]
    speakers: dict[int, ClaimSource]
    quoted_index: _Intervals = field(init=False)
    quotes_index: _Intervals = field(init=False)
    _token_lists: dict[tuple[int, int], list[Token]] = field(init=False)

    def __post_init__(self) -> None:
        self.quoted_index = _Intervals(self.quoted)
        self.quotes_index = _Intervals([(q.content.start, q.content.end) for q in self.quotes])
        self._token_lists = {}

    def tokens(self, start: int, end: int) -> list[Token]:
        """:func:`_tokens` of ``[start, end)``, memoised (each sentence is read twice).

        Callers never change the list they get.
        """
        key = (start, end)
        found = self._token_lists.get(key)
        if found is None:
            found = self._token_lists[key] = _tokens(self.doc, start, end)
        return found

    def quoted_in(self, start: int, end: int) -> list[tuple[int, int]]:
        """The quotation regions overlapping ``[start, end)``, in order."""
        return [self.quoted[k] for k in self.quoted_index.overlapping(start, end)]


def quotation_regions(text: str, min_words: int = 4) -> list[tuple[int, int]]:
    """Character bounds of balanced quotations of at least ``min_words`` words.

    Shorter quoted phrases are scare quotes or titles, not someone's statement.
    """
    found = []
    for pattern in _QUOTE_PAIRS:
        for m in pattern.finditer(text):
            if len(m.group().split()) >= min_words:
                found.append((m.start(), m.end()))
    return sorted(found)


def _quoted_share(art: _Article, start: int, end: int) -> float:
    inside = sum(min(e, end) - max(s, start) for s, e in art.quoted_in(start, end))
    return inside / max(end - start, 1)


def _tokens(doc: Doc, start: int, end: int) -> list[Token]:
    span = doc.char_span(start, end, alignment_mode="expand")
    return [t for t in span if not t.is_space] if span is not None else []


def _is_claim(tokens: Sequence[Token]) -> bool:
    words = [t for t in tokens if t.is_alpha]
    if len(words) < 3 or len(tokens) > MAX_SENTENCE_TOKENS:
        return False
    if tokens[-1].text == ":" and not any(t.pos_ in ("VERB", "AUX") for t in tokens):
        return False
    if not any(t.pos_ in ("VERB", "AUX") for t in tokens) and tokens[-1].text != "?":
        return False
    root = _main(tokens)
    subject = any(c.dep_ in ("nsubj", "nsubjpass", "expl", "csubj") for c in root.children)
    imperative = root.tag_ == "VB" and not subject and root.i == tokens[0].i
    return not (imperative and tokens[-1].text != "?") and tokens[0].lower_ != "let"


def _main(tokens: Sequence[Token]) -> Token:
    ids = {t.i for t in tokens}
    roots = [t for t in tokens if (head := t.head.i) == t.i or head not in ids]
    verbal = [t for t in roots if t.pos_ in ("VERB", "AUX")]
    return (verbal or roots or list(tokens))[0]


def _subject(tok: Token) -> Token | None:
    for child in tok.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            return child
    return None


def _contents(verb: Token) -> list[Token]:
    return [c for c in verb.children if c.dep_ in ("ccomp", "xcomp", "parataxis", "dobj")
            and (c.pos_ in ("VERB", "AUX") or c.dep_ != "dobj")]


def _is_report(tok: Token) -> bool:
    """A reporting verb with a third-party, agentive subject and a clause (or quote) as content.

    Agentless passives ("is said to") are handled as passive reports instead.
    """
    lemma = tok.lemma_.lower()
    if lemma not in REPORTING_VERBS or tok.pos_ not in ("VERB", "AUX"):
        return False
    kids = list(tok.children)
    if any(c.dep_ == "auxpass" for c in kids) and not any(c.dep_ == "agent" for c in kids):
        return False
    subj = _subject(tok)
    if subj is None or subj.lower_ in ("i", "we", "everyone", "everybody") or not is_agent(subj):
        return False
    if lemma in NP_REPORTS and _np_content(tok):
        return True
    return bool(_contents(tok)) or any(c.dep_ == "punct" and c.text in "“”\"«»:"
                                       for c in kids)


def _np_content(tok: Token) -> bool:
    """"accused X of Y", "described X as Y", "claimed responsibility", "denied any role"."""
    kids = list(tok.children)
    if not any(c.dep_ == "dobj" for c in kids):
        return False
    objects = [c for c in kids if c.dep_ == "dobj"]
    preps = {c.lower_ for c in kids if c.dep_ in ("prep", "oprd")}
    if tok.lemma_ not in ("claim", "deny"):
        preps |= {g.lower_ for o in objects for g in o.children if g.dep_ == "prep"}
    claims_credit = any(c.dep_ == "dobj" and c.lemma_ in ("responsibility", "credit", "role")
                        for c in kids)
    if tok.lemma_ == "claim":
        return claims_credit
    return bool(preps & {"of", "as", "for"}) or claims_credit or tok.lemma_ == "deny"


def _embedded_reports(tokens: Sequence[Token], main: Token) -> list[Token]:
    """Reporting verbs heading a subordinate clause (not the sentence's main report)."""
    found: list[Token] = []
    for tok in tokens:
        if tok.i == main.i or tok.dep_ not in ("relcl", "advcl", "acl", "conj", "pcomp"):
            continue
        if _is_report(tok) and not any(f.i in {a.i for a in tok.ancestors} for f in found):
            found.append(tok)
    return found


def _clause_bounds(verb: Token) -> tuple[int, int]:
    toks = [t for t in verb.subtree if not t.is_space]
    while toks and (toks[0].is_punct or toks[0].tag_ in ("WRB", "WDT", "WP", "IN", "CC")):
        toks = toks[1:]
    while toks and toks[-1].is_punct and toks[-1].text not in "?”\"":
        toks = toks[:-1]
    if not toks:
        return verb.idx, verb.idx + len(verb.text)
    return toks[0].idx, toks[-1].idx + len(toks[-1].text)


def _attribution(art: _Article, tokens: Sequence[Token], main: Token,
                 found: _Found) -> tuple[list[Token], bool]:
    """Set ``found.source`` and the attributed status; return the content heads and tense."""
    if _is_report(main):
        subj = _subject(main)
        if subj is not None:
            found.source = source_of(art.sources, subj, (found.start, found.end))
            found.add("attributed", [(main.idx, main.idx + len(main.text))])
            return _contents(main) or [main], main.tag_ in ("VBD", "VBN")
    for child in main.children:
        if child.dep_ in ("parataxis", "ccomp", "advcl") and _is_report(child) and (
            child.i > main.i
        ):
            subj = _subject(child)
            if subj is not None:
                found.source = source_of(art.sources, subj, (found.start, found.end))
                found.add("attributed", [(child.idx, child.idx + len(child.text))])
                return [main], child.tag_ in ("VBD", "VBN")
    for tok in tokens:
        if tok.lower_ == "according" and tok.i + 2 < len(tok.doc) and tok.nbor(1).lower_ == "to":
            obj = next((c for c in tok.nbor(1).children if c.dep_ == "pobj"), None)
            if obj is not None:
                found.source = source_of(art.sources, obj, (found.start, found.end))
                found.add("attributed", [(tok.idx, obj.idx + len(obj.text))])
                return [main], False
        if cues._passive_report(tok):
            found.source = ClaimSource(kind="anonymous")
            found.add("attributed", [(tok.idx, tok.idx + len(tok.text))])
            return [main], False
    return [main], False


def _quote_attribution(art: _Article, found: _Found, paragraph: int) -> None:
    """Direct quotations and the quotes analyzer's quotes.

    A direct quote (from the quotes analyzer, else a balanced quotation region) that fills
    half the claim, or has a reporting verb beside it, makes the claim attributed. The
    quotes analyzer's quotes are also linked (id, speaker's actor) to claims the rules
    already attributed; its indirect quotes alone never make a claim attributed.
    """
    quote = _overlapping_quote(art, found)
    if quote is not None and ("attributed" in found.statuses or quote.kind != "indirect"):
        if "attributed" not in found.statuses:
            found.add("attributed", [(quote.content.start, quote.content.end)])
        found.source = _quote_source(art, quote, found.source)
    share = _quoted_share(art, found.start, found.end)
    if share == 0:
        return
    regions = art.quoted_in(found.start, found.end)
    asks = [(e - 2, e - 1) for s, e in regions if art.text[s:e].rstrip("”\"» ").endswith("?")]
    if "attributed" in found.statuses:
        found.add("question", asks)
        return
    reporter = _reporter_outside(art, found, regions)
    if share < 0.5 and reporter is None:
        return
    s, e = regions[0]
    found.add("attributed", [(s, s + 1), (e - 1, e)])
    found.add("question", asks)
    if reporter is not None:
        found.source = source_of(art.sources, reporter, (found.start, found.end))
    else:
        found.source = art.speakers.get(paragraph, ClaimSource(kind="anonymous"))


def _overlapping_quote(art: _Article, found: _Found) -> Quote | None:
    """The quote that holds most of the claim, or an indirect quote inside the claim."""
    for k in art.quotes_index.overlapping(found.start, found.end):
        quote = art.quotes[k]
        c = quote.content
        overlap = max(0, min(c.end, found.end) - max(c.start, found.start))
        inside = overlap >= 0.5 * (found.end - found.start)
        holds = quote.kind == "indirect" and overlap >= 0.5 * (c.end - c.start)
        if overlap and (inside or holds):
            return quote
    return None


def _reporter_outside(art: _Article, found: _Found,
                      regions: Sequence[tuple[int, int]]) -> Token | None:
    """The speaker of a reporting verb outside the quotation ("..., the minister said")."""
    for tok in art.tokens(found.start, found.end):
        if any(s <= tok.idx < e for s, e in regions):
            continue
        if tok.lemma_.lower() in REPORTING_VERBS and tok.pos_ == "VERB":
            subj = _subject(tok) or next(
                (c for c in tok.children if c.dep_ in ("dobj", "attr", "nsubj", "npadvmod")
                 and c.pos_ in ("NOUN", "PROPN", "PRON") and c.idx > tok.idx), None)
            if subj is not None:
                return subj
    return None


def _quote_source(art: _Article, quote: Quote, fallback: ClaimSource) -> ClaimSource:
    if fallback.kind != "author":
        return ClaimSource(kind=fallback.kind, name=fallback.name,
                           actor=fallback.actor or quote.speaker.actor, quote=quote.id)
    sp = quote.speaker
    kind: SourceKind
    if sp.vague is not None:
        kind = "anonymous" if sp.vague == "anonymous" else "vague"
        return ClaimSource(kind=kind, name=sp.name, actor=sp.actor, quote=quote.id)
    if sp.actor is not None:
        actor = next((a for a in art.sources.actors if a.id == sp.actor), None)
        kinds: dict[str, SourceKind] = {"person": "person", "media": "outlet"}
        kind = kinds.get(actor.kind, "organization") if actor else "person"
        return ClaimSource(kind=kind, name=sp.name or (actor.name if actor else None),
                           actor=sp.actor, quote=quote.id)
    if sp.name is not None:
        return ClaimSource(kind="person", name=sp.name, quote=quote.id)
    return ClaimSource(kind="anonymous", quote=quote.id)


def _modality(found: _Found, tokens: Sequence[Token], heads: Sequence[Token],
              reported_past: bool) -> None:
    """Add hedged/boosted/hypothetical/prediction/question/negated from the claim's tokens."""
    found.add("question", cues.question(tokens))
    if "question" in found.statuses:
        return
    found.add("hedged", cues.hedges(tokens))
    found.add("boosted", cues.boosters(tokens))
    cond = cues.conditionals(tokens)
    by_start = {t.idx: t.lower_ for t in tokens}
    would_only = cond and all(by_start.get(s) in ("would", "'d") for s, _ in cond)
    if would_only and reported_past:
        found.add("prediction", cond)
    else:
        found.add("hypothetical", cond)
    found.add("prediction", cues.predictions(tokens))
    found.add("negated", cues.negations(tokens, _predicates(heads)))


def _predicates(heads: Sequence[Token]) -> list[Token]:
    """The content heads, their coordinated verbs, complements, and the clause of an
    extraposed "it is clear that ..." (which carries the real claim)."""
    out = list(heads)
    for h in heads:
        out.extend(c for c in h.children if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX"))
        out.extend(c for c in h.children if c.dep_ in ("xcomp", "acomp"))
        if any(c.dep_ in ("nsubj", "expl") and c.lower_ in ("it", "there") for c in h.children):
            out.extend(c for c in h.children if c.dep_ == "ccomp")
    return out


def _finish(found: _Found, text: str) -> Claim:
    statuses: list[ClaimStatus] = [s for s in MODIFIERS if s in found.statuses]
    if not NOT_ASSERTED & set(statuses):
        statuses.insert(0, "asserted")
    spans = sorted({c for s in statuses for c in found.statuses.get(s, [])})
    return Claim(span=Span.of(text, found.start, found.end), status=tuple(statuses),
                 source=found.source, cues=tuple(Span.of(text, s, e) for s, e in spans if s < e))


def _sentence_claims(art: _Article, start: int, end: int, paragraph: int) -> Iterator[Claim]:
    tokens = art.tokens(start, end)
    if not tokens or not _is_claim(tokens):
        return
    main = _main(tokens)
    embedded = _embedded_reports(tokens, main)
    skip = {t.i for verb in embedded for t in verb.subtree}
    own = [t for t in tokens if t.i not in skip] or tokens
    found = _Found(start, end)
    heads, past = _attribution(art, own, main, found)
    _quote_attribution(art, found, paragraph)
    _modality(found, own, heads, past and "attributed" in found.statuses)
    yield _finish(found, art.text)
    for verb in embedded:
        s, e = _clause_bounds(verb)
        sub = _Found(s, e)
        sub_tokens = [t for t in verb.subtree if not t.is_space]
        sub_heads, sub_past = _attribution(art, sub_tokens, verb, sub)
        _modality(sub, sub_tokens, sub_heads, sub_past)
        yield _finish(sub, art.text)


def _paragraph_speakers(art: _Article, sents: Sequence[tuple[int, int, int]]) -> None:
    """The reporting-verb subject of each paragraph (for quotations spread over sentences)."""
    last_colon: ClaimSource | None = None
    for start, end, para in sents:
        tokens = art.tokens(start, end)
        for tok in tokens:
            if _is_report(tok) and _quoted_share(art, tok.idx, tok.idx + 1) == 0:
                subj = _subject(tok)
                if subj is not None and para not in art.speakers:
                    art.speakers[para] = source_of(art.sources, subj)
        if tokens and tokens[-1].text == ":":
            reporter = next((t for t in tokens if t.lemma_.lower() in REPORTING_VERBS
                             and _subject(t) is not None), None)
            subj = _subject(reporter) if reporter is not None else None
            last_colon = source_of(art.sources, subj) if subj is not None else None
            if last_colon is not None:
                art.speakers.setdefault(para + 1, last_colon)


def _paragraphs(text: str, bounds: Sequence[tuple[int, int]]) -> list[tuple[int, int, int]]:
    breaks = [m.start() for m in re.finditer(r"\n\s*\n|\n", text)]
    out, para, j = [], 0, 0
    for start, end in bounds:
        while j < len(breaks) and breaks[j] < start:
            para, j = para + 1, j + 1
        out.append((start, end, para))
    return out


_TERMINAL = frozenset(".!?…\"”’»)]")


def merge_fragments(text: str, bounds: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join a sentence that ends without terminal punctuation to the next one on its line.

    The parser sometimes cuts at a dash or colon ("It is clear: in the event of war -- X
    will ..."); a claim needs the whole sentence.
    """
    out: list[tuple[int, int]] = []
    for start, end in bounds:
        if out and text[out[-1][1] - 1] not in _TERMINAL and "\n" not in text[out[-1][1]:start]:
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def find_claims(text: str, doc: Doc, sentences: Sequence[tuple[int, int]],
                sources: SourceContext) -> list[Claim]:
    """Claims of every sentence in ``sentences`` (character bounds into ``text``)."""
    art = _Article(text=text, doc=doc, sources=sources, quoted=quotation_regions(text),
                   quotes=sources.quotes, speakers={})
    sents = _paragraphs(text, merge_fragments(text, sentences))
    _paragraph_speakers(art, sents)
    found: list[Claim] = []
    for start, end, para in sents:
        found.extend(_sentence_claims(art, start, end, para))
    return found


def claims(inp: AnalysisInput) -> Mapping[str, Any]:
    article = inp.article
    bounds = [(s.span.start, s.span.end) for s in article.sentences]
    ctx = SourceContext(doc=inp.doc, actors=article.actors, quotes=article.quotes,
                        text=article.text)
    return {"claims": tuple(find_claims(article.text, inp.doc, bounds, ctx))}


def analyse_text(text: str) -> Claim | None:
    """The main claim of ``text`` read as one sentence (for tests and the status set)."""
    from ... import nlp as backbone

    stripped = text.strip()
    if not stripped:
        return None
    start = text.index(stripped)
    doc = backbone.load()(text)
    found = find_claims(text, doc, [(start, start + len(stripped))], SourceContext(doc=doc))
    return next((c for c in found if c.span.start == start), None)


ANALYZER = Analyzer(
    name="claims.v1",
    func=claims,
    produces=("claims",),
    requires=frozenset({"doc", "sentences", "actors", "quotes"}),
    description="Claims with status (asserted, attributed, hedged, ...), source and cues.",
)
