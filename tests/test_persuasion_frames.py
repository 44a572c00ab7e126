"""Frames: the 14 SemEval-2023 frames, learned on MiniLM article vectors, with cue sentences."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from flashpoint import encoder
from flashpoint.analyzers.persuasion import frames as F

needs_encoder = pytest.mark.skipif(not encoder.available(), reason="MiniLM package missing")


def _segments(text: str) -> list[tuple[int, int]]:
    out, start = [], 0
    for line in text.split("\n"):
        if line.strip():
            out.append((start, start + len(line)))
        start += len(line) + 1
    return out


ECONOMY = ("Japan's exports rose 4.2% in August from a year earlier, the finance ministry said.\n"
           "Imports fell 1.1%, leaving a trade deficit of 310 billion yen.\n"
           "Economists had forecast a rise of 3.5% in exports, and the yen weakened.")
COURT = ("Poland's Supreme Court began hearing a case on the status of judges on Tuesday.\n"
         "The European Court of Justice ruled in 2021 that the body that nominated them was "
         "not independent.\n"
         "The justice minister has proposed a law to review about 2,000 appointments.")


@pytest.mark.model
@needs_encoder
@pytest.mark.parametrize(("text", "expected"), [
    (ECONOMY, "Economic"),
    (COURT, "Legality_Constitutionality_and_jurisprudence"),
])
def test_assigned_frames(text: str, expected: str) -> None:
    found = F.detect(text, _segments(text))
    labels = [f.label for f in found]
    assert expected in labels[:3], labels
    model = F.load_model()
    for frame in found:
        assert frame.label in F.FRAMES
        j = F.FRAMES.index(frame.label)
        assert model.threshold[j] <= frame.score + 1e-3 and frame.score <= 1.0
        assert 1 <= len(frame.cues) <= F.MAX_CUES
        for cue in frame.cues:
            assert (cue.start, cue.end) in _segments(text)
            assert text[cue.start : cue.end] == cue.text
    assert [f.score for f in found] == sorted((f.score for f in found), reverse=True)


def test_no_encoder_no_frames() -> None:
    assert F.detect(ECONOMY, _segments(ECONOMY), use_encoder=False) == ()
    assert F.detect("", []) == ()


def test_cues_are_the_sentences_that_push_the_frame() -> None:
    text = "Short.\nThis sentence carries the frame clearly.\nThis one does not carry it."
    model = F.FramesModel(coef=np.ones((14, 768), np.float32), intercept=np.zeros(14),
                          threshold=np.full(14, 0.5), meta={})
    cues = F._cues(text, _segments(text), np.array([9.0, 3.0, 1.0]))
    assert [c.text for c in cues] == ["This sentence carries the frame clearly.",
                                      "This one does not carry it."]
    assert model.probabilities(np.zeros(768, np.float32)).tolist() == [0.5] * 14


def test_model_round_trip(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    model = F.FramesModel(coef=rng.normal(size=(14, 768)).astype(np.float32),
                          intercept=rng.normal(size=14), threshold=np.full(14, 0.4),
                          meta={"c": 0.01})
    path = tmp_path / "frames.npz"
    model.save(path)
    back = F.FramesModel.load(path)
    v = rng.normal(size=768).astype(np.float32)
    assert np.allclose(back.probabilities(v), model.probabilities(v))
    assert back.meta["c"] == 0.01


@pytest.mark.parametrize(("label", "valid"), [("Security_and_defense", True), ("conflict", False)])
def test_schema_knows_the_14_labels(label: str, valid: bool) -> None:
    import jsonschema

    from flashpoint.model import Article, Frame, Span, article_to_json
    from flashpoint.schema import validate

    text = "Troops moved to the border on Monday."
    frame = Frame(label=label, score=0.7, cues=(Span.of(text, 0, len(text)),))
    data = json.loads(json.dumps(article_to_json(Article(text=text, source="t",
                                                         frames=(frame,)))))
    if valid:
        validate(data)
    else:
        with pytest.raises(jsonschema.ValidationError):
            validate(data)
