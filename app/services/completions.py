"""Recording routines done, and taking them back.

One row per occurrence done (one per glass of water), on the patient day it
belongs to. A repeated submission, with the same client UUID, changes nothing; so
does a second "done" for an occurrence already done. Bad input stores nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from app.domain.catalogue import (
    LIMITS,
    MAX_GLASSES_A_DAY,
    Routine,
    default_values,
    out_of_range,
    spec_of,
)
from app.domain.schedule import day_at, plan_in_force
from app.i18n import N_, Message
from app.models import Completion, PatientProfile
from app.services import habits
from app.services import plan as plan_service
from app.services.errors import InvalidInput, NotFound

# How far back a forgotten routine can still be ticked.
LATE_ENTRY_DAYS = 7


@dataclass(frozen=True)
class Recorded:
    completion: Completion
    created: bool  # False when it was a repeat and nothing changed


def _check_day(day: date, today: date) -> None:
    if day > today:
        raise InvalidInput({"day": N_("That day has not begun yet, so nothing was recorded.")})
    if day < today - timedelta(days=LATE_ENTRY_DAYS):
        raise InvalidInput(
            {
                "day": Message(
                    N_("Only the last %(days)s days can be changed here."), days=LATE_ENTRY_DAYS
                )
            }
        )


def _values(routine: str, dose, given: dict[str, int | None]) -> dict[str, int]:
    spec = spec_of(routine)
    values = {m.value: v for m, v in default_values(spec, dose).items()}
    errors: dict[str, str] = {}
    for measure in spec.measures:
        value = given.get(measure.value)
        if value is None:
            continue
        if out_of_range(measure, value):
            low, high = LIMITS[measure]
            errors[measure.value] = Message(
                N_("Enter a number from %(low)s to %(high)s."), low=low, high=high
            )
        values[measure.value] = value
    if errors:
        raise InvalidInput(errors)
    return values


def record_completion(
    session: Session,
    *,
    patient_id: int,
    profile: PatientProfile,
    item_id: int,
    client_id: uuid.UUID,
    day: date,
    now: datetime,
    values: dict[str, int | None] | None = None,
) -> Recorded:
    """Record that the routine of plan item ``item_id`` was done on patient day ``day``.

    Missing values default to the planned dose (one tap = "I did what the plan
    says"). The day must be today or one of the last seven: nothing in the future.
    The routine must be switched on in the plan in force that day.
    """
    existing = session.exec(
        select(Completion).where(
            Completion.patient_id == patient_id, Completion.client_id == client_id
        )
    ).first()
    if existing is not None:
        return Recorded(existing, created=False)
    row = plan_service.item_of(session, patient_id=patient_id, item_id=item_id)
    if row is None:
        raise NotFound("plan item")
    today = day_at(plan_service.rhythm_of(profile), now)
    _check_day(day, today)
    versions = plan_service.plan_versions(session, patient_id=patient_id)
    version = next(v for v in plan_in_force(versions, day) if v.routine == row.routine)
    if not version.enabled:
        raise InvalidInput({"day": N_("This routine is not part of your plan on that day.")})
    fields = _values(row.routine, version.dose, values or {})
    slot = 0
    if row.routine == Routine.WATER:
        slot = _glasses_on(session, patient_id=patient_id, day=day)
        if slot >= MAX_GLASSES_A_DAY:
            raise InvalidInput(
                {
                    "glasses": Message(
                        N_("%(max)s glasses is the most we can record in a day."),
                        max=MAX_GLASSES_A_DAY,
                    )
                }
            )
    else:
        done = _done_on(session, patient_id=patient_id, routine=row.routine, day=day)
        if done is not None:
            return Recorded(done, created=False)
    completion = Completion(
        patient_id=patient_id,
        client_id=client_id,
        routine=row.routine,
        day=day,
        slot=slot,
        plan_item_id=version.item_id,
        recorded_at=now,
        **fields,
    )
    session.add(completion)
    habits.remember(session, patient_id=patient_id, versions=versions, today=today, now=now)
    try:
        session.commit()
    except IntegrityError:
        # Another request recorded the same submission or occurrence first.
        session.rollback()
        again = session.exec(
            select(Completion).where(
                Completion.patient_id == patient_id, Completion.client_id == client_id
            )
        ).first() or _done_on(session, patient_id=patient_id, routine=row.routine, day=day)
        if again is None:
            raise
        return Recorded(again, created=False)
    return Recorded(completion, created=True)


def undo_completion(
    session: Session,
    *,
    patient_id: int,
    profile: PatientProfile,
    item_id: int,
    day: date,
    now: datetime,
) -> bool:
    """Take back today's "done" (for water, the last glass). Only today can be undone,
    so the record of earlier days stays what it was. False when there was nothing."""
    row = plan_service.item_of(session, patient_id=patient_id, item_id=item_id)
    if row is None:
        raise NotFound("plan item")
    today = day_at(plan_service.rhythm_of(profile), now)
    if day != today:
        raise InvalidInput({"day": N_("Only today's routines can be undone.")})
    last = session.exec(
        select(Completion)
        .where(
            Completion.patient_id == patient_id,
            Completion.routine == row.routine,
            Completion.day == day,
        )
        .order_by(col(Completion.slot).desc())
    ).first()
    if last is None:
        return False
    session.exec(delete(Completion).where(col(Completion.id) == last.id))
    session.commit()
    return True


def _done_on(session: Session, *, patient_id: int, routine: str, day: date) -> Completion | None:
    return session.exec(
        select(Completion).where(
            Completion.patient_id == patient_id,
            Completion.routine == routine,
            Completion.day == day,
        )
    ).first()


def _glasses_on(session: Session, *, patient_id: int, day: date) -> int:
    return session.exec(
        select(func.count())
        .select_from(Completion)
        .where(
            Completion.patient_id == patient_id,
            Completion.routine == Routine.WATER.value,
            Completion.day == day,
        )
    ).one()


def completions_between(
    session: Session, *, patient_id: int, start: date, end: date
) -> list[Completion]:
    """The patient's completions on patient days ``start``..``end`` inclusive."""
    return list(
        session.exec(
            select(Completion)
            .where(
                Completion.patient_id == patient_id,
                Completion.day >= start,
                Completion.day <= end,
            )
            .order_by(Completion.day, Completion.routine, Completion.slot)
        )
    )
