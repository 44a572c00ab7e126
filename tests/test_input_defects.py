"""The hostile-input defects of issue 18 ("The input path, hardened", items 1-11), one test each.

Most tests call the library (``read_paths``, ``read_bytes``, ``jsonio``) directly;
the CLI is used only where the defect lives in the CLI, with inputs that never
reach spaCy (skipped inputs, ``show``) or, marked ``model``, with
``--analyzers sentences``.
"""

from __future__ import annotations

import gzip
import io
import json
import math
import os
import signal
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from flashpoint import jsonio
from flashpoint.cli import main
from flashpoint.errors import (
    EmptyInput,
    IngestError,
    InputTooLarge,
    MalformedRecord,
    NotARegularFile,
    ReplacedCharacters,
    SymlinkLoop,
    printable,
)
from flashpoint.ingest import IngestLimits, read_bytes, read_paths
from flashpoint.ingest.language import detect
from flashpoint.model import Article, Metadata, Quote, Sentence, Span, Speaker
from flashpoint.output import OutputFile
from flashpoint.report import print_report
from tests.ingest_helpers import page, warc_bytes

BODY = "Moscow said the talks had failed. Kyiv said it was ready to meet again next week."


def _items(data: bytes, name: str, **kw: object) -> list[Article | IngestError]:
    return list(read_bytes(data, name, **kw))  # type: ignore[arg-type]


def _articles(items: list[Article | IngestError]) -> list[Article]:
    return [i for i in items if isinstance(i, Article)]


def _problems(items: list[Article | IngestError]) -> list[IngestError]:
    return [i for i in items if isinstance(i, IngestError)]


def _strict_loads(line: str) -> object:
    def refuse(token: str) -> None:
        raise ValueError(f"bare {token} is not JSON")

    return json.loads(line, parse_constant=refuse)


# --- 1. undecodable text after a BOM; a lone surrogate in a JSON record -----------------------

@pytest.mark.parametrize("data", [
    b"\xff\xfe" + BODY.encode("utf-16-le") + b"A",                        # odd-length UTF-16
    b"\xff\xfe" + BODY.encode("utf-16-le") + b"\x00\xd8" + b"x\x00",      # lone surrogate
    b"\xff\xfe\x00\x00" + b"\xff\xff\xff\x7f" + BODY.encode("utf-32-le"),  # bad UTF-32
])
def test_defect1_bom_with_bad_code_units_is_read_with_a_warning(data: bytes) -> None:
    items = _items(data, "bom.txt")
    (warning,) = [i for i in items if isinstance(i, ReplacedCharacters)]
    (article,) = _articles(items)
    assert warning.code == "I151" and "byte-order mark" in warning.message
    assert BODY in article.text and "\ufffd" in article.text


def test_defect1_cp1252_file_starting_with_bom_bytes_is_not_utf16() -> None:
    data = b"\xff\xfe" + f"Caf\u00e9 talks. {BODY}".encode("cp1252")
    (article,) = _articles(_items(data, "legacy.txt"))
    assert BODY in article.text


def test_defect1_lone_surrogate_escape_in_json_record() -> None:
    line = '{"id": "a\\udc00", "title": "T\\ud800", "text": "Moscow said \\ud800 no, twice."}\n'
    items = _items(line.encode(), "sur.jsonl")
    (warning,) = [i for i in items if isinstance(i, ReplacedCharacters)]
    (article,) = _articles(items)
    assert article.text == "Moscow said \ufffd no, twice."
    assert article.metadata.title == "T\ufffd" and "lone surrogate" in warning.message
    assert article.source == "sur.jsonl:1#a\ufffd"
    jsonio.dumps_article(article).encode("utf-8")  # strict UTF-8: would raise on a surrogate


# --- 2. UTF-8 with one bad byte -------------------------------------------------------------

def test_defect2_mostly_utf8_is_decoded_as_utf8_with_a_warning() -> None:
    text = "Moscow said \u201chostile\u201d. " * 20
    items = _items(text.encode() + b"\xff", "moj.txt")
    (warning,) = _problems(items)
    (article,) = _articles(items)
    assert isinstance(warning, ReplacedCharacters) and "at byte 540" in warning.message
    assert article.text.startswith("Moscow said \u201chostile\u201d.")
    assert article.text.endswith("\ufffd")


