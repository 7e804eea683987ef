"""The installed app on a phone: the service worker takes control, the home screen
opens with no signal, and signing out leaves no page behind."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.e2e.test_sign_in_journey import sign_in_in_browser

pytestmark = pytest.mark.browser

EVENING = datetime(2026, 11, 24, 13, 30, tzinfo=UTC)  # 22:30 in Tokyo


def _eventually(page, expression: str, timeout: float = 40.0) -> None:
    # page.wait_for_function evaluates strings, which the strict CSP refuses; poll
    # with page.evaluate instead (Event.wait: the suite also runs under faketime).
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        state = page.evaluate(
            "navigator.serviceWorker.getRegistration().then(r => r && [r.installing?.state,"
            " r.waiting?.state, r.active?.state])"
        )
        assert time.monotonic() < deadline, f"never true: {expression}; worker: {state}"
        threading.Event().wait(0.1)


def _controlled(page) -> None:
    _eventually(page, "navigator.serviceWorker.controller !== null")


def _page_caches(page) -> list[str]:
    return page.evaluate(
        """async () => {
            const names = await caches.keys();
            const found = [];
            for (const name of names) {
                const cache = await caches.open(name);
                for (const request of await cache.keys()) {
                    if (new URL(request.url).pathname.startsWith('/patient/')) found.push(name);
                }
            }
            return found;
        }"""
    )


def test_service_worker_controls_the_page_and_home_opens_offline(live_server, phone):
    live_server.clock.set(EVENING)
    with live_server.session() as db:
        patient = factories.make_patient(
            db, live_server.app.state.passwords, now=live_server.clock(), name="佐藤 花子"
        )
    sign_in_in_browser(phone, live_server.url, patient.email)
    phone.wait_for_url(f"{live_server.url}/patient/")
    _controlled(phone)
    scope = phone.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope == f"{live_server.url}/"

    # Loaded once under the worker's control, the home screen is kept for offline use.
    phone.reload()
    expect(phone.get_by_role("heading", level=1)).to_have_text("今夜")
    phone.context.set_offline(True)
    phone.goto(f"{live_server.url}/patient/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("今夜")
    # Opened from the home-screen shortcut, it is still the home screen.
    phone.goto(f"{live_server.url}/patient/?from=shortcut")
    expect(phone.get_by_role("heading", level=1)).to_have_text("今夜")
    # A page never opened falls back to the offline page.
    phone.goto(f"{live_server.url}/patient/diary/cramps/new")
    expect(phone.get_by_role("heading", level=1)).to_have_text("インターネットにつながっていません")
    phone.context.set_offline(False)
    assert [e for e in phone.js_errors if "ERR_INTERNET_DISCONNECTED" not in e] == []


def test_signing_out_clears_every_cached_page(live_server, phone):
    live_server.clock.set(EVENING)
    with live_server.session() as db:
        patient = factories.make_patient(
            db, live_server.app.state.passwords, now=live_server.clock()
        )
    sign_in_in_browser(phone, live_server.url, patient.email)
    phone.wait_for_url(f"{live_server.url}/patient/")
    _controlled(phone)
    phone.reload()
    _eventually(phone, "caches.keys().then(names => names.includes('tsuranai-pages'))")
    assert _page_caches(phone)

    phone.goto(f"{live_server.url}/account")
    phone.locator("form[action='/logout'] button").click()
    phone.wait_for_url(f"{live_server.url}/login")
    assert _page_caches(phone) == []
    phone.context.set_offline(True)
    phone.goto(f"{live_server.url}/patient/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("インターネットにつながっていません")
    phone.context.set_offline(False)
