"""A patient's app preferences: night mode and whether the welcome has been seen.

Read on every patient page (the theme), so it is one indexed lookup; a patient
who never changed anything has no row and gets the defaults.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from app.domain.night import theme_for
from app.i18n import N_
from app.models import AppSettings, NightMode, PatientProfile, User
from app.services.errors import InvalidInput
from app.services.plan import rhythm_of


def app_settings_of(session: Session, *, patient: User) -> AppSettings:
    """The patient's app settings (defaults, unsaved, when there is no row yet)."""
    row = session.exec(select(AppSettings).where(AppSettings.patient_id == patient.id)).first()
    return row or AppSettings(patient_id=patient.id)


def theme_of(session: Session, *, patient: User, profile: PatientProfile, now: datetime) -> str:
    """The page theme for this patient now (see app.domain.night.theme_for)."""
    return theme_for_settings(app_settings_of(session, patient=patient), profile=profile, now=now)


def theme_for_settings(current: AppSettings, *, profile: PatientProfile, now: datetime) -> str:
    return theme_for(current.night_mode, rhythm_of(profile), now)


def _saved(session: Session, patient: User, **changes) -> AppSettings:
    row = app_settings_of(session, patient=patient)
    for key, value in changes.items():
        setattr(row, key, value)
    session.add(row)
    session.commit()
    return row


def set_night_mode(session: Session, *, patient: User, mode: str) -> AppSettings:
    if mode not in {m.value for m in NightMode}:
        raise InvalidInput({"night_mode": N_("Choose one of the options.")})
    return _saved(session, patient, night_mode=mode)


def finish_welcome(session: Session, *, patient: User) -> AppSettings:
    """The patient has read (or skipped) the first-run welcome: not shown again."""
    return _saved(session, patient, welcome_done=True)
