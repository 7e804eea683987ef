"""CSV exports (BOM, neutralised formulas, audit rows) and the referral summary."""

from __future__ import annotations

import csv
import io

from sqlmodel import select

from app.models import AuditAction, AuditEvent
from app.services import exports
from tests.conftest import form, html
from tests.diary_helpers import add_cramp, tokyo


def test_cells_that_look_like_formulas_are_neutralised():
    assert exports.neutralise('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert exports.neutralise("+81 3") == "'+81 3"
    assert exports.neutralise("-2") == "'-2"
    assert exports.neutralise("@SUM(A1)") == "'@SUM(A1)"
    assert exports.neutralise("\tx") == "'\tx"
    assert exports.neutralise("足の裏 = つらい") == "足の裏 = つらい"
    assert exports.neutralise(7) == "7"
    assert exports.neutralise(None) == ""


def _rows(response) -> list[list[str]]:
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))


def test_patient_csv_has_a_bom_every_record_and_safe_cells(
    practitioner_client, linked_patient, session
):
    add_cramp(
        session, linked_patient, tokyo(2026, 11, 24, 3), severity=7, note="=cmd|' /C calc'!A0"
    )
    url = f"/practitioner/patients/{linked_patient.id}/export.csv"
    response = practitioner_client.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["content-disposition"]
    rows = _rows(response)
    header, cramp = rows[0], rows[1]
    assert header[0] == "記録"
    assert cramp[0] == "こむら返り" or cramp[0] == "つった"
    assert cramp[7] == "7"
    assert cramp[-1] == "'=cmd|' /C calc'!A0"
    session.commit()
    audit_rows = session.exec(
        select(AuditEvent).where(AuditEvent.action == AuditAction.EXPORT_PATIENT)
    ).all()
    assert [(r.patient_id, r.actor_name) for r in audit_rows] == [
        (linked_patient.id, audit_rows[0].actor_name)
    ]


def test_caseload_csv_lists_own_patients(practitioner_client, linked_patient, other_patient):
    rows = _rows(practitioner_client.get("/practitioner/export.csv"))
    assert [r[0] for r in rows[1:]] == [linked_patient.name]


def test_referral_summary_is_japanese_with_chosen_notes(
    client, practitioner, linked_patient, session
):
    from tests.conftest import sign_in

    add_cramp(session, linked_patient, tokyo(2026, 11, 24, 3), severity=6, foot="left")
    sign_in(client, practitioner)
    base = f"/practitioner/patients/{linked_patient.id}"
    client.post(f"{base}/notes", data=form(client, body="For the doctor", for_referral="true"))
    client.post(f"{base}/notes", data=form(client, body="Only for us"))
    client.cookies.set("locale", "en")
    page = html(client.get(f"{base}/summary?weeks=4"))
    assert page.find("html")["lang"] == "ja"
    sheet = page.select_one(".summary-sheet").get_text(" ")
    assert "For the doctor" in sheet
    assert "Only for us" not in sheet
    assert linked_patient.name in sheet
    assert page.select_one(".no-print")
