"""Every practitioner route that takes a patient answers 404 for a patient who is
not theirs, and every view of a patient's data leaves an audit row."""

from __future__ import annotations

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from sqlmodel import select

from app.models import AuditAction, AuditEvent
from app.models.clinic import AppendOnly
from tests.conftest import form, html

# Every route under /practitioner that takes a patient id: (method, path, form fields).
PATIENT_ROUTES = [
    ("GET", "/practitioner/patients/{id}", {}),
    ("POST", "/practitioner/patients/{id}/notes", {"body": "Stretch more"}),
    ("POST", "/practitioner/patients/{id}/course", {"goal": "Sleep through", "next_visit": ""}),
    ("POST", "/practitioner/patients/{id}/reset-link", {}),
    ("GET", "/practitioner/patients/{id}/plan", {}),
    (
        "POST",
        "/practitioner/patients/{id}/plan/{routine}",
        {"effective_from": "2026-11-26", "enabled": "true"},
    ),
    ("GET", "/practitioner/patients/{id}/export.csv", {}),
    ("GET", "/practitioner/patients/{id}/summary", {}),
    ("GET", "/practitioner/patients/{id}/flags", {}),
    ("POST", "/practitioner/patients/{id}/flags/review", {"flag": "history", "note": "Seen"}),
    ("GET", "/practitioner/patients/{id}/export.zip", {}),
]


def test_every_route_that_takes_a_patient_is_in_the_404_list(app):
    declared = {
        (method, route.path_format.replace("{patient_id}", "{id}"))
        for route in iter_route_contexts(app.routes)
        if isinstance(route.original_route, APIRoute)
        and route.path_format.startswith("/practitioner")
        and "{patient_id}" in route.path_format
        for method in route.methods
    }
    assert declared == {(method, path) for method, path, _ in PATIENT_ROUTES}


@pytest.mark.parametrize(("method", "path", "fields"), PATIENT_ROUTES)
def test_another_practitioners_patient_is_not_found(
    practitioner_client, linked_patient, other_patient, session, method, path, fields
):
    url = path.format(id=other_patient.id, routine="toe_stretch")
    if method == "GET":
        response = practitioner_client.get(url)
    else:
        response = practitioner_client.post(url, data=form(practitioner_client, **fields))
    assert response.status_code == 404
    # Nothing was recorded about a patient the practitioner may not see.
    rows = session.exec(select(AuditEvent).where(AuditEvent.patient_id == other_patient.id))
    assert rows.all() == []


@pytest.mark.parametrize(("method", "path", "fields"), PATIENT_ROUTES)
def test_a_missing_patient_is_not_found_either(practitioner_client, method, path, fields):
    url = path.format(id=999_999, routine="toe_stretch")
    if method == "GET":
        response = practitioner_client.get(url)
    else:
        response = practitioner_client.post(url, data=form(practitioner_client, **fields))
    assert response.status_code == 404


@pytest.mark.parametrize(("method", "path", "fields"), PATIENT_ROUTES)
def test_own_patient_routes_answer(practitioner_client, linked_patient, method, path, fields):
    url = path.format(id=linked_patient.id, routine="toe_stretch")
    if method == "GET":
        response = practitioner_client.get(url)
        assert response.status_code == 200
    else:
        response = practitioner_client.post(
            url, data=form(practitioner_client, **fields), follow_redirects=False
        )
        assert response.status_code in (200, 303)


def test_viewing_a_patient_appends_an_audit_row(
    practitioner_client, practitioner, linked_patient, session, clock
):
    practitioner_client.get(f"/practitioner/patients/{linked_patient.id}")
    practitioner_client.get(f"/practitioner/patients/{linked_patient.id}")
    rows = session.exec(select(AuditEvent).order_by(AuditEvent.id)).all()
    views = [r for r in rows if r.action is AuditAction.VIEW_PATIENT]
    assert len(views) == 2
    assert {(r.actor_id, r.patient_id, r.at) for r in views} == {
        (practitioner.id, linked_patient.id, clock())
    }
    assert views[0].actor_name == practitioner.name


def test_audit_rows_cannot_be_changed_or_deleted(practitioner_client, linked_patient, session):
    practitioner_client.get(f"/practitioner/patients/{linked_patient.id}")
    row = session.exec(select(AuditEvent)).first()
    row.detail = "rewritten"
    session.add(row)
    with pytest.raises(AppendOnly):
        session.commit()
    session.rollback()
    session.delete(session.exec(select(AuditEvent)).first())
    with pytest.raises(AppendOnly):
        session.commit()


def test_patient_page_shows_the_patients_name_and_charts(practitioner_client, linked_patient):
    page = html(practitioner_client.get(f"/practitioner/patients/{linked_patient.id}"))
    assert page.find("h1").get_text(strip=True) == linked_patient.name
    assert len(page.select("svg.chart__svg")) == 2
    assert page.select("#patient-calendar")
    # The CSP forbids style attributes: the charts carry none.
    assert not page.select("[style]")


def test_a_note_is_dated_with_its_author(practitioner_client, practitioner, linked_patient):
    url = f"/practitioner/patients/{linked_patient.id}"
    practitioner_client.post(
        f"{url}/notes", data=form(practitioner_client, body="Left sole, after long drives")
    )
    page = html(practitioner_client.get(url))
    note = page.select_one(".note")
    assert "Left sole, after long drives" in note.get_text()
    assert practitioner.name in note.select_one(".note__meta").get_text()


def test_an_empty_note_is_refused_with_a_message(practitioner_client, linked_patient):
    url = f"/practitioner/patients/{linked_patient.id}/notes"
    response = practitioner_client.post(url, data=form(practitioner_client, body="  "))
    assert response.status_code == 422
    assert html(response).select_one("#error-body")


def test_the_course_is_saved_and_a_past_visit_refused(practitioner_client, linked_patient):
    url = f"/practitioner/patients/{linked_patient.id}"
    response = practitioner_client.post(
        f"{url}/course",
        data=form(practitioner_client, goal="Sleep through", next_visit="2026-11-20"),
    )
    assert response.status_code == 422
    assert html(response).select_one("#error-next_visit")
    practitioner_client.post(
        f"{url}/course",
        data=form(practitioner_client, goal="Sleep through", next_visit="2026-12-01"),
    )
    page = html(practitioner_client.get(url))
    assert "Sleep through" in page.select_one(".patient-head").get_text()


def test_calendar_pages_as_an_htmx_fragment(practitioner_client, linked_patient):
    from tests.conftest import htmx_headers

    response = practitioner_client.get(
        f"/practitioner/patients/{linked_patient.id}?month=2026-10",
        headers=htmx_headers(practitioner_client),
    )
    fragment = html(response)
    assert fragment.select_one("section#patient-calendar")
    assert not fragment.select("h1")


def test_the_goal_and_next_visit_show_on_the_patients_home(
    client, practitioner, linked_patient, session
):
    from tests.conftest import sign_in

    sign_in(client, practitioner)
    client.post(
        f"/practitioner/patients/{linked_patient.id}/course",
        data=form(client, goal="朝までぐっすり眠る", next_visit="2026-12-01"),
    )
    client.cookies.clear()
    sign_in(client, linked_patient)
    card = html(client.get("/patient/")).select_one(".course-card")
    assert "朝までぐっすり眠る" in card.get_text()
    assert card.select_one("time")["datetime"] == "2026-12-01"
