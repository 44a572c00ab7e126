from __future__ import annotations

import pytest
import spacy
from hypothesis import given
from hypothesis import strategies as st
from spacy.language import Language
from spacy.tokens import Doc

from flashpoint.nlp import parse_many, split_text

_BLAS_SEEN: list[int] = []


@Language.component("flashpoint_test_blas_threads")
def _record_blas_threads(doc: Doc) -> Doc:
    from threadpoolctl import threadpool_info

    _BLAS_SEEN.extend(lib["num_threads"] for lib in threadpool_info()
                      if lib["user_api"] == "blas")
    return doc


@given(st.text(max_size=400), st.integers(min_value=8, max_value=60))
def test_nlp_split_text_is_lossless_and_bounded(text: str, limit: int) -> None:
    pieces = split_text(text, limit)
    assert "".join(pieces) == text
    assert all(len(p) <= limit for p in pieces)


def test_nlp_split_prefers_paragraph_breaks() -> None:
    text = "First paragraph here.\n\nSecond one is here too."
    assert split_text(text, 30) == ["First paragraph here.\n\n", "Second one is here too."]


@pytest.mark.parametrize("text", [
    "word " * 30_000,                     # one huge line
    ("Troops moved. " * 50 + "\n\n") * 40,  # many paragraphs
    "x" * 50_000,                          # no whitespace at all
])
def test_nlp_parse_many_keeps_text_exact_for_long_inputs(blank_nlp: Language, text: str) -> None:
    (doc,) = parse_many(blank_nlp, [text])
    assert doc.text == text
    assert all(text[t.idx : t.idx + len(t.text)] == t.text for t in doc[:50])


@pytest.mark.model
def test_nlp_real_pipeline_parses_long_article(nlp: Language) -> None:
    text = ("Turkish officials met their Greek counterparts in Athens on Monday. " * 30
            + "\n\n") * 60  # about 120k characters
    (doc,) = parse_many(nlp, [text])
    assert doc.text == text
    assert len(list(doc.sents)) >= 1000


@pytest.mark.model
@pytest.mark.parametrize(("text", "sentences"), [
    (  # a paragraph opening with '' (typewriter quotation marks) starts a sentence
        "The founders said they would not sell the company soon.\n\n''We are patient people,'' "
        "the chairman said.",
        ["The founders said they would not sell the company soon.\n\n",
         "''We are patient people,'' the chairman said."],
    ),
    (  # a headline without a full stop, then a blank line
        "Port Strike Ends\n\nDock workers returned to work on Tuesday.",
        ["Port Strike Ends\n\n", "Dock workers returned to work on Tuesday."],
    ),
    (  # a headline on its own line, one line break
        "Ministers Agree New Fishing Quotas\nThe ministers agreed on Friday to cut quotas.",
        ["Ministers Agree New Fishing Quotas\n", "The ministers agreed on Friday to cut quotas."],
    ),
    (  # a single line break inside a sentence (hard-wrapped text) is not a boundary
        "The committee met on Monday and\nagreed on a new budget.",
        ["The committee met on Monday and\nagreed on a new budget."],
    ),
])
def test_nlp_sentences_start_at_paragraph_breaks(
    nlp: Language, text: str, sentences: list[str]
) -> None:
    (doc,) = parse_many(nlp, [text])
    assert [s.text for s in doc.sents] == sentences


def test_nlp_parse_runs_one_blas_thread_and_gives_the_others_back() -> None:
    from threadpoolctl import threadpool_info, threadpool_limits

    nlp = spacy.blank("en")
    nlp.add_pipe("flashpoint_test_blas_threads")
    _BLAS_SEEN.clear()
    with threadpool_limits(2, user_api="blas"):
        docs = list(parse_many(nlp, ["One text.", "Another text.", "x" * 50_000]))
        after = [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]
    assert len(docs) == 3
    assert _BLAS_SEEN and set(_BLAS_SEEN) == {1}
    assert after and set(after) == {2}


@pytest.mark.model
def test_nlp_lemmas_of_staged_and_waged(nlp: Language) -> None:
    """spaCy's rule lemmatizer reads ``staged`` as ``stag`` and ``waged`` as ``wag``; the
    loaded pipeline drops those rare verbs from its index (flashpoint.nlp.fix_lemmas)."""
    doc = nlp("Farmers staged a rally and the army has waged war. Wages rose; the dog wagged.")
    lemmas = {t.text: t.lemma_ for t in doc}
    assert lemmas["staged"] == "stage" and lemmas["waged"] == "wage"
    assert lemmas["Wages"] == "wage" and lemmas["rose"] == "rise"
