"""Red flags for the patient (a calm banner, the reasons, where to go) and for the
practitioner (badges, evidence, review with a note)."""

from __future__ import annotations

from datetime import timedelta

from app.services import accounts
from tests import factories
from tests.conftest import form, html, htmx_headers, sign_in
from tests.diary_helpers import add_cramp, tokyo

NOW = factories.NOW


def spreading_patient(session, passwords):
    patient = factories.make_patient(session, passwords)
    add_cramp(
        session, patient, tokyo(2026, 11, 23, 3), now=NOW, sites={"toes", "calf"}, foot="left"
    )
    return patient


def test_no_banner_without_a_flag(client, patient):
    sign_in(client, patient)
    assert html(client.get("/patient/")).select_one("#guidance-banner") is None
    assert html(client.get("/patient/guidance")).select_one("#no-flags")


def test_a_flag_shows_a_calm_banner_and_a_page_citing_the_entry(client, session, passwords):
    sign_in(client, spreading_patient(session, passwords))
    banner = html(client.get("/patient/", headers={"Accept-Language": "en"})).select_one(
        "#guidance-banner"
    )
    assert banner.select_one("a")["href"] == "/patient/guidance"
    page = html(client.get("/patient/guidance", headers={"Accept-Language": "en"}))
    flag = page.select_one("#flag-spreading")
    cramp = flag.select_one(".evidence__cramp").get_text(" ", strip=True)
    assert "Mon 23 Nov, 3:00" in cramp
    assert "Calf" in cramp
    where = page.select_one("#where-to-go").get_text(" ", strip=True)
    assert "Orthopaedics" in where
    assert "Neurology" in where
    assert "nerves" in where


def test_i_have_seen_a_doctor_rests_the_banner_for_30_days(client, session, passwords, clock):
    patient = spreading_patient(session, passwords)
    sign_in(client, patient)
    response = client.post(
        "/patient/guidance/seen-doctor", data=form(client), follow_redirects=False
    )
    assert response.headers["location"] == "/patient/guidance?seen=1"
    assert html(client.get("/patient/")).select_one("#guidance-banner") is None
    # A new kind of flag brings it back at once.
    add_cramp(session, patient, tokyo(2026, 11, 24, 14), now=NOW, symptoms={"numbness"})
    assert html(client.get("/patient/")).select_one("#guidance-banner") is not None


def test_the_banner_returns_after_30_days(client, session, passwords, clock):
    patient = spreading_patient(session, passwords)
    sign_in(client, patient)
    client.post("/patient/guidance/seen-doctor", data=form(client))
    clock.set(NOW + timedelta(days=20))
    add_cramp(session, patient, clock() - timedelta(hours=14), now=clock(), sites={"calf"})
    assert html(client.get("/patient/")).select_one("#guidance-banner") is None
    clock.set(NOW + timedelta(days=30))
    sign_in(client, patient)  # the session itself has expired by now
    assert html(client.get("/patient/")).select_one("#guidance-banner") is not None


def test_the_practitioner_sees_badges_evidence_and_marks_reviewed(
    client, session, passwords, practitioner, other_patient
):
    patient = spreading_patient(session, passwords)
    accounts.link_care(session, practitioner_id=practitioner.id, patient_id=patient.id, now=NOW)
    sign_in(client, practitioner)

    def row_flags():
        home = html(client.get("/practitioner", headers={"Accept-Language": "en"}))
        row = home.select_one(f"tr[data-patient='{patient.id}']")
        return [b.get_text(strip=True) for b in row.select("td .badge--danger")]

    assert row_flags() == ["Cramps beyond the toes"]
    page = html(client.get(f"/practitioner/patients/{patient.id}"))
    assert page.select_one("#patient-flags #flags-open")
    assert page.select_one("#pflag-spreading .evidence__cramp")
    assert page.select_one("#patient-intake")

    action = f"/practitioner/patients/{patient.id}/flags/review"
    too_long = "x" * 1001
    response = client.post(action, data=form(client, flag="spreading", note=too_long))
    assert response.status_code == 422
    assert html(response).select_one("#pflag-spreading textarea").get_text() == too_long
    response = client.post(
        action,
        data=form(client, flag="spreading", note="Referred to orthopaedics"),
        headers=htmx_headers(client),
    )
    assert response.status_code == 200
    fragment = html(response)
    assert fragment.select_one("#flags-open") is None
    assert "Referred to orthopaedics" in fragment.select_one("#pflag-spreading").get_text()
    assert row_flags() == []
    # New evidence reopens it.
    add_cramp(session, patient, tokyo(2026, 11, 24, 2), now=NOW, sites={"sole"})
    assert row_flags() == ["Cramps beyond the toes"]
    # Someone else's patient: not found, nothing stored.
    other = f"/practitioner/patients/{other_patient.id}/flags/review"
    assert client.post(other, data=form(client, flag="spreading")).status_code == 404
    assert client.get(f"/practitioner/patients/{other_patient.id}/flags").status_code == 404


def test_unknown_flag_is_a_translated_error(client, session, passwords, practitioner):
    patient = spreading_patient(session, passwords)
    accounts.link_care(session, practitioner_id=practitioner.id, patient_id=patient.id, now=NOW)
    sign_in(client, practitioner)
    response = client.post(
        f"/practitioner/patients/{patient.id}/flags/review", data=form(client, flag="made_up")
    )
    assert response.status_code == 422
