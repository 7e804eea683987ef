"""A patient abroad accepts the phone's time zone; a night owl moves bedtime."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.e2e.fixtures import PHONE, screenshot
from tests.e2e.test_sign_in_journey import sign_in_in_browser

pytestmark = pytest.mark.browser

# 22:00 in Tokyo, 13:00 in London.
NOW = datetime(2026, 11, 24, 13, 0, tzinfo=UTC)


@pytest.fixture
def phone_in_london(browser):
    context = browser.new_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="en-GB",
        timezone_id="Europe/London",
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.js_errors = errors
    yield page
    context.close()


def test_patient_abroad_is_offered_the_phones_zone_and_confirms_it(live_server, phone_in_london):
    page = phone_in_london
    live_server.clock.set(NOW)
    with live_server.session() as db:
        patient = factories.make_patient(
            db, live_server.app.state.passwords, now=live_server.clock(), locale="en"
        )
    page.goto(f"{live_server.url}/login")
    page.get_by_label("E-mail address").fill(patient.email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tonight")

    page.get_by_role("link", name="Bedtime, time zone and routines").click()
    offer = page.locator("#zone-offer")
    expect(offer).to_be_visible()
    expect(offer).to_contain_text("Your phone is set to Europe/London. Use that time zone?")
    # Nothing changes until the patient accepts and saves.
    expect(page.get_by_label("Time zone", exact=True)).to_have_value("Asia/Tokyo")
    page.get_by_role("button", name="Use my phone's time zone").click()
    expect(page.get_by_label("Time zone", exact=True)).to_have_value("Europe/London")
    expect(offer).to_be_hidden()
    screenshot(page, "settings-zone-offer-390x844")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("status")).to_contain_text("Saved")

    page.get_by_role("link", name="Back to tonight").click()
    # 13:00 in London: the day, not yet the evening; times are London's.
    expect(page.get_by_role("heading", level=1)).to_have_text("Today")
    expect(page.locator("#routine-toe-stretch time")).to_have_text("10:45 PM")
    expect(page.locator("#routine-toe-stretch time")).to_have_attribute(
        "datetime", "2026-11-24T22:45:00+00:00"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "today-in-london-en-390x844")
    assert page.js_errors == []


def test_night_owl_moves_bedtime_and_tonight_follows(live_server, phone):
    live_server.clock.set(NOW)
    with live_server.session() as db:
        patient = factories.make_patient(
            db, live_server.app.state.passwords, now=live_server.clock()
        )
    sign_in_in_browser(phone, live_server.url, patient.email)
    phone.goto(f"{live_server.url}/patient/settings")
    expect(phone.locator("#zone-offer")).to_be_hidden()  # the phone is in Tokyo already
    phone.get_by_label("寝る時間").fill("01:00")
    phone.get_by_label("起きる時間").fill("08:30")
    phone.get_by_label("ふくらはぎのストレッチ").check()
    phone.get_by_role("button", name="設定を保存").click()
    expect(phone.get_by_role("status")).to_contain_text("保存しました")
    screenshot(phone, "settings-saved-390x844")
    phone.get_by_role("link", name="今夜のケアに戻る").click()
    expect(phone.locator("#routine-toe-stretch time")).to_have_text("0:45")
    expect(phone.locator("#evening-list > li").last).to_have_id("routine-calf-stretch")
    assert phone.js_errors == []
