"""Shared fixtures. Tests that load the real spaCy pipeline are marked ``model``."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.language import Language

from flashpoint import nlp as backbone

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The real English pipeline, loaded once for the whole run."""
    return backbone.load()


@pytest.fixture(scope="session")
def blank_nlp() -> Language:
    """A tokenizer + sentencizer only: fast, for tests of the machinery, not of accuracy."""
    blank = spacy.blank("en")
    blank.add_pipe("sentencizer")
    return blank


@pytest.fixture()
def samples() -> Path:
    return SAMPLES
