"""The intake questionnaire (問診): reading and saving a patient's answers.

The patient answers after consent and may change the answers at any time; bedtime
and wake time go to the profile (they decide nights and the schedule). Their
practitioners read the answers through :func:`intake_for` on the patient page.
Every public function takes the acting user and goes through ``access``, except
``intake_row``: it takes a patient id for other services (red_flags) that have
already checked access, never for a route.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import Session, select

from app.domain.cramps import Foot, Site, Situation, Symptom
from app.domain.intake import (
    AgeBand,
    Condition,
    DailyLife,
    FrequencyUnit,
    IntakeAnswers,
    Medicine,
    parse_intake,
)
from app.models import Intake, PatientProfile, User
from app.services import access, consent, memo
from app.services.errors import InvalidInput, field_messages


def _ordered(kind, values) -> list[str]:
    # Stored in the options' own order, so exports and fingerprints are stable.
    return [member.value for member in kind if member in values]


def answers_of(row: Intake) -> IntakeAnswers:
    return IntakeAnswers(
        situations=frozenset(Situation(v) for v in row.situations),
        frequency_count=row.frequency_count,
        frequency_unit=FrequencyUnit(row.frequency_unit),
        side=Foot(row.side),
        sites=frozenset(Site(v) for v in row.sites),
        accompanying=frozenset(Symptom(v) for v in row.accompanying),
        history=frozenset(Condition(v) for v in row.history),
        history_other=row.history_other,
        medicines=frozenset(Medicine(v) for v in row.medicines),
        medicines_other=row.medicines_other,
        age_band=AgeBand(row.age_band),
        daily_life=DailyLife(row.daily_life),
    )


def _columns(answers: IntakeAnswers) -> dict[str, Any]:
    return {
        "situations": _ordered(Situation, answers.situations),
        "frequency_count": answers.frequency_count,
        "frequency_unit": answers.frequency_unit.value,
        "side": answers.side.value,
        "sites": _ordered(Site, answers.sites),
        "accompanying": _ordered(Symptom, answers.accompanying),
        "history": _ordered(Condition, answers.history),
        "history_other": answers.history_other,
        "medicines": _ordered(Medicine, answers.medicines),
        "medicines_other": answers.medicines_other,
        "age_band": answers.age_band.value,
        "daily_life": answers.daily_life.value,
    }


def form_values(row: Intake | None, profile: PatientProfile) -> dict[str, Any]:
    """What the questionnaire form shows: the saved answers, or blanks and the profile's
    bedtime and wake time."""
    values: dict[str, Any] = dict(_columns(answers_of(row))) if row else {}
    values["bedtime"] = profile.bedtime.strftime("%H:%M")
    values["wake_time"] = profile.wake_time.strftime("%H:%M")
    return values


# Built once: constructing a statement costs more than SQLite takes to run it.
_INTAKE = select(Intake).where(Intake.patient_id == bindparam("patient_id"))


def intake_row(session: Session, *, patient_id: int) -> Intake | None:
    return memo.remembered(
        session,
        _key(patient_id),
        lambda: session.exec(_INTAKE, params={"patient_id": patient_id}).first(),
    )


def remember_answered(session: Session, *, patient_id: int, answered: bool) -> None:
    """Whether the questionnaire is answered, read together with the patient's session
    (app.services.auth), so that the onboarding gate asks no query of its own."""
    memo.keep(session, _answered_key(patient_id), answered)


def known_answered(session: Session, *, actor: User) -> bool | None:
    """``has_answered``, when this transaction already knows it; None when finding out
    would ask the database. Asks it nothing, so a gate on the event loop can answer
    without a thread hop."""
    return access.known_own(session, actor=actor, key=_answered_key, answer=_answered)


def _key(patient_id: int) -> tuple[str, int]:
    return ("intake", patient_id)


def _answered_key(patient_id: int) -> tuple[str, int]:
    return ("intake answered", patient_id)


def own_intake(session: Session, *, actor: User) -> Intake | None:
    """The patient's own answers (None before the questionnaire is answered)."""
    patient = access.patient_for(session, actor=actor, patient_id=actor.id)
    return intake_row(session, patient_id=patient.id)


def has_answered(session: Session, *, actor: User) -> bool:
    """Whether the questionnaire is answered; the session lookup brings this along."""
    patient = access.patient_for(session, actor=actor, patient_id=actor.id)
    return _answered(session, patient_id=patient.id)


def _answered(session: Session, *, patient_id: int) -> bool:
    return memo.remembered(
        session,
        _answered_key(patient_id),
        lambda: intake_row(session, patient_id=patient_id) is not None,
    )


def save_intake(
    session: Session,
    *,
    actor: User,
    raw: Mapping[str, Any],
    now: datetime,
) -> Intake:
    """Store the patient's answers (first time or a change) and set the profile's
    bedtime and wake time. Refused, storing nothing, without consent
    (consent.ConsentRequired) or with any invalid answer (InvalidInput)."""
    profile = access.profile_for(session, actor=actor, patient_id=actor.id)
    patient_id = profile.user_id
    consent.require_consent(session, patient_id=patient_id)
    parsed, problems = parse_intake(raw)
    if problems:
        raise InvalidInput(field_messages(problems))
    row = intake_row(session, patient_id=patient_id)
    if row is None:
        row = Intake(
            patient_id=patient_id, created_at=now, updated_at=now, **_columns(parsed.answers)
        )
    else:
        for name, value in _columns(parsed.answers).items():
            setattr(row, name, value)
        row.updated_at = now
    profile.bedtime = parsed.bedtime
    profile.wake_time = parsed.wake_time
    session.add(row)
    session.add(profile)
    session.commit()
    return row


@dataclass(frozen=True)
class IntakeSummary:
    """A patient's answers as the practitioner's page shows them."""

    answers: IntakeAnswers
    bedtime: time
    wake_time: time
    updated_at: datetime


def intake_for(session: Session, *, actor: User, patient_id: int) -> IntakeSummary | None:
    """The patient's answers for anyone the access rule lets see their record (the patient
    and their practitioners), or None before the questionnaire is answered. Another
    patient's id is NotFound."""
    patient = access.patient_for(session, actor=actor, patient_id=patient_id)
    row = intake_row(session, patient_id=patient.id)
    if row is None:
        return None
    profile = session.exec(select(PatientProfile).where(PatientProfile.user_id == patient.id)).one()
    return IntakeSummary(answers_of(row), profile.bedtime, profile.wake_time, row.updated_at)
