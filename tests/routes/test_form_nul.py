"""A NUL character typed into an HTML form is a mistake like any other: the form comes
back (422, through forms.rerender) with a translated message on that field and
everything else that was typed, and nothing is stored."""

from __future__ import annotations

import uuid

from sqlmodel import select

from app.models import CrampEvent, Intake, PracticeNote, User
from app.services.accounts import link_care
from tests import factories
from tests.conftest import form, html, sign_in
from tests.factories import NOW


def test_nul_in_the_cramp_note_shows_the_form_again_with_the_rest_kept(patient_client, session):
    response = patient_client.post(
        "/patient/diary/cramps",
        data=form(
            patient_client,
            client_id=str(uuid.uuid4()),
            when="now",
            severity="6",
            foot="left",
            note="左の\x00親指",
        ),
    )
    assert response.status_code == 422
    page = html(response)
    note = page.select_one("textarea[name=note]")
    assert note.get_text() == "左の親指"
    assert note["aria-invalid"] == "true"
    assert "NUL" in page.select_one("#error-note").get_text()
    assert "使えません" in page.select_one("#error-note").get_text()
    assert page.select_one("input[name=severity][value='6']").has_attr("checked")
    assert page.select_one("input[name=foot][value=left]").has_attr("checked")
    assert session.exec(select(CrampEvent)).all() == []


def test_nul_in_a_validated_form_keeps_the_other_fields(client, session, passwords, patient):
    carer = factories.make_practitioner(session, passwords)
    link_care(session, practitioner_id=carer.id, patient_id=patient.id, now=NOW)
    session.commit()
    sign_in(client, carer)
    response = client.post(
        f"/practitioner/patients/{patient.id}/notes",
        data=form(client, body="経過\x00良好", for_referral="true"),
    )
    assert response.status_code == 422
    page = html(response)
    body = page.select_one("textarea[name=body]")
    assert body.get_text() == "経過良好"
    assert "NUL" in page.select_one("#error-body").get_text()
    assert page.select_one("input[name=for_referral]").has_attr("checked")
    assert session.exec(select(PracticeNote)).all() == []


def test_a_handler_reading_a_nul_field_raw_refuses_it(patient_client, session, patient):
    # The language switch reads its field itself: a bare 422, nothing changes.
    response = patient_client.post(
        "/language", data=form(patient_client, locale="en\x00", next="/patient/")
    )
    assert response.status_code == 422
    session.expire_all()
    assert session.get(User, patient.id).locale != "en"


def test_nul_in_the_questionnaire_keeps_every_answer(client, session, passwords):
    patient = factories.make_patient(session, passwords, answered_intake=False)
    sign_in(client, patient)
    response = client.post(
        "/patient/intake",
        data=form(
            client,
            **factories.QUIET_INTAKE,
            bedtime="22:15",
            wake_time="06:05",
            history_other="痛風\x00",
        ),
        headers={"Accept-Language": "ja"},
    )
    assert response.status_code == 422
    page = html(response)
    assert "使えません" in page.select_one("#error-history_other").get_text()
    assert page.select_one("input[name=history_other]")["value"] == "痛風"
    assert page.select_one("input[name=situations][value=asleep]").has_attr("checked")
    assert page.select_one("#field-bedtime")["value"] == "22:15"
    assert session.exec(select(Intake)).all() == []
