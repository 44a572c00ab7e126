"""ASGI middleware: request limits and security headers on every answer.

The server is read-only, so a request never needs a body: anything that declares or sends
more than :data:`MAX_BODY` bytes is refused with 413, a URL longer than :data:`MAX_URL`
with 414, and a method other than GET/HEAD with 405, before any route runs.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from .errors import error_payload

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_BODY = 16 * 1024
"""Largest request body accepted (bytes). No route reads a body; this bounds what is read."""
MAX_URL = 4096
"""Longest path plus query string accepted (bytes)."""
MAX_HEADERS = 16 * 1024
"""Largest total size of the request headers accepted (bytes)."""
ALLOWED_METHODS = frozenset({"GET", "HEAD"})

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
"""No inline script, no inline style, nothing from another origin: a second wall behind
the escaping (which alone makes hostile text inert, see tests/browser)."""

SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class LimitsMiddleware:
    """Refuses oversized or writing requests; adds :data:`SECURITY_HEADERS` to answers."""

    def __init__(self, app: ASGIApp, *, max_body: int = MAX_BODY, max_url: int = MAX_URL) -> None:
        self.app = app
        self.max_body = max_body
        self.max_url = max_url

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self._refusal(scope)
        if refusal is not None:
            await _send_error(scope, send, *refusal)
            return

        head = scope.get("method") == "HEAD"
        if head:  # answered as GET without the body (routes are declared for GET only)
            scope = {**scope, "method": "GET"}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + SECURITY_HEADERS
            elif head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _refusal(self, scope: Scope) -> tuple[int, str, str, list[tuple[bytes, bytes]]] | None:
        method = scope.get("method", "GET")
        if method not in ALLOWED_METHODS:
            return (405, "method_not_allowed",
                    f"{method} is not allowed: this server is read-only (GET and HEAD only)",
                    [(b"allow", b"GET, HEAD")])
        url_len = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
        if url_len > self.max_url:
            return (414, "uri_too_long", f"the URL has {url_len} bytes; the limit is "
                    f"{self.max_url}", [])
        headers = scope.get("headers", [])
        size = sum(len(name) + len(value) + 4 for name, value in headers)
        if size > MAX_HEADERS:
            return (431, "headers_too_large", f"the request headers have {size} bytes; the "
                    f"limit is {MAX_HEADERS}", [])
        for name, value in headers:
            if name == b"content-length":
                try:
                    size = int(value)
                except ValueError:
                    return (400, "bad_request", "content-length is not a number", [])
                if size > self.max_body:
                    return (413, "request_too_large", f"the request body has {size} bytes; "
                            f"the limit is {self.max_body}", [])
        return None


async def _send_error(scope: Scope, send: Send, status: int, code: str, message: str,
                      extra: list[tuple[bytes, bytes]]) -> None:
    path = str(scope.get("path", ""))
    if path.startswith("/api"):
        body = json.dumps(error_payload(code, message)).encode()
        ctype = b"application/json"
    else:
        body = f"{status} {code}: {message}\n".encode()
        ctype = b"text/plain; charset=utf-8"
    headers = [(b"content-type", ctype), (b"content-length", str(len(body)).encode()),
               *extra, *SECURITY_HEADERS]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body",
                "body": b"" if scope.get("method") == "HEAD" else body})
