"""At 03:10 a cramp wakes the patient; in the morning they answer the check-in; the
diary files the cramp under the night before. A real phone-sized browser, both
clocks controlled."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from tests import factories
from tests.e2e.fixtures import ARTIFACTS, screenshot

pytestmark = pytest.mark.browser

TOKYO = ZoneInfo("Asia/Tokyo")
AT_3_10 = datetime(2026, 11, 25, 3, 10, tzinfo=TOKYO)
MORNING = datetime(2026, 11, 25, 7, 30, tzinfo=TOKYO)


def snapshot(page, name: str) -> None:
    """A screenshot that leaves the form untouched: Playwright's default caret hiding
    leaves style="" on inputs, which htmx's settle would copy into the next swap."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True, caret="initial")


def set_time(live_server, page, moment: datetime) -> None:
    live_server.clock.set(moment.astimezone(UTC))
    page.clock.set_system_time(moment)


def test_cramp_at_3am_checked_in_in_the_morning_shows_under_the_previous_night(live_server, phone):
    with live_server.session() as db:
        patient = factories.make_patient(
            db, live_server.app.state.passwords, now=live_server.clock(), name="佐藤 花子"
        )
    phone.clock.install(time=AT_3_10)
    set_time(live_server, phone, AT_3_10)

    phone.goto(f"{live_server.url}/login")
    phone.get_by_label("メールアドレス").fill(patient.email)
    phone.get_by_label("パスワード").fill(factories.PASSWORD)
    phone.get_by_role("button", name="ログイン").click()
    phone.wait_for_url(f"{live_server.url}/patient/")

    # 03:10 — no check-in yet, one big button.
    assert phone.locator("#morning-checkin").count() == 0
    cramp_now = phone.get_by_role("button", name="いま、つった")
    box = cramp_now.bounding_box()
    assert box["height"] >= 96
    assert box["width"] >= 300
    screenshot(phone, "diary-1-home-0310")
    cramp_now.click()

    # The sheet: first aid first, then the details.
    phone.wait_for_url("**/patient/diary/cramps/*?logged=1")
    assert phone.get_by_role("heading", name="足の指がつったときは").is_visible()
    assert "鋭い痛み" in phone.locator(".first-aid").inner_text()
    assert "3:10" in phone.locator(".logged-banner").inner_text()
    snapshot(phone, "diary-2-first-aid")

    phone.get_by_role("radio", name="左足").check()
    sites = phone.get_by_role("group", name="どこがつりましたか？（いくつでも）")
    sites.get_by_role("checkbox", name="足の指").check()
    sites.get_by_role("checkbox", name="足の裏").check()
    phone.get_by_role("group", name="痛みの強さは？").get_by_role(
        "radio", name="7", exact=True
    ).check()
    phone.get_by_role("button", name="記録を保存する").click()
    saved = phone.locator("#cramp-sheet .saved-banner")
    saved.wait_for()
    assert "保存しました" in saved.inner_text()
    assert phone.url.endswith("?logged=1")  # saved by htmx, no page load
    screenshot(phone, "diary-3-details-saved")

    # 07:30 — the morning check-in is on the home screen until answered.
    set_time(live_server, phone, MORNING)
    phone.goto(f"{live_server.url}/patient/")
    card = phone.locator("#morning-checkin")
    assert card.get_by_role("heading", name="昨夜はどうでしたか？").is_visible()
    # The 03:10 cramp is already known: "I had cramps" is open, with it filled in.
    assert "1回、つった記録があります" in card.locator(".checkin__logged").inner_text()
    assert card.get_by_label("何回つりましたか？（覚えていれば）").input_value() == "1"
    assert (
        card.get_by_role("group", name="いちばん強かったときの痛みは？")
        .get_by_role("radio", name="7", exact=True)
        .is_checked()
    )
    card.get_by_role("group", name="眠りはどのくらい妨げられましたか？").get_by_role(
        "radio", name="6", exact=True
    ).check()
    card.get_by_role("button", name="保存する").click()
    answer = phone.locator("#morning-checkin .checkin__answer")
    answer.wait_for()
    assert "つった夜でした" in answer.inner_text()
    screenshot(phone, "diary-4-checked-in")

    # The diary: the 03:10 cramp belongs to the night of the 24th.
    phone.get_by_role("navigation").get_by_role("link", name="つった記録").click()
    phone.wait_for_url("**/patient/diary")
    night = phone.locator('a.night[href="/patient/diary/nights/2026-11-24"]')
    assert "night--cramps" in night.get_attribute("class")
    assert night.locator(".night__mark").inner_text() == "1"
    assert "night--no_record" in phone.locator(
        'a.night[href="/patient/diary/nights/2026-11-23"]'
    ).get_attribute("class")
    night.click()
    detail = phone.locator("#night-detail h2")
    detail.wait_for()
    assert detail.inner_text() == "11月24日(火)の夜"
    entry = phone.locator("#night-detail .entry").first
    assert "3:10" in entry.inner_text()
    assert "左足 · 足の指 · 足の裏 · 強さ 7/10" in entry.inner_text()
    screenshot(phone, "diary-5-timeline")

    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone.js_errors == []
