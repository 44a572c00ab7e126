"""Language identification with py3langid (model shipped inside the package)."""

from __future__ import annotations

import functools
from typing import Any

MIN_LETTERS = 20
"""Texts with fewer letters than this get no language (too short to tell)."""


@functools.lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect(text: str, sample: int = 5_000) -> str | None:
    """ISO 639-1 code of the text's language, or ``None`` when it cannot be told."""
    head = text[:sample]
    if sum(ch.isalpha() for ch in head) < MIN_LETTERS:
        return None
    lang, prob = _identifier().classify(head)
    return str(lang) if prob >= 0.5 else None
