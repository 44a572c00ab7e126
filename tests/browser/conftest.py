"""Browser tests: a real server on 127.0.0.1 and Debian's Chromium driven by Playwright.

Never ``playwright install`` (it downloads a browser): the tests drive ``/usr/bin/chromium``
(``make chromium`` installs it where it can) and skip, with a notice in the summary, where
it is absent. Screenshots of each page go to ``build/screenshots/`` (``$FLASHPOINT_SCREENSHOTS``
overrides).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.browser.corpus import Built, build_store

CHROMIUM = os.environ.get("FLASHPOINT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
HERE = Path(__file__).resolve().parent
SKIP_REASON = (f"browser tests skipped: no Chromium at {CHROMIUM} (install it with `make chromium`"
               " or `apt-get install -y --no-install-recommends chromium`)")
ROOT = HERE.parent.parent


def chromium_missing() -> bool:
    return not os.access(CHROMIUM, os.X_OK)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not chromium_missing():
        return
    skip = pytest.mark.skip(reason=SKIP_REASON)
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if chromium_missing():
        terminalreporter.write_line(SKIP_REASON, yellow=True, bold=True)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright's launch options, pointed at the system Chromium."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS,
            "headless": True}


@dataclass(frozen=True)
class Site:
    url: str
    built: Built


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The test store served by uvicorn in a thread, as `flashpoint serve` would."""
    import uvicorn

    from flashpoint.serve import create_app

    built = build_store(tmp_path_factory.mktemp("browser") / "corpus.db")
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(built.path), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield Site(f"http://127.0.0.1:{port}", built)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def shots() -> Path:
    """Where screenshots are saved."""
    folder = Path(os.environ.get("FLASHPOINT_SCREENSHOTS", ROOT / "build" / "screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder
