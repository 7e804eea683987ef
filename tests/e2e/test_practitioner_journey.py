"""A practitioner invites a patient at the desk; the patient opens the link on their
phone, sets a password and logs a cramp; the practitioner's dashboard shows it."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from tests import factories
from tests.e2e.fixtures import screenshot

pytestmark = pytest.mark.browser

TOKYO = ZoneInfo("Asia/Tokyo")
# Before dawn: the cramp belongs to the night that has just ended its sleep hours.
AT_4_30 = datetime(2026, 11, 25, 4, 30, tzinfo=TOKYO)
DESK = {"width": 1280, "height": 800}


@pytest.fixture
def desk(browser):
    context = browser.new_context(viewport=DESK, locale="ja-JP", timezone_id="Asia/Tokyo")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.js_errors = errors
    yield page
    context.close()


def test_invite_scan_sign_up_log_a_cramp_and_see_it_on_the_dashboard(live_server, desk, phone):
    live_server.clock.set(AT_4_30.astimezone(UTC))
    phone.clock.install(time=AT_4_30)
    with live_server.session() as db:
        practitioner = factories.make_practitioner(
            db, live_server.app.state.passwords, now=live_server.clock(), name="木村 亮"
        )

    # At the desk: sign in and create the invitation.
    desk.goto(f"{live_server.url}/login")
    desk.get_by_label("メールアドレス").fill(practitioner.email)
    desk.get_by_label("パスワード").fill(factories.PASSWORD)
    desk.get_by_role("button", name="ログイン").click()
    desk.wait_for_url(f"{live_server.url}/practitioner")
    desk.get_by_role("link", name="患者さんを招待").click()
    desk.get_by_label("患者さんのお名前").fill("山田 花子")
    desk.get_by_role("button", name="招待を作成").click()
    assert desk.locator("svg.qr").is_visible()
    link = desk.locator("#one-time-url").input_value()
    assert "/welcome/" in link

    # On the patient's phone: open the link, choose a password, log a cramp.
    phone.goto(link)
    assert "山田 花子" in phone.get_by_role("heading", level=1).inner_text()
    phone.get_by_label("メールアドレス").fill("hanako@example.test")
    phone.get_by_label("パスワード", exact=True).fill(factories.PASSWORD)
    phone.get_by_label("パスワード（確認）").fill(factories.PASSWORD)
    phone.get_by_role("button", name="ツラナイをはじめる").click()
    # Consent, then the questionnaire, come first for every patient (issue 10).
    phone.wait_for_url(f"{live_server.url}/patient/consent?required=1")
    phone.locator("#field-agree").check()
    phone.locator("#give-consent").click()
    phone.wait_for_url(f"{live_server.url}/patient/intake")
    for name, value in (
        ("situations", "asleep"),
        ("frequency_unit", "week"),
        ("side", "left"),
        ("sites", "toes"),
        ("age_band", "50s"),
        ("daily_life", "not_at_all"),
    ):
        phone.locator(f"label.chip:has(input[name={name}][value='{value}'])").click()
    phone.locator("#field-frequency_count").fill("1")
    phone.locator("#save-intake").click()
    phone.wait_for_url(f"{live_server.url}/patient/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.get_by_role("button", name="いま、つった").click()
    phone.wait_for_url("**/patient/diary/cramps/*?logged=1")
    assert phone.js_errors == []

    # Back at the desk: the new patient is on the dashboard with that night's cramp.
    desk.goto(f"{live_server.url}/practitioner")
    row = desk.locator("table.caseload tbody tr", has_text="山田 花子")
    assert row.count() == 1
    cramp_cell = row.locator("td").nth(3)
    assert cramp_cell.inner_text().strip().startswith("1 / 0")
    screenshot(desk, "practitioner-dashboard-1280x800")
    row.get_by_role("link", name="山田 花子").click()
    desk.wait_for_url("**/practitioner/patients/*")
    assert desk.get_by_role("heading", level=1).inner_text() == "山田 花子"
    assert desk.locator("#patient-calendar .night--cramps").count() >= 1
    screenshot(desk, "practitioner-patient-1280x800")
    assert desk.js_errors == []
