"""The web server: ``create_app(db_path)`` builds the FastAPI application.

Pages (server-rendered, Jinja2 with autoescaping) and a JSON API under ``/api/`` over the
same functions (:mod:`flashpoint.serve.data`), so a page never shows a number that the API
does not give. Read-only: only GET and HEAD reach a route (:mod:`.middleware`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import ServeError
from .api import router as api_router
from .data import Corpus
from .errors import ApiError, on_api_error, on_http_error, on_unexpected, on_validation_error
from .middleware import LimitsMiddleware
from .pages import router as pages_router

STATIC_DIR = Path(__file__).with_name("static")


def create_app(db_path: str | Path, *, warm: bool = True) -> FastAPI:
    """The application serving the store at ``db_path`` (opened read-only, per thread).

    The file must exist: a missing database is an error at start, not at the first request.
    ``warm`` computes the overview's whole-corpus figures in the background at start.
    """
    path = Path(db_path)
    if not path.is_file():
        raise ServeError(f"{path}: no such database (create it with `flashpoint ingest`)")
    corpus = Corpus(path)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if warm:
            corpus.warm()
        yield
        corpus.close()

    app = FastAPI(
        title="flashpoint",
        summary="Read-only JSON API over a flashpoint store and its tension index.",
        version=_version(),
        docs_url=None, redoc_url=None,  # their pages load scripts from a CDN: never
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
    )
    app.state.corpus = corpus
    app.add_exception_handler(ApiError, on_api_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(Exception, on_unexpected)
    app.include_router(api_router)
    app.include_router(pages_router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(LimitsMiddleware)
    return app


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("flashpoint")
    except PackageNotFoundError:
        return "0"
