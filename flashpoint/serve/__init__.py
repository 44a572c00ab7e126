"""The web UI and JSON API over a store and its tension index (``flashpoint serve``).

Library first::

    from flashpoint.serve import create_app
    app = create_app("flashpoint.db")      # a FastAPI app: pages, /api/..., /static/...

:func:`run` serves it with uvicorn on localhost. Importing this package loads no NLP
model; FastAPI, Jinja2 and uvicorn are imported here, the store when a request needs it.
What each page and endpoint shows, and the safety rules: ``docs/web.md``.
"""

from __future__ import annotations

import errno
import socket
from collections.abc import Callable
from pathlib import Path

from ..errors import ServeError
from .app import create_app

__all__ = ["create_app", "run"]

LOOPBACK = ("127.0.0.1", "::1", "localhost")


def run(db_path: str | Path, *, host: str = "127.0.0.1", port: int = 8000,
        echo: Callable[[str], None] = print) -> None:
    """Serve the store at ``db_path`` on ``host:port`` until interrupted.

    Raises :class:`~flashpoint.errors.ServeError` when there is no database or the port is
    taken. Binding anywhere but the loopback is allowed (``--host 0.0.0.0``) with a warning:
    the server has no authentication, and everything it serves is readable by whoever
    reaches it.
    """
    import uvicorn

    app = create_app(db_path)
    _check_port(host, port)
    if host not in LOOPBACK:
        echo(f"warning: listening on {host}: anyone who can reach this address can read the "
             "corpus (there is no login)")
    shown = f"[{host}]" if ":" in host else host
    echo(f"serving {db_path} at http://{shown}:{port}/ (Ctrl-C to stop)")
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False,
                h11_max_incomplete_event_size=16 * 1024)


def _check_port(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            why = "is already in use" if exc.errno == errno.EADDRINUSE else f"fails: {exc}"
            raise ServeError(f"{host}:{port} {why}; pick another --port") from None
