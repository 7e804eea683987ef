"""Reading the diary back: month calendar, a night, the entry list, 12 months, insights."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.conftest import html
from tests.diary_helpers import add_checkin, add_cramp, tokyo

FRAGMENT = {"HX-Request": "true"}


@pytest.fixture
def history(session, patient, clock):
    add_cramp(
        session,
        patient,
        tokyo(2026, 11, 25, 3, 10),
        severity=7,
        foot="left",
        sites=frozenset({"toes", "sole"}),
    )
    add_cramp(session, patient, tokyo(2026, 11, 22, 15, 0), situation="after_standing")
    add_checkin(session, patient, date(2026, 11, 21), answered_at=tokyo(2026, 11, 22, 7, 0))
    clock.set(tokyo(2026, 11, 25, 8, 0))


def cell(page, day: str):
    return page.select_one(f'a.night[href="/patient/diary/nights/{day}"]')


def test_calendar_shows_the_3am_cramp_under_the_previous_night(patient_client, history):
    page = html(patient_client.get("/patient/diary"))
    night = cell(page, "2026-11-24")
    assert "night--cramps" in night["class"]
    assert night.select_one(".night__mark").get_text(strip=True) == "1"
    assert "night--no_record" in cell(page, "2026-11-23")["class"]
    assert "night--cramp_free" in cell(page, "2026-11-21")["class"]
    assert cell(page, "2026-11-22").select_one(".night__sun")
    assert "night--upcoming" in cell(page, "2026-11-26")["class"]
    # Every cell says in words what its marks say, for screen readers.
    assert "記録のない夜" in cell(page, "2026-11-23").get_text()


def test_calendar_month_navigation_is_a_fragment_for_htmx(patient_client, history):
    full = html(patient_client.get("/patient/diary?month=2026-10"))
    assert full.find("html")
    assert full.select_one("#diary-calendar")
    response = patient_client.get("/patient/diary?month=2026-10", headers=FRAGMENT)
    part = html(response)
    assert part.find("html") is None
    assert part.select_one("section#diary-calendar h2").get_text(strip=True) == "2026年10月"
    nxt = part.select_one('a.calendar__step[href="/patient/diary?month=2026-11"]')
    assert nxt["hx-target"] == "#diary-calendar"
    assert "HX-Request" in response.headers["Vary"]


def test_calendar_does_not_page_into_the_future(patient_client, history):
    page = html(patient_client.get("/patient/diary?month=2030-01"))
    assert page.select_one("#calendar-title").get_text(strip=True) == "2026年11月"
    assert page.select_one('a.calendar__step[href$="2026-12"]') is None


def test_a_night_as_page_and_as_fragment(patient_client, history):
    url = "/patient/diary/nights/2026-11-24"
    full = html(patient_client.get(url))
    assert full.find("html")
    assert full.select_one("main #night-detail")
    part = html(patient_client.get(url, headers=FRAGMENT))
    assert part.find("html") is None
    detail = part.select_one("section#night-detail")
    assert "つった回数：1" in detail.get_text()
    assert detail.select_one('a[href^="/patient/diary/cramps/"]')
    assert detail.select_one(".evening-routines, .muted")  # the evening's routines, or why not


def test_a_night_without_a_record_says_so_and_is_not_called_cramp_free(patient_client, history):
    text = html(patient_client.get("/patient/diary/nights/2026-11-23")).get_text()
    assert "この夜の記録はありません" in text
    assert "つらなかった夜です" not in text


def test_entries_load_page_by_page(patient_client, session, patient, clock):
    start = tokyo(2026, 11, 25, 3, 0)
    for n in range(25):
        add_cramp(session, patient, start - timedelta(hours=7 * n), now=start)
    clock.set(start)
    page = html(patient_client.get("/patient/diary"))
    items = page.select("#entry-list > li.entry")
    assert len(items) == 20
    more = page.select_one("#entry-list > li.entry-more a")
    assert more["hx-target"] == "closest li"
    assert more["hx-swap"] == "outerHTML"
    response = patient_client.get(more["href"], headers=FRAGMENT)
    rest = html(response)
    assert len(rest.select("li.entry")) == 5
    assert rest.select_one("li.entry-more") is None
    assert rest.find("ul") is None  # list items only, to replace the "more" item
    full = html(patient_client.get(more["href"]))
    assert full.select_one("main ul#entry-list li.entry")


def test_entry_list_labels_night_and_daytime_cramps(patient_client, history):
    badges = [
        b.get_text(strip=True)
        for b in html(patient_client.get("/patient/diary")).select("#entry-list .badge")
    ]
    assert badges == ["11月24日(火)の夜", "日中"]


def test_year_overview_counts_recorded_and_unrecorded_nights_apart(patient_client, history):
    page = html(patient_client.get("/patient/diary/year"))
    months = page.select("li.year__month")
    assert len(months) == 12
    november = months[0]
    assert november.select_one("a")["href"] == "/patient/diary?month=2026-11"
    numbers = [dd.get_text(strip=True) for dd in november.select("dd")]
    assert numbers == ["1", "1", "22", "1"]  # cramps, cramp-free, no record, daytime days
    assert november.select_one("meter")["max"] == "2"


def test_insights_show_their_numbers_and_say_not_enough_data(patient_client, history):
    page = html(patient_client.get("/patient/diary/insights"))
    text = page.get_text()
    assert "記録した2夜のうち1夜でつった（50%）" in text
    assert "記録のない夜 5" in text
    routine = page.select_one("#routine-title").find_parent("section").get_text()
    assert "比べられるだけの記録がまだありません" in routine
    assert "立ち仕事のあと" in page.select_one("#situation-title").find_parent("section").get_text()
    assert "原因" in text  # says plainly that these are not causes


def test_diary_pages_need_a_patient(practitioner_client):
    assert practitioner_client.get("/patient/diary").status_code == 403