def test_defect2_legacy_file_without_utf8_sequences_is_still_guessed() -> None:
    text = "Le ministre a d\u00e9clar\u00e9 que les n\u00e9gociations ont \u00e9chou\u00e9. " * 5
    items = _items(text.encode("cp1252"), "fr.txt")
    assert not _problems(items)
    assert "d\u00e9clar\u00e9" in _articles(items)[0].text


# --- 3. deep JSON; non-UTF-8 file names; closed stdin; a full disk ---------------------------

def test_defect3_deeply_nested_json_is_skipped_not_a_recursion_error() -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    (problem,) = _items(deep, "deep.json")
    assert isinstance(problem, InputTooLarge) and "--max-json-depth" in problem.message
    line = ('{"text": "' + BODY + '", "x": ' + "[" * 150 + "]" * 150 + "}\n").encode()
    assert isinstance(_items(line, "d.jsonl")[0], InputTooLarge)
    deeper = IngestLimits(max_json_depth=200)
    assert len(_articles(_items(line, "d.jsonl", limits=deeper))) == 1


def test_defect3_file_name_not_utf8_is_shown_escaped(tmp_path: Path) -> None:
    folder = os.fsencode(tmp_path / "bn")
    os.mkdir(folder)
    with open(os.path.join(folder, b"caf\xe9.txt"), "wb") as fh:
        fh.write(f"Title\n\n{BODY}\n".encode())
    (article,) = list(read_paths([str(tmp_path / "bn")]))
    assert isinstance(article, Article)
    assert article.source.endswith("caf\\xe9.txt")
    jsonio.dumps_article(article).encode("utf-8")


def test_defect3_closed_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", None)
    (problem,) = list(read_paths(["-"]))
    assert isinstance(problem, IngestError) and "standard input is closed" in problem.message


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_defect3_full_disk_is_one_line(tmp_path: Path) -> None:
    src = tmp_path / "a.jsonl"
    src.write_text(json.dumps({"text": BODY}) + "\n", encoding="utf-8")
    with pytest.raises(OSError), OutputFile("/dev/full") as out:
        out.write("x" * 100_000)
        out.flush()
    result = CliRunner().invoke(main, ["analyze", str(src), "-o", "/dev/full", "--format", "json",
                                       "--max-article-bytes", "10"])  # writes "[]" only
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "[O600] cannot write /dev/full: No space left on device" in result.stderr


# --- 4. JSONL split on "\n" only --------------------------------------------------------------

SEPARATORS = "\u2028\u2029\u0085\x0b\x0c\x1c"


def test_defect4_jsonl_keeps_unicode_line_separators_inside_records() -> None:
    text = f"Moscow said no.{SEPARATORS}Kyiv said yes, loudly and at length."
    lines = [json.dumps({"text": text}, ensure_ascii=False), json.dumps({"text": BODY})]
    items = _items(("\n".join(lines) + "\r\n").encode(), "ls.jsonl")
    assert [a.text for a in _articles(items)] == [text, BODY]
    assert [a.source for a in _articles(items)] == ["ls.jsonl:1", "ls.jsonl:2"]


