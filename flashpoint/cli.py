"""The ``flashpoint`` command line. Each command parses options and calls a library function.

Exit codes (all commands): 0 success; 1 error (nothing could be done, or a
bad argument value); 2 usage error; 3 partial: output was written but some
inputs were rejected or some analyzers failed on some articles (each problem
is one line on stderr); 130 interrupted (Ctrl-C); 143 terminated (SIGTERM).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import click
from rich.console import Console

from . import evaluation, jsonio
from .errors import FlashpointError, OutputError, printable
from .ingest import DEFAULT_LIMITS, IngestLimits
from .ingest.limits import MAX_PYTHON_JSON_DEPTH
from .model import Article
from .output import OutputFile, Terminated, check_not_input, sigterm_as_interrupt
from .runner import FAST_OPTIONS, RunStats, analyze_paths, build_pipeline

FORMATS = ("text", "json", "jsonl")
REPORT_WIDTH = 120
"""Width of the text report when it goes to a file or a pipe (a terminal uses its own)."""


def _err(message: str) -> None:
    """One line on stderr; control characters and terminal escapes in it are shown escaped."""
    click.echo(f"flashpoint: {printable(message)}", err=True)


class Group(click.Group):
    """Turns every :class:`FlashpointError` into one clean line and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except FlashpointError as exc:
            _err(str(exc))
            ctx.exit(1)
        except KeyboardInterrupt as exc:
            terminated = isinstance(exc, Terminated)
            _err("terminated" if terminated else "interrupted")
            ctx.exit(143 if terminated else 130)


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


def _limit_options(func: Any) -> Any:
    """The ``--max-*`` options of :class:`~flashpoint.ingest.IngestLimits` (see docs/errors.md)."""
    d = DEFAULT_LIMITS
    for opt in reversed((
        click.option("--max-article-bytes", type=click.IntRange(1), show_default=True,
                     default=d.max_article_bytes,
                     help="Skip an article whose text is longer (UTF-8 bytes)."),
        click.option("--max-record-bytes", type=click.IntRange(1), show_default=True,
                     default=d.max_record_bytes,
                     help="Skip an HTML page or WARC record larger than this (bytes, after "
                          "decompression)."),
        click.option("--max-json-depth", type=click.IntRange(1, MAX_PYTHON_JSON_DEPTH),
                     default=d.max_json_depth, show_default=True,
                     help="Skip a JSON record nested deeper than this."),
        click.option("--max-sentences", type=click.IntRange(1), show_default=True,
                     default=d.max_sentences,
                     help="Skip an article with more sentences (estimated before parsing)."),
    )):
        func = opt(func)
    return func


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Output format "
              "(default: from -o's extension, else text).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write here instead of stdout (replaced at the end; an input, or a path "
                   "inside an input directory, is refused).")
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
@_limit_options
def analyze(paths: tuple[str, ...], fmt: str | None, output: str | None, verbatim: bool,
            encoding: str | None, names: str | None, gazetteer: str | None,
            workers: int, fast: bool, **limits: int) -> None:
    """Analyse articles: files, directories (recursively) or - for stdin.

    An input over a --max-* limit is skipped with one line on stderr. With -o,
    the file is written under a temporary name and renamed at the end; Ctrl-C
    or SIGTERM keep what was written (complete records).

    \b
    Example:
        flashpoint analyze news/ --format jsonl -o analysed.jsonl
        curl -s https://example.org/feed.xml | flashpoint analyze -
    """
    if output:
        check_not_input(output, paths)
    options: dict[str, dict[str, object]] = {}
    if gazetteer:
        options["actors.v1"] = {"gazetteer": gazetteer}
    if fast:
        for name, extra in FAST_OPTIONS.items():
            options[name] = {**options.get(name, {}), **extra}
    stats = RunStats()
    with sigterm_as_interrupt():
        pipeline = build_pipeline(names.split(",") if names else None, options)
        articles = analyze_paths(paths, pipeline, stats, verbatim=verbatim, encoding=encoding,
                                 workers=workers, on_problem=lambda e: _err(str(e)),
                                 limits=IngestLimits(**limits))
        try:
            _output(_guess_format(fmt, output), _report_failures(articles), output)
        except KeyboardInterrupt:
            if output:
                _err(f"wrote {stats.articles} article(s) to {output} before the interruption")
            raise
    if output:
        _err(f"wrote {stats.articles} article(s) to {output}")
    sys.exit(stats.exit_code)


