"""Consent and the intake questionnaire: stored as given, refused as typed when wrong."""

from __future__ import annotations

from datetime import time

from sqlalchemy import func, select

from app.models import ConsentRecord, Intake
from app.services import accounts, consent
from tests import factories
from tests.conftest import form, html, sign_in

INTAKE = {
    **factories.QUIET_INTAKE,
    "bedtime": "22:15",
    "wake_time": "06:05",
}


def count(session, model, patient_id):
    n = session.execute(
        select(func.count()).select_from(model).where(model.patient_id == patient_id)
    ).scalar_one()
    session.commit()
    return n


def new_patient(session, passwords, client, **kwargs):
    patient = factories.make_patient(session, passwords, **kwargs)
    sign_in(client, patient)
    return patient


def test_consent_needs_the_unticked_box_ticked(client, session, passwords):
    patient = new_patient(session, passwords, client, consented=False)
    page = html(client.get("/patient/consent"))
    assert not page.select_one("input[name=agree]").has_attr("checked")
    assert page.select_one(".consent-text")
    response = client.post("/patient/consent", data=form(client))
    assert response.status_code == 422
    assert html(response).select_one("#error-agree")
    assert count(session, ConsentRecord, patient.id) == 0


def test_consent_stores_version_time_and_language_then_asks_the_questionnaire(
    client, session, passwords, clock
):
    patient = new_patient(session, passwords, client, consented=False)
    response = client.post(
        "/patient/consent",
        data=form(client, agree="yes"),
        headers={"Accept-Language": "en"},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/patient/intake"
    record = session.exec(
        select(ConsentRecord).where(ConsentRecord.patient_id == patient.id)
    ).one()[0]
    assert (record.version, record.agreed_at, record.withdrawn_at) == (
        consent.VERSION,
        clock(),
        None,
    )
    session.commit()


def test_the_questionnaire_sets_the_profile_and_opens_the_app(client, session, passwords):
    patient = new_patient(session, passwords, client, answered_intake=False)
    response = client.post(
        "/patient/intake",
        data=form(client, **INTAKE, history=["diabetes", "kidney"], medicines="shakuyaku_kanzoto"),
        follow_redirects=False,
    )
    assert response.headers["location"] == "/patient/"
    session.expire_all()
    row = session.exec(select(Intake).where(Intake.patient_id == patient.id)).one()[0]
    assert row.history == ["diabetes", "kidney"]
    assert row.medicines == ["shakuyaku_kanzoto"]
    profile = accounts.profile_of(session, patient=patient)
    assert (profile.bedtime, profile.wake_time) == (time(22, 15), time(6, 5))
    session.commit()
    assert client.get("/patient/", follow_redirects=False).status_code == 200


def test_answers_can_be_changed_later(client, session, passwords):
    patient = new_patient(session, passwords, client)
    page = html(client.get("/patient/intake"))
    assert page.select_one("input[name=situations][value=asleep]").has_attr("checked")
    response = client.post(
        "/patient/intake",
        data=form(client, **{**INTAKE, "daily_life": "a_lot"}),
        follow_redirects=False,
    )
    assert response.headers["location"] == "/patient/intake?saved=1"
    assert html(client.get(response.headers["location"])).select_one("#intake-saved")
    assert count(session, Intake, patient.id) == 1


def test_unknown_options_and_over_long_text_are_refused_and_kept(client, session, passwords):
    patient = new_patient(session, passwords, client, answered_intake=False)
    long_text = "あ" * 201
    response = client.post(
        "/patient/intake",
        data=form(
            client,
            **{**INTAKE, "sites": ["toes", "elbow"], "age_band": "teen"},
            history_other=long_text,
        ),
        headers={"Accept-Language": "ja"},
    )
    assert response.status_code == 422
    page = html(response)
    assert page.select_one("#intake-error")
    assert (
        page.select_one("#error-sites").get_text(strip=True)
        == "表示されている中から選んでください。"
    )
    assert page.select_one("#error-age_band")
    assert "200" in page.select_one("#error-history_other").get_text()
    assert page.select_one("input[name=history_other]")["value"] == long_text
    assert page.select_one("input[name=situations][value=asleep]").has_attr("checked")
    assert page.select_one("#field-bedtime")["value"] == "22:15"
    assert count(session, Intake, patient.id) == 0


def test_missing_required_answers_are_named(client, session, passwords):
    new_patient(session, passwords, client, answered_intake=False)
    response = client.post("/patient/intake", data=form(client, bedtime="23:00", wake_time="7:00"))
    assert response.status_code == 422
    page = html(response)
    for name in ("situations", "frequency_count", "side", "sites", "age_band", "daily_life"):
        assert page.select_one(f"#error-{name}"), name


def test_withdrawing_stops_collection_and_offers_export_and_deletion(client, session, passwords):
    patient = new_patient(session, passwords, client)
    page = html(client.get("/patient/my-data"))
    assert page.select_one("#withdraw-consent")
    response = client.post("/patient/consent/withdraw", data=form(client), follow_redirects=False)
    assert response.headers["location"] == "/patient/consent"
    page = html(client.get("/patient/consent"))
    withdrawn = page.select_one("#consent-withdrawn")
    links = {a["href"] for a in withdrawn.select("a")}
    assert {"/patient/my-data/export.zip", "/patient/my-data/delete"} <= links
    assert (
        client.get("/patient/", follow_redirects=False)
        .headers["location"]
        .startswith("/patient/consent")
    )
    # Agreeing again resumes, with a new record beside the withdrawn one.
    client.post("/patient/consent", data=form(client, agree="yes"))
    assert client.get("/patient/", follow_redirects=False).status_code == 200
    assert count(session, ConsentRecord, patient.id) == 2


def test_privacy_and_about_pages_are_public_and_linked_from_footer_and_settings(
    client, session, passwords
):
    for path in ("/privacy", "/about"):
        assert client.get(path).status_code == 200
    footer = {a["href"] for a in html(client.get("/login")).select("footer a")}
    assert {"/privacy", "/about"} <= footer
    new_patient(session, passwords, client)
    links = {a["href"] for a in html(client.get("/patient/settings")).select("#settings-privacy a")}
    assert {"/privacy", "/about", "/patient/my-data", "/patient/intake"} <= links
    assert "診断" in html(client.get("/about", headers={"Accept-Language": "ja"})).get_text()


def test_the_consent_time_is_shown_on_the_patient_s_clock(client, session, passwords):
    new_patient(session, passwords, client)
    text = html(client.get("/patient/my-data", headers={"Accept-Language": "en"})).select_one(
        "#consent-status"
    )
    # The factory's clock: 13:00 UTC is 22:00 in Tokyo.
    assert "Nov 24, 2026, 10:00:00\u202fPM" in text.get_text()