def test_defect4_show_reads_its_own_output(tmp_path: Path) -> None:
    text = f"Moscow said no.{SEPARATORS}Kyiv said yes."
    article = Article(text=text, source="x", metadata=Metadata(title=f"A{SEPARATORS}B"))
    out = tmp_path / "out.jsonl"
    with open(out, "w", encoding="utf-8") as fh:
        assert jsonio.write_jsonl(fh, [article, article]) == 2
    assert list(jsonio.iter_jsonl(out)) == [article, article]
    assert list(jsonio.read_results(out)) == [article, article]
    result = CliRunner().invoke(main, ["show", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout.count("source: x") == 2


# --- 5. NaN / Infinity never written as bare tokens -------------------------------------------

def test_defect5_nan_in_input_fields_becomes_null() -> None:
    line = b'{"text": "' + BODY.encode() + b'", "x": NaN, "y": [Infinity, -Infinity]}\n'
    (article,) = _articles(_items(line, "nan.jsonl"))
    assert article.metadata.extra == {"x": None, "y": [None, None]}
    _strict_loads(jsonio.dumps_article(article))


def test_defect5_non_finite_scores_are_written_as_null() -> None:
    span = Span(0, 6, "Moscow")
    article = Article(text="Moscow said no.", source="s",
                      sentences=(Sentence(span=span, subjectivity=math.nan,
                                          checkworthiness=math.inf),),
                      metadata=Metadata(extra={"z": -math.inf}))
    for dumped in (jsonio.dumps_article(article), jsonio.dumps_article(article, indent=2)):
        data = _strict_loads(dumped)
        assert isinstance(data, dict)
        assert data["sentences"][0]["subjectivity"] is None
        assert data["metadata"]["extra"] == {"z": None}


# --- 6. rich markup in titles and quotes ------------------------------------------------------

def test_defect6_report_escapes_markup_from_the_article() -> None:
    text = "Moscow [/] Warns\n\nThe Kremlin said [bold]the steps[/bold] were hostile."
    start = text.index("[bold]")
    quote = Quote(id="q1", kind="direct", content=Span.of(text, start, start + 24),
                  speaker=Speaker(name="[red]Kremlin[/]"))
    article = Article(text=text, source="mk.txt", metadata=Metadata(title="Moscow [/] Warns"),
                      analyzers=("quotes.v1",), quotes=(quote,))
    buf = io.StringIO()
    assert print_report([article], Console(file=buf, width=140)) == 1
    shown = buf.getvalue()
    assert "Moscow [/] Warns" in shown and "[bold]the steps[/bold]" in shown
    assert "[red]Kremlin[/]" in shown


# --- 7. FIFOs, locked folders, non-WARC gzip, blank files, empty folders ----------------------

def test_defect7_fifo_in_a_directory_is_skipped_not_opened(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(f"Title\n\n{BODY}\n", encoding="utf-8")
    os.mkfifo(tmp_path / "p.txt")
    signal.alarm(20)  # a regression would block on open(); fail instead of hanging
    try:
        items = list(read_paths([str(tmp_path)]))
    finally:
        signal.alarm(0)
    (problem,) = _problems(items)
    assert isinstance(problem, NotARegularFile) and "FIFO" in problem.message
    assert len(_articles(items)) == 1


def test_defect7_unreadable_subdirectory_is_reported(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "ok.txt").write_text(f"Title\n\n{BODY}\n", encoding="utf-8")
    locked = tmp_path / "locked"
    locked.mkdir()
    real = os.scandir

    def scandir(path: str | os.PathLike[str]) -> object:  # chmod 000 does not stop root
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    items = list(read_paths([str(tmp_path)]))
    (problem,) = _problems(items)
    assert problem.source == str(locked) and "Permission denied" in problem.message
    assert len(_articles(items)) == 1


@pytest.mark.parametrize("name,data", [
    ("x.gz", gzip.compress(b"hello world " * 100)),
    ("g.warc", b"WARC/1.0\r\nnot a header\r\n\r\nxxxx"),
])
def test_defect7_gzip_or_garbage_that_is_no_warc_is_reported(name: str, data: bytes) -> None:
    (problem,) = _items(data, name)
    assert isinstance(problem, MalformedRecord) and "not a WARC record" in problem.message


def test_defect7_warc_without_html_is_reported() -> None:
    data = warc_bytes([])
    (problem,) = _items(data, "info.warc")
    assert problem.code == "I105" and "no HTML response" in str(problem)


@pytest.mark.parametrize("data", [b"\xc2\xa0\xe2\x80\x83\n", b"\xef\xbb\xbf\n", b"\xef\xbb\xbf",
                                  "\u3000\u200b\n".encode()])
def test_defect7_unicode_blank_files_are_empty_inputs(data: bytes) -> None:
    (problem,) = _items(data, "blank.txt")
    assert isinstance(problem, EmptyInput)
    (problem,) = _items(data, "blank.txt", verbatim=True)
    assert isinstance(problem, EmptyInput)


def test_defect7_blank_record_text_is_an_empty_input() -> None:
    (problem,) = _items(b'{"text": "\\ufeff\\u00a0"}\n', "r.jsonl")
    assert isinstance(problem, (EmptyInput, MalformedRecord))


def test_defect7_empty_directory_is_reported(tmp_path: Path) -> None:
    (tmp_path / ".hidden.txt").write_text(BODY, encoding="utf-8")
    (problem,) = list(read_paths([str(tmp_path)]))
    assert isinstance(problem, EmptyInput) and "no input files" in problem.message


# --- 8. limits ------------------------------------------------------------------------------

def test_defect8_limits_are_validated() -> None:
    with pytest.raises(Exception, match="positive integer"):
        IngestLimits(max_article_bytes=0)
    with pytest.raises(Exception, match="deepest Python can parse"):
        IngestLimits(max_json_depth=5000)


def test_defect8_article_bytes_and_sentences_limits_skip_with_a_line() -> None:
    long_text = f"Title\n\n{BODY * 50}\n".encode()
    (problem,) = _items(long_text, "long.txt", limits=IngestLimits(max_article_bytes=1000))
    assert isinstance(problem, InputTooLarge) and "--max-article-bytes" in problem.message
    (problem,) = _items(long_text, "long.txt", limits=IngestLimits(max_sentences=20))
    assert isinstance(problem, InputTooLarge) and "--max-sentences" in problem.message
    lines = "Title\n\n" + "".join(f"Line {i} without a full stop\n" for i in range(50))
    (problem,) = _items(lines.encode(), "lines.txt", limits=IngestLimits(max_sentences=40))
    assert isinstance(problem, InputTooLarge)
    assert len(_articles(_items(long_text, "long.txt"))) == 1
    huge = f"Title\n\n{BODY}\n".encode() * 20_000  # 1.7 MB: refused before decoding
    (problem,) = _items(huge, "huge.txt")
    assert isinstance(problem, InputTooLarge) and "file is" in problem.message


def test_defect8_html_record_limit(tmp_path: Path) -> None:
    html = page("Talks fail", BODY * 40).encode()
    (problem,) = _items(html, "p.html", limits=IngestLimits(max_record_bytes=1000))
    assert isinstance(problem, InputTooLarge) and "--max-record-bytes" in problem.message
    data = warc_bytes([("http://x/a", page("Talks fail", BODY * 40))], gzip=True)
    (problem,) = _items(data, "a.warc.gz", limits=IngestLimits(max_record_bytes=1000))
    assert isinstance(problem, InputTooLarge) and problem.source == "a.warc.gz#http://x/a"
    assert len(_articles(_items(data, "a.warc.gz"))) == 1


def test_defect8_20mb_html_in_a_small_warc_gz_ends_quickly_in_bounded_memory() -> None:
    para = "<p>" + "word " * 200 + "</p>\n"
    big = "<html><body><article>" + para * (20_000_000 // len(para)) + "</article></body></html>"
    data = warc_bytes([("http://x/big", big), ("http://x/ok", page("Talks fail", BODY))],
                      gzip=True)
    assert len(data) < 200_000
    del big
    tracemalloc.start()
    start = time.monotonic()
    try:
        items = _items(data, "bomb.warc.gz")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.monotonic() - start < 20
    assert peak < 100_000_000
    assert isinstance(items[0], InputTooLarge) and items[0].source == "bomb.warc.gz#http://x/big"
    assert [a.source for a in _articles(items)] == ["bomb.warc.gz#http://x/ok"]


def test_defect8_cli_limit_options(tmp_path: Path) -> None:
    src = tmp_path / "a.txt"
    src.write_text(f"Title\n\n{BODY}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["analyze", str(src), "--max-article-bytes", "20",
                                       "--format", "jsonl"])
    assert result.exit_code == 1 and "[I108]" in result.stderr
    bad = CliRunner().invoke(main, ["analyze", str(src), "--max-json-depth", "5000"])
    assert bad.exit_code == 2


# --- 9. -o naming an input; interrupted output ------------------------------------------------

def test_defect9_output_that_is_an_input_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "same.jsonl"
    content = json.dumps({"text": BODY}) + "\n"
    src.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(main, ["analyze", str(src), "-o", str(src)])
    assert result.exit_code == 1 and "[O601]" in result.stderr
    assert src.read_text(encoding="utf-8") == content
    inside = CliRunner().invoke(main, ["analyze", str(tmp_path), "-o", str(tmp_path / "o.jsonl")])
    assert inside.exit_code == 1 and "inside the input directory" in inside.stderr
    assert not (tmp_path / "o.jsonl").exists()


def test_defect9_interrupted_output_keeps_complete_records(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("old\n", encoding="utf-8")
    article = Article(text=BODY, source="a")

    def interrupted() -> object:
        yield article
        yield article
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt), OutputFile(str(out)) as fh:
        jsonio.write_jsonl(fh, interrupted())  # type: ignore[arg-type]
    assert list(jsonio.iter_jsonl(out)) == [article, article]
    with pytest.raises(RuntimeError), OutputFile(str(out)) as fh:
        fh.write("half")
        raise RuntimeError("a failed run")
    assert list(jsonio.iter_jsonl(out)) == [article, article]  # a failure keeps the old file
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]  # no temporary file left


@pytest.mark.parametrize("n", [1, 2, 3])
def test_defect9_interrupted_json_array_is_still_valid(n: int) -> None:
    article = Article(text=BODY, source="a")

    def interrupted() -> object:
        yield from [article] * n
        raise KeyboardInterrupt

    buf = io.StringIO()
    with pytest.raises(KeyboardInterrupt):
        jsonio.write_json(buf, interrupted())  # type: ignore[arg-type]
    data = _strict_loads(buf.getvalue())
    assert (len(data) if isinstance(data, list) else 1) == n


@pytest.mark.model
def test_defect9_and_10_sigterm_keeps_complete_lines(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for i in range(400):
        (inputs / f"{i:03}.txt").write_text(f"Article {i}\n\n{BODY}\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    cmd = [str(Path(sys.executable).parent / "flashpoint"), "analyze", str(inputs), "-o",
           str(out), "--analyzers", "sentences"]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not any(
            p.stat().st_size for p in tmp_path.glob(".out.jsonl.*.partial")):
        time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert "terminated" in err and "Traceback" not in err
    lines = out.read_text(encoding="utf-8").split("\n")
    assert lines[-1] == "" and len(lines) > 1
    for line in lines[:-1]:
        _strict_loads(line)


def _children(pid: int) -> list[int]:
    """Live processes whose parent is ``pid`` (from /proc)."""
    found = []
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat_file.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.model
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_defect10_workers_die_with_their_parent(tmp_path: Path, sig: signal.Signals) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for i in range(3000):  # far more than the run does before the signal
        (inputs / f"{i:04}.txt").write_text(f"Article {i}\n\n{BODY * 8}\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    cmd = [str(Path(sys.executable).parent / "flashpoint"), "analyze", str(inputs), "-o",
           str(out), "--analyzers", "sentences", "--workers", "2"]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 180

    def started() -> bool:  # output written (the parent's first article) and workers forked
        return any(p.stat().st_size for p in tmp_path.glob(".out.jsonl.*.partial")) and len(
            _children(proc.pid)) >= 2

    while proc.poll() is None and time.monotonic() < deadline and not started():
        time.sleep(0.1)
    children = _children(proc.pid)
    assert proc.poll() is None and len(children) >= 2  # two workers (and a resource tracker)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == (143 if sig == signal.SIGTERM else -signal.SIGKILL), err
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(_alive(c) for c in children):
        time.sleep(0.2)
    assert not [c for c in children if _alive(c)]
    if sig == signal.SIGTERM:
        assert "Traceback" not in err
        assert out.read_text(encoding="utf-8").endswith("\n")
    else:
        (partial,) = tmp_path.glob(".out.jsonl.*.partial")
        assert partial.read_text(encoding="utf-8").count("\n") >= 1


# --- 11. escapes on stderr, documented codes, symlink loops, mixed scripts --------------------

def test_defect11_printable_escapes_control_characters() -> None:
    raw = "x\x1b]0;PWNED\x07\nline2\u202e caf\udce9 \u00e9"
    assert printable(raw) == "x\\x1b]0;PWNED\\x07\\nline2\\u202e caf\\udce9 \u00e9"
    assert "\x1b" not in str(IngestError(raw, raw))


def test_defect11_cli_stderr_has_no_raw_escapes(tmp_path: Path) -> None:
    src = tmp_path / "esc.jsonl"
    src.write_text(json.dumps({"id": "x\x1b]0;PWNED\x07\nline2", "text": BODY}) + "\n",
                   encoding="utf-8")
    result = CliRunner().invoke(main, ["analyze", str(src), "--max-sentences", "1"])
    assert "\\x1b]0;PWNED\\x07\\nline2" in result.stderr
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert len(result.stderr.strip().split("\n")) == 1


def test_defect11_symlink_loop_named_directly(tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    loop, dangling = read_paths([str(tmp_path / "a"), str(tmp_path / "dangling")])
    assert isinstance(loop, SymlinkLoop) and "symlink loop" in loop.message
    assert dangling.code == "I101" and "broken symlink" in str(dangling)


@pytest.mark.parametrize("text", [
    "Ukraine\u2019s Verkhovna Rada (\u0412\u0435\u0440\u0445\u043e\u0432\u043d\u0430 "
    "\u0420\u0430\u0434\u0430) adopted the law; \u0417\u0435\u043b\u0435\u043d\u0441\u044c"
    "\u043a\u0438\u0439 signed it on Monday. Officials in Kyiv welcomed the move.",
    "Moscow said the talks had failed. \u041f\u0440\u0435\u0437\u0438\u0434\u0435\u043d\u0442 "
    "\u0420\u043e\u0441\u0441\u0438\u0438 (the Russian president) blamed the West, according "
    "to \u0422\u0410\u0421\u0421.",
])
def test_defect11_mixed_script_english_is_english(text: str) -> None:
    assert detect(text) == "en"


def test_defect11_cyrillic_text_with_latin_names_stays_russian() -> None:
    text = ("\u041f\u0440\u0435\u0437\u0438\u0434\u0435\u043d\u0442 \u0437\u0430\u044f\u0432"
            "\u0438\u043b, \u0447\u0442\u043e \u043f\u0435\u0440\u0435\u0433\u043e\u0432\u043e"
            "\u0440\u044b \u0441 \u041a\u0438\u0435\u0432\u043e\u043c (Kyiv) \u0437\u0430\u0448"
            "\u043b\u0438 \u0432 \u0442\u0443\u043f\u0438\u043a, \u0441\u043e\u043e\u0431\u0449"
            "\u0430\u0435\u0442 Reuters.")
    assert detect(text) == "ru"


# --- jsonio: one home for article JSON (issue 17, item 7) -------------------------------------

def test_jsonio_json_files_round_trip(tmp_path: Path) -> None:
    one, two = Article(text=BODY, source="a"), Article(text="Kyiv agreed.", source="b")
    for articles in ([one], [one, two]):
        path = tmp_path / f"out{len(articles)}.json"
        with open(path, "w", encoding="utf-8") as fh:
            assert jsonio.write_json(fh, articles) == len(articles)
        assert list(jsonio.read_results(path)) == articles
        assert list(jsonio.read_json_file(path)) == articles
    empty = tmp_path / "empty.json"
    with open(empty, "w", encoding="utf-8") as fh:
        jsonio.write_json(fh, [])
    assert list(jsonio.read_results(empty)) == []


def test_jsonio_bad_records_are_yielded_not_raised(tmp_path: Path) -> None:
    good = jsonio.dumps_article(Article(text=BODY, source="a"))
    other = json.dumps({"schema": "something/2", "text": "x"})
    unknown = good[:-1] + ', "colour": "red"}'
    path = tmp_path / "mixed.jsonl"
    path.write_bytes("\n".join([good, "{oops", other, unknown, good]).encode() + b"\n\xff\n")
    items = list(jsonio.iter_jsonl(path))
    assert [type(i).__name__ for i in items] == ["Article", "MalformedRecord", "MalformedRecord",
                                                 "MalformedRecord", "Article", "MalformedRecord"]
    assert [i.source for i in items if isinstance(i, MalformedRecord)] == [
        f"{path}:2", f"{path}:3", f"{path}:4", f"{path}:6"]
    result = CliRunner().invoke(main, ["show", str(path)])
    assert result.exit_code == 3 and result.stderr.count("[I106]") == 4
    assert result.stdout.count("source: a") == 2


def test_jsonio_split_lines_only_on_newline() -> None:
    text = "a\u2028b\r\nc\x0bd\n\ne"
    assert list(jsonio.split_lines(text)) == [(1, "a\u2028b"), (2, "c\x0bd"), (3, ""), (4, "e")]
