"""No health data is stored before consent, by any form or API route (issue 10).

The test walks the app's own route table, so a route added later is covered: every
unsafe /patient or /api/v1 route, asked by a patient who has not consented (or has
withdrawn), stores nothing and answers with the consent step (pages) or a 403 that
names the missing consent (API).
"""

from __future__ import annotations

import re
import uuid

import pytest
from fastapi.routing import iter_route_contexts
from sqlalchemy import func, or_, select

from app.services import consent, rights
from tests import factories
from tests.conftest import csrf_token, form, html, htmx_headers, sign_in

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
# Reachable without consent on purpose: giving or withdrawing consent, erasing the
# account, and the questionnaire (its service refuses without consent; tested below).
OPEN = {
    "onboarding.give_consent",
    "onboarding.withdraw_consent",
    "onboarding.save_intake",
    "rights.delete",
}
OPEN_PAGES = {
    "onboarding.consent",
    "onboarding.intake",
    "rights.page",
    "rights.export",
    "rights.confirm_delete",
}

# Plausible health data for the routes that exist today; a new route gets these too
# (unknown fields are ignored), and the gate must refuse it before reading them.
FORM_FIELDS = {
    "client_id": str(uuid.uuid4()),
    "day": "2026-11-24",
    "answer": "cramps",
    "cramp_count": "2",
    "worst_severity": "6",
    "sleep_disturbance": "8",
    "foot": "left",
    "sites": "calf",
    "severity": "7",
    "when": "now",
    "bedtime": "22:30",
    "wake_time": "06:30",
    "time_zone": "Asia/Tokyo",
    "locale": "ja",
    "sets": "3",
    "glasses": "1",
    "note": "woke me up",
}


def json_body():
    return {
        "client_id": str(uuid.uuid4()),
        "occurred_at": "2026-11-24T12:30:00+00:00",
        "night_of": "2026-11-23",
        "answer": "cramps",
        "cramp_count": 1,
        "sites": ["calf"],
        "routine": "water",
        "day": "2026-11-24",
        "glasses": 1,
    }


def gated_routes(app, methods):
    # iter_route_contexts flattens included routers, with their prefixes applied.
    for route in iter_route_contexts(app.routes):
        if (
            not route.path
            or not (getattr(route.original_route, "methods", None) or set()) & methods
        ):
            continue
        if route.path.startswith(("/patient", "/api/v1")) and route.name not in OPEN | OPEN_PAGES:
            yield route


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def health_rows(session, patient_id: int) -> dict[str, int]:
    counts = {}
    for table, columns in rights.patient_tables():
        counts[table.name] = session.execute(
            select(func.count()).select_from(table).where(or_(*(c == patient_id for c in columns)))
        ).scalar_one()
    session.commit()  # end the read: the app under test must be able to write
    return counts


@pytest.fixture(params=["never", "withdrawn"])
def unconsented(request, session, passwords, client, clock):
    if request.param == "never":
        patient = factories.make_patient(session, passwords, consented=False)
    else:
        patient = factories.make_patient(session, passwords)
        consent.withdraw_consent(session, actor=patient, now=clock())
    session.commit()
    sign_in(client, patient)
    return patient


def test_every_form_and_api_route_that_could_store_health_data_is_gated(
    app, client, session, unconsented
):
    routes = list(gated_routes(app, UNSAFE))
    names = {r.name for r in routes}
    # The routes that store health data today are among them.
    assert {
        "diary.log_cramp",
        "diary.update_cramp",
        "diary.answer_checkin",
        "patient.record_completion",
        "patient.save_settings",
        "api.create_cramp",
        "api.create_checkin",
        "api.create_completion",
        "guidance.seen_doctor",
    } <= names, names
    before = health_rows(session, unconsented.id)
    for route in routes:
        path = concrete(route.path)
        method = sorted(route.original_route.methods & UNSAFE)[0]
        if path.startswith("/api/"):
            response = client.request(
                method, path, json=json_body(), headers={"X-CSRFToken": csrf_token(client)}
            )
            assert response.status_code == 403, (route.name, response.text)
            body = response.json()
            assert body["missing_consent"] == consent.HEALTH_DATA, route.name
            assert body["consent_url"] == "/patient/consent"
        else:
            response = client.request(
                method, path, data=form(client, **FORM_FIELDS), follow_redirects=False
            )
            assert response.status_code == 303, (route.name, response.status_code)
            assert response.headers["location"] == "/patient/consent?required=1", route.name
    session.expire_all()
    assert health_rows(session, unconsented.id) == before


def test_every_patient_page_leads_to_the_consent_step(app, client, unconsented):
    for route in gated_routes(app, {"GET"}):
        if not route.path.startswith("/patient"):
            continue
        response = client.get(concrete(route.path), follow_redirects=False)
        assert response.status_code == 303, route.name
        assert response.headers["location"] == "/patient/consent?required=1"


def test_the_consent_step_says_why_it_is_shown(client, unconsented):
    page = html(client.get("/patient/", follow_redirects=True))
    assert page.select_one("#consent-required")
    box = page.select_one("input[name=agree]")
    assert box is not None
    assert not box.has_attr("checked")


def test_htmx_requests_are_sent_to_the_consent_step(client, unconsented):
    response = client.post(
        "/patient/diary/cramps",
        data=form(client, **FORM_FIELDS),
        headers=htmx_headers(client),
        follow_redirects=False,
    )
    assert response.headers["HX-Redirect"] == "/patient/consent?required=1"


def test_reading_own_data_through_the_api_stays_open(client, unconsented):
    response = client.get("/api/v1/cramps", params={"start": "2026-11-01", "end": "2026-11-24"})
    assert response.status_code == 200


def test_intake_before_consent_is_refused_and_keeps_what_was_typed(client, session, passwords):
    patient = factories.make_patient(session, passwords, consented=False)
    sign_in(client, patient)
    response = client.post(
        "/patient/intake",
        data=form(
            client,
            **{**factories.QUIET_INTAKE, "history": "diabetes", "history_other": "gout"},
            bedtime="23:00",
            wake_time="07:00",
        ),
    )
    assert response.status_code == 403
    page = html(response)
    assert page.select_one("#intake-error")
    assert page.select_one("input[name=history][value=diabetes]").has_attr("checked")
    assert page.select_one("input[name=history_other]")["value"] == "gout"
    session.expire_all()
    assert health_rows(session, patient.id)["intake"] == 0


def test_a_consented_patient_without_intake_is_sent_to_the_questionnaire(
    client, session, passwords
):
    patient = factories.make_patient(session, passwords, answered_intake=False)
    sign_in(client, patient)
    response = client.get("/patient/", follow_redirects=False)
    assert response.headers["location"] == "/patient/intake?required=1"
    page = html(client.get(response.headers["location"]))
    assert page.select_one("#intake-required")


def test_the_device_entry_service_refuses_too_below_the_routes(session, passwords):
    """Sync, CLI or any future caller: the one place device entries are stored checks
    consent itself (app.services.device_entries.record)."""
    from tests.diary_helpers import add_cramp, tokyo

    patient = factories.make_patient(session, passwords, consented=False)
    with pytest.raises(consent.ConsentRequired):
        add_cramp(session, patient, tokyo(2026, 11, 24, 3), now=factories.NOW)
    session.rollback()
    assert health_rows(session, patient.id)["crampevent"] == 0
