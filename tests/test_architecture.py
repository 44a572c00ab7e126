"""The import rules hold (import-linter, as ``make lint`` runs it) and catch violations.

Also: ``import flashpoint.model`` stays light, and the run-time path never loads the
training code.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
HEAVY = ("spacy", "thinc", "sklearn", "torch", "onnxruntime")


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    """Run lint-imports on the ``flashpoint`` package found under ``root``."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root, capture_output=True, text=True, timeout=120,
        env={"PYTHONPATH": str(root), "PATH": str(LINT_IMPORTS.parent)},
    )


@pytest.fixture
def planted(tmp_path: Path) -> Path:
    """A copy of the package's sources and import rules, to plant bad imports in."""
    shutil.copytree(ROOT / "flashpoint", tmp_path / "flashpoint",
                    ignore=shutil.ignore_patterns("data", "__pycache__", "static", "templates"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _plant(root: Path, module: str, line: str) -> None:
    path = root / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")


def test_architecture_the_tree_keeps_every_contract() -> None:
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_architecture_the_copy_keeps_every_contract(planted: Path) -> None:
    assert _lint(planted).returncode == 0


@pytest.mark.parametrize(("module", "line", "broken"), [
    ("flashpoint/model.py", "from .runner import analyze_text  # noqa", "Layers"),
    ("flashpoint/pipeline.py", "from .analyzers import registry  # noqa", "Layers"),
    ("flashpoint/encoder/layers.py", "from ..nlp import load  # noqa", "Layers"),
    ("flashpoint/analyzers/quotes/__init__.py", "from ..claims import cues  # noqa",
     "Analyzer families are independent"),
    ("flashpoint/analyzers/actors/roles.py", "from ...train import techniques  # noqa",
     "never imports the training code"),
    ("flashpoint/model.py", "import spacy  # noqa", "spaCy is imported only"),
    ("flashpoint/pipeline.py", "import onnxruntime  # noqa", "onnxruntime (and onnx)"),
    ("flashpoint/analyzers/events/mode.py", "import torch  # noqa", "torch and scikit-learn"),
    ("flashpoint/runner.py", "import sqlite3  # noqa", "sqlite3"),
])
def test_architecture_a_planted_violation_is_caught(planted: Path, module: str, line: str,
                                                    broken: str) -> None:
    _plant(planted, module, line)
    result = _lint(planted)
    assert result.returncode == 1, result.stdout
    report = result.stdout.split("Broken contracts", 1)[1]
    assert broken in report, result.stdout


def _loaded_after(code: str) -> dict[str, bool]:
    report = f"print(json.dumps({{m: m in sys.modules for m in {HEAVY!r}}}))"
    probe = f"import json, sys\n{code}\n{report}"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True, cwd=ROOT, timeout=120).stdout
    loaded: dict[str, bool] = json.loads(out.strip().splitlines()[-1])
    return loaded


LIGHT_MODULES = [m for m in ("flashpoint", "flashpoint.model", "flashpoint.errors",
                             "flashpoint.blas", "flashpoint.jsonio", "flashpoint.store",
                             "flashpoint.index")
                 if importlib.util.find_spec(m) is not None]


@pytest.mark.parametrize("module", LIGHT_MODULES)
def test_architecture_light_modules_load_no_heavy_package(module: str) -> None:
    loaded = _loaded_after(f"import {module}")
    assert not any(loaded.values()), loaded


def test_architecture_lazy_reexports_still_work() -> None:
    loaded = _loaded_after("import flashpoint\nassert flashpoint.Article.__name__ == 'Article'\n"
                           "assert callable(flashpoint.build_pipeline)")
    assert loaded["spacy"]  # the runner's re-export really imported it, on first use


def test_architecture_run_time_path_never_imports_training_code() -> None:
    code = ("from flashpoint.runner import build_pipeline\nbuild_pipeline()\n"
            "assert not [m for m in sys.modules if m.startswith('flashpoint.train')], "
            "sorted(m for m in sys.modules if m.startswith('flashpoint.train'))")
    _loaded_after(code)
