"""One error shape for the whole server: ``{"error": {"code": ..., "message": ...}}``.

API paths (``/api/...``) answer JSON in that shape; page paths answer a small HTML page
with the same code and message. Codes are stable strings, listed in docs/web.md.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from markupsafe import escape
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

STATUS_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "request_too_large",
    414: "uri_too_long",
    422: "invalid_parameter",
    431: "headers_too_large",
    500: "internal_error",
    503: "unavailable",
}


class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorResponse(BaseModel):
    """The body of every error answer."""

    error: ErrorBody


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse, "description": code.replace("_", " ")}
    for status, code in STATUS_CODES.items() if status in (404, 405, 413, 414, 422, 431, 500, 503)
}
"""Documented on every API route (replaces FastAPI's own 422 body in the OpenAPI)."""


class ApiError(Exception):
    """Raised by a route: answered with ``status`` and the error shape."""

    def __init__(self, status: int, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code or STATUS_CODES.get(status, "error")
        self.message = message


def error_payload(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def error_response(request: Request | None, status: int, code: str, message: str,
                   headers: dict[str, str] | None = None) -> Response:
    """The error as JSON under ``/api/`` (or when JSON is asked for), else as a small page."""
    path = request.url.path if request is not None else "/api/"
    if path.startswith("/api/") or path == "/api":
        return JSONResponse(error_payload(code, message), status_code=status, headers=headers)
    body = (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{status} {escape(code)}</title><link rel=\"stylesheet\" "
            f"href=\"/static/style.css\"></head><body><main><h1>{status}: "
            f"{escape(code.replace('_', ' '))}</h1><p class=\"error-message\">{escape(message)}"
            f"</p><p><a href=\"/\">Overview</a></p></main></body></html>")
    return HTMLResponse(body, status_code=status, headers=headers)


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "path"))
        parts.append(f"{where or 'request'}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


async def on_api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return error_response(request, exc.status, exc.code, exc.message)


async def on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code = STATUS_CODES.get(exc.status_code, "error")
    message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
    if exc.status_code == 404 and message == "Not Found":
        message = f"no such page: {request.url.path[:200]}"
    return error_response(request, exc.status_code, code, message,
                          headers=dict(exc.headers) if exc.headers else None)


async def on_validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    return error_response(request, 422, "invalid_parameter", _validation_message(exc))


async def on_unexpected(request: Request, exc: Exception) -> Response:
    return error_response(request, 500, "internal_error",
                          f"the server failed on this request ({type(exc).__name__})")
