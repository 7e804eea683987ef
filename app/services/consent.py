"""Consent to store health data: giving it, withdrawing it, and the one check that guards
every place health data is stored.

Under Japan's APPI, medical history is special-care personal information
(要配慮個人情報): it may be stored only after the patient agrees. The agreement is to
a *version* of the consent text; when the text changes in substance, VERSION
changes and everyone is asked again. Withdrawing stops collection at once; what
was stored stays the patient's to download or erase.

What a patient page or the API calls takes the acting user and goes through
``access.patient_for`` (only the patient gives, withdraws or reads their consent).
``latest`` and ``require_consent`` take a patient id: they are the guard other
services call below their own access check (device_entries.record, intake,
red_flags), never a route.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, bindparam
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from app.i18n import N_
from app.models import ConsentRecord, User
from app.services import access, memo
from app.services.errors import InvalidInput, NotAllowed

# Change when the consent text (templates/patient/onboarding/_consent_text.html)
# changes in what is collected, why, or who sees it.
VERSION = "2026-11-v1"
# The name the JSON API gives the missing consent, so a client can tell it apart.
HEALTH_DATA = "health_data"


class ConsentRequired(NotAllowed):
    """The patient has not agreed to the current consent (or withdrew it): nothing of
    their health may be stored. Pages send them to the consent step; the API answers
    403 naming the missing consent."""

    def __init__(self, consent: str = HEALTH_DATA) -> None:
        super().__init__(consent)
        self.consent = consent
        self.version = VERSION


class IntakeRequired(NotAllowed):
    """Consent is given but the questionnaire is not answered yet (pages only)."""


def _newest(what, record, patient_id) -> Select:
    """``what`` of a patient's newest consent record: the one that counts."""
    return (
        select(what)
        .where(record.patient_id == patient_id)
        .order_by(col(record.agreed_at).desc(), col(record.id).desc())
        .limit(1)
    )


# Built once: constructing a statement costs more than SQLite takes to run it.
_LATEST = _newest(ConsentRecord, ConsentRecord, bindparam("patient_id"))
# The newest record's id, for reading the record in a statement about the user.
_EARLIER = aliased(ConsentRecord)
LATEST_ID = _newest(_EARLIER.id, _EARLIER, User.id).correlate(User).scalar_subquery()


def latest(session: Session, *, patient_id: int) -> ConsentRecord | None:
    return memo.remembered(
        session,
        _key(patient_id),
        lambda: session.exec(_LATEST, params={"patient_id": patient_id}).first(),
    )


def remember_latest(session: Session, *, patient_id: int, record: ConsentRecord | None) -> None:
    """The latest record read together with the patient's session (app.services.auth),
    so that the gates of the same request cost no query of their own."""
    memo.keep(session, _key(patient_id), record)


def known_consent(session: Session, *, actor: User) -> bool | None:
    """``has_consented``, when this transaction already knows the answer (the session
    lookup brought it along); None when finding out would ask the database. Asks it
    nothing itself, so a gate on the event loop can answer without a thread hop: the
    acting patient's own row is already in the session, and so no query checks them."""
    return access.known_own(session, actor=actor, key=_key, answer=_consented)


def _key(patient_id: int) -> tuple[str, int]:
    return ("consent", patient_id)


def is_current(record: ConsentRecord | None) -> bool:
    return record is not None and record.withdrawn_at is None and record.version == VERSION


def has_consented(session: Session, *, actor: User) -> bool:
    """Whether the patient's newest agreement is to the current text and not withdrawn."""
    patient = access.patient_for(session, actor=actor, patient_id=actor.id)
    return _consented(session, patient_id=patient.id)


def _consented(session: Session, *, patient_id: int) -> bool:
    return is_current(latest(session, patient_id=patient_id))


def require_consent(session: Session, *, patient_id: int) -> None:
    """The guard for every service that stores health data: raises ConsentRequired.
    The caller has already checked that the acting user may write this patient's data."""
    if not is_current(latest(session, patient_id=patient_id)):
        raise ConsentRequired


@dataclass(frozen=True)
class ConsentState:
    """What the consent page shows: the current agreement, or why there is none."""

    current: ConsentRecord | None
    latest: ConsentRecord | None
    version: str = VERSION

    @property
    def withdrawn(self) -> bool:
        return (
            self.current is None
            and self.latest is not None
            and self.latest.withdrawn_at is not None
        )

    @property
    def outdated(self) -> bool:
        return self.current is None and self.latest is not None and not self.withdrawn


def state_of(session: Session, *, actor: User) -> ConsentState:
    """The patient's own consent, as the consent and data-rights pages show it."""
    patient = access.patient_for(session, actor=actor, patient_id=actor.id)
    record = latest(session, patient_id=patient.id)
    return ConsentState(current=record if is_current(record) else None, latest=record)


def give_consent(
    session: Session, *, actor: User, agreed: bool, locale: str, now: datetime
) -> ConsentRecord:
    """Record the patient's agreement to the current text, in the language shown. The
    box must be ticked; agreeing again while agreed changes nothing."""
    patient = access.patient_for(session, actor=actor, patient_id=actor.id)
    if not agreed:
        raise InvalidInput({"agree": N_("Please tick the box to say that you agree.")})
    record = latest(session, patient_id=patient.id)
    if is_current(record):
        return record
    record = ConsentRecord(patient_id=patient.id, version=VERSION, locale=locale, agreed_at=now)
    session.add(record)
    session.commit()
    return record


def withdraw_consent(session: Session, *, actor: User, now: datetime) -> ConsentRecord | None:
    """Withdraw the current agreement: from now on nothing is collected. What was stored
    stays until the patient downloads or erases it."""
    patient = access.patient_for(session, actor=actor, patient_id=actor.id)
    record = latest(session, patient_id=patient.id)
    if not is_current(record):
        return record
    record.withdrawn_at = now
    session.add(record)
    session.commit()
    return record
