"""How many threads the BLAS libraries (NumPy's OpenBLAS, blis) may use in a block of code.

The products of the encoder, the analyzers' heads and spaCy's layers are small: a second BLAS
thread spins more than it helps, and takes a core from another worker. Each caller limits the
threads around its own work (:func:`limit`) rather than for the whole process, which is the
user's to set.
"""

from __future__ import annotations

import contextlib
import sys
from typing import Any

_CACHE: list[tuple[int, Any]] = []
"""The controller, with the number of imported modules when it looked the libraries up."""


def _controller() -> Any:
    """The libraries' controller, looked up again when modules were imported since: a
    package imported later (SciPy, scikit-learn) may bring its own BLAS library."""
    if not _CACHE or _CACHE[0][0] != len(sys.modules):
        from threadpoolctl import ThreadpoolController  # type: ignore[import-untyped]

        controller = ThreadpoolController()
        _CACHE[:] = [(len(sys.modules), controller)]
    return _CACHE[0][1]


def limit(threads: int) -> contextlib.AbstractContextManager[Any]:
    """A ``with`` block in which the BLAS libraries use at most ``threads`` threads.

    The libraries are looked up once, and again only after new imports
    (``threadpool_limits`` looks them up on every call, about 1 ms each).
    """
    return _controller().limit(limits=threads, user_api="blas")  # type: ignore[no-any-return]
