"""The patient's rights: a ZIP of all their data, and erasure that leaves no row behind."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date

from sqlalchemy import func, or_, select
from sqlmodel import SQLModel

from app.models import AuditAction, AuditEvent, User, UserSession
from app.services import accounts, consent, notes, red_flags, rights
from tests import factories
from tests.conftest import form, html, sign_in
from tests.diary_helpers import add_checkin, add_cramp, tokyo

NOW = factories.NOW


def full_history(session, patient, practitioner):
    """A patient with a row in as many tables as the app has."""
    accounts.link_care(session, practitioner_id=practitioner.id, patient_id=patient.id, now=NOW)
    add_cramp(session, patient, tokyo(2026, 11, 23, 3), now=NOW, sites={"calf"}, note="ouch")
    add_checkin(
        session,
        patient,
        date(2026, 11, 23),
        had_cramps=True,
        cramp_count=1,
        worst_severity=5,
        answered_at=tokyo(2026, 11, 24, 7),
    )
    red_flags.review_flag(
        session, actor=practitioner, patient_id=patient.id, flag_id="spreading", note="ok", now=NOW
    )
    red_flags.seen_doctor(session, actor=patient, now=NOW)
    notes.add_note(
        session,
        actor=practitioner,
        patient_id=patient.id,
        body="calf tight",
        for_referral=False,
        now=NOW,
    )
    session.commit()


def rows_naming(session, user_id: int) -> dict[str, int]:
    """For every table in the metadata with a column pointing at a person, the rows
    that point at ``user_id``; plus the user row itself."""
    counts = {}
    for table in SQLModel.metadata.sorted_tables:
        columns = [
            c for c in table.columns if any(fk.column.table.name == "user" for fk in c.foreign_keys)
        ]
        if table.name == "user":
            columns = [table.c.id]
        if columns:
            counts[table.name] = session.execute(
                select(func.count()).select_from(table).where(or_(*(c == user_id for c in columns)))
            ).scalar_one()
    session.commit()
    return counts


def test_deleting_an_account_leaves_zero_rows_in_every_table(
    client, session, passwords, practitioner, other_patient
):
    patient = factories.make_patient(session, passwords)
    full_history(session, patient, practitioner)
    sign_in(client, patient)
    before = rows_naming(session, patient.id)
    # The history really touches the tables that matter.
    for table in (
        "user",
        "crampevent",
        "morningcheckin",
        "intake",
        "consentrecord",
        "planitem",
        "flagreview",
        "doctorvisit",
        "usersession",
        "carelink",
        "practicenote",
    ):
        assert before[table] > 0, table
    other_before = rows_naming(session, other_patient.id)

    page = html(client.get("/patient/my-data/delete"))
    assert page.select_one("#confirm-delete")
    response = client.post(
        "/patient/my-data/delete",
        data=form(client, confirm="yes", password=factories.PASSWORD),
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/goodbye"

    after = rows_naming(session, patient.id)
    assert after == {name: 0 for name in after}, {k: v for k, v in after.items() if v}
    assert rows_naming(session, other_patient.id) == other_before
    # Only an audit record that a deletion happened stays, with nothing about the person.
    trail = session.exec(
        select(AuditEvent).where(AuditEvent.action == AuditAction.DELETE_ACCOUNT)
    ).all()
    assert [(e.patient_id, e.actor_name) for (e,) in trail] == [(patient.id, "")]
    # The cookie no longer signs anyone in.
    assert client.get("/patient/", follow_redirects=False).headers["location"].startswith("/login")


def test_deletion_needs_the_box_and_the_password(client, session, patient):
    sign_in(client, patient)
    response = client.post(
        "/patient/my-data/delete", data=form(client, confirm="yes", password="wrong password")
    )
    assert response.status_code == 422
    page = html(response)
    assert page.select_one("#error-password")
    assert page.select_one("#field-confirm").has_attr("checked")
    response = client.post(
        "/patient/my-data/delete", data=form(client, password=factories.PASSWORD)
    )
    assert response.status_code == 422
    assert html(response).select_one("#error-confirm")
    assert session.get(User, patient.id) is not None
    assert session.exec(select(func.count()).select_from(UserSession)).one()[0] >= 1


def read_zip(body: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


def test_the_patient_downloads_everything_as_json_and_csv(client, session, passwords, practitioner):
    patient = factories.make_patient(session, passwords, intake_answers={"history": ["diabetes"]})
    full_history(session, patient, practitioner)
    sign_in(client, patient)
    response = client.get("/patient/my-data/export.zip")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    assert "attachment" in response.headers["content-disposition"]
    files = read_zip(response.content)
    for table in ("account", "consentrecord", "intake", "crampevent", "morningcheckin", "planitem"):
        assert f"{table}.json" in files, table
        assert f"{table}.csv" in files, table
    assert "README.txt" in files
    account = json.loads(files["account.json"])[0]
    assert account["email"] == patient.email
    assert "password_hash" not in files["account.json"]
    assert "token_hash" not in files.get("usersession.json", "")
    consent_rows = json.loads(files["consentrecord.json"])
    assert consent_rows[0]["version"] == consent.VERSION
    assert json.loads(files["intake.json"])[0]["history"] == ["diabetes"]
    cramps = list(csv.DictReader(io.StringIO(files["crampevent.csv"])))
    assert cramps[0]["note"] == "ouch"
    assert json.loads(cramps[0]["sites"]) == ["calf"]


def test_practitioners_and_the_admin_export_for_a_disclosure_request(
    client, session, passwords, practitioner, admin, other_patient
):
    patient = factories.make_patient(session, passwords)
    accounts.link_care(session, practitioner_id=practitioner.id, patient_id=patient.id, now=NOW)
    sign_in(client, practitioner)
    assert client.get(f"/practitioner/patients/{patient.id}/export.zip").status_code == 200
    assert client.get(f"/practitioner/patients/{other_patient.id}/export.zip").status_code == 404
    client.post("/logout", data=form(client))
    sign_in(client, admin)
    people = html(client.get("/admin"))
    link = people.select_one(f"#patient-{patient.id} a[download]")
    assert link is not None, "the admin reaches the export from the patient's row"
    response = client.get(link["href"])
    assert response.status_code == 200
    assert "account.json" in read_zip(response.content)
    exports = session.exec(
        select(AuditEvent).where(
            AuditEvent.action == AuditAction.EXPORT_PATIENT, AuditEvent.patient_id == patient.id
        )
    ).all()
    assert len(exports) == 2


def test_another_patient_cannot_export_or_delete_someone_else(
    client, session, patient, other_patient
):
    sign_in(client, other_patient)
    files = read_zip(client.get("/patient/my-data/export.zip").content)
    assert json.loads(files["account.json"])[0]["id"] == other_patient.id
    assert rights.patient_tables()  # every table is covered by the same rule
    assert session.get(User, patient.id) is not None
