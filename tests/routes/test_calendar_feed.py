"""The secret calendar feed: recurring routine events with alarms, at local times."""

from __future__ import annotations

from datetime import time, timedelta

from icalendar import Calendar

from tests import factories
from tests.conftest import form, html, sign_in


def _make_feed(client) -> str:
    response = client.post("/patient/settings/calendar", data=form(client), follow_redirects=False)
    assert response.status_code == 303
    page = html(client.get(response.headers["location"]))
    assert "カレンダー用のアドレスを用意しました" in page.select_one(".alert--ok").get_text()
    url = page.select_one("#calendar-url")["value"]
    webcal = page.find("a", string="カレンダーに追加")["href"]
    assert webcal.startswith("webcal://")
    assert webcal.removeprefix("webcal://") == url.split("://", 1)[1]
    return url.split("://", 1)[1].split("/", 1)[1]


def _events(calendar: Calendar) -> dict[str, object]:
    return {str(e["summary"]): e for e in calendar.walk("VEVENT")}


def test_feed_has_the_plans_routines_at_local_times_with_alarms(patient_client, client):
    path = "/" + _make_feed(patient_client)
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["x-wr-timezone"]) == "Asia/Tokyo"
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Tokyo"]
    events = _events(calendar)
    # The default patient goes to bed at 23:00 (factories), Tokyo time.
    stretch = events["寝る前の足指ストレッチ"]
    start = stretch["dtstart"].dt
    assert str(start.tzinfo) == "Asia/Tokyo"
    assert start.time() == time(22, 45)
    assert stretch["rrule"]["FREQ"] == ["DAILY"]
    alarm = stretch.walk("VALARM")[0]
    assert alarm["trigger"].dt == timedelta(0)
    assert str(alarm["action"]) == "DISPLAY"
    assert events["夕方の足湯"]["dtstart"].dt.time() == time(19, 30)
    # The desk break is for work days only.
    desk = events["座り仕事・立ち仕事の合間の足ほぐし"]
    assert desk["rrule"]["FREQ"] == ["WEEKLY"]
    assert desk["rrule"]["BYDAY"] == ["MO", "TU", "WE", "TH", "FR"]
    # Water: three reminders over the waking day, each its own daily event.
    water = [e for e in calendar.walk("VEVENT") if str(e["uid"]).startswith("water-")]
    assert sorted(e["dtstart"].dt.time() for e in water) == [time(11), time(15), time(19)]


def test_feed_follows_the_patients_zone(session, passwords, client):
    traveller = factories.make_patient(
        session,
        passwords,
        time_zone="America/New_York",
        bedtime=time(22, 30),
        wake_time=time(6, 30),
    )
    sign_in(client, traveller)
    path = "/" + _make_feed(client)
    client.cookies.clear()
    calendar = Calendar.from_ical(client.get(path).content)
    stretch = _events(calendar)["寝る前の足指ストレッチ"]
    assert str(stretch["dtstart"].dt.tzinfo) == "America/New_York"
    assert stretch["dtstart"].dt.time() == time(22, 15)
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["America/New_York"]


def test_replacing_the_address_revokes_the_old_one(patient_client, client):
    old = "/" + _make_feed(patient_client)
    new = "/" + _make_feed(patient_client)
    assert old != new
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_unknown_token_is_404(client):
    assert client.get("/calendar/not-a-token.ics").status_code == 404


def test_token_is_long_and_random(patient_client):
    token = _make_feed(patient_client).rsplit("/", 1)[1].removesuffix(".ics")
    assert len(token) >= 40
