"""Practitioners' dated notes on a patient."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from app.i18n import N_
from app.models import AuditAction, PracticeNote, User
from app.services import access, audit
from app.services.errors import InvalidInput

MAX_NOTE_LENGTH = 2000


def notes_of(session: Session, *, actor: User, patient_id: int) -> list[PracticeNote]:
    """A patient's notes, newest first, for anyone the access rule admits."""
    patient = access.patient_for(session, actor=actor, patient_id=patient_id)
    return list(
        session.exec(
            select(PracticeNote)
            .where(PracticeNote.patient_id == patient.id)
            .order_by(PracticeNote.written_at.desc(), PracticeNote.id.desc())
        )
    )


def add_note(
    session: Session,
    *,
    actor: User,
    patient_id: int,
    body: str,
    for_referral: bool,
    now: datetime,
) -> PracticeNote:
    """Add a note by ``actor`` on a patient they care for."""
    patient = access.patient_in_care(session, actor=actor, patient_id=patient_id)
    body = body.strip()
    if not body:
        raise InvalidInput({"body": N_("Write the note first.")})
    if len(body) > MAX_NOTE_LENGTH:
        raise InvalidInput({"body": N_("Keep a note under 2000 characters.")})
    note = PracticeNote(
        patient_id=patient.id,
        author_id=actor.id,
        author_name=actor.name,
        written_at=now,
        body=body,
        for_referral=for_referral,
    )
    session.add(note)
    audit.record(session, actor=actor, action=AuditAction.ADD_NOTE, now=now, patient_id=patient.id)
    session.commit()
    return note
