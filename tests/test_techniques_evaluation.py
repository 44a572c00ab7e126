"""The ``techniques`` evaluation on tiny PTC-format folders written here."""

from __future__ import annotations

from pathlib import Path

import pytest

from flashpoint.errors import DatasetMissing
from flashpoint.evaluation import techniques as ev

ARTICLES = [
    "Minister Slams Port Deal\n\nThe opposition called the port deal a shameful giveaway.\n"
    "Is it a coincidence that the contract went to the minister's cousin?\n",
    "Strike Ends in Gdansk\n\nDock workers returned on Monday after a ten-day strike.\n"
    "Union leaders called the settlement a disgraceful betrayal of members.\n",
    "Summit Ends Without Deal\n\nLeaders left Lima without an agreement on fishing quotas.\n"
    "Critics said the talks were a pathetic farce staged for cameras.\n",
    "Border Reopens\n\nThe crossing between Chad and Cameroon reopened on Friday.\n"
    "Why did the government wait so long to act?\n",
]


def write_ptc(root: Path, split: str) -> None:
    arts = root / f"{split}-articles"
    labels = root / f"{split}-labels-task2-technique-classification"
    arts.mkdir(parents=True)
    labels.mkdir()
    for i, text in enumerate(ARTICLES):
        aid = str(700 + i)
        (arts / f"article{aid}.txt").write_text(text, encoding="utf-8")
        lines = []
        for word, technique in (("shameful", "Loaded_Language"), ("disgraceful", "Loaded_Language"),
                                ("pathetic farce", "Name_Calling,Labeling"),
                                ("Is it a coincidence", "Doubt"), ("Why did", "Doubt")):
            if word in text:
                start = text.index(word)
                end = text.index("?", start) + 1 if technique == "Doubt" else start + len(word)
                lines.append(f"{aid}\t{technique}\t{start}\t{end}\n")
        (labels / f"article{aid}.task2-TC.labels").write_text("".join(lines), encoding="utf-8")


def test_held_out_folder_scores_the_shipped_model(tmp_path: Path) -> None:
    write_ptc(tmp_path, "test")
    result = ev.run(tmp_path)
    assert result["mode"] == "shipped" and result["articles"] == 4
    m = result["metrics"]
    assert 0.0 <= m["si_f1"] <= 1.0 and m["si_recall"] > 0.0
    assert m["tc_micro_f1"] >= 0.6  # the loaded words and questions are easy
    assert m["inference_ms_per_article"] > 0.0


def test_cross_validation_on_a_train_folder(tmp_path: Path) -> None:
    write_ptc(tmp_path, "train")
    result = ev.run(tmp_path, folds=2)
    assert result["evaluated_folds"] == [0, 1] and result["test_articles"] == 4
    assert result["tc_spans"] == 5
    assert {"si_f1", "tc_micro_f1", "tc_Doubt.f1"} <= set(result["metrics"])


def test_fold_assignment_is_seeded_and_balanced() -> None:
    ids = [str(i) for i in range(11)]
    folds = ev.fold_of(ids, 5)
    assert folds == ev.fold_of(list(reversed(ids)), 5)
    sizes = [list(folds.values()).count(k) for k in range(5)]
    assert max(sizes) - min(sizes) <= 1


def test_missing_data_is_reported(tmp_path: Path) -> None:
    with pytest.raises(DatasetMissing):
        ev.run(tmp_path / "absent")
    (tmp_path / "empty").mkdir()
    with pytest.raises(DatasetMissing):
        ev.run(tmp_path / "empty")
