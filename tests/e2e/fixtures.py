"""Browser journeys: the real app served by uvicorn, driven in Debian's Chromium.

``TSURANAI_REQUIRE_BROWSER=1`` (set by CI) turns a missing browser into a failure
instead of a skip, so a green run always means the journeys ran.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn

from app.cli import KEEP_ALIVE_S
from app.clock import TravellingClock
from app.db import write_session
from app.main import create_app

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def chromium_path() -> str | None:
    explicit = os.environ.get("TSURANAI_CHROMIUM")
    if explicit:
        return explicit
    return next((p for p in CHROMIUM_CANDIDATES if Path(p).exists()), None)


def _missing(reason: str) -> None:
    if os.environ.get("TSURANAI_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests are required but cannot run: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if executable is None:
        _missing("Chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright is not installed (pip install -e '.[dev]')")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@dataclass
class LiveServer:
    url: str
    app: object
    clock: TravellingClock

    def session(self):
        return write_session(self.app.state.engine)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving_in_thread(settings, clock: TravellingClock) -> Iterator[LiveServer]:
    """The app on ``settings`` served by uvicorn in a thread of this process, with the
    keep-alive ``tsuranai serve`` uses."""
    application = create_app(settings, clock=clock)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            application,
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="on",
            timeout_keep_alive=KEEP_ALIVE_S,
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    # Event.wait rather than time.sleep: under faketime (the suite is run at shifted
    # dates to prove nothing reads the wall clock) sleep's absolute-time syscall fails.
    pause = threading.Event()
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("live server did not start")
        pause.wait(0.02)
    try:
        yield LiveServer(url=f"http://127.0.0.1:{port}", app=application, clock=clock)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        application.state.engine.dispose()


@pytest.fixture
def live_server(tmp_path, migrated_template) -> Iterator[LiveServer]:
    from tests.conftest import settings_for

    path = tmp_path / "live.db"
    shutil.copyfile(migrated_template, path)
    with serving_in_thread(settings_for(f"sqlite:///{path}"), TravellingClock()) as server:
        yield server


@pytest.fixture
def phone(browser):
    """A fresh phone-sized browser context (no cookies shared between tests)."""
    context = browser.new_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="ja-JP",
        timezone_id="Asia/Tokyo",
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.js_errors = errors
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    """Save the page for people to look at, and check it for axe-core's serious and
    critical violations in the light and the dark scheme (issue 12): the states a
    journey stops to photograph are the ones a link crawl cannot reach."""
    from tests.e2e.accessibility import violations_in_both_schemes

    # axe waits on timers, which never fire under a journey's installed page.clock
    # (paused at will); those pages are the crawl's (tests/e2e/test_crawl.py) to check.
    if page.evaluate("String(setTimeout).includes('[native code]')"):
        problems = violations_in_both_schemes(page)
        assert problems == [], f"axe on {page.url} ({name}):\n" + "\n".join(problems)
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    # caret="initial": Playwright's caret hiding leaves style="" on inputs, which an
    # htmx settle would carry into the page and the CSP would then report.
    page.screenshot(path=str(path), full_page=True, caret="initial")
    return path
