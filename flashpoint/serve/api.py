"""The JSON API under ``/api/``: every page's data, read-only, paginated, one error shape.

Lists take ``limit`` (1 to :data:`~.data.MAX_LIMIT`) and ``offset`` (0 to
:data:`~.data.MAX_OFFSET`) and answer ``{"items", "limit", "offset", "next_offset"}``;
the tension index answers exactly what ``flashpoint dyad/dyads/evidence/alerts --format json``
print. Errors: ``{"error": {"code", "message"}}`` with 404, 422, 413, 414, 405 or 500.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from pydantic import AfterValidator

from ..errors import (
    ArticleNotStored,
    BadStoreQuery,
    FlashpointError,
    IndexNotBuilt,
    StoreError,
)
from .data import MAX_LIMIT, MAX_OFFSET, Corpus, NotFound
from .errors import ERROR_RESPONSES, ApiError

router = APIRouter(prefix="/api", tags=["api"], responses=ERROR_RESPONSES)

DAY = r"^\d{4}-\d{2}-\d{2}$"
ACTOR = r"^[A-Za-z0-9][A-Za-z0-9:_./-]{0,99}$"
ARTICLE_ID = r"^[0-9a-f]{16}$"

def check_day(value: str | None) -> str | None:
    """``value`` when it is a real calendar day (the pattern alone lets 2026-02-31 in)."""
    if value is not None:
        dt.date.fromisoformat(value)  # ValueError -> 422 invalid_parameter
    return value


DayText = Annotated[str, Query(pattern=DAY, json_schema_extra={"format": "date"},
                               description="a day, YYYY-MM-DD"), AfterValidator(check_day)]
Day = Annotated[str | None, Query(pattern=DAY, json_schema_extra={"format": "date"},
                                  description="a day, YYYY-MM-DD"), AfterValidator(check_day)]
ActorId = Annotated[str, Query(pattern=ACTOR, description="actor id, e.g. RUS or igo:nato")]
By = Annotated[str, Query(pattern="^(day|week|month)$", description="period length")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]
Text = Annotated[str | None, Query(max_length=200)]


def corpus_of(request: Request) -> Corpus:
    corpus: Corpus = request.app.state.corpus
    return corpus


def guarded(func: Any, *args: Any, **kwargs: Any) -> Any:
    """``func(...)`` with the data layer's errors turned into API errors."""
    try:
        return func(*args, **kwargs)
    except (NotFound, ArticleNotStored) as exc:
        raise ApiError(404, _message(exc)) from None
    except BadStoreQuery as exc:
        raise ApiError(422, _message(exc), "invalid_query") from None
    except IndexNotBuilt as exc:
        raise ApiError(503, _message(exc), "index_not_built") from None
    except StoreError as exc:  # busy, corrupt, ...: the store, not the request
        raise ApiError(503, _message(exc)) from None
    except FlashpointError as exc:  # the index's invalid dyad/period/date, ...
        raise ApiError(422, _message(exc)) from None


def _message(exc: Exception) -> str:
    message = exc.message if isinstance(exc, FlashpointError) else str(exc)
    code = getattr(exc, "code", None)
    return f"[{code}] {message}" if code else message


@router.get("/overview", summary="Corpus size, dates, outlets, rising pairs, latest alerts")
def overview(request: Request, by: By = "week") -> dict[str, Any]:
    corpus = corpus_of(request)
    result: dict[str, Any] = guarded(corpus.overview, by=by)
    return result


@router.get("/dyads", summary="Pairs whose tension rose most in the latest period")
def dyads(request: Request, by: By = "week", top: Annotated[int, Query(ge=1, le=100)] = 20,
          since: Day = None, until: Day = None) -> Any:
    return guarded(corpus_of(request).dyads, by=by, top=top, since=since, until=until)


@router.get("/dyad", summary="One pair's series: four channels, tension, alerts")
def dyad(request: Request, a: ActorId, b: ActorId, by: By = "week", since: Day = None,
         until: Day = None, directed: bool = False) -> Any:
    return guarded(corpus_of(request).dyad, a, b, by=by, since=since, until=until,
                   directed=directed)


@router.get("/evidence", summary="The events behind one point of a pair's series")
def evidence(request: Request, a: ActorId, b: ActorId,
             period: DayText, by: By = "week",
             channel: Annotated[str | None, Query(
                 pattern="^(action|rhetoric|speculation|cooperation)$")] = None,
             directed: bool = False, limit: Limit = 50, offset: Offset = 0) -> Any:
    return guarded(corpus_of(request).evidence, a, b, period=period, by=by,
                   channel=channel,
                   directed=directed, limit=limit, offset=offset)


@router.get("/alerts", summary="Every alert, newest first")
def alerts(request: Request, since: Day = None, limit: Limit = 50,
           offset: Offset = 0) -> Any:
    return guarded(corpus_of(request).alerts, since=since, limit=limit, offset=offset)


@router.get("/articles", summary="Full-text search (FTS5 syntax) with filters, or the newest")
def articles(request: Request, q: Annotated[str | None, Query(max_length=500)] = None,
             outlet: Text = None, actor: Annotated[str | None, Query(pattern=ACTOR)] = None,
             since: Day = None, until: Day = None, limit: Limit = 20,
             offset: Offset = 0) -> dict[str, Any]:
    page = guarded(corpus_of(request).search, q=q, outlet=outlet, actor=actor,
                   since=since, until=until, limit=limit, offset=offset)
    result: dict[str, Any] = page.to_json()
    return result


@router.get("/articles/{article_id}", summary="One stored article: analysis, provenance, "
            "near-duplicates")
def article(request: Request,
            article_id: Annotated[str, Path(pattern=ARTICLE_ID)]) -> dict[str, Any]:
    result: dict[str, Any] = guarded(corpus_of(request).article_json, article_id)
    return result


@router.get("/speaker", summary="Everything one speaker said (actor id or name)")
def speaker(request: Request, key: Annotated[str, Query(min_length=1, max_length=200)],
            limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    result: dict[str, Any] = guarded(corpus_of(request).speaker, key, limit=limit,
                                     offset=offset)
    return result


@router.get("/actors", summary="Actors by the number of articles that mention them")
def actors(request: Request, kind: Annotated[str | None, Query(pattern="^[a-z]{1,20}$")] = None,
           limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    page = guarded(corpus_of(request).actors, kind=kind, limit=limit, offset=offset)
    result: dict[str, Any] = page.to_json()
    return result


@router.get("/actor", summary="One actor: members, mentions by month, pairs")
def actor(request: Request, id: ActorId) -> dict[str, Any]:
    result: dict[str, Any] = guarded(corpus_of(request).actor, id)
    return result
