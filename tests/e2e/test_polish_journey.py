"""Patient polish on a 390 px phone: real touch targets, night mode, coming up."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.e2e.fixtures import screenshot
from tests.e2e.test_sign_in_journey import sign_in_in_browser

pytestmark = pytest.mark.browser

THREE_AM = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)  # 03:00 in Tokyo
BEFORE_BATH = datetime(2026, 11, 24, 10, 10, tzinfo=UTC)  # 19:10


def _patient(live_server):
    with live_server.session() as db:
        return factories.make_patient(
            db, live_server.app.state.passwords, now=live_server.clock(), name="佐藤 花子"
        )


def test_small_links_are_44px_touch_targets(live_server, phone):
    live_server.clock.set(BEFORE_BATH)
    patient = _patient(live_server)
    sign_in_in_browser(phone, live_server.url, patient.email)
    phone.wait_for_url(f"{live_server.url}/patient/")
    for name in ("少し前につった", "つった記録"):
        box = phone.get_by_role("link", name=name, exact=True).first.bounding_box()
        assert box["height"] >= 44, name
        assert box["width"] >= 44, name
    # Coming up: the foot bath in 20 minutes, at the top of tonight's list.
    expect(phone.locator("#due-soon")).to_contain_text("夕方の足湯")
    phone.goto(f"{live_server.url}/patient/settings")
    box = phone.get_by_role("link", name="今夜のケアに戻る").bounding_box()
    assert box["height"] >= 44
    assert phone.js_errors == []


def test_three_in_the_morning_is_dim(live_server, phone):
    live_server.clock.set(THREE_AM)
    patient = _patient(live_server)
    sign_in_in_browser(phone, live_server.url, patient.email)
    phone.wait_for_url(f"{live_server.url}/patient/")
    assert phone.evaluate("document.documentElement.dataset.theme") == "night"
    background = phone.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(11, 13, 16)"
    screenshot(phone, "night-mode-0300-390x844")
