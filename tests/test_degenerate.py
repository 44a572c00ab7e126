"""Every registered analyzer survives degenerate text: the article is always output."""

from __future__ import annotations

import json

import pytest

from flashpoint.model import Article, Metadata, article_to_json
from flashpoint.runner import build_pipeline
from flashpoint.schema import validate

pytestmark = pytest.mark.model

DEGENERATE = {
    "punctuation": " . ",
    "one_huge_line": "The delegation from Quito arrived and " * 3_000,
    "unbalanced_quotes": 'He said "we will never accept. She replied \u201cnonsense. \u00ab Oui',
    "russian": "Министр иностранных дел заявил, что переговоры в Женеве продолжатся завтра.",
    "symbols": "\u2603\u2764 ??? !!! ### \t\t 12345 \u0000",
    "only_quotes": "\u201c\u201d\u201c\u201d\"\"''",
}


@pytest.mark.parametrize("name", sorted(DEGENERATE))
def test_degenerate_text_is_output_and_valid(name: str) -> None:
    text = DEGENERATE[name]
    pipeline = build_pipeline()
    lang = "ru" if name == "russian" else None
    (out,) = pipeline.run([Article(text=text, source=name, metadata=Metadata(language=lang))])
    assert out.text == text
    out.check_offsets()
    validate(json.loads(json.dumps(article_to_json(out))))
    assert set(out.analyzers) | {f.analyzer for f in out.failures} == {
        a.name for a in pipeline.analyzers}
