"""Where a command's results go: an output file that is never lost, half-written or read back.

* :func:`check_not_input` refuses an output path that is one of the inputs
  (opening it would empty the input before it is read) or lies inside an input
  directory (the run would read its own output).
* :class:`OutputFile` writes to a hidden temporary file next to the target
  (``.NAME.XXXX.partial``) and renames it over the target at the end. An
  interrupted run (Ctrl-C, SIGTERM) still renames what it wrote, every record
  complete; a failed one (a full disk) leaves the target as it was. A run
  killed with SIGKILL leaves the old target untouched and what it wrote in the
  ``.partial`` file (every line complete but possibly the last). A target that
  is not a regular file (``/dev/null``, a FIFO) is written directly.
* :func:`sigterm_as_interrupt` makes SIGTERM take the Ctrl-C path, raising
  :class:`Terminated` (a :class:`KeyboardInterrupt`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import FrameType, TracebackType
from typing import IO

from .errors import OutputError, OutputIsInput

STDIN = "-"


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived; handled like Ctrl-C (exit status 143 instead of 130)."""


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM raises :class:`Terminated` in the main thread."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise Terminated()

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def check_not_input(output: str, inputs: Iterable[str]) -> None:
    """Raise :class:`OutputIsInput` if ``output`` is an input file or inside an input directory."""
    out = Path(output).resolve()
    for name in inputs:
        if name == STDIN:
            continue
        try:
            src = Path(name).resolve(strict=True)
        except (OSError, RuntimeError):
            continue  # a missing input is reported when it is read
        if src == out or (out.exists() and _same_file(src, out)):
            raise OutputIsInput(f"-o {output} is also an input: writing it would empty it "
                                "before it is read; choose another output file")
        if src.is_dir() and out.is_relative_to(src):
            raise OutputIsInput(f"-o {output} lies inside the input directory {name}: the run "
                                "would read its own output; write it elsewhere")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


class OutputFile:
    """A context manager: a text stream whose content replaces ``path`` when the block ends.

    Any :class:`OSError` while opening, closing or renaming becomes an
    :class:`~flashpoint.errors.OutputError` naming the path.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.tmp: str | None = None
        self.fh: IO[str] | None = None

    def __enter__(self) -> IO[str]:
        target = Path(self.path)
        try:
            direct = target.exists() and not stat.S_ISREG(target.stat().st_mode)
            if direct:
                self.fh = open(self.path, "w", encoding="utf-8")
                return self.fh
            fd, self.tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial",
                                            dir=target.parent)
            os.chmod(fd, _mode_for(target))
            self.fh = open(fd, "w", encoding="utf-8")
        except OSError as exc:
            raise OutputError(f"cannot write {self.path}: {exc.strerror or exc}") from None
        return self.fh

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        keep = kind is None or issubclass(kind, KeyboardInterrupt)
        try:
            self._finish(keep)
        except OSError as err:
            self._discard()
            if kind is None:
                raise OutputError(f"cannot write {self.path}: {err.strerror or err}") from None

    def _finish(self, keep: bool) -> None:
        assert self.fh is not None
        if not keep:
            self._discard()
            return
        self.fh.flush()
        if self.tmp is not None:
            os.fsync(self.fh.fileno())
        self.fh.close()
        if self.tmp is not None:
            os.replace(self.tmp, self.path)
            self.tmp = None

    def _discard(self) -> None:
        if self.fh is not None:
            with contextlib.suppress(OSError):
                self.fh.close()
        if self.tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(self.tmp)
            self.tmp = None


def _mode_for(target: Path) -> int:
    """The permission bits the output gets: the old file's, else 0666 less the umask."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
