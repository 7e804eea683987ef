"""The morning check-in: one tap for a good night, and an honest "I had cramps"."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from app.models import MorningCheckIn
from tests.conftest import form, html, htmx_headers
from tests.diary_helpers import add_checkin, add_cramp, tokyo

NIGHT = date(2026, 11, 24)


@pytest.fixture
def morning(clock):
    clock.set(tokyo(2026, 11, 25, 7, 30))
    return clock


def answers(session) -> list[MorningCheckIn]:
    session.expire_all()
    rows = list(session.exec(select(MorningCheckIn)).all())
    session.commit()
    return rows


def test_the_check_in_asks_about_last_night_in_the_morning(patient_client, morning):
    card = html(patient_client.get("/patient/diary/checkin")).select_one("#morning-checkin")
    assert card.select_one("h2").get_text(strip=True) == "昨夜はどうでしたか？"
    assert card.select_one("input[name=evening]")["value"] == "2026-11-24"
    button = card.select_one("button[name=answer][value=no_cramps]")
    assert button.find_parent("form")["method"] == "post"


def test_a_cramp_logged_in_the_night_fills_in_i_had_cramps(
    patient_client, session, patient, morning
):
    add_cramp(session, patient, tokyo(2026, 11, 25, 3, 10), severity=7)
    add_cramp(session, patient, tokyo(2026, 11, 24, 14, 0), severity=9)  # daytime: not counted
    card = html(patient_client.get("/patient/diary/checkin")).select_one("#morning-checkin")
    assert "1回" in card.select_one(".checkin__logged").get_text()
    assert card.select_one("details.checkin__cramps").has_attr("open")
    assert card.select_one("input[name=cramp_count]")["value"] == "1"
    assert card.select_one("input[name=worst_severity][value='7']").has_attr("checked")
    assert "button--quiet" in card.select_one("button[value=no_cramps]")["class"]


def test_there_is_no_check_in_at_3am(patient_client, clock):
    clock.set(tokyo(2026, 11, 25, 3, 10))
    page = html(patient_client.get("/patient/diary/checkin"))
    assert page.select_one("#morning-checkin") is None


def test_no_cramps_in_one_tap_without_javascript(patient_client, session, morning):
    response = patient_client.post(
        "/patient/diary/checkin",
        data=form(patient_client, evening="2026-11-24", answer="no_cramps", next="/patient/"),
        follow_redirects=False,
    )
    assert (response.status_code, response.headers["location"]) == (303, "/patient/")
    [row] = answers(session)
    assert (row.night_of, row.had_cramps) == (NIGHT, False)


def test_no_cramps_under_htmx_swaps_in_the_answered_card(patient_client, session, morning):
    response = patient_client.post(
        "/patient/diary/checkin",
        data=form(patient_client, evening="2026-11-24", answer="no_cramps"),
        headers=htmx_headers(patient_client),
    )
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    root = html(response)
    assert root.find("html") is None
    assert root.select_one("section#morning-checkin .checkin__answer")
    assert "つらなかった" in root.select_one(".checkin__answer").get_text()


def test_i_had_cramps_with_count_worst_and_sleep(patient_client, session, morning):
    patient_client.post(
        "/patient/diary/checkin",
        data=form(
            patient_client,
            evening="2026-11-24",
            answer="cramps",
            cramp_count="2",
            worst_severity="7",
            sleep_disturbance="6",
        ),
    )
    [row] = answers(session)
    assert (row.had_cramps, row.cramp_count, row.worst_severity, row.sleep_disturbance) == (
        True,
        2,
        7,
        6,
    )


def test_the_answer_can_be_changed_the_same_day(patient_client, session, patient, clock):
    add_checkin(session, patient, NIGHT, answered_at=tokyo(2026, 11, 25, 7, 30))
    clock.set(tokyo(2026, 11, 25, 21, 0))
    page = html(patient_client.get("/patient/diary/checkin"))
    assert page.select_one("#morning-checkin .checkin__change form")
    patient_client.post(
        "/patient/diary/checkin",
        data=form(patient_client, evening="2026-11-24", answer="cramps", cramp_count="1"),
    )
    [row] = answers(session)
    assert (row.had_cramps, row.cramp_count) == (True, 1)


def test_an_answer_for_a_closed_night_is_refused_and_nothing_is_stored(
    patient_client, session, morning
):
    response = patient_client.post(
        "/patient/diary/checkin",
        data=form(patient_client, evening="2026-11-20", answer="no_cramps"),
        headers=htmx_headers(patient_client),
    )
    assert response.status_code == 422
    assert html(response).select_one("#morning-checkin #error-answer").get_text(strip=True)
    assert answers(session) == []


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"answer": "cramps", "worst_severity": "11"}, "worst_severity"),
        ({"answer": "cramps", "cramp_count": "0"}, "cramp_count"),
        ({"answer": "maybe"}, "answer"),
        ({"answer": "cramps", "sleep_disturbance": "99"}, "sleep_disturbance"),
    ],
)
def test_bad_check_in_input_is_422_keeps_the_typed_values_and_stores_nothing(
    patient_client, session, morning, fields, error
):
    response = patient_client.post(
        "/patient/diary/checkin",
        data=form(patient_client, evening="2026-11-24", **fields),
        headers=htmx_headers(patient_client),
    )
    assert response.status_code == 422
    root = html(response)
    assert root.select_one(f"#error-{error}").get_text(strip=True)
    if "worst_severity" in fields:
        assert root.select_one("details.checkin__cramps").has_attr("open")
    assert answers(session) == []


def test_the_next_address_cannot_leave_the_site(patient_client, morning):
    response = patient_client.post(
        "/patient/diary/checkin",
        data=form(
            patient_client, evening="2026-11-24", answer="no_cramps", next="https://evil.example/"
        ),
        follow_redirects=False,
    )
    assert response.headers["location"] == "/patient/diary/checkin"
