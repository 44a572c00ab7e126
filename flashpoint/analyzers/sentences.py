"""Sentence segmentation: spaCy's parse-based sentences, also cut at line breaks.

Headlines and subheadings carry no final full stop, so the parser often glues
them to the next paragraph; cutting at newlines keeps them apart. Scores
(subjectivity, check-worthiness) are filled in by the ``claims`` family.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from spacy.tokens import Doc

from ..model import Sentence, Span
from ..pipeline import AnalysisInput, Analyzer

_LINE_BREAK = re.compile(r"\s*\n\s*")


def sentence_bounds(doc: Doc) -> Iterator[tuple[int, int]]:
    """Character bounds of each sentence, whitespace trimmed, never across a line break."""
    text = doc.text
    for sent in doc.sents:
        start = sent.start_char
        for piece in _LINE_BREAK.split(text[start : sent.end_char]):
            stripped = piece.strip()
            if stripped:
                begin = text.index(stripped, start)
                yield begin, begin + len(stripped)
                start = begin + len(stripped)


def sentences(inp: AnalysisInput) -> Mapping[str, Any]:
    text = inp.article.text
    found = tuple(Sentence(span=Span(s, e, text[s:e])) for s, e in sentence_bounds(inp.doc))
    return {"sentences": found}


ANALYZER = Analyzer(
    name="sentences.v1",
    func=sentences,
    produces=("sentences",),
    languages=None,
    description="Sentences from the parse, cut at line breaks.",
)
