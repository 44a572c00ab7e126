"""The JSON Schema of flashpoint's output (``flashpoint.article/1``) and a validator."""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

SCHEMA_FILE = "article-1.schema.json"


def schema_text() -> str:
    return resources.files(__package__).joinpath(SCHEMA_FILE).read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def load_schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(schema_text())
    return data


def validate(obj: Any) -> None:
    """Raise ``jsonschema.ValidationError`` unless ``obj`` is a valid article object."""
    import jsonschema

    jsonschema.validate(obj, load_schema(), cls=jsonschema.Draft202012Validator)
