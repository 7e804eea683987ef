"""A patient's care plan in the database: the default plan, its versions, changes.

Rows are versions (see app.models.plan); this module turns them into the domain's
``PlannedRoutine`` values and back, and is the only place that writes them.

Internal to other services: these functions take a patient id because their
callers (plan_editor, preferences, tonight, completions, accounts.create_user, the
reminder sender...) have already checked access with ``access.patient_for`` or
are creating the patient; no route calls them
(tests/services/test_service_access.py checks).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import bindparam
from sqlmodel import Session, select

from app.domain.catalogue import CATALOGUE, default_plan
from app.domain.schedule import (
    Anchor,
    Cadence,
    Dose,
    Frequency,
    PlannedRoutine,
    When,
    day_at,
)
from app.models import PatientProfile, PlanItem, User
from app.services import memo
from app.services.profiles import rhythm_of


def _weekday_bits(weekdays: frozenset[int]) -> int:
    return sum(1 << (d - 1) for d in weekdays)


def _weekdays(bits: int) -> frozenset[int]:
    return frozenset(d for d in range(1, 8) if bits & (1 << (d - 1)))


def to_domain(row: PlanItem) -> PlannedRoutine:
    spec = CATALOGUE.get(row.routine)
    return PlannedRoutine(
        routine=row.routine,
        effective_from=row.effective_from,
        enabled=row.enabled,
        when=When(Anchor(row.anchor), row.offset_minutes, row.at_time),
        frequency=Frequency(
            Cadence(row.cadence),
            weekdays=_weekdays(row.weekdays),
            per_week_min=row.per_week_min,
            per_week_max=row.per_week_max,
        ),
        dose=Dose(
            sets=row.sets,
            hold_seconds=row.hold_seconds,
            rest_seconds=row.rest_seconds,
            reps=row.reps,
            minutes=row.minutes,
            massage_minutes=row.massage_minutes,
            glasses=row.glasses,
        ),
        order=spec.order if spec else 999,
        item_id=row.id,
    )


def _row_values(version: PlannedRoutine) -> dict:
    dose = version.dose
    return {
        "enabled": version.enabled,
        "anchor": version.when.anchor.value,
        "offset_minutes": version.when.offset_minutes,
        "at_time": version.when.at,
        "cadence": version.frequency.cadence.value,
        "weekdays": _weekday_bits(version.frequency.weekdays),
        "per_week_min": version.frequency.per_week_min,
        "per_week_max": version.frequency.per_week_max,
        "sets": dose.sets,
        "hold_seconds": dose.hold_seconds,
        "rest_seconds": dose.rest_seconds,
        "reps": dose.reps,
        "minutes": dose.minutes,
        "massage_minutes": dose.massage_minutes,
        "glasses": dose.glasses,
    }


def add_default_plan(
    session: Session, *, patient_id: int, effective_from: date, now: datetime
) -> None:
    """Give a new patient the clinic's default plan, in force from ``effective_from``.

    Part of creating the account: it only adds rows, and the account service commits
    them together with the user, so there is never a patient without a plan.
    """
    for version in default_plan(effective_from):
        session.add(
            PlanItem(
                patient_id=patient_id,
                routine=version.routine,
                effective_from=effective_from,
                created_at=now,
                **_row_values(version),
            )
        )


def start_plan(session: Session, *, patient: User, profile: PatientProfile) -> None:
    """Give a patient whose account is being created the clinic's default plan, in force
    from the patient day the account was made (the day they joined)."""
    joined = day_at(rhythm_of(profile), patient.created_at)
    add_default_plan(session, patient_id=patient.id, effective_from=joined, now=patient.created_at)


# Built once: constructing a statement costs more than SQLite takes to run it.
_VERSIONS = (
    select(PlanItem)
    .where(PlanItem.patient_id == bindparam("patient_id"))
    .order_by(PlanItem.routine, PlanItem.effective_from)
)


def plan_versions(session: Session, *, patient_id: int) -> list[PlannedRoutine]:
    """Every version of every routine in the patient's plan.

    The home screen asks for it twice (tonight's list, what is due soon); a copy of
    the list is handed out so no caller can change what the next one gets.
    """

    def load() -> list[PlannedRoutine]:
        rows = session.exec(_VERSIONS, params={"patient_id": patient_id})
        return [to_domain(row) for row in rows if row.routine in CATALOGUE]

    return list(memo.remembered(session, ("plan_versions", patient_id), load))


def item_of(session: Session, *, patient_id: int, item_id: int) -> PlanItem | None:
    """A plan item row of this patient's, or None (also for another patient's id)."""
    row = session.get(PlanItem, item_id)
    if row is None or row.patient_id != patient_id:
        return None
    return row


def stage_change(
    session: Session,
    *,
    patient_id: int,
    current: PlannedRoutine,
    effective_from: date,
    changed_by_id: int | None,
    now: datetime,
    **changes,
) -> PlannedRoutine:
    """Add a version of a routine taking effect on ``effective_from`` (the caller commits).

    A second change on the same day rewrites that day's version rather than adding
    another, so a routine never has two versions for one day. Earlier versions are
    never touched: past days stay judged against the plan they had.
    """
    version = current.replace(effective_from=effective_from, **changes)
    row = session.exec(
        select(PlanItem).where(
            PlanItem.patient_id == patient_id,
            PlanItem.routine == version.routine,
            PlanItem.effective_from == effective_from,
        )
    ).first()
    if row is None:
        row = PlanItem(
            patient_id=patient_id, routine=version.routine, effective_from=effective_from
        )
    for key, value in _row_values(version).items():
        setattr(row, key, value)
    row.changed_by_id = changed_by_id
    row.created_at = now
    session.add(row)
    session.flush()
    return version.replace(item_id=row.id)
