"""The practitioner's plan editor: switch routines on and off, change times, doses
and frequency, from a chosen date on. A change adds a plan version (plan.stage_change)
and never touches the days before it, so past days keep being judged as they were."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlmodel import Session

from app.domain.catalogue import CATALOGUE, RoutineSpec, spec_of
from app.domain.schedule import (
    Anchor,
    Cadence,
    Frequency,
    PlannedRoutine,
    When,
    day_at,
    plan_in_force,
)
from app.i18n import N_, Message
from app.models import AuditAction, User
from app.services import access, accounts, audit, plan
from app.services.errors import InvalidInput, NotFound

# Inclusive limits for what a practitioner may prescribe.
DOSE_LIMITS = {
    "sets": (1, 20),
    "hold_seconds": (1, 120),
    "rest_seconds": (0, 120),
    "reps": (1, 300),
    "minutes": (1, 180),
    "massage_minutes": (0, 60),
    "glasses": (1, 20),
}
MAX_OFFSET_MINUTES = 720


@dataclass(frozen=True)
class RoutineRow:
    spec: RoutineSpec
    current: PlannedRoutine  # in force today
    upcoming: list[PlannedRoutine]  # versions that take effect after today

    @property
    def routine(self) -> str:
        return self.current.routine

    @property
    def dose_fields(self) -> list[str]:
        return [name for name in DOSE_LIMITS if getattr(self.current.dose, name) is not None]


@dataclass(frozen=True)
class PlanEditor:
    patient: User
    today: date
    rows: list[RoutineRow]


@dataclass(frozen=True)
class RoutineChange:
    effective_from: date
    enabled: bool
    at_time: time | None = None
    offset_minutes: int | None = None  # minutes before bedtime, or after waking
    cadence: Cadence | None = None
    weekdays: frozenset[int] = frozenset()
    per_week_min: int | None = None
    per_week_max: int | None = None
    dose: dict[str, int | None] = field(default_factory=dict)


def _today(session: Session, patient: User, now: datetime) -> date:
    profile = accounts.profile_of(session, patient=patient)
    return day_at(plan.rhythm_of(profile), now)


def plan_editor(session: Session, *, actor: User, patient_id: int, now: datetime) -> PlanEditor:
    """Each routine of the catalogue with its version in force today and any change
    already scheduled; records the view."""
    patient = access.patient_for(session, actor=actor, patient_id=patient_id)
    today = _today(session, patient, now)
    versions = plan.plan_versions(session, patient_id=patient.id)
    rows = [
        RoutineRow(
            spec=spec_of(current.routine),
            current=current,
            upcoming=sorted(
                (v for v in versions if v.routine == current.routine and v.effective_from > today),
                key=lambda v: v.effective_from,
            ),
        )
        for current in plan_in_force(versions, today)
    ]
    audit.record_now(
        session, actor=actor, action=AuditAction.VIEW_PLAN, now=now, patient_id=patient.id
    )
    return PlanEditor(patient=patient, today=today, rows=rows)


def _when(current: When, change: RoutineChange, errors: dict) -> When:
    if current.anchor is Anchor.FIXED:
        if change.at_time is None:
            errors["at_time"] = N_("Enter a time such as 19:30.")
            return current
        return When(Anchor.FIXED, at=change.at_time)
    if current.anchor in (Anchor.BEDTIME, Anchor.WAKE) and change.offset_minutes is not None:
        if not 0 <= change.offset_minutes <= MAX_OFFSET_MINUTES:
            errors["offset_minutes"] = Message(
                N_("Enter a number from %(low)s to %(high)s."), low=0, high=MAX_OFFSET_MINUTES
            )
            return current
        sign = -1 if current.anchor is Anchor.BEDTIME else 1
        return When(current.anchor, sign * change.offset_minutes)
    return current


def _frequency(current: Frequency, change: RoutineChange, errors: dict) -> Frequency:
    cadence = change.cadence or current.cadence
    if cadence is Cadence.DAILY:
        return Frequency.daily()
    if cadence is Cadence.WEEKDAYS:
        if not change.weekdays:
            errors["weekdays"] = N_("Choose at least one day.")
            return current
        return Frequency.on(*sorted(change.weekdays))
    low = change.per_week_min or current.per_week_min or 1
    high = change.per_week_max or max(low, current.per_week_max)
    if not 1 <= low <= high <= 7:
        errors["per_week_min"] = N_("Choose between 1 and 7 days a week, the fewest first.")
        return current
    return Frequency.per_week(low, high)


def change_routine(
    session: Session,
    *,
    actor: User,
    patient_id: int,
    routine: str,
    change: RoutineChange,
    now: datetime,
) -> PlannedRoutine:
    """Change one routine from ``change.effective_from`` (today or later) on."""
    patient = access.patient_in_care(session, actor=actor, patient_id=patient_id)
    if routine not in CATALOGUE:
        raise NotFound("routine")
    today = _today(session, patient, now)
    errors: dict[str, object] = {}
    if change.effective_from < today:
        errors["effective_from"] = N_("Choose today or a later date: past days keep their plan.")
    versions = plan.plan_versions(session, patient_id=patient.id)
    current = next(
        v for v in plan_in_force(versions, change.effective_from) if v.routine == routine
    )
    when = _when(current.when, change, errors)
    frequency = _frequency(current.frequency, change, errors)
    dose_values = {}
    for name, value in change.dose.items():
        if name not in DOSE_LIMITS or getattr(current.dose, name) is None or value is None:
            continue
        low, high = DOSE_LIMITS[name]
        if not low <= value <= high:
            errors[name] = Message(
                N_("Enter a number from %(low)s to %(high)s."), low=low, high=high
            )
        dose_values[name] = value
    if errors:
        raise InvalidInput(errors)
    dose = dataclasses.replace(current.dose, **dose_values)
    version = plan.stage_change(
        session,
        patient_id=patient.id,
        current=current,
        effective_from=change.effective_from,
        changed_by_id=actor.id,
        now=now,
        enabled=change.enabled,
        when=when,
        frequency=frequency,
        dose=dose,
    )
    audit.record(
        session,
        actor=actor,
        action=AuditAction.CHANGE_PLAN,
        now=now,
        patient_id=patient.id,
        detail=f"{routine} from {change.effective_from.isoformat()}",
    )
    session.commit()
    return version
