"""What a phone downloads for the home screen: the first visit, and a repeat visit once
the service worker holds the app shell.

Used by ``make audit`` (scripts/audit.py, against the demo clinic) and by
tests/e2e/test_audit_weight.py (in ``make test``). Sizes are what crossed the wire:
headers plus the body as sent (gzip where the server compressed it), from
Chromium's own accounting (Playwright's ``request.sizes()``).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

FIRST_VISIT_LIMIT = 60 * 1024
PHONE = {"width": 390, "height": 844}


@dataclass
class Fetch:
    url: str
    bytes: int
    by_worker: bool  # fetched by the service worker (its install, or a network-first page)


@dataclass
class Visit:
    fetches: list[Fetch] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(f.bytes for f in self.fetches)

    def urls(self) -> list[str]:
        return sorted({f.url for f in self.fetches})


@dataclass
class Weight:
    first: Visit  # the page and everything it loads, before the worker is installed
    install: Visit  # what the worker fetches to cache the app shell
    repeat: Visit  # opening the home screen again, the worker in control


class _Recorder:
    def __init__(self, context) -> None:
        self.visit = Visit()
        self._lock = threading.Lock()
        self.last = time.monotonic()
        context.on("request", self._started)
        context.on("requestfinished", self._finished)
        context.on("requestfailed", self._started)

    def _started(self, request) -> None:
        self.last = time.monotonic()

    def _finished(self, request) -> None:
        self.last = time.monotonic()
        response = request.response()
        if response is None or response.from_service_worker:
            return  # answered from the worker's cache: nothing crossed the wire
        sizes = request.sizes()
        size = sizes["responseHeadersSize"] + max(sizes["responseBodySize"], 0)
        with self._lock:
            self.visit.fetches.append(
                Fetch(request.url, size, by_worker=request.service_worker is not None)
            )

    def settle(self, page, quiet: float = 1.5, timeout: float = 60.0) -> None:
        """Until nothing has been requested or answered for ``quiet`` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() - self.last < quiet:
            if time.monotonic() > deadline:
                raise AssertionError("the network never went quiet")
            page.wait_for_timeout(200)

    def take(self) -> Visit:
        with self._lock:
            taken, self.visit = self.visit, Visit()
        return taken


def _eventually(page, expression: str, timeout: float = 60.0) -> None:
    # Polled with evaluate: wait_for_function evaluates a string, which the CSP refuses.
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"never true: {expression}")
        threading.Event().wait(0.1)


def measure(browser, base_url: str, cookies: dict[str, str], path: str = "/patient/") -> Weight:
    """Open ``path`` twice in a fresh phone-sized context signed in with ``cookies``."""
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="ja-JP", timezone_id="Asia/Tokyo"
    )
    context.add_cookies([{"name": k, "value": v, "url": base_url} for k, v in cookies.items()])
    recorder = _Recorder(context)
    page = context.new_page()
    try:
        # The page and what it loads; the worker registers after the load event.
        page.goto(base_url + path, wait_until="load")
        _eventually(page, "navigator.serviceWorker.getRegistration().then(r => !!r)")
        first = Visit([f for f in recorder.take().fetches if not f.by_worker])
        # The worker caches the shell while installing; wait until it is in control
        # and has nothing left to fetch. (Page fetches after load count as first visit.)
        _eventually(page, "navigator.serviceWorker.controller !== null")
        recorder.settle(page)
        taken = recorder.take().fetches
        first.fetches += [f for f in taken if not f.by_worker]
        install = Visit([f for f in taken if f.by_worker])
        # Opening the app again later: a new tab, the worker in control.
        page.close()
        page = context.new_page()
        page.goto(base_url + path, wait_until="load")
        recorder.settle(page)
        repeat = recorder.take()
    finally:
        context.close()
    return Weight(first=first, install=install, repeat=repeat)


def html_only(visit: Visit, base_url: str, path: str = "/patient/") -> bool:
    return visit.urls() == [base_url + path]
