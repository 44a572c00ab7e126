"""Files kept between runs so that a process starts faster.

Building some run-time objects costs more than reading them back: the language
identifier's model (an LZMA-compressed file, about 0.5 s to unpack) and the actor
gazetteer (about 4,000 aliases tokenised by spaCy, about 0.5 s). :func:`cached`
keeps such an object as a pickle in the cache folder, under a name made of a hash of
everything it is built from, so a changed input (a new table, a new package version,
a user gazetteer edited) never reads a stale file. Files are written whole (a temporary
name, then renamed); a folder that cannot be read or written is skipped and the object
is built as if there were no cache.

The folder is set once by the edge (the runner reads ``$FLASHPOINT_CACHE_DIR``, see
:func:`dir_from_env`) with :func:`configure`; library code never reads the environment,
and without :func:`configure` nothing is cached. The quantised encoder graph is kept in
the same folder (:mod:`flashpoint.encoder.onnx`). The folder holds pickles, which run
code when read: it must be writable only by its user (the default, ``~/.cache/flashpoint``,
is created with mode 0700).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import IO, TypeVar

T = TypeVar("T")

CACHE_ENV = "FLASHPOINT_CACHE_DIR"
"""Where files are kept between runs (``none``: nowhere); default ``$XDG_CACHE_HOME/flashpoint``
or ``~/.cache/flashpoint``."""

_DIR: str | None = None


def dir_from_env(environ: Mapping[str, str]) -> str | None:
    """The cache folder that ``environ`` names (:data:`CACHE_ENV`), or the default one."""
    named = environ.get(CACHE_ENV, "").strip()
    if named:
        return None if named.lower() == "none" else named
    base = environ.get("XDG_CACHE_HOME") or (
        str(Path(environ["HOME"]) / ".cache") if environ.get("HOME") else "")
    return str(Path(base) / "flashpoint") if base else None


def configure(folder: str | None) -> None:
    """Keep files in ``folder`` from now on in this process (``None``: keep none)."""
    global _DIR  # one folder per process, set by the edge
    _DIR = folder


def folder() -> str | None:
    """The folder :func:`configure` set, or ``None``."""
    return _DIR


def key_of(parts: Iterable[bytes | str]) -> str:
    """A short hash of ``parts`` (each one framed by its length, so no two lists collide)."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogateescape") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()[:24]


def cached(name: str, parts: Iterable[bytes | str], build: Callable[[], T]) -> T:
    """``build()``, or the object an earlier run built from the same ``parts``.

    ``name`` names the kind of object (the file is ``<name>-<hash of parts>.pickle``);
    ``parts`` must hold everything the object depends on (input files' bytes, package
    versions, the source of the code that builds it).
    """
    if _DIR is None:
        return build()
    path = Path(_DIR) / f"{name}-{key_of(parts)}.pickle"
    unreadable = (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError,
                  TypeError, ValueError)
    with contextlib.suppress(*unreadable), path.open("rb") as f:
        return pickle.load(f)  # type: ignore[no-any-return]
    value = build()
    with contextlib.suppress(pickle.PicklingError, TypeError, AttributeError):
        write_whole(path, lambda f: pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL))
    return value


def kept_bytes(path: Path, build: Callable[[], bytes]) -> bytes:
    """The bytes of ``path``, or ``build()`` written there for later runs (see
    :func:`write_whole`); the caller names the file by a hash of what it is built from."""
    with contextlib.suppress(OSError):
        return path.read_bytes()
    data = build()
    write_whole(path, lambda f: f.write(data))
    return data


def write_whole(path: Path, write: Callable[[IO[bytes]], object]) -> None:
    """Make ``path`` with ``write`` (given the open file) whole: a temporary file, then a
    rename, so no reader ever sees part of it; skip on any OS error (an unwritable folder
    is no cache). An exception from ``write`` leaves no temporary file behind."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".tmp-", delete=False) as f:
            try:
                write(f)
            except BaseException:
                f.close()
                os.unlink(f.name)
                raise
        os.replace(f.name, path)
