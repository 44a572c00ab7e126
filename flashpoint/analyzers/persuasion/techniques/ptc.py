"""The PTC / SemEval-2020 Task 11 file formats, and the task's official metrics.

Corpus layout (Da San Martino et al., EMNLP 2019; SemEval-2020 Task 11):
``articleNNN.txt`` files (title on line 1, one sentence a line) and label
files whose lines are ``article_id<TAB>technique<TAB>start<TAB>end`` (task TC)
or ``article_id<TAB>start<TAB>end`` (task SI), character offsets, end
exclusive. A "PTC directory" here is either the corpus root (with
``train-articles/`` and ``train-labels-task2-technique-classification/``) or
a folder holding the ``.txt`` files and, optionally, the ``.labels`` files.

Metrics, as defined by the task's scorers:

- **SI** (span identification). Overlapping spans of one article are merged
  first (gold and prediction). For a predicted span ``s`` and a gold span
  ``t`` let ``C(s, t, h) = |s ∩ t| / h`` (character overlap). Then
  ``P = Σ_s Σ_t C(s, t, |s|) / |S|`` and ``R = Σ_t Σ_s C(s, t, |t|) / |T|``
  over all articles, and ``F1`` is their harmonic mean. Partial overlaps earn
  partial credit.
- **TC** (technique classification). Gold spans are given; the metric is
  micro-averaged F1 over the predicted labels, which equals accuracy because
  every gold span receives exactly one prediction. Per-technique precision,
  recall and F1 are reported as well.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

_ARTICLE_ID = re.compile(r"article(\d+)\.txt$")


@dataclass(frozen=True, slots=True)
class Labelled:
    """One gold or predicted technique span of one article."""

    article: str
    technique: str
    start: int
    end: int


def article_id(path: Path) -> str:
    """``"123"`` for ``article123.txt``; the file stem for other names."""
    m = _ARTICLE_ID.search(path.name)
    return m.group(1) if m else path.stem


def articles_dir(root: Path) -> Path:
    """The folder holding the article ``.txt`` files under a PTC directory."""
    for name in ("train-articles", "dev-articles", "test-articles", "articles"):
        if (root / name).is_dir():
            return root / name
    return root


def read_articles(root: Path) -> dict[str, str]:
    """``{article_id: text}`` for every ``*.txt`` file of a PTC directory, sorted by id."""
    folder = articles_dir(root)
    texts = {article_id(p): p.read_text(encoding="utf-8") for p in folder.glob("*.txt")}
    return dict(sorted(texts.items()))


def read_tc_labels(root: Path) -> list[Labelled]:
    """Gold technique spans of a PTC directory.

    Read from the ``*.labels`` files of its first sub-folder named like
    ``*task2*``, ``*technique*`` or ``labels``; else from ``*TC*``/``*task2*``
    label files lying in the directory itself.
    """
    files: list[Path] = []
    folders = sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
    for folder in folders:
        if "task2" in folder.name or "technique" in folder.name or folder.name == "labels":
            files = sorted(folder.glob("*.labels"))
            break
    if not files:
        files = sorted(p for p in root.glob("*.labels") if "TC" in p.name or "task2" in p.name)
    out: list[Labelled] = []
    for f in files:
        out.extend(parse_tc(f.read_text(encoding="utf-8")))
    return out


def parse_tc(text: str) -> list[Labelled]:
    """Parse ``id<TAB>technique<TAB>start<TAB>end`` lines."""
    out = []
    for line in text.splitlines():
        parts = line.rstrip("\n").split("\t")
        if len(parts) == 4 and parts[2].isdigit() and parts[3].isdigit():
            out.append(Labelled(parts[0], parts[1], int(parts[2]), int(parts[3])))
    return out


def parse_si(text: str) -> list[tuple[str, int, int]]:
    """Parse ``id<TAB>start<TAB>end`` lines (a TC file is accepted too: its label is ignored)."""
    out = []
    for line in text.splitlines():
        parts = line.rstrip("\n").split("\t")
        if len(parts) >= 3 and parts[-2].isdigit() and parts[-1].isdigit():
            out.append((parts[0], int(parts[-2]), int(parts[-1])))
    return out


def format_si(spans: Iterable[tuple[str, int, int]]) -> str:
    return "".join(f"{a}\t{s}\t{e}\n" for a, s, e in spans)


def format_tc(items: Iterable[Labelled]) -> str:
    return "".join(f"{x.article}\t{x.technique}\t{x.start}\t{x.end}\n" for x in items)


# --- metrics ---------------------------------------------------------------------------


def merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sort spans and merge those that overlap (touching spans stay apart)."""
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def _group(spans: Iterable[tuple[str, int, int]]) -> dict[str, list[tuple[int, int]]]:
    by: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for a, s, e in spans:
        if e > s:
            by[a].append((s, e))
    return {a: merge_spans(v) for a, v in by.items()}


def si_scores(
    predicted: Iterable[tuple[str, int, int]], gold: Iterable[tuple[str, int, int]]
) -> dict[str, float]:
    """SemEval-2020 SI precision, recall and F1 with partial-overlap credit."""
    pred, ref = _group(predicted), _group(gold)
    n_pred = sum(len(v) for v in pred.values())
    n_gold = sum(len(v) for v in ref.values())
    p_num = r_num = 0.0
    for art, spans in pred.items():
        for s, e in spans:
            for gs, ge in ref.get(art, ()):
                inter = min(e, ge) - max(s, gs)
                if inter > 0:
                    p_num += inter / (e - s)
                    r_num += inter / (ge - gs)
    p = p_num / n_pred if n_pred else 0.0
    r = r_num / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f}


def tc_scores(
    predicted: Sequence[str], gold: Sequence[str], labels: Sequence[str]
) -> dict[str, float]:
    """Micro-F1 (= accuracy) and per-technique P/R/F1 for aligned label lists."""
    if len(predicted) != len(gold):
        raise ValueError("predicted and gold label lists differ in length")
    correct = Counter(p for p, g in zip(predicted, gold, strict=True) if p == g)
    n_pred, n_gold = Counter(predicted), Counter(gold)
    out = {"micro_f1": sum(correct.values()) / len(gold) if gold else 0.0}
    f1s = []
    for label in labels:
        p = correct[label] / n_pred[label] if n_pred[label] else 0.0
        r = correct[label] / n_gold[label] if n_gold[label] else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        out[f"{label}.precision"], out[f"{label}.recall"], out[f"{label}.f1"] = p, r, f
        f1s.append(f)
    out["macro_f1"] = sum(f1s) / len(f1s) if f1s else 0.0
    return out


def group_by_article(items: Iterable[Labelled]) -> Mapping[str, list[Labelled]]:
    by: dict[str, list[Labelled]] = defaultdict(list)
    for x in items:
        by[x.article].append(x)
    return by
