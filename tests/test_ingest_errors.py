"""Every bad input yields one clear problem naming the input; the rest still comes through."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from flashpoint.errors import (
    BinaryInput,
    EmptyInput,
    IngestError,
    InputNotFound,
    MalformedRecord,
    NoArticleFound,
    TruncatedArchive,
    UndecodableInput,
)
from flashpoint.ingest import read_bytes, read_paths
from flashpoint.model import Article
from tests.ingest_helpers import page, warc_bytes

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
random.seed(7)
NOISE = bytes(random.randrange(128, 256) for _ in range(300))


def _split(items: list[Article | IngestError]) -> tuple[list[Article], list[IngestError]]:
    return ([i for i in items if isinstance(i, Article)],
            [i for i in items if isinstance(i, IngestError)])


@pytest.mark.parametrize("name,data,error,words", [
    ("empty.txt", b"", EmptyInput, "empty"),
    ("blank.txt", b"  \n\t\n", EmptyInput, "empty"),
    ("image.txt", PNG, BinaryInput, "binary"),
    ("noise.txt", NOISE, UndecodableInput, "UTF-8"),
    ("nav.html", b"<html><body><nav><a href='/'>Home</a></nav></body></html>", NoArticleFound,
     "no article text"),
    ("bad.json", b'{"text": "unterminated', MalformedRecord, "invalid JSON"),
    ("notext.json", b'{"title": "Only a title"}', MalformedRecord, "'text'"),
    ("empty.rss", b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
                  b"</channel></rss>", MalformedRecord, "no entries"),
])
def test_ingest_bad_input_yields_named_error(name: str, data: bytes, error: type,
                                             words: str) -> None:
    (problem,) = list(read_bytes(data, name))
    assert isinstance(problem, error)
    assert problem.source == name
    assert words in str(problem) and name in str(problem)


def test_ingest_unknown_encoding_is_named() -> None:
    (problem,) = list(read_bytes(b"Text", "a.txt", encoding="klingon-8"))
    assert isinstance(problem, UndecodableInput) and "klingon-8" in str(problem)


def test_ingest_legacy_encoding_is_detected() -> None:
    text = "Москва и Минск подписали соглашение о союзном государстве в пятницу."
    (article,) = list(read_bytes(text.encode("cp1251"), "ru.txt"))
    assert isinstance(article, Article) and "Минск" in article.text
    assert article.metadata.language == "ru"


def test_ingest_malformed_jsonl_line_is_skipped_rest_kept() -> None:
    data = (b'{"text": "Armenia and Azerbaijan exchanged prisoners."}\n'
            b'{"text": broken\n'
            b'{"text": "Georgia protested."}\n')
    articles, problems = _split(list(read_bytes(data, "feed.jsonl")))
    assert [a.source for a in articles] == ["feed.jsonl:1", "feed.jsonl:3"]
    assert [p.source for p in problems] == ["feed.jsonl:2"]


def test_ingest_truncated_warc_keeps_earlier_records() -> None:
    data = warc_bytes([
        ("https://b.example/1", page("Kenya deploys police", "Kenya deployed four hundred "
                                     "police officers to Haiti under a UN-backed mission.")),
        ("https://b.example/2", page("Second story", "This second story will be cut in half "
                                     "by the truncation of the archive file.")),
    ])
    cut = data[: len(data) - 400]
    articles, problems = _split(list(read_bytes(cut, "cut.warc")))
    assert [a.metadata.url for a in articles] == ["https://b.example/1"]
    assert isinstance(problems[0], TruncatedArchive) and "cut.warc" in str(problems[0])


def test_ingest_missing_path_is_reported_and_others_read(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Title\n\nEthiopia and Eritrea reopened the border crossing.")
    articles, problems = _split(list(read_paths([str(tmp_path / "nope.txt"), str(good)])))
    assert len(articles) == 1
    assert isinstance(problems[0], InputNotFound) and "nope.txt" in str(problems[0])


def test_ingest_directory_of_ten_thousand_files_streams(tmp_path: Path) -> None:
    for i in range(10_000):
        body = b"" if i % 1000 == 0 else f"Story {i}\n\nA short dispatch number {i}.".encode()
        (tmp_path / f"{i:05d}.txt").write_bytes(body)
    stream = read_paths([str(tmp_path)])
    first = next(stream)
    assert isinstance(first, EmptyInput)  # 00000.txt is empty; nothing was read ahead
    articles, problems = _split([first, *stream])
    assert len(articles) == 9_990 and len(problems) == 10


def test_ingest_truncated_gzip_warc_keeps_earlier_records() -> None:
    data = warc_bytes([
        ("https://c.example/1", page("Chile and Argentina", "Chile and Argentina agreed to "
                                     "build a second tunnel under the Andes, ministers said.")),
        ("https://c.example/2", page("Cut story", "This record is cut off before its end, "
                                     "so the archive is incomplete and must be flagged.")),
    ], gzip=True)
    articles, problems = _split(list(read_bytes(data[:-300], "cut.warc.gz")))
    assert [a.metadata.url for a in articles] == ["https://c.example/1"]
    assert isinstance(problems[-1], TruncatedArchive)