def _report_failures(articles: Iterator[Article]) -> Iterator[Article]:
    for a in articles:
        for f in a.failures:
            _err(f"{a.source}: analyzer {f.analyzer} failed: [{f.code}] {f.message}")
        yield a


def _output(fmt: str, articles: Iterator[Article], output: str | None) -> None:
    """Write the results to ``output`` (an :class:`OutputFile`) or stdout; errors in one line."""
    if output is None:
        try:
            _write(fmt, articles, sys.stdout)
            sys.stdout.flush()
        except OSError as exc:
            _silence_stdout()
            raise OutputError(f"cannot write to standard output: {exc.strerror or exc}") from None
        return
    try:
        with OutputFile(output) as out:
            _write(fmt, articles, out)
    except OSError as exc:
        raise OutputError(f"cannot write {output}: {exc.strerror or exc}") from None


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that Python's final flush does not fail a second time."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _write(fmt: str, articles: Iterator[Article], out: IO[str]) -> None:
    if fmt == "json":
        jsonio.write_json(out, articles, flush=True)
    elif fmt == "jsonl":
        jsonio.write_jsonl(out, articles, flush=True)
    else:
        from .report import print_report

        tty = out.isatty()
        print_report(articles, Console(file=out, force_terminal=tty or None,
                                       width=None if tty else REPORT_WIDTH))


@main.command()
@click.argument("path")
@click.option("--db", default=None, type=click.Path(dir_okay=False),
              help="For an article ID: the store (default: $FLASHPOINT_DB, else ./flashpoint.db).")
def show(path: str, db: str | None) -> None:
    """Print the report of a saved JSON or JSONL output file, or of a stored article ID.

    A record that is not a flashpoint article is one line on stderr; the others
    are printed (exit status 3).

    \b
    Example:
        flashpoint show analysed.jsonl
        flashpoint show 49b94d0ab2fcc726 --db corpus.db
    """
    from .report import print_report

    tty = sys.stdout.isatty()
    if not Path(path).is_file():
        _show_stored(path, db)
        return
    problems = 0

    def articles() -> Iterator[Article]:
        nonlocal problems
        for item in jsonio.read_results(path):
            if isinstance(item, Article):
                yield item
            else:
                problems += 1
                _err(str(item))

    try:
        shown = print_report(articles(), Console(width=None if tty else REPORT_WIDTH))
    except OSError as exc:
        raise FlashpointError(f"cannot read {path}: {exc.strerror or exc}") from None
    if problems:
        sys.exit(3 if shown else 1)


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
    techniques, genre, frames). PATH defaults to the data set under ../shared/datasets.

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
        from .analyzers.persuasion import techniques as mod
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


# --- the tension index (docs/index.md): thin wrappers over flashpoint.index -----------------

INDEX_FORMATS = ("text", "json", "csv")


def _index_hooks(store_cls: Any) -> list[Any]:
    """Register the index tables with the store class; the hook ``ingest``/``load`` pass."""
    from . import index

    index.register(store_cls)
    return [index.hook]


def _index_db_option(func: Any) -> Any:
    return click.option("--db", "db", type=click.Path(dir_okay=False), default=None,
                        help="The store (default: $FLASHPOINT_DB, else ./flashpoint.db).")(func)


def _index_store(db: str | None, *, readonly: bool = True) -> Any:
    import os

    from . import index

    path = db or os.environ.get("FLASHPOINT_DB") or "flashpoint.db"
    return index.open_store(path, readonly=readonly)


def _index_out(data: Any, fmt: str, text: str, rows: list[dict[str, Any]]) -> None:
    from .index import render

    if fmt == "json":
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    elif fmt == "csv":
        click.echo(render.to_csv(rows), nl=False)
    else:
        click.echo(text)


@main.command()
@click.argument("a")
@click.argument("b")
@_index_db_option
@click.option("--by", type=click.Choice(("day", "week", "month")), default="week",
              show_default=True)
@click.option("--since", help="First day (YYYY-MM-DD; default: the pair's first report).")
@click.option("--until", help="Last day (YYYY-MM-DD; default: the store's latest day).")
@click.option("--directed", is_flag=True, help="Only A acting on B.")
@click.option("--exact", is_flag=True, help="Keep sub-actors apart (no belongs_to roll-up).")
@click.option("--format", "fmt", type=click.Choice(INDEX_FORMATS), default="text",
              show_default=True)
