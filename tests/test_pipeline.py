from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from spacy.language import Language

from flashpoint.analyzers import sentences
from flashpoint.errors import UnknownAnalyzer, UnmetRequirement
from flashpoint.model import Article, Genre, Metadata, Span, Technique
from flashpoint.pipeline import AnalysisInput, Analyzer, Pipeline, check_order, select
from flashpoint.scale import local


def _analyzer(name: str, func: Any, produces: tuple[str, ...], **kw: Any) -> Analyzer:
    return Analyzer(name=name, func=func, produces=produces, languages=None, **kw)


def _boom(inp: AnalysisInput) -> Mapping[str, Any]:
    raise RuntimeError("kaput")


def _genre(inp: AnalysisInput) -> Mapping[str, Any]:
    return {"genre": Genre(label="reporting", score=0.9)}


def _run(blank_nlp: Language, *analyzers: Analyzer, text: str = "Kyiv said no. Rome agreed.",
         language: str | None = None) -> Article:
    article = Article(text=text, source="t", metadata=Metadata(language=language))
    (out,) = Pipeline(analyzers, nlp=blank_nlp).run([article])
    return out


def test_pipeline_failing_analyzer_is_recorded_and_others_run(blank_nlp: Language) -> None:
    out = _run(blank_nlp, _analyzer("boom.v1", _boom, ("frames",)),
               _analyzer("genre.v1", _genre, ("genre",)))
    assert [(f.analyzer, f.code) for f in out.failures] == [("boom.v1", "A400")]
    assert "kaput" in out.failures[0].message
    assert out.genre == Genre(label="reporting", score=0.9)
    assert out.analyzers == ("genre.v1",)


@pytest.mark.parametrize("result,message", [
    (None, "expected a mapping"),
    ({"frames": ()}, "declares produces"),
    ({"genre": "opinion"}, "must be one of"),
])
def test_pipeline_bad_output_becomes_failure(blank_nlp: Language, result: Any,
                                             message: str) -> None:
    out = _run(blank_nlp, _analyzer("bad.v1", lambda inp: result, ("genre",)))
    assert out.failures[0].code == "A401"
    assert message in out.failures[0].message


def test_pipeline_span_outside_text_becomes_failure(blank_nlp: Language) -> None:
    far = Technique(technique="Doubt", span=Span(500, 505, "xxxxx"), score=1.0, explanation="")
    out = _run(blank_nlp, _analyzer("far.v1", lambda inp: {"techniques": (far,)}, ("techniques",)))
    assert out.failures[0].code == "M201"
    assert out.techniques == ()


def test_pipeline_unsupported_language_is_recorded(blank_nlp: Language) -> None:
    only_en = Analyzer(name="g.v1", func=_genre, produces=("genre",))
    out = _run(blank_nlp, only_en, text="Der Kanzler sagte nein.", language="de")
    assert out.failures[0].code == "A402"
    assert out.genre is None


def test_pipeline_order_check_names_both_sides() -> None:
    needs = _analyzer("needs.v1", _genre, ("genre",), requires=frozenset({"sentences"}))
    with pytest.raises(UnmetRequirement, match=r"needs\.v1.*sentences"):
        check_order([needs, sentences.ANALYZER])
    check_order([sentences.ANALYZER, needs])


def test_pipeline_select_by_family_and_unknown_name() -> None:
    assert select([sentences.ANALYZER], ["sentences"]) == [sentences.ANALYZER]
    with pytest.raises(UnknownAnalyzer, match="nosuch"):
        select([sentences.ANALYZER], ["nosuch"])


def test_pipeline_never_mutates_input(blank_nlp: Language) -> None:
    article = Article(text="Kyiv said no.", source="t")
    (out,) = Pipeline([sentences.ANALYZER], nlp=blank_nlp).run([article])
    assert article.sentences == () and out.sentences != ()


def test_pipeline_sentences_cut_at_line_breaks(blank_nlp: Language) -> None:
    out = _run(blank_nlp, sentences.ANALYZER, text="Headline Without Stop\n\nBody one. Body two.")
    assert [s.span.text for s in out.sentences] == ["Headline Without Stop", "Body one.",
                                                    "Body two."]


@pytest.mark.model
def test_pipeline_workers_give_the_same_results_in_order(nlp: Language) -> None:
    texts = [f"Story {i}\n\nDelegates from Oslo and Bogotá met on day {i}. Talks went on."
             for i in range(7)]
    articles = [Article(text=t, source=str(i)) for i, t in enumerate(texts)]
    pipeline = Pipeline([sentences.ANALYZER], nlp=nlp, batch_size=2)
    assert list(local.run(pipeline, articles, workers=2)) == list(pipeline.run(articles))


def test_pipeline_select_adds_what_a_selected_analyzer_requires() -> None:
    needs = _analyzer("needs.v1", _genre, ("genre",), requires=frozenset({"sentences"}))
    chosen = select([sentences.ANALYZER, needs], ["needs"])
    assert [a.name for a in chosen] == ["sentences.v1", "needs.v1"]
