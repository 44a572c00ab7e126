"""Language identification with py3langid (model shipped inside the package).

Mixed-script text is judged on its dominant alphabet: in an English article
that cites names in Cyrillic ("Verkhovna Rada (Верховна Рада)"), the Cyrillic
words go before classification, which would otherwise pick a language written
in both scripts (Crimean Tatar, Tajik). Only alphabetic, space-separated
scripts (Latin, Cyrillic, Greek) are filtered; Japanese or Chinese text is
classified as it is.
"""

from __future__ import annotations

import functools
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

from .. import filecache

MIN_LETTERS = 20
"""Texts with fewer letters than this get no language (too short to tell)."""
_ALPHABETS = frozenset({"LATIN", "CYRILLIC", "GREEK"})


@functools.lru_cache(maxsize=1)
def _identifier() -> Any:
    """py3langid's identifier: its model unpacked once and kept in the file cache (the
    shipped file is LZMA-compressed, about 0.5 s to read)."""
    from importlib.metadata import version

    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    def build() -> Any:
        return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)

    try:
        info = (Path(MODEL_DIR) / MODEL_FILE).stat()
    except OSError:
        return build()
    parts = ["py3langid", version("py3langid"), str(MODEL_FILE), str(info.st_size),
             str(info.st_mtime_ns)]
    return filecache.cached("langid", parts, build)


@functools.lru_cache(maxsize=4096)
def _script(ch: str) -> str:
    """The Unicode script of a letter, from its name ("LATIN", "CYRILLIC", "CJK", ...)."""
    return unicodedata.name(ch, "?").split(" ", 1)[0]


def dominant_script_text(text: str) -> str:
    """``text`` without the words written in a script other than its dominant alphabet."""
    if text.isascii():
        return text
    counts = Counter(_script(ch) for ch in text if ch.isalpha())
    if len(counts) < 2:
        return text
    script = counts.most_common(1)[0][0]
    if script not in _ALPHABETS:
        return text
    words = [w for w in text.split() if all(_script(c) == script for c in w if c.isalpha())]
    kept = " ".join(words)
    return kept if sum(ch.isalpha() for ch in kept) >= MIN_LETTERS else text


def detect(text: str, sample: int = 5_000) -> str | None:
    """ISO 639-1 code of the text's language, or ``None`` when it cannot be told."""
    head = text[:sample]
    if sum(ch.isalpha() for ch in head) < MIN_LETTERS:
        return None
    lang, prob = _identifier().classify(dominant_script_text(head))
    return str(lang) if prob >= 0.5 else None
