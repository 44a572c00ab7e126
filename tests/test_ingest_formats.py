from __future__ import annotations

import json
from pathlib import Path

import pytest

from flashpoint.errors import IngestError
from flashpoint.ingest import detect_format, read_bytes, read_paths
from flashpoint.ingest.plaintext import credit, outlet_from_cta, parse
from flashpoint.model import Article
from tests.ingest_helpers import page, warc_bytes

PASTED = """Serbia and Kosovo Agree to Resume Talks in Brussels

By Ana Petrović and John Miles
Published: 2 June 2024

Serbian and Kosovar negotiators agreed on Friday to resume EU-mediated talks.

The European Union's envoy said the meeting had been "constructive".

Subscribe to The Balkan Courier on Telegram!
Share this story on Facebook
Author's name Mira Jovanović
*
Edited by Peter Lang
"""


def _articles(data: bytes, name: str, **kw: object) -> list[Article]:
    items = list(read_bytes(data, name, **kw))  # type: ignore[arg-type]
    assert not [i for i in items if isinstance(i, IngestError)], items
    return [i for i in items if isinstance(i, Article)]


def test_ingest_plain_text_title_byline_credits_and_cta() -> None:
    (a,) = _articles(PASTED.encode(), "talks.txt")
    m = a.metadata
    assert m.title == "Serbia and Kosovo Agree to Resume Talks in Brussels"
    assert m.authors == ("Ana Petrović", "John Miles", "Mira Jovanović")
    assert m.editors == ("Peter Lang",)
    assert m.outlet == "The Balkan Courier"
    assert m.published == "2024-06-02"
    assert m.language == "en"
    assert a.text.startswith(m.title)
    assert a.text.endswith('had been "constructive".')
    assert "Subscribe" not in a.text and "Edited" not in a.text


@pytest.mark.parametrize("line,expected", [
    ("By Jane Roe", ("authors", ["Jane Roe"])),
    ("Author: Li Wei, Omar Haddad", ("authors", ["Li Wei", "Omar Haddad"])),
    ("Editor Karl Berg", ("editors", ["Karl Berg"])),
    ("Translated by Olena Shevchenko", ("editors", ["Olena Shevchenko"])),
    ("By the end of the week, the ceasefire had collapsed.", None),
    ("Editor's note: this story was updated.", None),
])
def test_ingest_credit_lines(line: str, expected: tuple[str, list[str]] | None) -> None:
    assert credit(line) == expected


@pytest.mark.parametrize("line,outlet", [
    ("Follow The Kyiv Ledger on X and Facebook", "The Kyiv Ledger"),
    ("Subscribe to our newsletter", None),
    ("Join Nordic Wire on Telegram!", "Nordic Wire"),
])
def test_ingest_outlet_from_call_to_action(line: str, outlet: str | None) -> None:
    assert outlet_from_cta(line) == outlet


def test_ingest_body_sentence_mentioning_subscribers_is_kept() -> None:
    text = "Title\n\nThe channel gained a million subscribers after the coup, officials said."
    assert parse(text).text.endswith("officials said.")


def test_ingest_verbatim_keeps_bytes_exactly() -> None:
    raw = "\ufeffHeadline\r\n\r\nBody with “quotes”.\r\nSubscribe to X Daily!\r\n".encode()
    (a,) = _articles(raw, "v.txt", verbatim=True)
    assert a.text.encode("utf-8") == raw
    assert a.metadata.title == "Headline"


def test_ingest_html_drops_navigation_and_comments() -> None:
    html = page("Chad and Sudan reopen border", "Chad reopened its eastern border with Sudan "
                "on Tuesday after a three-week closure, the interior ministry announced.")
    (a,) = _articles(html.encode(), "p.html")
    assert a.metadata.title == "Chad and Sudan reopen border"
    assert "reopened its eastern border" in a.text
    assert "Home" not in a.text and "outrageous" not in a.text


def test_ingest_sample_html_metadata(samples: Path) -> None:
    (a,) = _articles((samples / "sahel-mission.html").read_bytes(), "s.html")
    assert a.metadata.authors == ("Aïssata Diallo",)
    assert a.metadata.outlet == "The Meridian Post"
    assert a.metadata.published == "2025-02-03"
    assert "ADVERTISEMENT" not in a.text and "Great article" not in a.text


