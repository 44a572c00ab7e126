"""The look-up shortcuts of the actors analyzer skip only what could never match."""

from __future__ import annotations

from flashpoint.analyzers.actors import _first_words
from flashpoint.analyzers.actors import gazetteer as gz
from flashpoint.analyzers.actors.roles import TITLE_FIRSTS, TITLES


def test_title_first_words_cover_every_title() -> None:
    assert all(key[0] in TITLE_FIRSTS for key in TITLES)


def test_gazetteer_first_words_follow_new_aliases() -> None:
    gaz = gz.Gazetteer()
    gaz.add_alias("Acme Drones", gz.Alias("co:acme", "org"))
    assert "acme" in _first_words(gaz)
    gaz.add_alias("Zeta Works", gz.Alias("co:zeta", "org"))
    assert "zeta" in _first_words(gaz)
