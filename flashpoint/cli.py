"""The ``flashpoint`` command line. Each command parses options and calls a library function.

Exit codes (all commands): 0 success; 1 error (nothing could be done, or a
bad argument value); 2 usage error; 3 partial: output was written but some
inputs were rejected or some analyzers failed on some articles (each problem
is one line on stderr); 130 interrupted.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import click
from rich.console import Console

from . import evaluation
from .errors import FlashpointError
from .model import Article, article_from_json
from .runner import FAST_OPTIONS, RunStats, analyze_paths, build_pipeline, write_json, write_jsonl

FORMATS = ("text", "json", "jsonl")
REPORT_WIDTH = 120
"""Width of the text report when it goes to a file or a pipe (a terminal uses its own)."""


def _err(message: str) -> None:
    click.echo(f"flashpoint: {message}", err=True)


class Group(click.Group):
    """Turns every :class:`FlashpointError` into one clean line and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except FlashpointError as exc:
            _err(str(exc))
            ctx.exit(1)
        except KeyboardInterrupt:
            _err("interrupted")
            ctx.exit(130)


@click.group(cls=Group)
@click.version_option(package_name="flashpoint")
def main() -> None:
    """flashpoint: read geopolitical news like a careful analyst."""


def _guess_format(fmt: str | None, output: str | None) -> str:
    if fmt:
        return fmt
    if output and output.endswith(".jsonl"):
        return "jsonl"
    if output and output.endswith(".json"):
        return "json"
    return "text"


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Output format "
              "(default: from -o's extension, else text).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write here instead of stdout.")
@click.option("--verbatim", is_flag=True,
              help="Analyse each file's decoded text exactly as it is (offsets index the file).")
@click.option("--encoding", help="Decode inputs with this encoding instead of detecting it.")
@click.option("--analyzers", "names", help="Comma-separated analyzers to run (default: all).")
@click.option("--gazetteer", type=click.Path(exists=True, dir_okay=False),
              help="Your own gazetteer file, merged over the built-in tables.")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Processes to analyse in parallel (each loads its own spaCy pipeline).")
@click.option("--fast", is_flag=True,
              help="Skip the MiniLM sentence encoder: sentence scores from TF-IDF models, "
                   "technique spans from cue rules only (faster, less accurate; see "
                   "docs/development.md#benchmarks).")
def analyze(paths: tuple[str, ...], fmt: str | None, output: str | None, verbatim: bool,
            encoding: str | None, names: str | None, gazetteer: str | None,
            workers: int, fast: bool) -> None:
    """Analyse articles: files, directories (recursively) or - for stdin.

    \b
    Example:
        flashpoint analyze news/ --format jsonl -o analysed.jsonl
        curl -s https://example.org/feed.xml | flashpoint analyze -
    """
    options: dict[str, dict[str, object]] = {}
    if gazetteer:
        options["actors.v1"] = {"gazetteer": gazetteer}
    if fast:
        for name, extra in FAST_OPTIONS.items():
            options[name] = {**options.get(name, {}), **extra}
    pipeline = build_pipeline(names.split(",") if names else None, options)
    stats = RunStats()
    articles = analyze_paths(paths, pipeline, stats, verbatim=verbatim, encoding=encoding,
                             workers=workers, on_problem=lambda e: _err(str(e)))
    articles = _report_failures(articles)
    fmt = _guess_format(fmt, output)
    with _open_output(output) as out:
        _write(fmt, articles, out)
    if output:
        _err(f"wrote {stats.articles} article(s) to {output}")
    sys.exit(stats.exit_code)


def _report_failures(articles: Iterator[Article]) -> Iterator[Article]:
    for a in articles:
        for f in a.failures:
            _err(f"{a.source}: analyzer {f.analyzer} failed: [{f.code}] {f.message}")
        yield a


def _write(fmt: str, articles: Iterator[Article], out: IO[str]) -> None:
    if fmt == "json":
        write_json(articles, out)
    elif fmt == "jsonl":
        write_jsonl(articles, out)
    else:
        from .report import print_report

        tty = out.isatty()
        print_report(articles, Console(file=out, force_terminal=tty or None,
                                       width=None if tty else REPORT_WIDTH))


