"""The built-in analyzers, in pipeline order, and the plugin entry point.

One folder per family (``actors/``, ``quotes/``, ``sentence_scores/``, ``claims/``,
``events/``, ``persuasion/``; ``sentences.py`` is one module), each with its helpers beside
it and its public face, ``ANALYZER`` (a :class:`flashpoint.pipeline.Analyzer`), in
``__init__.py``. Families never import each other (``make lint`` checks it); adding one is a
folder and one line in :data:`BUILTIN` below.
Third-party packages add theirs through the ``flashpoint.analyzers`` entry
point group; each entry point names an :class:`~flashpoint.pipeline.Analyzer`.
"""

from __future__ import annotations

from importlib.metadata import entry_points

from ..pipeline import Analyzer
from . import actors, claims, events, persuasion, quotes, sentences
from . import sentence_scores as scores

BUILTIN: tuple[Analyzer, ...] = (
    sentences.ANALYZER,
    actors.ANALYZER,
    quotes.ANALYZER,
    scores.ANALYZER,
    claims.ANALYZER,
    events.ANALYZER,
    persuasion.ANALYZER,
)

ENTRY_POINT_GROUP = "flashpoint.analyzers"


def registry(plugins: bool = True) -> list[Analyzer]:
    """Every available analyzer: the built-ins, then those of installed plugins."""
    found = list(BUILTIN)
    if plugins:
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            obj = ep.load()
            if isinstance(obj, Analyzer):
                found.append(obj)
    return found
