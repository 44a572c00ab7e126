"""Server-rendered pages: Overview, Dyad, Article, Search, Speaker, Actors, Actor.

Templates live in ``templates/`` and are rendered with autoescaping on for every file, so
any value from the store is escaped unless it is :class:`markupsafe.Markup` built by
:mod:`.highlight` or :mod:`.charts` (which escape what they take in).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader

from .api import ACTOR, ARTICLE_ID, By, Limit, Offset, corpus_of, guarded
from .charts import CHANNELS, series_chart, sparkline
from .data import Page, snippet_html
from .errors import ApiError
from .highlight import KIND_SYMBOLS, KINDS, render_article

router = APIRouter(include_in_schema=False)

# A form sends empty fields ("since="): pages accept an empty value as "not given".
Day = Annotated[str | None, Query(pattern=r"^(\d{4}-\d{2}-\d{2})?$")]
Text = Annotated[str | None, Query(max_length=200)]
ActorFilter = Annotated[str | None, Query(pattern="^$|" + ACTOR)]

ENV = Environment(loader=PackageLoader("flashpoint.serve", "templates"), autoescape=True,
                  trim_blocks=True, lstrip_blocks=True)
ENV.globals.update(sparkline=sparkline, snippet_html=snippet_html, CHANNELS=CHANNELS,
                   KIND_SYMBOLS=KIND_SYMBOLS, KINDS=KINDS, urlencode=urlencode)
ENV.filters["web_url"] = lambda url: web_url(url)
ENV.filters["fmt"] = lambda v: f"{v:.3g}" if isinstance(v, (int, float)) else ("–" if v is None
                                                                                 else v)


def web_url(url: object) -> str | None:
    """``url`` when it is an http(s) URL, else None: a stored URL becomes a link only then
    (never ``javascript:``, ``data:`` or a relative path)."""
    if isinstance(url, str) and url[:8].lower().startswith(("http://", "https://")) \
            and not any(c in url for c in "\r\n\t\x00 \"'<>`"):
        return url
    return None


def page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """The template ``name`` rendered with ``context``."""
    return HTMLResponse(ENV.get_template(name).render(**context), status_code=status)


@router.get("/", response_class=HTMLResponse)
def overview_page(request: Request, by: By = "week") -> HTMLResponse:
    data = guarded(corpus_of(request).overview, by=by)
    return page("overview.html", title="Overview", data=data, by=by)


@router.get("/dyad", response_class=HTMLResponse)
def dyad_page(request: Request, a: Annotated[str, Query(pattern=ACTOR)],
              b: Annotated[str, Query(pattern=ACTOR)], by: By = "week", since: Day = None,
              until: Day = None, directed: bool = False,
              period: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$")] = None,
              channel: Annotated[str | None, Query(
                  pattern="^(action|rhetoric|speculation|cooperation)$")] = None,
              offset: Offset = 0) -> HTMLResponse:
    corpus = corpus_of(request)
    since, until = since or None, until or None
    data = guarded(corpus.dyad, a, b, by=by, since=since, until=until, directed=directed)
    keep = {"a": a, "b": b, "by": by, "since": since, "until": until,
            "directed": "true" if directed else None}
    base = "/dyad?" + urlencode({k: v for k, v in keep.items() if v})
    chart = series_chart(data["series"], href=base + "&period={period}#evidence",
                         selected=period)
    evidence = None
    if period:
        evidence = guarded(corpus.evidence, a, b, period=period, by=by, channel=channel,
                           directed=directed, limit=50, offset=offset)
    return page("dyad.html", title=f"{a} – {b}", data=data, chart=chart, a=a, b=b, by=by,
                period=period, channel=channel, evidence=evidence, base=base,
                since=since, until=until, directed=directed)


@router.get("/article/{article_id}", response_class=HTMLResponse)
def article_page(request: Request,
                 article_id: Annotated[str, Path(pattern=ARTICLE_ID)]) -> HTMLResponse:
    corpus = corpus_of(request)
    row = guarded(corpus.article_row, article_id)
    article = guarded(corpus.article, article_id)
    return page("article.html", title=row.get("title") or article_id, row=row, article=article,
                body=render_article(article), siblings=corpus.siblings(article_id,
                                                                       row["cluster_id"]))


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, q: Annotated[str | None, Query(max_length=500)] = None,
                outlet: Text = None, actor: ActorFilter = None,
                since: Day = None, until: Day = None, limit: Limit = 20,
                offset: Offset = 0) -> HTMLResponse:
    corpus = corpus_of(request)
    form = {"q": q or "", "outlet": outlet or "", "actor": actor or "", "since": since or "",
            "until": until or ""}
    try:
        results = guarded(corpus.search, q=q or None, outlet=outlet or None,
                          actor=actor or None, since=since or None, until=until or None,
                          limit=limit, offset=offset)
    except ApiError as exc:
        if exc.status != 422:
            raise
        # a mistyped query: show the form again with what is wrong, not an error page
        return page("search.html", status=422, title="Search", form=form, error=exc.message,
                    results=Page([], limit, offset, None), more=None,
                    outlets=corpus.outlets(200))
    more = None
    if results.next_offset is not None:
        more = "/search?" + urlencode({**{k: v for k, v in form.items() if v},
                                       "offset": results.next_offset})
    return page("search.html", title="Search", form=form, results=results, more=more,
                outlets=corpus.outlets(200))


@router.get("/speaker", response_class=HTMLResponse)
def speaker_page(request: Request, key: Annotated[str, Query(min_length=1, max_length=200)],
                 offset: Offset = 0) -> HTMLResponse:
    data = guarded(corpus_of(request).speaker, key, limit=50, offset=offset)
    return page("speaker.html", title=data["speaker"]["name"], data=data, key=key)


@router.get("/actors", response_class=HTMLResponse)
def actors_page(request: Request, kind: Annotated[str | None, Query(pattern="^[a-z]{1,20}$")]
                = None, offset: Offset = 0) -> HTMLResponse:
    results = guarded(corpus_of(request).actors, kind=kind, limit=50, offset=offset)
    return page("actors.html", title="Actors", results=results, kind=kind)


@router.get("/actor", response_class=HTMLResponse)
def actor_page(request: Request, id: Annotated[str, Query(pattern=ACTOR)]) -> HTMLResponse:
    data = guarded(corpus_of(request).actor, id)
    return page("actor.html", title=data["actor"]["name"], data=data)
