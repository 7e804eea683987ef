"""A patient's reminder settings: on or off, which routines, quiet hours, water.

A patient who never opened the settings has no row: reminders off, every routine,
quiet while asleep, three water reminders a day.

The public functions take the acting user and go through ``access.patient_for``
(only the patient reads or changes their own). ``prefs_of`` takes a patient id:
it is for other services only (the reminder sender, which runs for every patient
from cron with no one signed in, and the calendar feed, reached by its token), never
for a route.
"""

from __future__ import annotations

from datetime import time

from sqlmodel import Session, select

from app.domain.catalogue import CATALOGUE
from app.domain.reminders import MAX_WATER_PER_DAY, ReminderPrefs
from app.messages import N_
from app.models import ReminderSettings, User
from app.services import access
from app.services.errors import InvalidInput

# Routines a patient can be reminded of (tips never are).
REMINDABLE = tuple(spec.key.value for spec in CATALOGUE.values() if spec.tracked)


def _row(session: Session, *, patient_id: int) -> ReminderSettings:
    row = session.exec(
        select(ReminderSettings).where(ReminderSettings.patient_id == patient_id)
    ).first()
    return row or ReminderSettings(patient_id=patient_id)


def settings_of(session: Session, *, actor: User) -> ReminderSettings:
    """The patient's own reminder settings (defaults, unsaved, when there is no row)."""
    patient = access.patient_for(session, actor=actor, patient_id=actor.id)
    return _row(session, patient_id=patient.id)


def muted_of(row: ReminderSettings) -> frozenset[str]:
    return frozenset(r for r in row.muted_routines.split(",") if r)


def prefs_of(session: Session, *, patient_id: int) -> ReminderPrefs:
    """The settings as the reminder rules take them (app.domain.reminders)."""
    row = _row(session, patient_id=patient_id)
    quiet = (row.quiet_start, row.quiet_end) if row.quiet_start and row.quiet_end else None
    return ReminderPrefs(muted=muted_of(row), quiet=quiet, water_per_day=row.water_per_day)


def save_settings(
    session: Session,
    *,
    actor: User,
    routines: set[str],
    quiet_start: time | None,
    quiet_end: time | None,
    water_per_day: int,
) -> ReminderSettings:
    """Which routines to remind, quiet hours (both times or neither) and how many
    water reminders a day (0–12)."""
    patient = access.patient_for(session, actor=actor, patient_id=actor.id)
    errors = {}
    if not routines <= set(REMINDABLE):
        errors["routines"] = N_("Choose routines from the list.")
    if (quiet_start is None) != (quiet_end is None):
        errors["quiet_end"] = N_("Give both the start and the end of quiet hours, or neither.")
    elif quiet_start is not None and quiet_start == quiet_end:
        errors["quiet_end"] = N_("Quiet hours must end at a different time than they start.")
    if not 0 <= water_per_day <= MAX_WATER_PER_DAY:
        errors["water_per_day"] = N_("Choose between 0 and 12 water reminders a day.")
    if errors:
        raise InvalidInput(errors)
    row = _row(session, patient_id=patient.id)
    row.muted_routines = ",".join(sorted(set(REMINDABLE) - routines))
    row.quiet_start, row.quiet_end = quiet_start, quiet_end
    row.water_per_day = water_per_day
    session.add(row)
    session.commit()
    return row


def set_enabled(session: Session, *, actor: User, enabled: bool) -> ReminderSettings:
    row = settings_of(session, actor=actor)
    row.enabled = enabled
    session.add(row)
    session.commit()
    return row