class _open_output:
    def __init__(self, path: str | None) -> None:
        self.path = path
        self.fh: IO[str] | None = None

    def __enter__(self) -> IO[str]:
        if self.path is None:
            return sys.stdout
        try:
            self.fh = open(self.path, "w", encoding="utf-8")
        except OSError as exc:
            raise FlashpointError(f"cannot write {self.path}: {exc.strerror}") from None
        return self.fh

    def __exit__(self, *exc: object) -> None:
        if self.fh is not None:
            self.fh.close()


def load_results(path: str) -> Iterator[Article]:
    """Articles from a saved JSON (object or array) or JSONL output file."""
    text = Path(path).read_text(encoding="utf-8")
    try:
        data = json.loads(text)
        items = data if isinstance(data, list) else [data]
    except json.JSONDecodeError:
        items = [json.loads(line) for line in text.splitlines() if line.strip()]
    for item in items:
        yield article_from_json(item)


@main.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def show(path: str) -> None:
    """Print the report of a saved JSON or JSONL output file.

    \b
    Example:
        flashpoint show analysed.jsonl
    """
    from .report import print_report

    tty = sys.stdout.isatty()
    try:
        print_report(load_results(path), Console(width=None if tty else REPORT_WIDTH))
    except (ValueError, KeyError) as exc:
        raise FlashpointError(f"{path}: not a flashpoint output file ({exc})") from None


@main.command("analyzers")
def list_analyzers() -> None:
    """List the analyzers in pipeline order, with what they require and produce.

    \b
    Example:
        flashpoint analyzers
    """
    from . import analyzers as registry

    for a in registry.registry():
        langs = ",".join(sorted(a.languages)) if a.languages else "any"
        click.echo(f"{a.name:<20} requires={sorted(a.requires)} produces={list(a.produces)} "
                   f"languages={langs}")
        if a.description:
            click.echo(f"{'':<20} {a.description}")


@main.command()
def schema() -> None:
    """Print the JSON Schema of the output (flashpoint.article/1).

    \b
    Example:
        flashpoint schema > article.schema.json
    """
    from .schema import schema_text

    click.echo(schema_text())


@main.command("eval")
@click.argument("name")
@click.argument("path", required=False, type=click.Path(exists=True))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Also write the JSON here.")
def eval_cmd(name: str, path: str | None, output: str | None) -> None:
    """Score an analyzer family on an annotated data set; prints JSON.

    NAME is one of the registered evaluations (actors, quotes, claims, events,
    techniques). PATH defaults to the data set under ../shared/datasets.

    \b
    Example:
        flashpoint eval quotes ../shared/datasets/polnear/dev
    """
    func = evaluation.get(name)
    result = func(Path(path) if path else None)
    text = json.dumps(result, indent=2, ensure_ascii=False)
    click.echo(text)
    if output:
        Path(output).write_text(text + "\n", encoding="utf-8")


@main.group()
def techniques() -> None:
    """Propaganda techniques in the SemEval-2020 Task 11 submission formats."""


def _techniques_module() -> Any:
    try:
        from . import techniques as mod
    except ImportError as exc:
        raise FlashpointError(f"the techniques model is not available: {exc}") from None
    return mod


@techniques.command("spans")
@click.argument("articles_dir", type=click.Path(exists=True, file_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False))
def techniques_spans(articles_dir: str, output: str) -> None:
    """Write article_id<TAB>start<TAB>end lines (span identification).

    \b
    Example:
        flashpoint techniques spans ptc/dev-articles -o si.txt
    """
    n = _techniques_module().write_span_predictions(Path(articles_dir), Path(output))
    _err(f"wrote {n} span(s) to {output}")


@techniques.command("classify")
@click.argument("articles_dir", type=click.Path(exists=True, file_okay=False))
@click.argument("spans_file", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False))
def techniques_classify(articles_dir: str, spans_file: str, output: str) -> None:
    """Label given spans: article_id<TAB>technique<TAB>start<TAB>end.

    \b
    Example:
        flashpoint techniques classify ptc/dev-articles dev-spans.txt -o tc.txt
    """
    n = _techniques_module().write_classifications(Path(articles_dir), Path(spans_file),
                                                   Path(output))
    _err(f"wrote {n} label(s) to {output}")
