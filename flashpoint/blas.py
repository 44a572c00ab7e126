"""How many threads the BLAS libraries (NumPy's OpenBLAS, blis) may use in a block of code.

The products of the encoder, the analyzers' heads and spaCy's layers are small: a second BLAS
thread spins more than it helps, and takes a core from another worker. Each caller limits the
threads around its own work (:func:`limit`) rather than for the whole process, which is the
user's to set.
"""

from __future__ import annotations

import contextlib
import functools
from typing import Any


@functools.lru_cache(maxsize=1)
def _controller() -> Any:
    from threadpoolctl import ThreadpoolController  # type: ignore[import-untyped]

    return ThreadpoolController()


def limit(threads: int) -> contextlib.AbstractContextManager[Any]:
    """A ``with`` block in which the BLAS libraries use at most ``threads`` threads.

    The libraries are looked up once per process (``threadpool_limits`` looks them up on
    every call, about 1 ms each).
    """
    return _controller().limit(limits=threads, user_api="blas")  # type: ignore[no-any-return]