def test_ingest_json_object_list_and_extras() -> None:
    recs = [{"id": "r1", "title": "T1", "text": "Georgia held elections on Saturday.",
             "url": "https://x.example/1", "published": "2024-10-26", "outlet": "Tbilisi Times",
             "section": "politics"},
            {"id": "r2", "text": "Moldova signed a gas deal with Romania."}]
    arts = _articles(json.dumps(recs).encode(), "recs.json")
    assert [a.source for a in arts] == ["recs.json[0]#r1", "recs.json[1]#r2"]
    m = arts[0].metadata
    assert (m.title, m.outlet, m.published, m.url) == (
        "T1", "Tbilisi Times", "2024-10-26", "https://x.example/1")
    assert m.extra == {"section": "politics", "record_id": "r1"}
    assert arts[0].text == recs[0]["text"]


def test_ingest_jsonl_one_article_per_line() -> None:
    data = b'{"text": "Mali and Burkina Faso signed a pact."}\n\n{"text": "Niger agreed."}\n'
    assert [a.source for a in _articles(data, "x.jsonl")] == ["x.jsonl:1", "x.jsonl:3"]


def test_ingest_rss_entries(samples: Path) -> None:
    arts = _articles((samples / "pacific-security.rss").read_bytes(), "feed.rss")
    assert len(arts) == 2
    assert arts[0].metadata.outlet == "Harbour Wire"
    assert arts[0].metadata.authors == ("Ramon Villanueva",)
    assert arts[0].metadata.published == "2025-04-08T06:30:00+00:00"
    assert "water cannon" in arts[0].text and "<p>" not in arts[0].text


ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Andes Monitor</title>
<entry><title>Peru and Bolivia sign border accord</title><id>urn:1</id>
<updated>2025-05-01T12:00:00Z</updated><author><name>Lucia Rojas</name></author>
<content type="html">&lt;p&gt;Peru and Bolivia signed an accord on Thursday to jointly patrol
their shared border along Lake Titicaca, officials in Lima said.&lt;/p&gt;</content></entry>
</feed>"""


def test_ingest_atom_feed() -> None:
    (a,) = _articles(ATOM, "andes.atom")
    assert a.metadata.outlet == "Andes Monitor"
    assert a.metadata.published == "2025-05-01T12:00:00+00:00"
    assert a.text.startswith("Peru and Bolivia sign border accord\n\nPeru and Bolivia signed")


@pytest.mark.parametrize("gzip", [False, True])
def test_ingest_warc_html_responses(gzip: bool) -> None:
    data = warc_bytes([
        ("https://a.example/1", page("Oman mediates", "Oman hosted indirect talks between "
                                     "Iran and the United States in Muscat on Saturday.")),
        ("https://a.example/2", page("Qatar pledges aid", "Qatar pledged humanitarian aid "
                                     "to Lebanon after heavy flooding in the Bekaa valley.")),
    ], gzip=gzip)
    arts = _articles(data, "crawl.warc.gz" if gzip else "crawl.warc")
    assert [a.metadata.url for a in arts] == ["https://a.example/1", "https://a.example/2"]
    assert "Muscat" in arts[0].text


@pytest.mark.parametrize("name,data,fmt", [
    ("a.txt", b"Hello", "text"), ("noext", b"<!DOCTYPE html><html></html>", "html"),
    ("noext", b'<?xml version="1.0"?><rss version="2.0">', "feed"),
    ("noext", b'{"text": "x"}\n{"text": "y"}\n', "jsonl"), ("noext", b'[{"text": "x"}]', "json"),
    ("noext", b"WARC/1.0\r\n", "warc"), ("noext", b"Plain words.", "text"),
])
def test_ingest_detect_format(name: str, data: bytes, fmt: str) -> None:
    assert detect_format(name, data) == fmt


def test_ingest_directory_recursive_sorted_skips_hidden(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "two.txt").write_text("Second\n\nBody of the second story here.")
    (tmp_path / "one.txt").write_text("First\n\nBody of the first story here.")
    (tmp_path / ".hidden.txt").write_text("Hidden\n\nShould not be read at all.")
    titles = [i.metadata.title for i in read_paths([str(tmp_path)]) if isinstance(i, Article)]
    assert titles == ["First", "Second"]