@click.option("--plot", type=click.Path(dir_okay=False), help="Also write a PNG here.")
def dyad(a: str, b: str, db: str | None, by: str, since: str | None, until: str | None,
         directed: bool, exact: bool, fmt: str, plot: str | None) -> None:
    """Tension between actors A and B over time, with alerts.

    \b
    Example:
        flashpoint dyad RUS AZE --by week --format json
    """
    from . import index
    from .index import render

    with _index_store(db) as store:
        data = index.dyad(store, a, b, by=by, since=since, until=until, directed=directed,
                          exact=exact)
    _index_out(data, fmt, render.dyad_text(data), data["series"])
    if plot:
        render.plot(data, plot)
        _err(f"wrote {plot}")


@main.command()
@_index_db_option
@click.option("--by", type=click.Choice(("day", "week", "month")), default="week",
              show_default=True)
@click.option("--since", help="Ignore periods before this day (YYYY-MM-DD).")
@click.option("--until", help="The latest period is the one holding this day.")
@click.option("--top", type=click.IntRange(1, 10000), default=20, show_default=True)
@click.option("--format", "fmt", type=click.Choice(INDEX_FORMATS), default="text",
              show_default=True)
def dyads(db: str | None, by: str, since: str | None, until: str | None, top: int,
          fmt: str) -> None:
    """The dyads whose tension rose most in the latest period against their baseline.

    \b
    Example:
        flashpoint dyads --top 20
    """
    from . import index
    from .index import render

    with _index_store(db) as store:
        data = index.top_dyads(store, by=by, since=since, until=until, top=top)
    _index_out(data, fmt, render.dyads_text(data), data["dyads"])


@main.command()
@click.argument("a")
@click.argument("b")
@_index_db_option
@click.option("--period", required=True, help="A day inside the period (YYYY-MM-DD).")
@click.option("--by", type=click.Choice(("day", "week", "month")), default="week",
              show_default=True)
@click.option("--channel", type=click.Choice(("action", "rhetoric", "speculation",
                                              "cooperation")))
@click.option("--directed", is_flag=True, help="Only A acting on B.")
@click.option("--exact", is_flag=True, help="Keep sub-actors apart (no belongs_to roll-up).")
@click.option("--format", "fmt", type=click.Choice(INDEX_FORMATS), default="text",
              show_default=True)
def evidence(a: str, b: str, db: str | None, period: str, by: str, channel: str | None,
             directed: bool, exact: bool, fmt: str) -> None:
    """The events behind one point of a dyad: sentences, articles, outlets.

    \b
    Example:
        flashpoint evidence RUS AZE --period 2024-10-07 --channel action
    """
    from . import index
    from .index import render

    with _index_store(db) as store:
        data = index.evidence(store, a, b, period=period, by=by, channel=channel,
                              directed=directed, exact=exact)
    _index_out(data, fmt, render.evidence_text(data), data["events"])


@main.command()
@_index_db_option
@click.option("--by", type=click.Choice(("day", "week", "month")), default="week",
              show_default=True)
@click.option("--since", help="Only alerts for periods from this day (YYYY-MM-DD).")
@click.option("--format", "fmt", type=click.Choice(INDEX_FORMATS), default="text",
              show_default=True)
def alerts(db: str | None, by: str, since: str | None, fmt: str) -> None:
    """Every alert of every dyad, newest first.

    \b
    Example:
        flashpoint alerts --since 2024-01-01
    """
    from . import index
    from .index import render

    with _index_store(db) as store:
        rows = index.all_alerts(store, by=by, since=since)
    _index_out(rows, fmt, render.alerts_text(rows), rows)


@main.command()
@_index_db_option
def reindex(db: str | None) -> None:
    """Rebuild the tension index from the stored analyses (after new weights or analyzers).

    \b
    Example:
        flashpoint reindex --db corpus.db
    """
    from . import index

    with _index_store(db, readonly=False) as store:
        n = index.reindex(store)
    _err(f"reindexed {n} dated article(s)")


# --- the corpus store (docs/store.md): thin wrappers over flashpoint.store ------------------

STORE_FORMATS = ("text", "json", "jsonl", "csv")


def _db_path(db: str | None) -> str:
    """``--db``, else ``$FLASHPOINT_DB``, else ``./flashpoint.db``."""
    import os

    return db or os.environ.get("FLASHPOINT_DB") or "flashpoint.db"


def _db_opt(func: Any) -> Any:
    return click.option("--db", default=None, type=click.Path(dir_okay=False),
                        help="The store (default: $FLASHPOINT_DB, else ./flashpoint.db).")(func)


