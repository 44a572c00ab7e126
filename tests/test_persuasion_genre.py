"""Genre (opinion / reporting / satire): learned cue weights, satire by declared markers.

The check sets are texts written for flashpoint: ``persuasion_genre_check.jsonl``
(13 wire-style reports, 5 opinion pieces), plus the older dev and holdout sets. Measured
with the shipped model: check 12/13 reporting and 5/5 opinion; dev 9/9, 9/9 and 6/6 satire;
holdout 2/3 reporting, 3/3 opinion, 3/3 satire. The floors leave one error of slack where a
set is large enough.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from spacy.language import Language

from flashpoint.analyzers import registry
from flashpoint.analyzers.persuasion import genre as G
from flashpoint.errors import WeightsError
from flashpoint.model import Article, Metadata
from flashpoint.pipeline import Pipeline, select

DATA = Path(__file__).parent / "data"
SETS = {
    "check": DATA / "persuasion_genre_check.jsonl",
    "dev": DATA / "persuasion_genre.jsonl",
    "holdout": DATA / "persuasion_genre_holdout.jsonl",
}


@pytest.fixture(scope="module")
def pipe(nlp: Language) -> Pipeline:
    names = ["sentences", "sentence_scores", "persuasion"]  # the encoder on: the model decides
    return Pipeline(select(registry(plugins=False), names), nlp=nlp)


def _rows(path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _labels(pipe: Pipeline, rows: list[dict[str, str]]) -> list[str | None]:
    articles = pipe.run([Article(text=r["text"], source=f"t{i}") for i, r in enumerate(rows)])
    return [a.genre.label if a.genre else None for a in articles]


@pytest.mark.model
@pytest.mark.parametrize(("name", "label", "floor"), [
    ("check", "reporting", 11 / 13), ("check", "opinion", 1.0),
    ("dev", "reporting", 8 / 9), ("dev", "opinion", 8 / 9), ("dev", "satire", 1.0),
    ("holdout", "reporting", 2 / 3), ("holdout", "opinion", 1.0), ("holdout", "satire", 1.0),
])
def test_labelled_sets(pipe: Pipeline, name: str, label: str, floor: float) -> None:
    """Mostly-reporting texts come out as reporting: the model did not learn the opinion prior."""
    rows = [r for r in _rows(SETS[name]) if r["label"] == label]
    got = _labels(pipe, rows)
    assert sum(g == label for g in got) / len(rows) >= floor, got


@pytest.mark.model
@pytest.mark.parametrize(("text", "label"), [
    ("Why do we keep rewarding failure? I think the minister should resign! "
     "We deserve better, and you know it.", "opinion"),
    ("The minister resigned on Friday, his office said in a statement. "
     "He had held the post since 2019, according to the government's website.", "reporting"),
    ("Area man declares himself ambassador to Portugal. At press time, Lisbon had not "
     "replied.", "satire"),
])
def test_cue_table(pipe: Pipeline, text: str, label: str) -> None:
    (article,) = pipe.run([Article(text=text, source="t")])
    assert article.genre is not None and article.genre.label == label
    assert 0.5 <= article.genre.score <= 1.0


def test_satire_outlet_from_metadata() -> None:
    text = "The prime minister announced a new ministry on Monday, officials said."
    article = Article(text=text, source="t", metadata=Metadata(url="https://babylonbee.com/x"))
    genre = G.classify(article, [(0, len(text))])
    assert genre is not None and genre.label == "satire"


OPINION = ("Why do we keep rewarding failure? I think you should resign. We must stop this "
           "absurd charade now! Anything less is simply a betrayal of us all.")


def _segments(text: str) -> list[tuple[int, int]]:
    out, start = [], 0
    for i, ch in enumerate(text):
        if ch in ".?!":
            out.append((start, i + 1))
            start = i + 2
    return out


def test_a_headline_is_too_short_to_be_opinion() -> None:
    headline = "Why must we keep rewarding failure?"
    genre = G.classify(Article(text=headline, source="t"), [(0, len(headline))])
    assert genre is not None and (genre.label, genre.score) == ("reporting", 0.5)
    assert len(_segments(OPINION)) >= G.MIN_SENTENCES


def test_without_the_encoder_the_model_does_not_decide() -> None:
    article = Article(text=OPINION, source="t")
    genre = G.classify(article, _segments(OPINION), encoder=False)
    assert genre is not None and (genre.label, genre.score) == ("reporting", 0.5)
    satire = Article(text=OPINION, source="t", metadata=Metadata(url="https://babylonbee.com/x"))
    assert G.classify(satire, _segments(OPINION), encoder=False).label == "satire"  # type: ignore[union-attr]


def test_no_sentences_no_genre() -> None:
    assert G.classify(Article(text="", source="t"), []) is None


def test_features_read_the_authors_voice_only() -> None:
    quoted = "\"Why do we keep rewarding failure? I think you should resign,\" he said."
    own = "Why do we keep rewarding failure? I think you should resign."
    fq = dict(zip(G.FEATURES, G.features(Article(text=quoted, source="t"), [(0, len(quoted))]),
                  strict=True))
    fo = dict(zip(G.FEATURES, G.features(Article(text=own, source="t"), [(0, 33), (34, len(own))]),
                  strict=True))
    assert fq["first_sg"] == fq["second"] == fq["question"] == 0.0
    assert fq["quoted"] > 0.8 and fq["attribution"] > 0
    assert fo["first_sg"] > 0 and fo["question"] > 0 and fo["quoted"] == 0.0


def test_model_round_trip_and_feature_check(tmp_path: Path) -> None:
    model = G.GenreModel(coef=np.arange(len(G.FEATURES), dtype=np.float64), intercept=-0.5,
                         means=np.zeros(len(G.FEATURES)), meta={"c": 1.0})
    path = tmp_path / "genre.npz"
    model.save(path)
    back = G.GenreModel.load(path)
    x = np.linspace(0, 1, len(G.FEATURES))
    assert back.probability(x) == pytest.approx(model.probability(x))
    assert back.meta["c"] == 1.0


def test_weights_for_other_features_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "genre.npz"
    meta = json.dumps({"features": ["first_sg"], "intercept": 0.0}).encode()
    np.savez_compressed(path, coef=np.zeros(1), means=np.zeros(1),
                        meta=np.frombuffer(meta, dtype=np.uint8))
    with pytest.raises(WeightsError, match="trained on other features"):
        G.GenreModel.load(path)
    with pytest.raises(WeightsError, match="missing"):
        G.load_model(tmp_path / "absent.npz")
