from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from flashpoint.cli import main
from flashpoint.schema import validate

pytestmark = pytest.mark.model

ARTICLE = """Finland Closes Eastern Border Crossings Again

By Sanna Virtanen

Finland closed all crossing points on its border with Russia on Thursday, accusing Moscow of
steering migrants towards the frontier. "This is a deliberate hybrid operation," Interior
Minister Mari Rantanen told the national broadcaster Yle.

The Kremlin denied the accusation.

Subscribe to The Helsinki Ledger on Telegram!
Editor Jussi Lehto
"""


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture()
def article_file(tmp_path: Path) -> Path:
    path = tmp_path / "finland.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def test_cli_analyze_json_metadata_and_schema(runner: CliRunner, article_file: Path) -> None:
    result = runner.invoke(main, ["analyze", str(article_file), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    validate(data)
    m = data["metadata"]
    assert (m["title"], m["authors"], m["editors"], m["outlet"]) == (
        "Finland Closes Eastern Border Crossings Again", ["Sanna Virtanen"], ["Jussi Lehto"],
        "The Helsinki Ledger")
    assert "Subscribe" not in data["text"]
    assert data["sentences"] and data["analyzers"][0] == "sentences.v1"


def test_cli_verbatim_keeps_file_text(runner: CliRunner, article_file: Path) -> None:
    result = runner.invoke(main, ["analyze", str(article_file), "--format", "json", "--verbatim"])
    data = json.loads(result.stdout)
    assert data["text"] == article_file.read_text(encoding="utf-8")
    for sent in data["sentences"]:
        span = sent["span"]
        assert data["text"][span["start"]:span["end"]] == span["text"]


def test_cli_exit_codes(runner: CliRunner, article_file: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    ok = runner.invoke(main, ["analyze", str(article_file), "--format", "jsonl"])
    partial = runner.invoke(main, ["analyze", str(empty), str(article_file), "--format", "jsonl"])
    failed = runner.invoke(main, ["analyze", str(tmp_path / "missing.txt")])
    usage = runner.invoke(main, ["analyze"])
    assert (ok.exit_code, partial.exit_code, failed.exit_code, usage.exit_code) == (0, 3, 1, 2)
    assert len(partial.stdout.splitlines()) == 1
    assert "empty.txt: [I104]" in partial.stderr
    assert "missing.txt: [I101] no such file or directory" in failed.stderr
    assert "Traceback" not in partial.output + failed.output


def test_cli_output_file_then_show(runner: CliRunner, article_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = runner.invoke(main, ["analyze", str(article_file), "-o", str(out)])
    assert result.exit_code == 0 and "wrote 1 article(s)" in result.stderr
    shown = runner.invoke(main, ["show", str(out)])
    assert shown.exit_code == 0
    assert "Finland Closes Eastern Border" in shown.stdout and "Sanna Virtanen" in shown.stdout


def test_cli_stdin(runner: CliRunner) -> None:
    result = runner.invoke(main, ["analyze", "-", "--format", "json"], input=ARTICLE)
    assert json.loads(result.stdout)["source"] == "<stdin>"


def test_cli_show_rejects_non_output_file(runner: CliRunner, article_file: Path) -> None:
    result = runner.invoke(main, ["show", str(article_file)])
    assert result.exit_code == 1 and "not a flashpoint output file" in result.stderr


def test_cli_unknown_analyzer_is_a_clean_error(runner: CliRunner, article_file: Path) -> None:
    result = runner.invoke(main, ["analyze", str(article_file), "--analyzers", "nosuch"])
    assert result.exit_code == 1 and "[P302]" in result.stderr


def test_cli_schema_and_analyzers(runner: CliRunner) -> None:
    assert json.loads(runner.invoke(main, ["schema"]).stdout)["title"] == "flashpoint.article/1"
    assert "sentences.v1" in runner.invoke(main, ["analyzers"]).stdout


def test_cli_demo_samples_all_formats(runner: CliRunner, samples: Path) -> None:
    result = runner.invoke(main, ["analyze", str(samples), "--format", "jsonl"])
    assert result.exit_code in (0, 3), result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 4
    for row in rows:
        validate(row)
