"""The web server's API and pages through FastAPI's test client (no browser, no spaCy).

The store is built from hand-written articles (tests/browser/corpus.py) with the index
hook, so the pages show real series, alerts and evidence.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from flashpoint import index
from flashpoint.errors import ServeError
from flashpoint.serve import create_app
from flashpoint.serve.pages import web_url
from flashpoint.store import Filters, Store, search
from tests.browser.corpus import (
    HOSTILE_TITLE,
    STORY_QUOTE,
    STORY_TITLE,
    Built,
    background,
    build_store,
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_store(tmp_path_factory.mktemp("serve") / "corpus.db")


@pytest.fixture(scope="module")
def client(built: Built) -> Iterator[TestClient]:
    with TestClient(create_app(built.path), raise_server_exceptions=False) as c:
        yield c


def error_of(response: Any) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message"}, body
    assert body["error"]["message"]
    return dict(body["error"])


# --- pages -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/dyad?a=RUS&b=AZE", "/search", "/search?q=shelling",
                                  "/speaker?key=person:ilham-aliyev", "/actors",
                                  "/actor?id=AZE", "/actors?kind=state"])
def test_serve_pages_load_with_one_h1(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 200, r.text[:300]
    assert r.headers["content-type"].startswith("text/html")
    assert r.text.count("<h1") == 1
    assert '<html lang="en">' in r.text


def test_serve_overview_shows_corpus_rising_pair_and_alert(client: TestClient,
                                                          built: Built) -> None:
    html = client.get("/").text
    n = client.get("/api/overview").json()["corpus"]["articles"]
    assert f'<dd id="n-articles">{n}</dd>' in html
    assert "AZE – RUS" in html  # the rising pair, undirected (sorted)
    assert "<svg class=\"spark\"" in html
    assert built.alert_week.isoformat() in html  # the latest alert


def test_serve_dyad_page_chart_links_every_period_to_its_evidence(client: TestClient,
                                                                  built: Built) -> None:
    api = client.get("/api/dyad?a=RUS&b=AZE").json()
    html = client.get("/dyad?a=RUS&b=AZE").text
    links = re.findall(r'<a class="pt[^"]*" href="([^"]+)" data-period="([^"]+)"', html)
    assert [p for _, p in links] == [row["period"] for row in api["series"]]
    assert all("period=" in href and href.endswith("#evidence") for href, _ in links)
    assert html.count('class="pt pt-alert') == len(api["alerts"]) > 0
    assert "Choose a point of the chart" in html


def test_serve_dyad_page_lists_the_evidence_of_a_point(client: TestClient, built: Built) -> None:
    week = built.alert_week.isoformat()
    html = client.get(f"/dyad?a=RUS&b=AZE&period={week}").text
    assert 'id="evidence-list"' in html
    assert STORY_TITLE in html
    # the trigger and the pair's actors are highlighted inside the sentence
    sentence = re.search(r'<blockquote class="ev-sentence">(.*?)</blockquote>', html, re.S)
    assert sentence and 'class="hl hl-event' in sentence.group(1)
    assert 'class="hl hl-actor' in html


def test_serve_article_page_highlights_quote_event_and_technique(client: TestClient,
                                                                 built: Built) -> None:
    html = client.get(f"/article/{built.story_id}").text
    assert f">{STORY_TITLE}</h1>" in html
    assert re.search(r'<mark class="hl hl-quote[^>]*aria-label="direct quote by Ilham Aliyev"',
                     html)
    assert re.search(r'data-kind="event"[^>]*>shelling<', html)
    assert re.search(r'data-kind="technique"[^>]*tabindex="0"[^>]*>shameful betrayal<', html)
    assert "Words with strong emotional weight" in html  # the explanation, in a tooltip
    assert 'class="card speaker-card"' in html and "the president of Azerbaijan" in html
    assert "told to Reuters" in html
    assert f'href="/article/{built.copy_id}"' in html  # its near-duplicate sibling


def test_serve_hostile_article_is_escaped_everywhere(client: TestClient, built: Built) -> None:
    html = client.get(f"/article/{built.hostile_id}").text
    assert "<script" not in html.lower()
    assert not re.search(r"<(img|svg|a|div|b|i)\b[^>]*\son\w+=", html, re.I)
    assert "javascript:" not in re.sub(r">[^<]*<", "><", html)  # not in any tag
    assert 'href="javascript' not in html.lower()
    assert "&lt;script&gt;window.__probe" in html
    assert str(HOSTILE_TITLE) not in html
    # the very long line is kept (wrapped by CSS), not cut
    assert "x" * 6000 in html


def test_serve_web_url_lets_only_http_links_through() -> None:
    assert web_url("https://a.example/x?y=1") == "https://a.example/x?y=1"
    for bad in ("javascript:alert(1)", " JAVASCRIPT:x", "data:text/html,x", "/etc/passwd",
                "https://a.example/\" onmouseover=\"x", None, 3):
        assert web_url(bad) is None


def test_serve_search_finds_the_story_with_a_snippet(client: TestClient, built: Built) -> None:
    html = client.get("/search?q=shelling").text
    assert f'href="/article/{built.story_id}"' in html
    assert "<b>shelling</b>" in html
    data = client.get("/api/articles", params={"q": "shelling", "outlet": "bravo"}).json()
    assert [r["id"] for r in data["items"]] == [built.copy_id]


def test_serve_speaker_and_actor_pages(client: TestClient, built: Built) -> None:
    data = client.get("/api/speaker", params={"key": "person:ilham-aliyev"}).json()
    assert data["speaker"]["name"] == "Ilham Aliyev"
    said = data["quotes"]["items"]
    assert {q["content"] for q in said} == {STORY_QUOTE}
    assert {q["outlet_cited"] for q in said} == {"Reuters"}
    assert all(q["addressed"] == ["RUS"] for q in said)
    actor = client.get("/api/actor", params={"id": "AZE"}).json()
    assert actor["actor"]["name"] == "Azerbaijan"
    assert [m["id"] for m in actor["members"]] == ["person:ilham-aliyev"]
    assert any(p["other"] == "RUS" for p in actor["pairs"])


# --- API: same shapes as the CLI, pagination, errors --------------------------------------


def test_serve_api_dyad_is_the_index_json(client: TestClient, built: Built) -> None:
    with Store.open(built.path, readonly=True) as store:
        expected = index.dyad(store, "RUS", "AZE", by="month")
        top = index.top_dyads(store, by="week", top=5)
    assert client.get("/api/dyad?a=RUS&b=AZE&by=month").json() == json.loads(
        json.dumps(expected))
    assert client.get("/api/dyads?top=5").json() == json.loads(json.dumps(top))


def test_serve_api_dyad_refuses_a_range_of_too_many_periods_at_once(client: TestClient) -> None:
    # found by the schemathesis fuzz run: a year-783 --since by day took minutes
    r = client.get("/api/dyad?a=RUS&b=AZE&by=day&since=0783-05-13", timeout=10)
    assert r.status_code == 422 and "periods" in r.json()["error"]["message"]
    assert client.get("/api/dyad?a=RUS&b=AZE&by=month&since=0783-05-13").status_code == 200


def test_serve_api_evidence_is_paginated(client: TestClient, built: Built) -> None:
    week = built.alert_week.isoformat()
    full = client.get(f"/api/evidence?a=RUS&b=AZE&period={week}&limit=100").json()
    assert full["total"] == len(full["events"]) > 3 and full["next_offset"] is None
    first = client.get(f"/api/evidence?a=RUS&b=AZE&period={week}&limit=2").json()
    second = client.get(f"/api/evidence?a=RUS&b=AZE&period={week}&limit=2&offset=2").json()
    assert first["next_offset"] == 2
    assert [e["event_id"] for e in first["events"] + second["events"]] == [
        e["event_id"] for e in full["events"][:4]]
    for key in ("category", "mode", "intensity", "trigger", "sentence", "title", "outlet",
                "same_event_articles", "same_event_outlets"):
        assert key in full["events"][0]


def test_serve_api_articles_match_the_store_search(client: TestClient, built: Built) -> None:
    with Store.open(built.path, readonly=True) as store:
        expected = search(store, Filters(actor="AZE", limit=5))
    got = client.get("/api/articles?actor=AZE&limit=5").json()
    assert [r["id"] for r in got["items"]] == [r["id"] for r in expected]
    assert set(expected[0]) <= set(got["items"][0])


def test_serve_api_pages_through_a_list(client: TestClient) -> None:
    seen: list[str] = []
    offset: int | None = 0
    while offset is not None:
        page = client.get(f"/api/articles?limit=7&offset={offset}").json()
        seen += [r["id"] for r in page["items"]]
        offset = page["next_offset"]
    total = client.get("/api/overview").json()["corpus"]["articles"]
    assert len(seen) == len(set(seen)) == total


def test_serve_api_article_is_the_schema_record(client: TestClient, built: Built) -> None:
    data = client.get(f"/api/articles/{built.story_id}").json()
    assert data["article"]["schema"] == "flashpoint.article/1"
    assert data["article"]["id"] == built.story_id
    assert data["stored"]["outlet"] == "alpha"
    assert [s["id"] for s in data["siblings"]] == [built.copy_id]


@pytest.mark.parametrize(("path", "status", "code"), [
    ("/api/articles/0123456789abcdef", 404, "not_found"),
    ("/api/articles/NOT-AN-ID", 422, "invalid_parameter"),
    ("/api/articles?limit=101", 422, "invalid_parameter"),
    ("/api/articles?offset=-1", 422, "invalid_parameter"),
    ("/api/articles?since=yesterday", 422, "invalid_parameter"),
    ("/api/articles?q=%22unterminated", 422, "invalid_query"),
    ("/api/articles?q=AND", 422, "invalid_query"),
    ("/api/dyad?a=RUS", 422, "invalid_parameter"),
    ("/api/dyad?a=RUS&b=RUS", 422, "invalid_parameter"),
    ("/api/dyad?a=RUS&b=AZE&by=year", 422, "invalid_parameter"),
    ("/api/dyad?a=%3Cscript%3E&b=AZE", 422, "invalid_parameter"),
    ("/api/evidence?a=RUS&b=AZE&period=2026-13-45", 422, "invalid_parameter"),
    ("/api/speaker?key=nobody-at-all", 404, "not_found"),
    ("/api/actor?id=XXX", 404, "not_found"),
    ("/api/nothing-here", 404, "not_found"),
])
def test_serve_api_errors_have_one_shape(client: TestClient, path: str, status: int,
                                         code: str) -> None:
    r = client.get(path)
    assert r.status_code == status, r.text
    assert error_of(r)["code"] == code


def test_serve_search_page_explains_a_bad_query(client: TestClient) -> None:
    r = client.get("/search", params={"q": '"<b>unterminated'})
    assert r.status_code == 422
    assert 'id="search-error"' in r.text and "FTS5" in r.text
    assert 'value="&#34;&lt;b&gt;unterminated"' in r.text  # the form keeps it, escaped


def test_serve_page_errors_are_pages(client: TestClient) -> None:
    r = client.get("/article/0123456789abcdef")
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    r = client.get("/dyad?a=RUS&b=AZE&period=<script>")
    assert r.status_code == 422 and "<script>" not in r.text


def test_serve_is_read_only(client: TestClient) -> None:
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        r = client.request(method, "/api/articles", content=b"{}")
        assert r.status_code == 405
        assert error_of(r)["code"] == "method_not_allowed"
        assert r.headers["allow"] == "GET, HEAD"
    head = client.head("/api/overview")
    assert head.status_code == 200 and head.content == b""


def test_serve_limits_request_size(client: TestClient) -> None:
    r = client.get("/api/articles?q=" + "a" * 5000)
    assert r.status_code == 414 and error_of(r)["code"] == "uri_too_long"
    r = client.request("GET", "/api/overview", content=b"x" * 20_000)
    assert r.status_code == 413 and error_of(r)["code"] == "request_too_large"
    r = client.get("/api/articles?q=" + "a" * 501)
    assert r.status_code == 422
    r = client.get("/api/overview", headers={"x-big": "a" * 20_000})
    assert r.status_code == 431 and error_of(r)["code"] == "headers_too_large"


@pytest.mark.parametrize("path", ["/static/../app.py", "/static/%2e%2e/app.py",
                                  "/static/..%2fapp.py", "/static/%2e%2e%2f%2e%2e%2fcli.py",
                                  "/static//etc/passwd", "/static/....//app.py"])
def test_serve_static_files_cannot_leave_their_folder(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 404, (path, r.text[:200])
    assert "create_app" not in r.text


def test_serve_sends_security_headers_and_no_cdn(client: TestClient) -> None:
    r = client.get("/")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert not re.search(r'(src|href)="(https?:)?//', r.text)
    assert client.get("/docs").status_code == 404  # Swagger UI would load a CDN
    spec = client.get("/api/openapi.json").json()
    assert "/api/dyad" in spec["paths"] and "/api/articles/{article_id}" in spec["paths"]
    assert client.get("/static/style.css").status_code == 200


def test_serve_reads_while_an_ingest_writes(built: Built, tmp_path: Path) -> None:
    """WAL: the server answers while another connection adds articles."""
    db = tmp_path / "live.db"
    build_store(db)
    with TestClient(create_app(db), raise_server_exceptions=False) as live:
        before = live.get("/api/overview").json()["corpus"]["articles"]
        failures: list[str] = []

        def write() -> None:
            index.register(Store)
            with Store.open(db) as store:
                for i in range(40):
                    store.add(background(1000 + i, built.story_day, "echo", True),
                              hooks=[index.hook])

        writer = threading.Thread(target=write)
        writer.start()
        while writer.is_alive():
            for path in ("/api/articles?limit=5", "/api/dyad?a=RUS&b=AZE", "/"):
                r = live.get(path)
                if r.status_code != 200:
                    failures.append(f"{path}: {r.status_code} {r.text[:200]}")
        writer.join()
        assert failures == []
        rows = live.get("/api/articles?outlet=echo&limit=100").json()["items"]
        assert len(rows) == 40 and before > 0


def test_serve_refuses_a_missing_database(tmp_path: Path) -> None:
    with pytest.raises(ServeError, match="no such database"):
        create_app(tmp_path / "none.db")


def test_serve_cli_reports_a_missing_database_and_a_taken_port(built: Built,
                                                               tmp_path: Path) -> None:
    import socket

    from click.testing import CliRunner

    from flashpoint.cli import main

    r = CliRunner().invoke(main, ["serve", "--db", str(tmp_path / "none.db")])
    assert r.exit_code == 1 and "[W600]" in r.output
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        r = CliRunner().invoke(main, ["serve", "--db", str(built.path), "--port", str(port)])
    assert r.exit_code == 1 and "already in use" in r.output


def test_serve_import_loads_no_nlp_model() -> None:
    code = ("import sys, flashpoint.serve; "
            "print([m for m in ('spacy', 'sklearn', 'torch', 'onnxruntime') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_serve_cache_answers_stale_then_refreshes_in_background(
        built: Built, monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from flashpoint.serve import data

    corpus = data.Corpus(built.path)
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert corpus.cached(("k",), compute) == 1
    monkeypatch.setattr(data, "CACHE_SECONDS", 0.0)
    assert corpus.cached(("k",), compute) == 1  # stale value, refresh started
    deadline = time.monotonic() + 5
    while corpus.cached(("k",), compute) == 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert corpus.cached(("k",), compute) >= 2
    corpus.close()


def test_serve_store_without_index_tables(tmp_path: Path) -> None:
    """A store ingested before the index existed: pages work, the index says how to build it."""
    db = tmp_path / "plain.db"
    code = ("import sys; from flashpoint.store import Store; "
            "from tests.browser.corpus import articles; "
            "s = Store.open(sys.argv[1]); [s.add(a) for a in articles()[0]]; s.close()")
    subprocess.run([sys.executable, "-c", code, str(db)], check=True,
                   cwd=Path(__file__).resolve().parent.parent)
    with TestClient(create_app(db), raise_server_exceptions=False) as plain:
        overview = plain.get("/api/overview").json()
        assert overview["index"] is False and overview["dyads"] == []
        assert 'id="no-index"' in plain.get("/").text
        r = plain.get("/api/dyad?a=RUS&b=AZE")
        assert r.status_code == 503 and error_of(r)["code"] == "index_not_built"
        assert "flashpoint reindex" in error_of(r)["message"]
        assert plain.get("/api/articles?q=shelling").json()["items"]


def test_serve_speaker_page_of_an_actor_without_quotes(client: TestClient) -> None:
    data = client.get("/api/speaker", params={"key": "AZE"}).json()
    assert data["speaker"] == {"key": "AZE", "by": "actor", "name": "Azerbaijan"}
    assert data["quotes"]["items"] == []
    assert "No quote attributed" in client.get("/speaker?key=AZE").text
