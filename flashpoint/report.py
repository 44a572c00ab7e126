"""The terminal report: what a person reads in a minute, rendered with rich.

Each section appears only when the analyzer behind it ran on the article, so
the report never suggests "nothing found" when nothing was looked for. Every
string that comes from an article (titles, names, quotes) is escaped before it
meets rich markup, so a title such as ``Moscow [/] Warns`` prints as written.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

from rich.console import Console, Group, RenderableType
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from .model import Article, Span

MAX_ROWS = 12
SNIPPET = 110


def _snip(text: str, limit: int = SNIPPET) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _ran(article: Article, family: str) -> bool:
    return any(name.split(".")[0] == family for name in article.analyzers)


def _header(article: Article) -> Text:
    m = article.metadata
    parts = [
        ("outlet", m.outlet), ("published", m.published), ("language", m.language),
        ("authors", ", ".join(m.authors) or None), ("editors", ", ".join(m.editors) or None),
    ]
    line = Text()
    for key, value in parts:
        if value:
            line.append(f"{key}: ", style="dim").append(str(value)).append("   ")
    words = len(article.text.split())
    line.append(f"\n{words} words · {len(article.sentences)} sentences · id {article.id}",
                style="dim")
    line.append(f"\nsource: {article.source}", style="dim")
    return line


def _table(title: str, columns: Iterable[str], rows: list[list[str]], total: int) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold", expand=True,
                  show_lines=False)
    for col in columns:
        table.add_column(col, overflow="fold")
    for row in rows[:MAX_ROWS]:
        table.add_row(*row)
    if total > MAX_ROWS:
        table.caption = f"{total - MAX_ROWS} more in the JSON output"
    return table


def _actors(article: Article) -> RenderableType:
    actors = sorted(article.actors, key=lambda a: -len(a.mentions))
    rows = []
    for a in actors:
        vias = Counter(m.via for m in a.mentions)
        forms = sorted({m.text for m in a.mentions}, key=len)[:4]
        rows.append([f"{escape(a.name)} [dim]({escape(a.id)})[/]", a.kind, str(len(a.mentions)),
                     ", ".join(f"{v}×{n}" for v, n in vias.most_common()),
                     escape(", ".join(forms))])
    return _table("Actors", ["actor", "kind", "mentions", "via", "as written"], rows, len(rows))


def _who(span: Span | None, name: str | None) -> str:
    return name or (span.text if span else "?")


def _quotes(article: Article) -> RenderableType:
    rows = []
    for q in article.quotes:
        sp = q.speaker
        who = escape(_who(sp.text, sp.name)) + (f" [dim](vague: {sp.vague})[/]" if sp.vague
                                                else "")
        if sp.descriptor:
            who += f"\n[dim]{escape(_snip(sp.descriptor.text, 60))}[/]"
        outlet = escape(q.outlet.text) if q.outlet else ""
        rows.append([who, q.kind, escape(_snip(q.content.text)), outlet])
    return _table("Who said what", ["speaker", "kind", "content", "to"], rows, len(rows))


def _claims(article: Article) -> RenderableType:
    notable = [c for c in article.claims if set(c.status) - {"asserted"}]
    rows = [[", ".join(c.status), escape(c.source.name or c.source.kind),
             escape(_snip(c.span.text))] for c in notable]
    title = f"How sure: {len(notable)} of {len(article.claims)} claims are not plain assertions"
    return _table(title, ["status", "source", "claim"], rows, len(rows))


def _events(article: Article) -> RenderableType:
    rows = [[escape(e.source or "—"), escape(e.category), escape(e.target or "—"),
             f"{e.intensity:+.1f}", e.mode, escape(_snip(e.evidence.trigger.text, 30))]
            for e in article.events]
    return _table("Events", ["source", "event", "target", "intensity", "mode", "trigger"], rows,
                  len(rows))


def _techniques(article: Article) -> RenderableType:
    ordered = sorted(article.techniques, key=lambda t: -t.score)
    rows = [[escape(t.technique), f"{t.score:.2f}", escape(_snip(t.span.text, 80))]
            for t in ordered]
    genre = (f"genre: {article.genre.label} ({article.genre.score:.2f})"
             if article.genre else "genre: —")
    return _table(f"How it persuades · {genre}", ["technique", "score", "span"], rows, len(rows))


SECTIONS: tuple[tuple[str, Callable[[Article], RenderableType]], ...] = (
    ("actors", _actors),
    ("quotes", _quotes),
    ("claims", _claims),
    ("events", _events),
    ("persuasion", _techniques),
)


def render(article: Article) -> RenderableType:
    """One article's report as a rich renderable."""
    parts: list[RenderableType] = [_header(article)]
    for family, section in SECTIONS:
        if _ran(article, family):
            parts.append(section(article))
    for f in article.failures:
        parts.append(Text(f"✗ {f.analyzer} failed: [{f.code}] {f.message}", style="red"))
    title = article.metadata.title or article.source
    return Panel(Group(*parts), title=f"[bold]{escape(_snip(title, 90))}[/]",
                 title_align="left")


def print_report(articles: Iterable[Article], console: Console | None = None) -> int:
    """Print each article's report; returns how many were printed."""
    console = console or Console()
    n = 0
    for article in articles:
        console.print(render(article))
        n += 1
    return n
