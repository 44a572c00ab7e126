"""The BLAS thread limit (flashpoint.blas): cached, and looked up again after new imports."""

from __future__ import annotations

import sys
import types

from flashpoint import blas


def test_blas_controller_is_reused_until_a_module_is_imported() -> None:
    with blas.limit(1):
        pass
    first = blas._controller()
    assert blas._controller() is first
    name = "flashpoint_test_blas_new_module"
    sys.modules[name] = types.ModuleType(name)  # what an import of a package with its own BLAS does
    try:
        assert blas._controller() is not first
    finally:
        del sys.modules[name]


def test_blas_limit_sets_and_restores_every_library() -> None:
    import scipy.linalg  # noqa: F401  (SciPy's wheel may bring a second OpenBLAS)
    from threadpoolctl import threadpool_info, threadpool_limits  # type: ignore[import-untyped]

    with threadpool_limits(2, user_api="blas"):
        with blas.limit(1):
            inside = {lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"}
        after = {lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"}
    assert inside == {1}
    assert after == {2}