def _busy_opt(func: Any) -> Any:
    return click.option("--busy-timeout", type=click.FloatRange(0, 86400), default=30.0,
                        show_default=True,
                        help="Seconds to wait while another process writes the store.")(func)


def _filter_opts(func: Any) -> Any:
    for opt in reversed((
        click.option("--query", help="Full-text search (FTS5 syntax) over title and text."),
        click.option("--outlet", help="Only this outlet."),
        click.option("--actor", help="Only articles naming this actor id (or one belonging "
                                     "to it)."),
        click.option("--since", help="Published on or after this day (YYYY-MM-DD)."),
        click.option("--until", help="Published on or before this day (YYYY-MM-DD)."),
        click.option("--limit", type=click.IntRange(0), help="At most this many articles."),
    )):
        func = opt(func)
    return func


def _show_stored(article_id: str, db: str | None) -> None:
    from .report import print_report
    from .store import Store

    path = _db_path(db)
    if not Path(path).exists():
        raise FlashpointError(f"{article_id}: no such file, and no store at {path} to look "
                              "the id up in")
    with Store.open(path, readonly=True) as store:
        article = store.get(article_id)
    tty = sys.stdout.isatty()
    print_report([article], Console(width=None if tty else REPORT_WIDTH))


def _store_progress(total: int | None) -> Any:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(TextColumn("ingest"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TextColumn("ETA"),
                    TimeRemainingColumn(), console=Console(stderr=True), transient=True,
                    disable=not sys.stderr.isatty())


@main.command()
@click.argument("paths", nargs=-1)
@_db_opt
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Processes to analyse in parallel (each loads its own spaCy pipeline).")
@click.option("--fast", is_flag=True, help="As `analyze --fast`: no MiniLM encoder pass.")
@click.option("--reanalyze", is_flag=True,
              help="Analyse again stored articles whose analyzers are older than the installed "
                   "ones: those among the inputs, or, with no inputs, the whole stored corpus "
                   "(from the stored texts).")
@click.option("--verbatim", is_flag=True, help="As `analyze --verbatim`.")
@click.option("--encoding", help="Decode inputs with this encoding instead of detecting it.")
@_busy_opt
@_limit_options
def ingest(paths: tuple[str, ...], db: str | None, workers: int, fast: bool, reanalyze: bool,
           verbatim: bool, encoding: str | None, busy_timeout: float, **limits: int) -> None:
    """Analyse what is new in files, directories or - (stdin) and store it.

    Texts already stored are skipped before analysis, so rerunning after an
    interruption redoes nothing that was committed.

    \b
    Examples:
        flashpoint ingest news/ --db corpus.db --workers 2
        flashpoint ingest --reanalyze --db corpus.db   # after upgrading flashpoint
    """
    import time

    if not paths:
        if not reanalyze:
            raise click.UsageError("give files, directories or - to ingest, or --reanalyze "
                                   "(without inputs) to analyse the stored corpus again")
        _reanalyze_stored(db, workers, fast, busy_timeout)
        return

    from .ingest import read_paths
    from .runner import ingest_paths
    from .store import Store
    from .store.ingest import count_new

    tty = sys.stderr.isatty()
    hooks = _index_hooks(Store)  # the tension index's per-day tables, same transaction
    with sigterm_as_interrupt(), Store.open(_db_path(db), busy_timeout=busy_timeout) as store:
        ingest_limits = IngestLimits(**limits)
        total = count_new(store, read_paths(paths, verbatim=verbatim, encoding=encoding,
                                            limits=ingest_limits)) \
            if tty and "-" not in paths else None
        pipeline = build_pipeline(None, dict(FAST_OPTIONS) if fast else None)
        start = time.monotonic()
        with _store_progress(total) as bar:
            task = bar.add_task("ingest", total=total, rate="")

            done = _on_stored(bar, task, start)

            def problem(e: FlashpointError) -> None:
                bar.console.print(f"flashpoint: {e}", markup=False, highlight=False)

            stats = ingest_paths(store, paths, pipeline, workers=workers, reanalyze=reanalyze,
                                 verbatim=verbatim, encoding=encoding, on_problem=problem,
                                 on_article=done, hooks=hooks, limits=ingest_limits)
    _err(f"ingest: {stats.summary()}")
    sys.exit(stats.exit_code)


def _on_stored(bar: Any, task: Any, start: float) -> Callable[[Article, Any], None]:
    """The per-article callback of ``ingest``: failures on the console, the bar and its rate."""
    import time

    def done(article: Article, result: Any) -> None:
        for f in article.failures:
            bar.console.print(f"flashpoint: {article.source}: analyzer {f.analyzer} "
                              f"failed: [{f.code}] {f.message}", markup=False, highlight=False)
        n = bar.tasks[0].completed + 1
        bar.update(task, completed=n, rate=f"{n / max(time.monotonic() - start, 1e-9):.2f}/s")

    return done


def _reanalyze_stored(db: str | None, workers: int, fast: bool, busy_timeout: float) -> None:
    """``ingest --reanalyze`` with no inputs: the stored articles with outdated analyses."""
    import time

    from .runner import reanalyze_store
    from .store import Store
    from .store.ingest import count_stale

    hooks = _index_hooks(Store)
    with sigterm_as_interrupt(), Store.open(_db_path(db), busy_timeout=busy_timeout) as store:
        pipeline = build_pipeline(None, dict(FAST_OPTIONS) if fast else None)
        total = count_stale(store, [a.name for a in pipeline.analyzers])
        start = time.monotonic()
        with _store_progress(total) as bar:
            task = bar.add_task("re-analyse", total=total, rate="")

            stats = reanalyze_store(store, pipeline, workers=workers, hooks=hooks,
                                    on_article=_on_stored(bar, task, start))
    _err(f"ingest: {stats.summary()}")
    sys.exit(stats.exit_code)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@_db_opt
@click.option("--batch", type=click.IntRange(1, 100_000), default=100, show_default=True,
              help="Articles per transaction (each batch is stored whole or not at all).")
@_busy_opt
def load(files: tuple[str, ...], db: str | None, batch: int, busy_timeout: float) -> None:
    """Store articles already analysed (JSON or JSONL output of `analyze`, or a `batch`
    output folder), without NLP.

    Each record is validated against the flashpoint.article/1 schema; a bad
    record is one line on stderr and the rest goes on.

    \b
    Example:
        flashpoint load analysed.jsonl --db corpus.db
    """
    from .store import Store
    from .store.ingest import load_files

    hooks = _index_hooks(Store)  # the tension index's per-day tables, same transaction
    with contextlib.ExitStack() as stack, \
            Store.open(_db_path(db), busy_timeout=busy_timeout) as store:
        files = tuple(_batch_folder_as_jsonl(f, stack) for f in files)
        stats = load_files(store, files, batch=batch, hooks=hooks,
                           on_problem=lambda e: _err(str(e)))
    _err(f"load: {stats.summary()}")
    sys.exit(stats.exit_code)


@main.command()
@_db_opt
@_filter_opts
@click.option("--format", "fmt", type=click.Choice(STORE_FORMATS), default="text",
              show_default=True)
def articles(db: str | None, query: str | None, outlet: str | None, actor: str | None,
             since: str | None, until: str | None, limit: int | None, fmt: str) -> None:
    """Find stored articles: full-text search and filters, which combine.

    \b
    Example:
        flashpoint articles --query 'ceasefire AND "Black Sea"' --since 2024-01-01
        flashpoint articles --actor RUS --outlet Reuters --format csv
    """
    from .store import Filters, Store, search
    from .store.search import SUMMARY_COLUMNS

    filters = Filters(query, outlet, actor, since, until, 50 if limit is None and fmt == "text"
                      else limit)
    with Store.open(_db_path(db), readonly=True) as store:
        rows = search(store, filters)
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    elif fmt == "jsonl":
        for r in rows:
            click.echo(json.dumps(r, ensure_ascii=False))
    elif fmt == "csv":
        import csv

        w = csv.DictWriter(sys.stdout, fieldnames=list(SUMMARY_COLUMNS), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    else:
        for r in rows:
            click.echo(f"{r['id']}  {(r['published'] or 'undated')[:10]:<10}  "
                       f"{_clean(r['outlet'] or '-')[:24]:<24}  {_clean(r['title'] or '')[:80]}")
        _err(f"{len(rows)} article(s)")


def _clean(text: str) -> str:
    """One printable line: control characters (escape codes, newlines) shown escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


@main.command()
@_db_opt
@_filter_opts
@click.option("--format", "fmt", type=click.Choice(("jsonl", "parquet", "csv")), required=True)
@click.option("-o", "--output", required=True, type=click.Path(),
              help="A .jsonl file, or a new folder for parquet/csv (one file per table).")
def export(db: str | None, query: str | None, outlet: str | None, actor: str | None,
           since: str | None, until: str | None, limit: int | None, fmt: str,
           output: str) -> None:
    """Export stored analyses: JSONL records, or Parquet/CSV tables (articles, events, quotes,
    claims, mentions, actors).

    \b
    Example:
        flashpoint export --format parquet -o corpus-parquet/
        flashpoint export --actor UKR --since 2024-01-01 --format jsonl -o ukraine.jsonl
    """
    from typing import cast

    from .store import Filters, Store
    from .store.export import ExportFormat
    from .store.export import export as run_export

    with Store.open(_db_path(db), readonly=True) as store:
        counts = run_export(store, cast(ExportFormat, fmt), output,
                            Filters(query, outlet, actor, since, until, limit))
    _err(f"wrote {', '.join(f'{n} {t}' for t, n in counts.items())} to {output}")


@main.command()
@_db_opt
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text",
              show_default=True)
def stats(db: str | None, fmt: str) -> None:
    """What the store holds: articles, outlets, dates, undated, clusters, events by mode.

    \b
    Example:
        flashpoint stats --db corpus.db
    """
    from .store import Store, format_stats
    from .store import stats as store_stats

    with Store.open(_db_path(db), readonly=True) as store:
        s = store_stats(store)
    click.echo(json.dumps(s, indent=2, ensure_ascii=False) if fmt == "json" else format_stats(s))


# --- the web server (docs/web.md): a thin wrapper over flashpoint.serve ----------------------


@main.command()
@click.option("--db", default=None, type=click.Path(dir_okay=False),
              help="The store (default: $FLASHPOINT_DB, else ./flashpoint.db).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (only this machine by default).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
def serve(db: str | None, host: str, port: int) -> None:
    """Serve the web UI and the read-only JSON API over a store; prints the URL.

    \b
    Example:
        flashpoint serve --db corpus.db --port 8000
    """
    from .serve import run

    run(_db_path(db), host=host, port=port, echo=_err)


# --- batch runs at scale (docs/scale.md): a thin wrapper over flashpoint.scale.batch --------


def _batch_folder_as_jsonl(path: str, stack: contextlib.ExitStack) -> str:
    """``path``, or for a ``batch`` output folder a temporary JSONL file of its records."""
    if not Path(path, "manifest.json").is_file() and not Path(path, "_done.jsonl").is_file():
        return path
    import tempfile

    from .scale.batch import iter_records

    fd, name = tempfile.mkstemp(prefix=f"{Path(path).name}-", suffix=".jsonl")
    stack.callback(os.unlink, name)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        for record in iter_records(path):
            fh.write(record + "\n")
    return name


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--out", required=True, type=click.Path(file_okay=False),
              help="Output folder (Parquet by publication month, tables, manifest.json); "
                   "a rerun resumes it.")
@click.option("--engine", type=click.Choice(("local", "ray")), default="local",
              show_default=True, help="Local processes, or Ray (needs the ray extra).")
@click.option("--address", help="Ray cluster address (default: start a local Ray).")
@click.option("--workers", type=click.IntRange(1, 1024), default=1, show_default=True,
              help="Processes (local) or actors (ray), each with its own pipeline.")
@click.option("--analyzers", "names", help="Comma-separated analyzers to run (default: all).")
@click.option("--fast", is_flag=True, help="Skip the MiniLM sentence encoder (as analyze --fast).")
@_limit_options
def batch(inputs: tuple[str, ...], out: str, engine: str, address: str | None, workers: int,
          names: str | None, fast: bool, **limits: int) -> None:
    """Analyse many inputs (any analyze input, or Parquet/JSONL record tables) into Parquet.

    Bad inputs and analyzer failures are recorded in OUT (manifest.json, _errors/), never
    fatal. Each input file is written whole; a stopped run resumes where it stopped.

    \b
    Example:
        flashpoint batch news/ records.parquet --out batch-out --workers 4
        flashpoint batch s3-mirror/ --out out --engine ray --address auto --workers 64
    """
    from .scale.batch import run_batch

    options = {name: dict(extra) for name, extra in FAST_OPTIONS.items()} if fast else {}
    with sigterm_as_interrupt():
        pipeline = build_pipeline(names.split(",") if names else None, options)
        stats = run_batch(list(inputs), out, pipeline, engine=engine,  # type: ignore[arg-type]
                          workers=workers, address=address, limits=IngestLimits(**limits))
    _err(f"batch: {stats.articles} article(s) in {out} ({stats.units} input file(s) written, "
         f"{stats.skipped} already done; {stats.input_errors} input error(s), "
         f"{stats.analyzer_failures} analyzer failure(s); see {out}/manifest.json)")
    sys.exit(stats.exit_code)
