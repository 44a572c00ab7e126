"""Persuasion: propaganda techniques at span level, the article's genre, and its frames.

- ``techniques``: spans found by the PTC-trained span head, plus spans proposed by
  a few general cue rules (questions in the author's voice, short phrases in
  scare quotes, certainty boosters such as "it is clear that"), each labelled
  by the technique classifier (:mod:`flashpoint.analyzers.persuasion.techniques`), except that a
  question in the author's voice is labelled Doubt. ``score`` is the label's
  probability (at least 0.5 for such a question) times the span's confidence
  (the span head's mean token probability, or a fixed prior for rule spans).
- ``genre``: opinion or reporting from learned weights over author's-voice and
  attribution cues, satire from declared markers (see
  :mod:`flashpoint.analyzers.persuasion.genre`).
- ``frames``: the 14 SemEval-2023 frames assigned to the article, each with its
  probability and cue sentences (see :mod:`flashpoint.analyzers.persuasion.frames`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ... import encoder
from ...model import Article, Span, Technique
from ...pipeline import AnalysisInput, Analyzer
from . import frames as frame_rules
from . import genre as genre_rules
from .techniques import DEFINITIONS, load_model
from .techniques import parts as technique_parts
from .techniques.stream import streamed

RULE_PRIOR = 0.6
"""Confidence given to a span proposed by a cue rule (the classifier still picks the label)."""
MIN_SCORE = 0.05
MAX_QUOTED_WORDS = 4

_QUOTED = re.compile(r"[\"“«]([^\"“”«»\n]{2,60})[\"”»]")
_BOOSTER = re.compile(
    r"\b(?:it is|it's|it has become)(?: (?:also|now|quite|more than))? "
    r"(?:abundantly|perfectly|crystal|absolutely|painfully|patently|blindingly)? ?"
    r"(?:clear|obvious|evident|undeniable|beyond doubt)\b"
    r"|\bthere (?:is|can be) (?:no|little) doubt\b"
    r"|\b(?:make no mistake|everyone knows|nobody can deny|undeniably|unquestionably)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class PersuasionOptions:
    """Options of ``persuasion.v1``."""

    encoder: bool = True
    """Use the MiniLM span head (``False``: cue-rule spans only, ``analyze --fast``)."""


def segments_of(inp: AnalysisInput) -> list[tuple[int, int]]:
    """Sentence bounds, from the ``sentences`` analyzer (which the pipeline runs first)."""
    return [(s.span.start, s.span.end) for s in inp.article.sentences]


def _inside_quotes(article: Article) -> list[tuple[int, int]]:
    return [(q.content.start, q.content.end) for q in article.quotes]


def _covered(start: int, end: int, zones: Sequence[tuple[int, int]]) -> bool:
    return any(s <= start and end <= e for s, e in zones)


def rule_spans(
    text: str, segments: Sequence[tuple[int, int]], quotes: Sequence[tuple[int, int]]
) -> Iterator[tuple[int, int, str]]:
    """Spans proposed by cue rules (author-voice questions, scare quotes, certainty boosters).

    Scare quotes are short quoted phrases inside a sentence (at most
    :data:`MAX_QUOTED_WORDS` words, no space inside the marks, not a question or
    exclamation) that are not all capitalised words (those are usually names or titles).
    """
    for s, e in segments:
        sentence = text[s:e].rstrip()
        if sentence.endswith("?") and not _covered(s, e, quotes) and sentence[:1] not in "\"“«":
            yield s, s + len(sentence), "question"
    for m in _QUOTED.finditer(text):
        if m.group(1)[:1].isspace() or m.group(1)[-1:].isspace():
            continue  # a closing mark taken for an opening one: '..." he said "...'
        before = text[max(0, m.start() - 80) : m.start()].rstrip()[-1:]
        if before in ("", ".", "!", "?", "\n") or m.group(1).rstrip()[-1:] in "?!":
            continue  # quoted speech opening a sentence, or a quoted question: not scare quotes
        inner = m.group(1).rstrip(",.;:!? ")
        words = inner.split()
        if 0 < len(words) <= MAX_QUOTED_WORDS and not all(w[:1].isupper() for w in words):
            start = m.start(1) + m.group(1).index(inner)
            yield start, start + len(inner), "scare_quote"
    for m in _BOOSTER.finditer(text):
        yield m.start(), m.end(), "booster"


def find_techniques(
    text: str, segments: Sequence[tuple[int, int]], quotes: Sequence[tuple[int, int]] = (),
    use_encoder: bool = True,
) -> tuple[Technique, ...]:
    """Technique spans of ``text``: tagger spans and rule spans, each labelled and scored.

    A question in the author's voice is labelled ``Doubt`` (the leading question is
    the textbook Doubt device); every other span takes the classifier's best label.
    Without the encoder (``use_encoder=False``, or a model that needs it while the
    MiniLM package is missing) only the rule spans are proposed, and the classifier
    labels them from lexical features alone.
    """
    model = load_model()
    use_encoder = use_encoder and (encoder.available() or not model.needs_states())
    whole = use_encoder and model.needs_states() and not streamed(segments)
    states = model.states_of(text, segments) if whole else None  # else chunk by chunk
    confidence: dict[tuple[int, int], float] = {}
    questions: set[tuple[int, int]] = set()
    for found in (model.find_spans(text, segments) if use_encoder else ()):
        confidence[(found.start, found.end)] = found.score
    for s, e, kind in rule_spans(text, segments, quotes):
        confidence[(s, e)] = max(confidence.get((s, e), 0.0), RULE_PRIOR)
        if kind == "question":
            questions.add((s, e))
    spans = sorted(confidence)
    classes = model.classifier.classes
    out = []
    for (s, e), probs in zip(spans, model.classify(text, spans, segments, states, use_encoder),
                               strict=True):
        k = int(probs.argmax())
        label, prob = classes[k], float(probs[k])
        if (s, e) in questions:
            label, prob = "Doubt", max(float(probs[classes.index("Doubt")]), 0.5)
        score = round(prob * confidence[(s, e)], 4)
        if score >= MIN_SCORE or confidence[(s, e)] >= RULE_PRIOR:
            out.append(Technique(
                technique=label, span=Span.of(text, s, e), score=score,
                explanation=DEFINITIONS[label],
            ))
    return tuple(out)


def prepare(options: PersuasionOptions) -> None:
    """With the encoder, have it keep what the technique heads and the frames read of each
    sentence whenever it runs one (usually for ``sentence_scores``, which runs first), so
    that a long article is not encoded again here; nothing is kept with ``--fast``."""
    on = options.encoder and encoder.available()
    technique_parts.register(load_model if on else None)
    frame_rules.register(on)


def persuasion(inp: AnalysisInput) -> Mapping[str, Any]:
    article = inp.article
    text = article.text
    if not text.strip():
        return {"techniques": (), "genre": None, "frames": ()}
    segments = segments_of(inp)
    use_encoder = inp.options_as(PersuasionOptions).encoder
    # the heads' products are small: more BLAS threads than the encoder's only spin
    with encoder.blas_limit(encoder.blas_threads()):
        techniques = find_techniques(text, segments, _inside_quotes(article), use_encoder)
        genre = genre_rules.classify(article, segments, encoder=use_encoder)
        frames = frame_rules.detect(text, segments, use_encoder)
    return {"techniques": techniques, "genre": genre, "frames": frames}


ANALYZER = Analyzer(
    name="persuasion.v1",
    func=persuasion,
    produces=("techniques", "genre", "frames"),
    requires=frozenset({"doc", "sentences", "quotes"}),
    options=PersuasionOptions,
    prepare=prepare,
    description="Propaganda techniques (PTC, SemEval-2020 Task 11), genre, and frames.",
)
