"""Write docs/cli.md from the live click app (``python scripts/gen_cli_docs.py``).

tests/test_docs.py fails when docs/cli.md is out of date, so the reference never drifts.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from flashpoint.cli import main

OUT = Path(__file__).resolve().parent.parent / "docs" / "cli.md"


def _walk(cmd: click.Command, path: list[str]) -> list[tuple[list[str], click.Command]]:
    found = [(path, cmd)]
    if isinstance(cmd, click.Group):
        for name in sorted(cmd.commands):
            found += _walk(cmd.commands[name], [*path, name])
    return found


def render() -> str:
    parts = ["# CLI reference", "",
             "Generated from the live app by `python scripts/gen_cli_docs.py`; do not edit.", ""]
    for path, cmd in _walk(main, ["flashpoint"]):
        ctx = click.Context(cmd, info_name=" ".join(path), terminal_width=88, max_content_width=88)
        parts += [f"## `{' '.join(path)}`", "", "```", cmd.get_help(ctx).rstrip(), "```", ""]
    return "\n".join(parts)


if __name__ == "__main__":
    OUT.write_text(render(), encoding="utf-8")
    sys.stdout.write(f"wrote {OUT}\n")
