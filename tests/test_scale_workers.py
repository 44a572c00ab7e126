"""Local worker processes: forked from a warmed-up parent or spawned, same records, in order."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from flashpoint import encoder
from flashpoint.analyzers import sentences
from flashpoint.model import Article
from flashpoint.pipeline import AnalysisInput, Analyzer, Pipeline
from flashpoint.runner import build_pipeline
from flashpoint.scale import local

TEXTS = [
    "Officials in Kyiv met envoys from Warsaw on Monday. They discussed grain transit.",
    "\"We will not back down,\" the Greek prime minister told reporters in Athens. "
    "Turkey denied the claim and said its ships stayed in international waters.",
    "Sanctions on Iran were extended by the European Union on Friday, diplomats said.",
    "Port Strike Ends\n\nDock workers in Gdansk returned on Tuesday after a ten-day strike.",
    "China and the Philippines traded accusations after a collision near a disputed reef.",
]

fork_only = pytest.mark.skipif("fork" not in local.default_start_method(),
                               reason="needs the fork start method (Linux)")


def _articles(n: int) -> list[Article]:
    return [Article(text=TEXTS[i % len(TEXTS)] + f" Day {i}.", source=f"t{i}") for i in range(n)]


def test_chunks_give_each_worker_one_article_first() -> None:
    sizes = [len(c) for c in local._chunks(_articles(9), workers=2)]
    assert sizes[:2] == [1, 1] and all(s == local.CHUNK for s in sizes[2:-1])
    assert sum(sizes) == 9
    assert list(local._chunks([], workers=2)) == []


@pytest.mark.model
@fork_only
def test_forked_workers_equal_one_process_full_pipeline() -> None:
    pipeline = build_pipeline()
    articles = _articles(7)
    assert list(local.run(pipeline, articles, workers=2, start_method="fork")) == list(
        pipeline.run(articles))


@pytest.mark.model
def test_spawned_workers_equal_one_process() -> None:
    pipeline = build_pipeline(["sentences", "actors"])
    articles = _articles(5)
    assert list(local.run(pipeline, articles, workers=2, start_method="spawn")) == list(
        pipeline.run(articles))


def _where(article: Article) -> tuple[str, int]:
    return article.source, os.getpid()


@pytest.mark.model
@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_finish_runs_in_the_worker_that_analysed_the_article(method: str) -> None:
    if method not in local.default_start_method() and method == "fork":
        pytest.skip("needs the fork start method (Linux)")
    pipeline = Pipeline([sentences.ANALYZER])
    articles = _articles(6)
    out = list(local.run_then(pipeline, articles, 2, _where, start_method=method))
    assert [source for source, _ in out] == [a.source for a in articles]
    pids = [pid for _, pid in out]
    first = 1 if method == "fork" else 0  # with fork the parent analyses the first article
    assert pids[:first] == [os.getpid()] * first
    assert pids[first:] and os.getpid() not in pids[first:]  # finished by the workers
    assert [source for source, _ in local.run_then(pipeline, articles, 1, _where)] == [
        a.source for a in articles]


def _slow_first(inp: AnalysisInput) -> Mapping[str, Any]:
    if inp.article.source == "t1":
        time.sleep(1.0)  # the first worker's first article finishes after the others
    raise RuntimeError(f"pid {os.getpid()}")  # recorded as a failure: tells who analysed it


@pytest.mark.model
@fork_only
def test_results_come_back_in_input_order_from_both_workers() -> None:
    marker = Analyzer(name="pid.v1", func=_slow_first, produces=("genre",), languages=None)
    pipeline = Pipeline([sentences.ANALYZER, marker])
    articles = _articles(8)
    out = list(local.run(pipeline, articles, workers=2, start_method="fork"))
    assert [a.source for a in out] == [a.source for a in articles]
    pids = [a.failures[-1].message.rsplit(" ", 1)[1] for a in out]
    assert pids[0] == str(os.getpid())  # the parent analyses the first article (it loads models)
    workers = set(pids[1:])
    assert len(workers) == 2 and str(os.getpid()) not in workers  # then both workers, not it


@pytest.mark.model
@fork_only
def test_the_parent_hands_out_the_first_article_before_the_workers_start() -> None:
    pulled: list[str] = []

    def source() -> Iterator[Article]:
        for article in _articles(6):
            pulled.append(article.source)
            yield article

    pipeline = Pipeline([sentences.ANALYZER])
    run = local.run(pipeline, source(), workers=2, start_method="fork")
    first = next(run)
    assert first.source == "t0" and pulled == ["t0"]  # no pool yet, nothing more read
    assert [a.source for a in run] == [f"t{i}" for i in range(1, 6)]


@pytest.mark.model
@fork_only
@pytest.mark.skipif(not encoder.available(), reason="encoder package not installed")
def test_a_forked_process_makes_its_own_onnx_session() -> None:
    enc = encoder.load_encoder()
    text = ["Envoys from Oslo and Bogotá met in Havana."]
    before = enc.pooled(text, keep=(4, 5))
    layers = enc._onnx_layers()
    parent_session = layers.session(5)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: a new session, the same states
        ok = layers.session(5) is not parent_session and bool(
            (enc.pooled(text, keep=(4, 5)) == before).all())
        os.write(write, b"1" if ok else b"0")
        os._exit(0)
    os.close(write)
    answer = os.read(read, 1)
    os.waitpid(pid, 0)
    assert answer == b"1"
    assert layers.session(5) is parent_session


def test_no_input_starts_no_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pool(*args: object) -> None:
        raise AssertionError("a pool was started for no input")

    monkeypatch.setattr(local, "_pool", no_pool)
    pipeline = Pipeline([sentences.ANALYZER])
    for method in ("fork", "spawn"):
        assert list(local.run(pipeline, iter([]), workers=2, start_method=method)) == []


def test_warm_up_text_is_analysed_by_the_parent(tmp_path: Path) -> None:
    seen: list[str] = []

    def record(inp: AnalysisInput) -> Mapping[str, Any]:
        seen.append(inp.article.text)
        return {"genre": None}

    pipeline = Pipeline([Analyzer(name="rec.v1", func=record, produces=("genre",),
                                  languages=None, requires=frozenset())],
                        nlp=_blank_nlp())
    local.warm_up(pipeline)
    assert seen == [local.WARM_UP_TEXT]


def _blank_nlp() -> Any:
    import spacy

    return spacy.blank("en")


def test_one_worker_hands_out_the_first_article_before_reading_more() -> None:
    pulled: list[str] = []

    def source() -> Iterator[Article]:
        for article in _articles(5):
            pulled.append(article.source)
            yield article

    pipeline = Pipeline([Analyzer(name="none.v1", func=lambda inp: {"genre": None},
                                  produces=("genre",), languages=None, requires=frozenset())],
                        nlp=_blank_nlp())
    run = local.run(pipeline, source(), workers=1)
    assert next(run).source == "t0" and pulled == ["t0"]
    assert [a.source for a in run] == ["t1", "t2", "t3", "t4"]


# --- the quantised graph kept on disk between runs -----------------------------------------


def test_cache_dir_from_env() -> None:
    from flashpoint.encoder.onnx import CACHE_ENV, cache_dir_from_env

    assert cache_dir_from_env({"HOME": "/home/ann"}) == "/home/ann/.cache/flashpoint"
    assert cache_dir_from_env({"HOME": "/h", "XDG_CACHE_HOME": "/x"}) == "/x/flashpoint"
    assert cache_dir_from_env({CACHE_ENV: "/data/fp", "HOME": "/h"}) == "/data/fp"
    assert cache_dir_from_env({CACHE_ENV: "none", "HOME": "/h"}) is None
    assert cache_dir_from_env({}) is None


needs_encoder = pytest.mark.skipif(not encoder.available(), reason="encoder package not installed")


@needs_encoder
def test_quantized_graph_is_read_back_from_the_cache(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from flashpoint.encoder import onnx as encoder_onnx

    enc = encoder.load_encoder()
    model = encoder_onnx.build_graph(enc.layers[:1], encoder.HIDDEN, encoder.HEADS)
    first = encoder_onnx.quantized(model, str(tmp_path))
    (cached,) = tmp_path.glob("minilm-int8-*.onnx")
    assert cached.read_bytes() == first

    def no_quantising(model: Any) -> bytes:
        raise AssertionError("quantised again despite the cache")

    monkeypatch.setattr(encoder_onnx, "_quantized_bytes", no_quantising)
    assert encoder_onnx.quantized(model, str(tmp_path)) == first


@needs_encoder
def test_a_damaged_cache_file_is_quantised_again(tmp_path: Path) -> None:
    from flashpoint.encoder import onnx as encoder_onnx

    enc = encoder.load_encoder()
    x, _ = enc.embed([[101, 7592, 102]])
    plain = encoder_onnx.OnnxLayers(enc.layers, encoder.HIDDEN, encoder.HEADS, quantize=True,
                                    threads=1)
    cached = encoder_onnx.OnnxLayers(enc.layers, encoder.HIDDEN, encoder.HEADS, quantize=True,
                                     threads=1, cache_dir=str(tmp_path))
    expected = plain(x, [3], [1])[0]
    cached.payload(1)  # puts the quantised graph in the cache
    (real,) = tmp_path.glob("minilm-int8-*.onnx")
    real.write_bytes(b"not an onnx graph")
    fresh = encoder_onnx.OnnxLayers(enc.layers, encoder.HIDDEN, encoder.HEADS, quantize=True,
                                    threads=1, cache_dir=str(tmp_path))
    assert (fresh(x, [3], [1])[0] == expected).all()
