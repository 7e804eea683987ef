"""The plan editor: changes take effect from a chosen date and never rewrite the past."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from app.domain.adherence import adherence
from app.domain.schedule import plan_in_force
from app.models import AuditAction, AuditEvent
from app.services import plan
from tests.conftest import form, html


def _post(client, patient, routine, **fields):
    values = {"effective_from": "2026-11-26", "enabled": "true", **fields}
    return client.post(
        f"/practitioner/patients/{patient.id}/plan/{routine}",
        data=form(client, **values),
        follow_redirects=False,
    )


def test_the_editor_lists_every_routine_with_its_settings(practitioner_client, linked_patient):
    page = html(practitioner_client.get(f"/practitioner/patients/{linked_patient.id}/plan"))
    assert page.select_one("#routine-toe_stretch input[name=sets]")["value"] == "3"
    assert page.select_one("#routine-foot_bath input[name=at_time]")["value"] == "19:30"
    calf = page.select_one("#routine-calf_stretch input[name=enabled]")
    assert not calf.has_attr("checked")


def test_adding_the_calf_stretch_from_a_date_leaves_earlier_days_alone(
    practitioner_client, practitioner, linked_patient, session
):
    response = _post(practitioner_client, linked_patient, "calf_stretch", sets="3")
    assert response.status_code == 303
    session.commit()
    versions = plan.plan_versions(session, patient_id=linked_patient.id)
    by_day = {
        day: next(v for v in plan_in_force(versions, day) if v.routine == "calf_stretch")
        for day in (date(2026, 11, 25), date(2026, 11, 26))
    }
    assert not by_day[date(2026, 11, 25)].enabled
    assert by_day[date(2026, 11, 26)].enabled
    assert by_day[date(2026, 11, 26)].dose.sets == 3
    # Adherence of the days before the change is judged as it was.
    assert (
        adherence(versions, {}, start=date(2026, 11, 24), end=date(2026, 11, 25)).by_routine.get(
            "calf_stretch"
        )
        is None
    )
    audit = session.exec(
        select(AuditEvent).where(AuditEvent.action == AuditAction.CHANGE_PLAN)
    ).one()
    assert audit.patient_id == linked_patient.id
    session.commit()
    page = html(practitioner_client.get(f"/practitioner/patients/{linked_patient.id}/plan"))
    assert "calf_stretch" not in page.select_one("#routine-calf_stretch .badge").get_text()


def test_a_change_in_the_past_is_refused_and_stores_nothing(
    practitioner_client, linked_patient, session
):
    before = len(plan.plan_versions(session, patient_id=linked_patient.id))
    session.commit()
    response = _post(
        practitioner_client, linked_patient, "toe_stretch", effective_from="2026-11-20"
    )
    assert response.status_code == 422
    page = html(response)
    assert page.select_one("#routine-toe_stretch .field-error")
    assert page.select_one("#from-toe_stretch")["value"] == "2026-11-20"
    assert len(plan.plan_versions(session, patient_id=linked_patient.id)) == before
    session.commit()


def test_dose_time_and_frequency_changes_are_checked(practitioner_client, linked_patient):
    assert _post(practitioner_client, linked_patient, "toe_stretch", sets="99").status_code == 422
    assert (
        _post(practitioner_client, linked_patient, "desk_break", cadence="weekdays").status_code
        == 422
    )
    ok = _post(practitioner_client, linked_patient, "foot_bath", at_time="20:15", minutes="12")
    assert ok.status_code == 303
    page = html(practitioner_client.get(f"/practitioner/patients/{linked_patient.id}/plan"))
    # Today's plan still shows 19:30; the change is listed as upcoming.
    assert page.select_one("#routine-foot_bath input[name=at_time]")["value"] == "19:30"
    assert page.select_one("#routine-foot_bath p.muted")


def test_an_unknown_routine_is_not_found(practitioner_client, linked_patient):
    assert _post(practitioner_client, linked_patient, "yoga").status_code == 404
