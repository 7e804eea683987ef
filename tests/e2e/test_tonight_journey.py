"""A patient's evening on a phone: the toe-stretch timer, the tick, two glasses of water."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.e2e.fixtures import screenshot
from tests.e2e.test_sign_in_journey import sign_in_in_browser

pytestmark = pytest.mark.browser

EVENING = datetime(2026, 11, 24, 13, 30, tzinfo=UTC)  # 22:30 in Tokyo, bedtime 23:00


def test_patient_runs_the_toe_stretch_timer_and_logs_two_glasses(live_server, phone):
    live_server.clock.set(EVENING)
    phone.clock.install(time=EVENING)
    with live_server.session() as db:
        patient = factories.make_patient(
            db, live_server.app.state.passwords, now=live_server.clock(), name="佐藤 花子"
        )
    sign_in_in_browser(phone, live_server.url, patient.email)
    phone.wait_for_url(f"{live_server.url}/patient/")

    expect(phone.get_by_role("heading", level=1)).to_have_text("今夜")
    expect(phone.locator(".callout")).to_contain_text("寝る前の1杯の時間です")
    screenshot(phone, "tonight-home-2230-390x844")

    phone.get_by_role("link", name="スタート：寝る前の足指ストレッチ").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("寝る前の足指ストレッチ")
    timer = phone.locator("#timer")
    expect(timer).to_be_visible()
    expect(timer.locator("[data-role=label]")).to_have_text("準備")

    phone.clock.pause_at(EVENING.replace(minute=31))
    timer.get_by_role("button", name="スタート").click()
    phone.clock.run_for(4_000)  # 3 s to get ready, then the first hold
    expect(timer.locator("[data-role=label]")).to_have_text("キープ")
    expect(timer.locator("[data-role=detail]")).to_have_text("3セット中 1セット目")
    expect(timer.locator("[aria-live=polite]")).to_contain_text("キープ")
    screenshot(phone, "toe-stretch-timer-hold-390x844")

    # Pausing stops the count however long the phone lies there.
    timer.get_by_role("button", name="一時停止").click()
    shown = timer.locator("[data-role=count]").inner_text()
    phone.clock.run_for(60_000)
    expect(timer.locator("[data-role=count]")).to_have_text(shown)
    timer.get_by_role("button", name="再開").click()

    # Run to the end: 38 s in all. Finishing records the sets and goes home.
    phone.clock.run_for(40_000)
    phone.clock.resume()
    phone.wait_for_url(f"{live_server.url}/patient/")
    stretch = phone.locator("#routine-toe-stretch")
    expect(stretch).to_have_class("routine routine--done")
    expect(stretch.locator(".routine__done")).to_contain_text("3セット")

    add = phone.get_by_role("button", name="＋1杯")
    add.click()
    expect(phone.locator(".water__count strong")).to_have_text("6杯中 1杯")
    add.click()
    expect(phone.locator(".water__count strong")).to_have_text("6杯中 2杯")
    # The swaps kept focus on the button (same id), so a third tap would need no hunting.
    expect(phone.locator("#add-glass")).to_be_focused()

    phone.reload()
    expect(phone.locator(".water__count strong")).to_have_text("6杯中 2杯")
    expect(phone.locator(".glass--full")).to_have_count(2)
    expect(phone.locator("#routine-toe-stretch .routine__done")).to_contain_text("3セット")

    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "tonight-home-after-stretch-and-water-390x844")
    assert phone.js_errors == []


def test_stopping_the_stretch_early_records_only_the_sets_done(live_server, phone):
    live_server.clock.set(EVENING)
    phone.clock.install(time=EVENING)
    with live_server.session() as db:
        patient = factories.make_patient(
            db, live_server.app.state.passwords, now=live_server.clock()
        )
    sign_in_in_browser(phone, live_server.url, patient.email)
    phone.wait_for_url(f"{live_server.url}/patient/")
    phone.get_by_role("link", name="スタート：寝る前の足指ストレッチ").click()

    timer = phone.locator("#timer")
    phone.clock.pause_at(EVENING.replace(minute=31))
    timer.get_by_role("button", name="スタート").click()
    # Ready 3 s + hold 5 + rest 10 + hold 5 = 23 s: two sets done, the third begun.
    phone.clock.run_for(35_000)
    expect(timer.locator("[data-role=detail]")).to_have_text("3セット中 3セット目")

    # Leaving and coming back does not lose the place.
    phone.reload()
    expect(timer.locator("[data-role=detail]")).to_have_text("3セット中 3セット目")
    expect(timer.get_by_role("button", name="ここで終えて、できた分を記録")).to_be_visible()

    timer.get_by_role("button", name="ここで終えて、できた分を記録").click()
    phone.clock.resume()
    phone.wait_for_url(f"{live_server.url}/patient/")
    expect(phone.locator("#routine-toe-stretch .routine__done")).to_contain_text("3セット中2セット")
    assert phone.js_errors == []


def test_walk_guide_counts_paced_grip_opens_and_records_minutes_and_reps(live_server, phone):
    afternoon = EVENING.replace(hour=6)  # 15:30 in Tokyo
    live_server.clock.set(afternoon)
    phone.clock.install(time=afternoon)
    with live_server.session() as db:
        patient = factories.make_patient(
            db, live_server.app.state.passwords, now=live_server.clock()
        )
    sign_in_in_browser(phone, live_server.url, patient.email)
    phone.wait_for_url(f"{live_server.url}/patient/")
    phone.get_by_role("link", name="スタート：ウォーキングと足指グーパー").click()

    timer = phone.locator("#timer")
    expect(timer.locator("[data-role=count]")).to_have_text("10:00")
    phone.clock.pause_at(afternoon.replace(minute=31))
    timer.get_by_role("button", name="スタート").click()
    phone.clock.run_for(600_000 + 8_500)  # the walk, then four reps and into the fifth
    expect(timer.locator("[data-role=label]")).to_have_text("グー")
    expect(timer.locator("[data-role=detail]")).to_have_text("30回中 5回目")
    screenshot(phone, "walk-grip-open-counter-390x844")

    phone.clock.run_for(60_000)
    phone.clock.resume()
    phone.wait_for_url(f"{live_server.url}/patient/")
    walk = phone.locator("#routine-walk")
    expect(walk.locator(".routine__done")).to_contain_text("10分・グーパー30回")
    expect(walk).to_contain_text("今週 1日（目標 2〜3日）")
    assert phone.js_errors == []
