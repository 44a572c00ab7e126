"""Highlights: spans to escaped HTML, well-formed whatever the spans, text never lost."""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from flashpoint.serve.charts import series_chart, sparkline
from flashpoint.serve.highlight import KINDS, Mark, css_class, render, segments


class _Reader(HTMLParser):
    """Collects the text outside notes/tags and checks that tags nest properly."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.text: list[str] = []
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += attrs
        cls = dict(attrs).get("class") or ""
        hidden = "hl-note" in cls or "hl-tag" in cls
        self.hidden += hidden
        self.stack.append((tag, hidden))

    def handle_endtag(self, tag: str) -> None:
        open_tag, hidden = self.stack.pop()
        assert open_tag == tag, f"</{tag}> closes <{open_tag}>"
        self.hidden -= hidden

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.text.append(data)


def read(html: str) -> _Reader:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    assert reader.stack == [], "unclosed tags"
    return reader


def test_serve_highlight_nested_and_crossing_spans() -> None:
    text = "Russia accused Azerbaijan of shelling"
    marks = [Mark(0, 37, "claim", "asserted", "claim"), Mark(0, 6, "actor", "state", "Russia"),
             Mark(7, 25, "quote", "direct", "q"), Mark(15, 37, "technique", "x", "t")]
    html = render(text, marks)
    r = read(html)
    assert "".join(r.text) == text
    assert html.count('tabindex="0"') == 4  # each finding focusable once
    assert 'data-continued="1"' in html  # the crossing technique is split, not mis-nested


def test_serve_highlight_escapes_text_labels_and_classes() -> None:
    text = "<script>alert(1)</script> & <img src=x onerror=y>"
    marks = [Mark(0, 8, "technique", '"><script>', '"><b onclick=x>', "<img src=q onerror=z>")]
    html = render(text, marks)
    r = read(html)
    assert set(r.tags) <= {"mark", "span"}
    assert all(not name.startswith("on") for name, _ in r.attrs)
    assert "".join(r.text) == text
    assert css_class('"><script>') == "script"


def test_serve_highlight_drops_spans_outside_the_text() -> None:
    assert [s.marks for s in segments("abc", [Mark(5, 9, "actor"), Mark(-3, 0, "actor")])] == [()]
    html = render("abc", [Mark(1, 99, "actor")])
    assert "".join(read(html).text) == "abc"


spans = st.lists(st.tuples(st.integers(-2, 42), st.integers(-2, 42), st.sampled_from(KINDS)),
                 max_size=12)


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.sampled_from('ab <>&"\'\n/=é'), max_size=40), marks=spans)
def test_serve_highlight_any_spans_give_wellformed_html_with_all_text(
        text: str, marks: list[tuple[int, int, str]]) -> None:
    html = render(text, [Mark(s, e, k, label=f"<{k}>") for s, e, k in marks])
    r = read(html)
    assert "".join(r.text) == text
    assert set(r.tags) <= {"mark", "span"}


def test_serve_charts_escape_and_mark_alerts() -> None:
    series = [{"period": "2026-01-05", "tension": 1.0, "action": 1.0, "alert": False},
              {"period": '<x onload="y">', "tension": 3.0, "rhetoric": 2.0, "alert": True}]
    svg = series_chart(series, href="/dyad?a=A&b=B&period={period}")
    assert "<x onload" not in svg
    assert svg.count("<a ") == 2 and svg.count('class="alert-mark"') == 1
    assert "ALERT" in svg  # an alert is said in words, not only in colour
    spark = sparkline([0, 1, 2], label="<b>")
    assert "<b>" not in spark and spark.count("<polyline") == 1
