"""Lexicon-based frames with cue spans."""

from __future__ import annotations

import pytest

from flashpoint.analyzers.persuasion.frames import detect


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Troops and missiles were moved to the border as NATO weighed deterrence.", "security"),
        ("Oil prices rose and markets fell after the new tariffs on exports.", "economic"),
        ("The clash deepened the rivalry and raised fears of war.", "conflict"),
        ("Civilians and children were among the victims; families fled their homes.",
         "human_interest"),
        ("Who is to blame? The ministry is responsible and must be held accountable.",
         "responsibility"),
        ("It was a betrayal of our values and a crime against the innocent.", "morality"),
    ],
)
def test_dominant_frame(text: str, expected: str) -> None:
    frames = detect(text)
    assert frames and frames[0].label == expected
    for cue in frames[0].cues:
        assert text[cue.start : cue.end] == cue.text


def test_one_cue_is_not_a_frame_and_scores_sum_to_at_most_one() -> None:
    assert detect("The war ended.") == ()
    frames = detect("War and clashes; oil and markets; troops and missiles.")
    assert sum(f.score for f in frames) <= 1.0 + 1e-9
    assert {f.label for f in frames} == {"conflict", "economic", "security"}
