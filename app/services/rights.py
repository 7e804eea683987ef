"""The patient's rights over their data (APPI): a full copy, and erasure.

Both work table by table from SQLModel.metadata, so a table added later is
exported and erased without anyone remembering to list it: a patient's rows are
those whose foreign key to ``user.id`` names them. Secrets (password and token
hashes) are never exported.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
import zipfile
from datetime import date, datetime, time
from enum import Enum
from typing import Any

from sqlalchemy import Column, Table, delete, or_, select, update
from sqlmodel import Session, SQLModel

from app.i18n import N_
from app.models import AuditAction, AuditEvent, LoginAttempt, User
from app.services import access, audit
from app.services.access import Purpose
from app.services.errors import InvalidInput
from app.services.exports import neutralise

# Columns that are secrets, not personal data: never in an export.
SECRET_SUFFIXES = ("_hash",)
README = """Tsuranai: a copy of everything the app holds about you
=======================================================

Exported at: {exported_at}
Account id: {patient_id}

Each table is here twice: as JSON ({{table}}.json, exact values) and as CSV
({{table}}.csv, for a spreadsheet). Times are UTC (ISO 8601); dates are your
local dates.

Files:
{files}
"""


def _user_columns(table: Table) -> list[Column]:
    """The columns of ``table`` that point at a person (user.id)."""
    return [
        column
        for column in table.columns
        if any(fk.column.table.name == User.__tablename__ for fk in column.foreign_keys)
    ]


def patient_tables() -> list[tuple[Table, list[Column]]]:
    """Every table holding rows about a person, with the columns that name them."""
    found = []
    for table in SQLModel.metadata.sorted_tables:
        columns = _user_columns(table)
        if columns and table.name != User.__tablename__:
            found.append((table, columns))
    return found


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    return value


def _rows(session: Session, table: Table, columns: list[Column], patient_id: int) -> list[dict]:
    keep = [c for c in table.columns if not c.name.endswith(SECRET_SUFFIXES)]
    result = session.execute(
        select(*keep).where(or_(*(c == patient_id for c in columns))).order_by(*table.primary_key)
    )
    return [{k: _plain(v) for k, v in row._mapping.items()} for row in result]


def _cell(value: Any) -> Any:
    """Text a spreadsheet will not run as a formula (a note typed as "=HYPERLINK(...)");
    numbers stay numbers."""
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    return neutralise(value) if isinstance(value, str) else value


def _csv(rows: list[dict], names: list[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=names)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return out.getvalue()


def export_zip(
    session: Session, *, actor: User, patient_id: int, now: datetime
) -> tuple[str, bytes]:
    """A ZIP of everything stored about the patient: their account (without the
    password hash), profile, consent record, intake, diary, plan, completions, reviews
    and notes, one JSON and one CSV per table. The patient may export their own;
    their practitioners and the admin may, for a disclosure request (Purpose.ACCOUNT),
    and their export is recorded in the audit trail."""
    patient = access.patient_for(
        session, actor=actor, patient_id=patient_id, purpose=Purpose.ACCOUNT
    )
    if actor.id != patient.id:
        audit.record(
            session,
            actor=actor,
            action=AuditAction.EXPORT_PATIENT,
            now=now,
            patient_id=patient.id,
            detail="disclosure export",
        )
        session.commit()
    tables: dict[str, tuple[list[dict], list[str]]] = {}
    account = {
        "id": patient.id,
        "email": patient.email,
        "name": patient.name,
        "role": _plain(patient.role),
        "locale": patient.locale,
        "is_active": patient.is_active,
        "created_at": _plain(patient.created_at),
    }
    tables["account"] = ([account], list(account))
    for table, columns in patient_tables():
        names = [c.name for c in table.columns if not c.name.endswith(SECRET_SUFFIXES)]
        tables[table.name] = (_rows(session, table, columns, patient.id), names)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        listing = []
        for name, (rows, names) in tables.items():
            archive.writestr(f"{name}.json", json.dumps(rows, ensure_ascii=False, indent=2))
            archive.writestr(f"{name}.csv", _csv(rows, names))
            listing.append(f"  {name}: {len(rows)} row(s)")
        archive.writestr(
            "README.txt",
            README.format(
                exported_at=now.isoformat(), patient_id=patient.id, files="\n".join(listing)
            ),
        )
    filename = f"tsuranai-{patient.id}-{now.date().isoformat()}.zip"
    return filename, buffer.getvalue()


def delete_account(
    session: Session, *, actor: User, password_ok: bool, confirmed: bool, now: datetime
) -> None:
    """Erase the patient's account: every row of every table that names them (their
    diary, plan, intake, consent record, sessions, care links, notes about them) and
    the account itself. Columns that merely point at them as an author are cleared.
    Only an audit row stays, saying that an account was deleted and when.

    Needs the box ticked and the password typed again (a borrowed phone must not be
    enough to erase someone's history)."""
    patient = access.patient_for(session, actor=actor, patient_id=actor.id)
    errors = {}
    if not confirmed:
        errors["confirm"] = N_("Please tick the box to confirm.")
    if not password_ok:
        errors["password"] = N_("That password is not right.")
    if errors:
        raise InvalidInput(errors)
    patient_id, email = patient.id, patient.email
    for table, columns in reversed(patient_tables()):
        for column in columns:
            fk = next(iter(column.foreign_keys))
            if fk.ondelete and fk.ondelete.upper() == "SET NULL":
                session.execute(
                    update(table).where(column == patient_id).values({column.name: None})
                )
            else:
                session.execute(delete(table).where(column == patient_id))
    session.execute(delete(LoginAttempt).where(LoginAttempt.email == email))
    session.execute(delete(User.__table__).where(User.__table__.c.id == patient_id))
    session.add(
        AuditEvent(
            at=now,
            actor_id=patient_id,
            # Not their name: nothing that identifies the person stays behind.
            actor_name="",
            patient_id=patient_id,
            action=AuditAction.DELETE_ACCOUNT,
            detail="erased at the patient's request",
        )
    )
    session.commit()
