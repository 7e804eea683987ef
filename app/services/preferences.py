"""A patient's own settings: daily rhythm, time zone, language, optional routines.

The rhythm is not versioned: a new bedtime moves tonight's schedule at once.
Switching an optional routine on or off is a plan change from today on, so the
days before keep being judged against the plan they had. Only the patient reads
or changes their own settings (``access.profile_for`` with their own id).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from sqlmodel import Session

from app import i18n
from app.domain.catalogue import OPTIONAL
from app.domain.rhythm import Rhythm
from app.domain.schedule import Dose, day_at, plan_in_force
from app.i18n import N_
from app.models import User
from app.services import access
from app.services import plan as plan_service
from app.services.errors import InvalidInput

# A night shorter or longer than this is almost certainly a slip of the finger.
SHORTEST_NIGHT = timedelta(hours=3)
LONGEST_NIGHT = timedelta(hours=14)
# Zones offered first: the clinic's own and its patients' most likely.
COMMON_ZONES = ("Asia/Tokyo",)


@lru_cache(maxsize=1)
def zone_choices() -> tuple[str, ...]:
    """Time zones a patient can choose: the clinic's first, then every IANA region."""
    regions = sorted(
        z
        for z in available_timezones()
        if "/" in z and not z.startswith(("Etc/", "SystemV/", "posix/", "right/"))
    )
    return (*COMMON_ZONES, *[z for z in regions if z not in COMMON_ZONES], "UTC")


@dataclass(frozen=True)
class OptionalRoutine:
    routine: str
    enabled: bool  # switched on today
    dose: Dose


@dataclass(frozen=True)
class PatientSettings:
    bedtime: time
    wake_time: time
    time_zone: str
    locale: str
    optional: list[OptionalRoutine]


def settings_of(session: Session, *, actor: User, now: datetime, locale: str) -> PatientSettings:
    """The patient's own settings as the settings page shows them."""
    profile = access.profile_for(session, actor=actor, patient_id=actor.id)
    patient = session.get(User, profile.user_id)
    rhythm = plan_service.rhythm_of(profile)
    versions = plan_service.plan_versions(session, patient_id=patient.id)
    in_force = {v.routine: v for v in plan_in_force(versions, day_at(rhythm, now))}
    return PatientSettings(
        bedtime=profile.bedtime,
        wake_time=profile.wake_time,
        time_zone=profile.time_zone,
        locale=patient.locale or locale,
        optional=[
            OptionalRoutine(r.value, in_force[r].enabled, in_force[r].dose)
            for r in OPTIONAL
            if r in in_force
        ],
    )


def night_length(bedtime: time, wake_time: time) -> timedelta:
    """Hours asleep on the wall clock (ignoring DST, which shifts it by an hour at most)."""
    day = date(2026, 1, 5)
    rhythm = Rhythm(bedtime, wake_time, ZoneInfo("UTC"))
    return rhythm.wake_after(day) - rhythm.bedtime_on(day)


def save_settings(
    session: Session,
    *,
    actor: User,
    bedtime: time,
    wake_time: time,
    time_zone: str,
    locale: str,
    optional: set[str],
    now: datetime,
) -> None:
    """Save what the patient chose; raise InvalidInput (and store nothing) on a mistake."""
    profile = access.profile_for(session, actor=actor, patient_id=actor.id)
    patient = session.get(User, profile.user_id)
    errors: dict[str, str] = {}
    if time_zone not in zone_choices():
        errors["time_zone"] = N_("Choose a time zone from the list.")
    length = night_length(bedtime, wake_time)
    if not SHORTEST_NIGHT <= length <= LONGEST_NIGHT:
        errors["wake_time"] = N_("Bedtime and wake time should be between 3 and 14 hours apart.")
    if i18n.normalise(locale) is None:
        errors["locale"] = N_("Choose one of the options.")
    if optional - {r.value for r in OPTIONAL}:
        errors["optional"] = N_("Choose one of the options.")
    if errors:
        raise InvalidInput(errors)

    profile.bedtime, profile.wake_time, profile.time_zone = bedtime, wake_time, time_zone
    patient.locale = i18n.normalise(locale)
    session.add(profile)
    session.add(patient)

    today = day_at(plan_service.rhythm_of(profile), now.astimezone(UTC))
    versions = plan_service.plan_versions(session, patient_id=patient.id)
    for version in plan_in_force(versions, today):
        if version.routine not in OPTIONAL:
            continue
        wanted = version.routine in optional
        if version.enabled != wanted:
            plan_service.stage_change(
                session,
                patient_id=patient.id,
                current=version,
                effective_from=today,
                changed_by_id=patient.id,
                now=now,
                enabled=wanted,
            )
    session.commit()
