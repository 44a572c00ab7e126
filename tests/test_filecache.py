"""The file cache: objects built once and read back by later processes, never stale."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from flashpoint import filecache
from flashpoint.analyzers.actors import gazetteer
from flashpoint.ingest import language


@pytest.fixture
def folder(tmp_path: Path) -> Iterator[Path]:
    before = filecache.folder()
    filecache.configure(str(tmp_path / "cache"))
    yield tmp_path / "cache"
    filecache.configure(before)


def _counting(value: object) -> tuple[list[int], object]:
    calls: list[int] = []

    def build() -> object:
        calls.append(1)
        return value
    return calls, build


def test_built_once_then_read_back(folder: Path) -> None:
    calls, build = _counting({"a": [1, 2]})
    assert filecache.cached("thing", ["v1", b"table"], build) == {"a": [1, 2]}  # type: ignore[arg-type]
    assert filecache.cached("thing", ["v1", b"table"], build) == {"a": [1, 2]}  # type: ignore[arg-type]
    assert len(calls) == 1
    assert [p.name.split("-")[0] for p in folder.iterdir()] == ["thing"]
    assert oct(folder.stat().st_mode & 0o777) == oct(0o700)


def test_a_changed_input_is_built_again(folder: Path) -> None:
    calls, build = _counting(1)
    filecache.cached("thing", ["v1", b"table"], build)  # type: ignore[arg-type]
    filecache.cached("thing", ["v1", b"table, edited"], build)  # type: ignore[arg-type]
    filecache.cached("thing", ["v1b", b"table"], build)  # type: ignore[arg-type]
    assert len(calls) == 3 and len(list(folder.iterdir())) == 3
    # parts are framed: moving a byte from one part to the next is another key
    assert filecache.key_of(["ab", "c"]) != filecache.key_of(["a", "bc"])


def test_a_corrupt_file_is_rebuilt_and_replaced(folder: Path) -> None:
    calls, build = _counting([1, 2, 3])
    filecache.cached("thing", ["x"], build)  # type: ignore[arg-type]
    (path,) = folder.iterdir()
    path.write_bytes(b"not a pickle")
    assert filecache.cached("thing", ["x"], build) == [1, 2, 3]  # type: ignore[arg-type]
    assert filecache.cached("thing", ["x"], build) == [1, 2, 3]  # type: ignore[arg-type]
    assert len(calls) == 2


def test_no_folder_or_an_unwritable_one_builds_every_time(tmp_path: Path) -> None:
    before = filecache.folder()
    calls, build = _counting("v")
    try:
        filecache.configure(None)
        assert filecache.cached("thing", ["x"], build) == "v"  # type: ignore[arg-type]
        blocker = tmp_path / "file"
        blocker.write_text("a file where the folder should be")
        filecache.configure(str(blocker / "cache"))
        assert filecache.cached("thing", ["x"], build) == "v"  # type: ignore[arg-type]
        assert filecache.cached("thing", ["x"], build) == "v"  # type: ignore[arg-type]
    finally:
        filecache.configure(before)
    assert len(calls) == 3
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp-")]


def test_folder_from_the_environment() -> None:
    assert filecache.dir_from_env({"FLASHPOINT_CACHE_DIR": "/x/y"}) == "/x/y"
    assert filecache.dir_from_env({"FLASHPOINT_CACHE_DIR": "none"}) is None
    assert filecache.dir_from_env({"XDG_CACHE_HOME": "/c", "HOME": "/h"}) == "/c/flashpoint"
    assert filecache.dir_from_env({"HOME": "/h"}) == "/h/.cache/flashpoint"
    assert filecache.dir_from_env({}) is None


def test_cached_gazetteer_equals_a_fresh_build(folder: Path, tmp_path: Path) -> None:
    user = tmp_path / "mine.csv"
    header = "id,name,kind,belongs_to,aliases\n"
    user.write_text(header + "X-PORT,Port Authority of Zed,organization,,PAZ\n")
    fresh = gazetteer.build(user)
    gazetteer._cached.cache_clear()
    try:
        first = gazetteer._cached(str(user), 1.0)
        gazetteer._cached.cache_clear()
        again = gazetteer._cached(str(user), 1.0)  # read back from the file
        assert first == fresh and again == fresh and again is not first
        assert [a.entry for a in again.lookup("Port Authority of Zed")] == ["X-PORT"]
        user.write_text(header + "X-PORT,Harbour Board of Zed,organization,,\n")
        gazetteer._cached.cache_clear()
        edited = gazetteer._cached(str(user), 2.0)
        assert not edited.lookup("Port Authority of Zed") and edited.lookup("Harbour Board of Zed")
        names = sorted(p.name.split("-")[0] for p in folder.iterdir())
        assert names == ["gazetteer", "gazetteer"]
    finally:
        gazetteer._cached.cache_clear()


def test_cached_language_identifier_answers_the_same(folder: Path) -> None:
    texts = ["The ministers met in Brussels on Monday to discuss the sanctions package.",
             "Les ministres se sont réunis lundi à Bruxelles pour discuter des sanctions.",
             "Министры встретились в понедельник в Брюсселе, чтобы обсудить санкции."]
    language._identifier.cache_clear()
    try:
        built = [language.detect(t) for t in texts]
        language._identifier.cache_clear()
        assert [p.name.split("-")[0] for p in folder.iterdir()] == ["langid"]
        assert [language.detect(t) for t in texts] == built == ["en", "fr", "ru"]
    finally:
        language._identifier.cache_clear()
    assert os.access(folder, os.W_OK)


def test_a_missing_user_gazetteer_is_an_error_even_with_the_tables_cached(
        folder: Path, tmp_path: Path) -> None:
    from flashpoint.errors import GazetteerError

    gazetteer._cached.cache_clear()
    try:
        gazetteer._cached(None, 0.0)  # the shipped tables alone, now in the cache
        with pytest.raises(GazetteerError, match="not found"):
            gazetteer._cached(str(tmp_path / "gone.csv"), -1.0)
    finally:
        gazetteer._cached.cache_clear()
