"""Deterministic test data: plain functions, fixed values, a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime, time

from sqlalchemy import func
from sqlmodel import Session, select

from app.models import Role, User
from app.security import Passwords
from app.services import accounts, consent, intake

PASSWORD = "correct horse battery"
# Tuesday 24 November 2026, 22:00 in Tokyo: a patient's evening.
NOW = datetime(2026, 11, 24, 13, 0, tzinfo=UTC)


class FixedClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, instant: datetime = NOW) -> None:
        self.instant = instant

    def set(self, instant: datetime) -> None:
        self.instant = instant

    def __call__(self) -> datetime:
        return self.instant


def _next_number(session: Session) -> int:
    return session.exec(select(func.count()).select_from(User)).one() + 1


def make_user(session: Session, passwords: Passwords, role: Role, **overrides) -> User:
    n = _next_number(session)
    values = {
        "email": f"{role.value}{n}@example.test",
        "name": f"{role.value.title()} {n}",
        "password": PASSWORD,
        "locale": None,
        # The test's clock, never the wall clock: it decides the patient's first plan day.
        "now": NOW,
    }
    patient_values = {
        key: overrides.pop(key) for key in ("time_zone", "bedtime", "wake_time") if key in overrides
    }
    values.update(overrides)
    patient = None
    if role is Role.PATIENT:
        patient = accounts.NewPatient(
            time_zone=patient_values.get("time_zone", "Asia/Tokyo"),
            bedtime=patient_values.get("bedtime", time(23, 0)),
            wake_time=patient_values.get("wake_time", time(7, 0)),
        )
    return accounts.create_user(session, passwords=passwords, role=role, patient=patient, **values)


# Intake answers that raise no red flag: night cramps in the toes, once a week.
QUIET_INTAKE = {
    "situations": ["asleep"],
    "frequency_count": "1",
    "frequency_unit": "week",
    "side": "left",
    "sites": ["toes"],
    "age_band": "50s",
    "daily_life": "not_at_all",
}


def make_patient(
    session: Session,
    passwords: Passwords,
    *,
    consented: bool = True,
    intake_answers: dict | None = None,
    answered_intake: bool = True,
    **overrides,
) -> User:
    """A patient who has, by default, consented and answered a quiet intake, so tests
    can use the app at once; ``consented=False`` or ``answered_intake=False`` stop
    onboarding before that step."""
    patient = make_user(session, passwords, Role.PATIENT, **overrides)
    now = overrides.get("now", NOW)
    if consented:
        record_consent(session, patient, now=now)
        if answered_intake:
            answer_intake(session, patient, now=now, **(intake_answers or {}))
    return patient


def record_consent(session: Session, patient: User, *, now: datetime = NOW) -> None:
    consent.give_consent(session, actor=patient, agreed=True, locale="ja", now=now)


def answer_intake(session: Session, patient: User, *, now: datetime = NOW, **answers) -> None:
    profile = accounts.profile_of(session, patient=patient)
    raw = {
        **QUIET_INTAKE,
        "bedtime": profile.bedtime.strftime("%H:%M"),
        "wake_time": profile.wake_time.strftime("%H:%M"),
        **answers,
    }
    intake.save_intake(session, actor=patient, raw=raw, now=now)


def make_practitioner(session: Session, passwords: Passwords, **overrides) -> User:
    return make_user(session, passwords, Role.PRACTITIONER, **overrides)


def make_admin(session: Session, passwords: Passwords, **overrides) -> User:
    return make_user(session, passwords, Role.ADMIN, **overrides)
