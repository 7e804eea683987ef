"""The patient's settings page: rhythm, time zone, language, optional routines."""

from __future__ import annotations

from sqlmodel import select

from app.models import PatientProfile, User
from tests.conftest import form, html, htmx_headers

GOOD = {
    "bedtime": "23:00",
    "wake_time": "07:00",
    "time_zone": "Asia/Tokyo",
    "locale": "ja",
    "optional": ["desk_break", "warm_feet"],
}


def post(client, **changes):
    fields = {**GOOD, **changes}
    return client.post("/patient/settings", data=form(client, **fields), follow_redirects=False)


def profile_of(session, patient) -> PatientProfile:
    found = session.exec(select(PatientProfile).where(PatientProfile.user_id == patient.id)).one()
    session.rollback()
    return found


def test_settings_page_shows_the_current_rhythm_and_routines(patient_client):
    response = patient_client.get("/patient/settings")
    assert response.status_code == 200
    page = html(response)
    assert page.select_one("#field-bedtime")["value"] == "23:00"
    assert page.select_one("#field-wake_time")["value"] == "07:00"
    assert page.select_one("#field-time_zone option[selected]")["value"] == "Asia/Tokyo"
    assert page.select_one("input[name=locale][value=ja]").has_attr("checked")
    checked = [i["value"] for i in page.select("input[name=optional][checked]")]
    assert checked == ["desk_break", "warm_feet"]
    offer = page.select_one("#zone-offer")
    assert offer.has_attr("hidden")
    assert "{zone}" in offer["data-template"]


def test_settings_fragment_is_the_form_block(patient_client):
    response = patient_client.get("/patient/settings", headers=htmx_headers(patient_client))
    assert "<html" not in response.text
    assert html(response).select_one("div#settings-form form[method=post]") is not None


def test_a_later_bedtime_moves_tonight_at_once(patient_client, session, patient):
    response = post(patient_client, bedtime="00:30", wake_time="08:00")
    assert response.status_code == 303
    assert response.headers["location"] == "/patient/settings?saved=1"
    saved = html(patient_client.get(response.headers["location"]))
    assert saved.select_one("[role=status]") is not None
    home = html(patient_client.get("/patient/"))
    assert home.select_one("#routine-toe-stretch time").get_text() == "0:15"


def test_switching_on_the_calf_stretch_adds_it_to_tonight(patient_client):
    post(patient_client, optional=["calf_stretch", "desk_break", "warm_feet"])
    home = html(patient_client.get("/patient/"))
    assert [li["id"] for li in home.select("#evening-list > li")][-1] == "routine-calf-stretch"


def test_choosing_english_switches_the_whole_app(patient_client, session, patient):
    post(patient_client, locale="en")
    session.expire_all()
    assert session.get(User, patient.id).locale == "en"
    session.rollback()
    assert html(patient_client.get("/patient/")).h1.get_text(strip=True) == "Tonight"


def test_unknown_time_zone_keeps_what_was_typed_and_saves_nothing(patient_client, session, patient):
    response = post(patient_client, time_zone="Mars/Olympus", bedtime="22:15")
    assert response.status_code == 422
    page = html(response)
    assert (
        page.select_one("#error-time_zone").get_text() == "一覧からタイムゾーンを選んでください。"
    )
    assert page.select_one("#field-bedtime")["value"] == "22:15"
    assert page.select_one("#field-time_zone option[selected]")["value"] == "Mars/Olympus"
    profile = profile_of(session, patient)
    assert (profile.time_zone, profile.bedtime.isoformat()) == ("Asia/Tokyo", "23:00:00")


def test_too_short_a_night_is_refused(patient_client, session, patient):
    response = post(patient_client, bedtime="23:00", wake_time="00:30")
    assert response.status_code == 422
    assert html(response).select_one("#error-wake_time") is not None
    assert profile_of(session, patient).wake_time.isoformat() == "07:00:00"


def test_unreadable_time_is_refused_with_a_hint(patient_client):
    response = post(patient_client, bedtime="late")
    assert response.status_code == 422
    assert (
        html(response).select_one("#error-bedtime").get_text()
        == "23:00 のような形式で時刻を入力してください。"
    )
