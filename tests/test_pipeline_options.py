"""Typed analyzer options checked when the pipeline is built; an analyzer sees what it requires."""

from __future__ import annotations

import pickle
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language

from flashpoint.analyzers import BUILTIN, registry
from flashpoint.analyzers.actors import ActorsOptions
from flashpoint.analyzers.persuasion import PersuasionOptions
from flashpoint.errors import BadOption, FlashpointError, GazetteerError
from flashpoint.model import Article, Genre, Sentence, Span
from flashpoint.pipeline import AnalysisInput, Analyzer, NoOptions, Pipeline, select
from flashpoint.runner import FAST_OPTIONS, build_pipeline


@dataclass(frozen=True, slots=True)
class _Opts:
    label: str = "reporting"
    score: float = 0.5
    strict: bool = False
    limit: int | None = None


def _labelled(inp: AnalysisInput) -> Mapping[str, Any]:
    opts = inp.options_as(_Opts)
    return {"genre": Genre(label=opts.label, score=opts.score)}  # type: ignore[arg-type]


_GENRE = Analyzer(name="genre.v1", func=_labelled, produces=("genre",), languages=None,
                  options=_Opts)


def _sentences(inp: AnalysisInput) -> Mapping[str, Any]:
    text = inp.article.text
    return {"sentences": (Sentence(span=Span(0, len(text), text)),)}


def _count_sentences(inp: AnalysisInput) -> Mapping[str, Any]:
    n = len(inp.article.sentences)
    return {"genre": Genre(label="opinion", score=n / 10)}


_SENTENCES = Analyzer(name="sentences.v1", func=_sentences, produces=("sentences",),
                      languages=None)


def _run(nlp: Language, *analyzers: Analyzer, **options: Any) -> Article:
    (out,) = Pipeline(analyzers, nlp=nlp, options=options).run(
        [Article(text="Kyiv said no.", source="t")])
    return out


def test_options_reach_the_analyzer_typed(blank_nlp: Language) -> None:
    out = _run(blank_nlp, _GENRE, **{"genre.v1": {"label": "opinion", "score": 1}})
    assert out.genre == Genre(label="opinion", score=1.0)
    assert out.failures == ()


def test_options_default_when_not_given(blank_nlp: Language) -> None:
    assert _run(blank_nlp, _GENRE).genre == Genre(label="reporting", score=0.5)


def test_options_may_be_given_as_the_dataclass(blank_nlp: Language) -> None:
    out = _run(blank_nlp, _GENRE, **{"genre.v1": _Opts(label="satire")})
    assert out.genre is not None and out.genre.label == "satire"


@pytest.mark.parametrize(("options", "message"), [
    ({"lable": "opinion"}, "has no option 'lable'; its options: ['label', 'score'"),
    ({"score": "high"}, "option 'score' of analyzer 'genre.v1' must be float, got 'high'"),
    ({"strict": 1}, "must be bool, got 1"),
    ({"limit": True}, "must be int or None, got True"),
])
def test_bad_options_fail_when_the_pipeline_is_built(options: dict[str, Any],
                                                     message: str) -> None:
    with pytest.raises(BadOption, match=r"\[P306\]") as info:
        Pipeline([_GENRE], options={"genre.v1": options})
    assert isinstance(info.value, FlashpointError)
    assert message in str(info.value)


def test_an_analyzer_without_options_takes_none() -> None:
    plain = Analyzer(name="plain.v1", func=_labelled, produces=("genre",), languages=None)
    assert Pipeline([plain]).options == {"plain.v1": NoOptions()}
    with pytest.raises(BadOption, match="its options: none"):
        Pipeline([plain], options={"plain.v1": {"x": 1}})


def test_options_of_analyzers_not_in_the_pipeline_are_ignored() -> None:
    pipeline = build_pipeline(["actors"], FAST_OPTIONS)  # --fast --analyzers actors
    assert set(pipeline.options) == {"actors.v1"}


def test_builtin_options_are_checked_and_pickle() -> None:
    pipeline = Pipeline(BUILTIN, options=FAST_OPTIONS)
    assert pipeline.options["persuasion.v1"] == PersuasionOptions(encoder=False)
    assert pickle.loads(pickle.dumps(pipeline.options)) == pipeline.options
    assert pickle.loads(pickle.dumps(pipeline.analyzers)) == pipeline.analyzers
    with pytest.raises(BadOption, match=r"persuasion\.v1"):
        Pipeline(BUILTIN, options={"persuasion.v1": {"encoder": "no"}})


def test_bad_gazetteer_file_fails_at_start_up(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("id,name,kind,belongs_to,aliases\nx:1,X,planet,,\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match="planet"):
        build_pipeline(["actors"], {"actors.v1": {"gazetteer": str(bad)}})
    with pytest.raises(GazetteerError, match="not found"):
        build_pipeline(["actors"], {"actors.v1": {"gazetteer": str(tmp_path / "none.csv")}})
    good = tmp_path / "good.csv"
    good.write_text("id,name,kind,belongs_to,aliases\nco:acme,Acme,company,FRA,\n",
                    encoding="utf-8")
    pipeline = build_pipeline(["actors"], {"actors.v1": {"gazetteer": str(good)}})
    assert pipeline.options["actors.v1"] == ActorsOptions(gazetteer=str(good))


def test_an_analyzer_sees_only_the_fields_it_requires(blank_nlp: Language) -> None:
    blind = Analyzer(name="genre.v1", func=_count_sentences, produces=("genre",),
                     languages=None)
    seeing = Analyzer(name="genre.v1", func=_count_sentences, produces=("genre",),
                      languages=None, requires=frozenset({"doc", "sentences"}))
    assert _run(blank_nlp, _SENTENCES, blind).genre == Genre(label="opinion", score=0.0)
    assert _run(blank_nlp, _SENTENCES, seeing).genre == Genre(label="opinion", score=0.1)
    out = _run(blank_nlp, _SENTENCES, blind)
    assert len(out.sentences) == 1  # hidden from the analyzer, kept on the article


def test_persuasion_declares_the_quotes_it_reads() -> None:
    (persuasion,) = [a for a in BUILTIN if a.name == "persuasion.v1"]
    assert "quotes" in persuasion.requires
    chosen = [a.name for a in select(registry(plugins=False), ["persuasion"])]
    assert chosen == ["sentences.v1", "actors.v1", "quotes.v1", "persuasion.v1"]
