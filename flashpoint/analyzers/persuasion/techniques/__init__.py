"""Propaganda techniques (SemEval-2020 Task 11): span identification and classification.

The public surface: :func:`write_span_predictions` and :func:`write_classifications`
write the task's submission formats (wired to ``flashpoint techniques spans`` and
``flashpoint techniques classify``), :func:`~.model.load_model` gives the shipped
model, and :data:`~.model.DEFINITIONS` explains each technique in plain words.
"""

from __future__ import annotations

from pathlib import Path

from . import ptc
from .features import line_segments
from .model import DEFINITIONS, TECHNIQUES, TechniqueModel, load_model

__all__ = [
    "DEFINITIONS",
    "TECHNIQUES",
    "TechniqueModel",
    "load_model",
    "write_classifications",
    "write_span_predictions",
]


def write_span_predictions(articles_dir: Path, out: Path) -> int:
    """Write ``article_id<TAB>start<TAB>end`` lines for every ``article*.txt``; return the count.

    Articles are segmented at line breaks (PTC has one sentence a line).
    """
    model = load_model()
    lines: list[tuple[str, int, int]] = []
    for art, text in ptc.read_articles(articles_dir).items():
        lines += [(art, s.start, s.end) for s in model.find_spans(text, line_segments(text))]
    out.write_text(ptc.format_si(lines), encoding="utf-8")
    return len(lines)


def write_classifications(articles_dir: Path, spans_file: Path, out: Path) -> int:
    """Label the spans of ``spans_file`` (SI or TC format) and write TC lines; return the count.

    Output lines follow the input's order. Spans of articles missing from
    ``articles_dir`` are skipped.
    """
    model = load_model()
    texts = ptc.read_articles(articles_dir)
    wanted = [x for x in ptc.parse_si(spans_file.read_text(encoding="utf-8")) if x[0] in texts]
    by_article: dict[str, list[tuple[int, int]]] = {}
    for art, s, e in wanted:
        by_article.setdefault(art, []).append((s, e))
    labels: dict[str, list[tuple[str, float]]] = {}
    for art, spans in by_article.items():
        text = texts[art]
        labels[art] = model.label(text, spans, line_segments(text))
    cursor = dict.fromkeys(by_article, 0)
    items = []
    for art, s, e in wanted:
        technique, _ = labels[art][cursor[art]]
        cursor[art] += 1
        items.append(ptc.Labelled(art, technique, s, e))
    out.write_text(ptc.format_tc(items), encoding="utf-8")
    return len(items)
