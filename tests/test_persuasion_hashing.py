"""Feature hashing without scikit-learn gives exactly scikit-learn's ``HashingVectorizer``."""

from __future__ import annotations

import numpy as np
import pytest

from flashpoint.analyzers.persuasion.techniques.linear import hash_blocks, hash_rows

ROWS = [
    ["w=the", "w=minister", "w=said", "bi=the minister", "w=the"],
    [],
    ["ß=straße", "w=日本語", "w=Zürich", "p=«quote»", "w=🙂", ""],
    [f"f{i}" for i in range(300)] + ["f7", "f7", "f8"],
]


def _sklearn(rows: list[list[str]], n: int) -> object:
    text = pytest.importorskip("sklearn.feature_extraction.text")
    return text.HashingVectorizer(analyzer=lambda x: x, n_features=n, alternate_sign=False,
                                  norm=None).transform(rows)


@pytest.mark.parametrize("n", [1, 7, 2**10, 2**18])
def test_hash_rows_equals_hashing_vectorizer(n: int) -> None:
    ours = hash_rows(ROWS, n)
    theirs = _sklearn(ROWS, n)
    assert ours.shape == theirs.shape  # type: ignore[attr-defined]
    assert ours.dtype == np.float64
    assert np.array_equal(ours.indptr, theirs.indptr)  # type: ignore[attr-defined]
    assert np.array_equal(ours.indices, theirs.indices)  # type: ignore[attr-defined]
    assert np.array_equal(ours.data, theirs.data)  # type: ignore[attr-defined]


def test_counts_and_blocks_side_by_side() -> None:
    m = hash_blocks([[["a", "a", "b"]], [["a"]]], [16, 8], [1.0, 2.0], binary=False)
    assert m.shape == (1, 24)
    dense = m.toarray()[0]
    assert sorted(dense[dense > 0].round(6)) == sorted(
        [round(float(np.log1p(2.0)), 6), round(float(np.log1p(1.0)), 6),
         round(2 * float(np.log1p(1.0)), 6)])


def test_runtime_does_not_import_sklearn() -> None:
    import subprocess
    import sys

    code = ("import sys; import flashpoint.runner; "
            "print('sklearn' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"
