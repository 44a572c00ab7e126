"""Per-sentence values derived from encoder states while they are alive (long articles).

:func:`flashpoint.encoder.sentence_states` keeps the word-piece states of recent
sentences in a 64 MB cache: an article longer than about 6,000 words has lost its
first sentences' states by the time the second analyzer reading them runs, and
encoding them again costs as much as the first pass. An analyzer that needs only
something small of each sentence registers a *hook* (:func:`on_encoded`): every
batch the encoder passes through is handed to it, whoever asked for the pass
(``sentence_scores`` encodes every sentence first), and the hook keeps what it
will need under its own name with :func:`remember`, within a memory budget; the
analyzer later takes it back with :func:`recall` instead of encoding again.

Each store drops its oldest entries past its budget: an article whose values do
not fit is encoded again for the dropped sentences only (time, not memory).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from . import SentenceStates

Hook = Callable[[Sequence[str], Sequence["SentenceStates"]], None]
"""Called with a batch of freshly encoded sentence texts and their states (hook's layers)."""

_HOOKS: dict[str, tuple[tuple[int, ...], Hook]] = {}
_STORES: dict[str, dict[str, tuple[Any, int]]] = {}
_BYTES: dict[str, int] = {}
_paused = 0


def on_encoded(name: str, keep: Sequence[int], hook: Hook | None) -> None:
    """From now on, call ``hook(texts, states)`` (states of layers ``keep``) for every batch
    of sentences the encoder runs; ``hook=None`` removes the hook called ``name``."""
    if hook is None:
        _HOOKS.pop(name, None)
    else:
        _HOOKS[name] = (tuple(keep), hook)


def hooks() -> list[tuple[tuple[int, ...], Hook]]:
    """The registered hooks with their layers (none while :func:`paused`)."""
    return [] if _paused else list(_HOOKS.values())


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """A block in which the encoder calls no hook (an analyzer encoding for itself)."""
    global _paused
    _paused += 1
    try:
        yield
    finally:
        _paused -= 1


def remember(name: str, text: str, value: Any, nbytes: int, budget: int) -> None:
    """Keep ``value`` (``nbytes`` large) for sentence ``text`` in store ``name``; the oldest
    entries go past ``budget`` bytes."""
    store = _STORES.setdefault(name, {})
    old = store.pop(text, None)
    used = _BYTES.get(name, 0) - (old[1] if old is not None else 0) + nbytes
    store[text] = (value, nbytes)
    while used > budget and store:
        used -= store.pop(next(iter(store)))[1]
    _BYTES[name] = used


def recall(name: str, text: str, pop: bool = False) -> Any | None:
    """The value kept for ``text`` in store ``name`` (``None`` if none); ``pop``: forget it."""
    store = _STORES.get(name, {})
    found = store.pop(text, None) if pop else store.get(text)
    if found is None:
        return None
    if pop:
        _BYTES[name] -= found[1]
    return found[0]


def clear() -> None:
    """Forget every stored value (the hooks stay)."""
    _STORES.clear()
    _BYTES.clear()


def stored_bytes(name: str) -> int:
    """Bytes held by store ``name``."""
    return _BYTES.get(name, 0)
