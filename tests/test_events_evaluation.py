"""The events evaluation: data readers, actor matching, scoring of coded sentences."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flashpoint import errors, evaluation
from flashpoint.evaluation import events as ev


def test_events_evaluation_is_registered() -> None:
    assert evaluation.get("events") is ev.run


def test_events_read_penta_skips_malformed_lines(tmp_path: Path) -> None:
    path = tmp_path / "p.tsv"
    path.write_text("Troops shelled the town.\t4\nno label here\nLeaders met.\t1\n", "utf-8")
    assert ev.read_penta(path) == (["Troops shelled the town.", "Leaders met."], [4, 1])


def test_events_missing_data_raises_dataset_missing(tmp_path: Path) -> None:
    with pytest.raises(errors.DatasetMissing):
        ev.penta(tmp_path / "absent.tsv")


@pytest.mark.parametrize(("predicted", "gold", "same"), [
    ("RUS", "RUS", True),
    (None, None, True),
    ("RUS/government", "RUS", True),
    ("person:someone", "FRA", True),
    ("RUS", "UKR", False),
    (None, "UKR", False),
    ("UKR", None, False),
])
def test_events_same_actor_follows_owners(predicted: str | None, gold: str | None,
                                          same: bool) -> None:
    owners = {"RUS/government": "RUS", "person:someone": "org:fra-mfa", "org:fra-mfa": "FRA"}
    assert ev._same_actor(predicted, gold, owners) is same


@pytest.mark.parametrize(("text", "label"), [
    ("Soldiers shelled the village.", 4),
    ("The envoys met and negotiated.", 1),
    ("The weather was mild.", 0),
])
def test_events_lexicon_label(text: str, label: int) -> None:
    assert ev.lexicon_label(text) == label


@pytest.mark.model
def test_events_coded_scores_a_small_file(tmp_path: Path) -> None:
    items = [
        {"text": "Estonia expelled a Russian diplomat.", "events": [
            {"trigger": "expelled", "category": "SANCTION", "source": "EST", "target": "RUS",
             "mode": "actual"}]},
        {"text": "Ireland praised Portugal.", "events": [
            {"trigger": "praised", "category": "SUPPORT", "source": "IRL", "target": "ESP",
             "mode": "actual"}]},
        {"text": "The weather in Lisbon was mild.", "events": []},
    ]
    path = tmp_path / "coded.jsonl"
    path.write_text("".join(json.dumps(i) + "\n" for i in items), "utf-8")
    metrics = ev.coded(path)["metrics"]
    assert metrics["category_accuracy"] == 1.0
    assert metrics["target_accuracy"] == 0.5
    assert metrics["spurious_rate"] == 0.0
    assert metrics["coded_sentences"] == 3.0


def test_events_coded_file_is_well_formed() -> None:
    from flashpoint.analyzers.events.plover import CATEGORIES

    items = ev.read_coded(ev.CODED_PATH)
    assert len(items) >= 200
    for item in (items + ev.read_coded(ev.BLIND_PATH) + ev.read_coded(ev.HELDOUT_PATH)
                 + ev.read_coded(ev.HELDOUT2_PATH)):
        for gold in item["events"]:
            assert gold["trigger"] in item["text"]
            assert gold["category"] in CATEGORIES
            assert gold["mode"] in ("actual", "alleged", "hypothetical", "future", "negated",
                                    "question")
