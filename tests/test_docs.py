"""The docs keep up with the code: commands, analyzers, error codes, public API."""

from __future__ import annotations

import re
from pathlib import Path

import flashpoint
from flashpoint import analyzers, errors
from flashpoint.cli import main

ROOT = Path(__file__).resolve().parent.parent
DOCS = "\n".join(p.read_text(encoding="utf-8") for p in [ROOT / "README.md",
                                                         *sorted((ROOT / "docs").glob("*.md"))])


def test_docs_readme_starts_with_the_two_commands() -> None:
    head = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:6]
    assert any(line.startswith("make demo") for line in head)
    assert any(line.startswith("make test") for line in head)


def test_docs_mention_every_cli_command_with_example() -> None:
    for name, command in main.commands.items():
        assert f"flashpoint {name}" in DOCS, name
        assert command.help, name


def test_docs_list_every_error_code() -> None:
    codes = {cls.code for cls in vars(errors).values()
             if isinstance(cls, type) and issubclass(cls, errors.FlashpointError)}
    documented = set(re.findall(r"\| ([A-Z]\d{3}) \|", (ROOT / "docs/errors.md").read_text()))
    assert codes <= documented, sorted(codes - documented)


def test_docs_list_every_error_code_used_anywhere_in_the_code() -> None:
    """Codes written as literals (``code = "A430"``, ``_fail(..., "A402", ...)``) in any module."""
    used: dict[str, str] = {}
    for path in sorted((ROOT / "flashpoint").rglob("*.py")):
        for code in re.findall(r"""["']([A-Z]\d{3})["']""", path.read_text(encoding="utf-8")):
            used.setdefault(code, str(path.relative_to(ROOT)))
    documented = set(re.findall(r"\| ([A-Z]\d{3}) \|", (ROOT / "docs/errors.md").read_text()))
    assert {c: p for c, p in used.items() if c not in documented} == {}


def test_docs_error_codes_are_unique() -> None:
    classes = [c for c in vars(errors).values()
               if isinstance(c, type) and issubclass(c, errors.FlashpointError)]
    assert len({c.code for c in classes}) == len(classes)


def test_docs_every_analyzer_family_has_a_page() -> None:
    for a in analyzers.BUILTIN:
        family = a.name.split(".")[0]
        assert family == "sentences" or (ROOT / "docs" / f"{family}.md").exists(), family


def test_docs_public_api_is_pinned() -> None:
    assert sorted(flashpoint.__all__) == [
        "AnalysisInput", "Analyzer", "Article", "FlashpointError", "IngestError", "Metadata",
        "Pipeline", "Span", "__version__", "analyze_paths", "analyze_text", "article_from_json",
        "article_to_json", "build_pipeline", "read_bytes", "read_paths",
    ]


def test_docs_cli_reference_is_up_to_date() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("gen", ROOT / "scripts" / "gen_cli_docs.py")
    assert spec and spec.loader
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    current = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert current == gen.render(), "run: python scripts/gen_cli_docs.py"
