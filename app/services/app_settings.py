"""A patient's app preferences: night mode and whether the welcome has been seen.

Read on every patient page (the theme), so it is one indexed lookup; a patient
who never changed anything has no row and gets the defaults. Only the patient
reads or changes their own (``access.patient_for`` with their own id), so each
function takes the acting user, never a patient.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam
from sqlmodel import Session, select

from app.domain.night import theme_for
from app.messages import N_
from app.models import AppSettings, NightMode, PatientProfile, User
from app.services import access, memo
from app.services.errors import InvalidInput
from app.services.plan import rhythm_of

# Built once: constructing a statement costs more than SQLite takes to run it.
_ROW = select(AppSettings).where(AppSettings.patient_id == bindparam("patient_id"))


def app_settings_of(session: Session, *, actor: User) -> AppSettings:
    """The patient's app settings (defaults, unsaved, when there is no row yet)."""
    patient = access.patient_for(session, actor=actor, patient_id=actor.id)
    return _settings(session, patient_id=patient.id)


def _settings(session: Session, *, patient_id: int) -> AppSettings:
    row = memo.remembered(
        session,
        _key(patient_id),
        lambda: session.exec(_ROW, params={"patient_id": patient_id}).first(),
    )
    return row or AppSettings(patient_id=patient_id)


def remember_row(session: Session, *, patient_id: int, row: AppSettings | None) -> None:
    """The row read together with the patient's session (app.services.auth), so that
    the theme of every patient page asks no query of its own."""
    memo.keep(session, _key(patient_id), row)


def known_settings(session: Session, *, actor: User) -> AppSettings | None:
    """``app_settings_of``, when this transaction already holds the answer; None when
    it would ask the database. Asks it nothing, so a dependency on the event loop can
    answer without a thread hop."""
    return access.known_own(session, actor=actor, key=_key, answer=_settings)


def _key(patient_id: int) -> tuple[str, int]:
    return ("app_settings", patient_id)


def theme_for_settings(current: AppSettings, *, profile: PatientProfile, now: datetime) -> str:
    """The page theme for these settings now (see app.domain.night.theme_for)."""
    return theme_for(current.night_mode, rhythm_of(profile), now)


def _saved(session: Session, row: AppSettings, **changes) -> AppSettings:
    for key, value in changes.items():
        setattr(row, key, value)
    session.add(row)
    session.commit()
    return row


def set_night_mode(session: Session, *, actor: User, mode: str) -> AppSettings:
    row = app_settings_of(session, actor=actor)
    if mode not in {m.value for m in NightMode}:
        raise InvalidInput({"night_mode": N_("Choose one of the options.")})
    return _saved(session, row, night_mode=mode)


def finish_welcome(session: Session, *, actor: User) -> AppSettings:
    """The patient has read (or skipped) the first-run welcome: not shown again."""
    return _saved(session, app_settings_of(session, actor=actor), welcome_done=True)
