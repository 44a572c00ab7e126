"""Frames: which of the 14 frames of the Policy Frames Codebook an article draws on.

Labels are the frame names of SemEval-2023 Task 3 subtask 2 (multi-label per
article; Card et al.'s Policy Frames Codebook). One logistic regression per
frame reads the article's vector, the mean over its sentences of each
sentence's mean-pooled MiniLM states of layers 4 and 5 (the states that
``sentence_scores`` has already computed: :func:`flashpoint.encoder.sentence_states`
is memoised, so frames add no encoder pass). A frame is listed when its
probability reaches the frame's threshold (chosen by cross-validation on the
training articles); ``score`` is that probability. Because the model is linear
in the mean of the sentence vectors, the article's logit is the mean of the
sentences' logits, and the ``cues`` are the sentences that push the frame most
(up to :data:`MAX_CUES`). Trained by ``scripts/train_genre_frames.py``; weights
in ``flashpoint/data/persuasion/frames.npz``. Without the encoder (``--fast``,
or the MiniLM package missing) no frames are listed.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from ... import encoder
from ...encoder import derived
from ...errors import WeightsError
from ...model import Frame, Span
from .weights import load_npz, save_npz

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]
DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "persuasion"
MODEL_PATH = DATA_DIR / "frames.npz"
LAYERS = (4, 5)
MAX_SENTENCES = 400
"""Only an article's first sentences are read (bounded time, as ``sentence_scores``)."""
MAX_CUES = 2
MIN_CUE_WORDS = 6
"""A cue sentence has at least this many words (not a dateline, byline or share button)."""
FRAMES = (
    "Economic", "Capacity_and_resources", "Morality", "Fairness_and_equality",
    "Legality_Constitutionality_and_jurisprudence", "Policy_prescription_and_evaluation",
    "Crime_and_punishment", "Security_and_defense", "Health_and_safety", "Quality_of_life",
    "Cultural_identity", "Public_opinion", "Political", "External_regulation_and_reputation",
)
"""The 14 frame labels, as SemEval-2023 Task 3 spells them."""


MEANS = "frames.means"
MEANS_BYTES = 16 * 2**20
"""Memory for sentence vectors kept from the encoder's pass (3 KB a sentence)."""


def _mean(states: encoder.SentenceStates) -> F32:
    width = encoder.HIDDEN * len(LAYERS)
    out: F32 = states.states.mean(axis=0) if len(states.states) else np.zeros(width, np.float32)
    return out


def _keep_means(texts: Sequence[str], states: Sequence[encoder.SentenceStates]) -> None:
    for text, found in zip(texts, states, strict=True):
        vector = _mean(found)
        derived.remember(MEANS, text, vector, vector.nbytes, MEANS_BYTES)


def register(on: bool) -> None:
    """Keep (``on``) or stop keeping each sentence's vector whenever the encoder runs it, so
    that a long article, whose states the encoder's cache no longer holds, is not encoded
    again here (:mod:`flashpoint.encoder.derived`)."""
    derived.on_encoded(MEANS, LAYERS, _keep_means if on else None)


def sentence_vectors(texts: Sequence[str]) -> F32:
    """Each sentence's word-piece mean of its layer-4 and layer-5 states, side by side.

    Vectors kept when the encoder ran the sentence (:func:`register`) are used up;
    the others come from :func:`flashpoint.encoder.sentence_states`.
    """
    width = encoder.HIDDEN * len(LAYERS)
    if not texts:
        return np.zeros((0, width), dtype=np.float32)
    found = {t: v for t in dict.fromkeys(texts)
             if (v := derived.recall(MEANS, t, pop=True)) is not None}
    todo = [t for t in dict.fromkeys(texts) if t not in found]
    if todo:
        with derived.paused():
            states = encoder.sentence_states(todo, keep=LAYERS)
        found.update({t: _mean(s) for t, s in zip(todo, states, strict=True)})
    return np.stack([found[t] for t in texts]).astype(np.float32)


def frame_probabilities(coef: F32, intercept: F64, x: npt.NDArray[np.floating]) -> F64:
    """Each frame's logistic probability for the article vector(s) ``x`` (one row or many)."""
    z = x.astype(np.float64) @ coef.T.astype(np.float64) + intercept
    out: F64 = 1.0 / (1.0 + np.exp(-np.clip(z, -40.0, 40.0)))
    return out


@dataclass(frozen=True)
class FramesModel:
    """One logistic regression per frame on the article vector (standardisation folded in)."""

    coef: F32
    """(frames, 768)."""
    intercept: F64
    threshold: F64
    meta: dict[str, object]

    def probabilities(self, article_vector: F32) -> F64:
        return frame_probabilities(self.coef, self.intercept, article_vector)

    def save(self, path: Path) -> None:
        meta = {"frames": list(FRAMES), "layers": list(LAYERS), **self.meta}
        save_npz(path, meta, coef=self.coef.astype(np.float32),
                 intercept=self.intercept.astype(np.float64),
                 threshold=self.threshold.astype(np.float64))

    @classmethod
    def load(cls, path: Path) -> FramesModel:
        meta, arrays = load_npz(path)
        if tuple(meta.pop("frames")) != FRAMES or tuple(meta.pop("layers")) != LAYERS:
            raise WeightsError(f"frames model {path} was trained on other labels or layers; "
                             "retrain it with `python scripts/train_genre_frames.py`")
        return cls(coef=arrays["coef"].astype(np.float32),
                   intercept=arrays["intercept"].astype(np.float64),
                   threshold=arrays["threshold"].astype(np.float64), meta=meta)


@functools.lru_cache(maxsize=1)
def load_model(path: Path = MODEL_PATH) -> FramesModel:
    """The committed frames model (cached per process)."""
    if not path.exists():
        raise WeightsError(f"frames model {path} is missing; run "
                                "`python scripts/train_genre_frames.py`")
    return FramesModel.load(path)


def _cues(text: str, segments: Sequence[tuple[int, int]], contributions: F64) -> tuple[Span, ...]:
    order = np.argsort(-contributions, kind="stable")
    picked = [int(k) for k in order
              if len(text[segments[k][0]:segments[k][1]].split()) >= MIN_CUE_WORDS][:MAX_CUES]
    return tuple(Span.of(text, *segments[k]) for k in sorted(picked))


def detect(text: str, segments: Sequence[tuple[int, int]], use_encoder: bool = True,
           model: FramesModel | None = None) -> tuple[Frame, ...]:
    """The frames assigned to ``text``, most probable first, each with its cue sentences."""
    segments = list(segments)[:MAX_SENTENCES]
    if not segments or not use_encoder or not encoder.available():
        return ()
    model = model or load_model()
    vectors = sentence_vectors([text[s:e] for s, e in segments])
    probs = model.probabilities(vectors.mean(axis=0))
    frames = []
    for j in np.argsort(-probs, kind="stable"):
        if probs[j] < model.threshold[j]:
            continue
        contributions = vectors.astype(np.float64) @ model.coef[j].astype(np.float64)
        frames.append(Frame(label=FRAMES[j], score=round(float(probs[j]), 3),
                            cues=_cues(text, segments, contributions)))
    return tuple(frames)
