"""SemEval-2020 Task 11 formats and metrics (flashpoint.analyzers.persuasion.techniques.ptc)."""

from __future__ import annotations

from pathlib import Path

import pytest

from flashpoint.analyzers.persuasion.techniques import ptc


@pytest.mark.parametrize(
    ("spans", "merged"),
    [
        ([], []),
        ([(0, 5)], [(0, 5)]),
        ([(5, 9), (0, 6)], [(0, 9)]),
        ([(0, 5), (5, 9)], [(0, 5), (5, 9)]),  # touching spans stay apart
        ([(0, 10), (2, 3), (12, 14)], [(0, 10), (12, 14)]),
    ],
)
def test_merge_spans(spans: list[tuple[int, int]], merged: list[tuple[int, int]]) -> None:
    assert ptc.merge_spans(spans) == merged


@pytest.mark.parametrize(
    ("pred", "gold", "p", "r"),
    [
        ([("1", 0, 10)], [("1", 0, 10)], 1.0, 1.0),  # exact match
        ([("1", 0, 10)], [("1", 5, 15)], 0.5, 0.5),  # half overlap, partial credit
        ([("1", 0, 20)], [("1", 0, 10)], 0.5, 1.0),  # prediction twice as long
        ([("1", 0, 4), ("1", 6, 10)], [("1", 0, 10)], 1.0, 0.8),  # two pieces of one span
        ([("1", 0, 10)], [("2", 0, 10)], 0.0, 0.0),  # other article
        ([("1", 0, 10), ("1", 5, 10)], [("1", 0, 10)], 1.0, 1.0),  # overlaps merged first
        ([], [("1", 0, 10)], 0.0, 0.0),
    ],
)
def test_si_scores(
    pred: list[tuple[str, int, int]], gold: list[tuple[str, int, int]], p: float, r: float
) -> None:
    scores = ptc.si_scores(pred, gold)
    assert scores["precision"] == pytest.approx(p)
    assert scores["recall"] == pytest.approx(r)
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    assert scores["f1"] == pytest.approx(f1)


def test_tc_scores_micro_f1_is_accuracy_and_per_technique() -> None:
    gold = ["Doubt", "Doubt", "Slogans", "Repetition"]
    pred = ["Doubt", "Slogans", "Slogans", "Doubt"]
    scores = ptc.tc_scores(pred, gold, ["Doubt", "Repetition", "Slogans"])
    assert scores["micro_f1"] == pytest.approx(0.5)
    assert scores["Doubt.precision"] == pytest.approx(0.5)
    assert scores["Doubt.recall"] == pytest.approx(0.5)
    assert scores["Slogans.precision"] == pytest.approx(0.5)
    assert scores["Slogans.recall"] == pytest.approx(1.0)
    assert scores["Repetition.f1"] == 0.0


def test_tc_scores_rejects_misaligned_lists() -> None:
    with pytest.raises(ValueError):
        ptc.tc_scores(["Doubt"], [], ["Doubt"])


def test_label_files_round_trip() -> None:
    items = [ptc.Labelled("7", "Loaded_Language", 3, 9), ptc.Labelled("7", "Doubt", 0, 2)]
    assert ptc.parse_tc(ptc.format_tc(items)) == items
    assert ptc.parse_si(ptc.format_si([("7", 3, 9)])) == [("7", 3, 9)]
    # a TC file is accepted where spans are expected: the label is ignored
    assert ptc.parse_si(ptc.format_tc(items)) == [("7", 3, 9), ("7", 0, 2)]
    assert ptc.parse_tc("garbage line\n7\tDoubt\tx\t3\n") == []


def test_read_articles_and_labels(tmp_path: Path) -> None:
    arts = tmp_path / "train-articles"
    labels = tmp_path / "train-labels-task2-technique-classification"
    arts.mkdir()
    labels.mkdir()
    (arts / "article42.txt").write_text("Headline\n\nThe minister spoke.\n", encoding="utf-8")
    (labels / "article42.task2-TC.labels").write_text("42\tDoubt\t0\t8\n", encoding="utf-8")
    assert ptc.read_articles(tmp_path) == {"42": "Headline\n\nThe minister spoke.\n"}
    assert ptc.read_tc_labels(tmp_path) == [ptc.Labelled("42", "Doubt", 0, 8)]
    assert ptc.article_id(Path("notes.txt")) == "notes"
