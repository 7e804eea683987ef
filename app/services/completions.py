"""Recording routines done, and taking them back.

One row per occurrence done (one per glass of water), on the patient day it
belongs to. Client UUIDs follow the one rule for device entries
(app.services.device_entries); a second "done" for an occurrence already done
changes nothing. Bad input stores nothing. Only the patient records their own
routines; reading goes through the access rule (app.services.access).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, func
from sqlmodel import Session, col, select

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
from app.models import Completion, PlanItem, User
from app.services import access, habits
from app.services import device_entries as entries
from app.services import plan as plan_service
from app.services.device_entries import EntryKind, Saved
from app.services.errors import InvalidInput, NotFound
from app.services.profiles import rhythm_of

# How far back a forgotten routine can still be ticked.
LATE_ENTRY_DAYS = 7


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


def completion_fingerprint(item_id: int, day: date, values: dict[str, int | None]) -> str:
    given = {k: values.get(k) for k in ("sets", "minutes", "reps")}
    return entries.fingerprint({"plan_item_id": item_id, "day": day.isoformat(), **given})


def _stored_match(
    session: Session, *, patient_id: int, item_id: int, day: date, values: dict[str, int | None]
) -> Callable[[Completion], bool]:
    """Whether a request names what a completion without a fingerprint stores (one
    recorded before migration 0008): the same routine and day, and every value the
    request gives equal to the stored one (a one-tap request gives none)."""

    def same(entry: Completion) -> bool:
        row = plan_service.item_of(session, patient_id=patient_id, item_id=item_id)
        return (
            row is not None
            and row.routine == entry.routine
            and entry.day == day
            and all(
                values.get(k) is None or values.get(k) == getattr(entry, k)
                for k in ("sets", "minutes", "reps")
            )
        )

    return same


def _item(session: Session, *, patient_id: int, item_id: int) -> PlanItem:
    row = plan_service.item_of(session, patient_id=patient_id, item_id=item_id)
    if row is None:
        raise NotFound("plan item")
    return row


def _today(session: Session, patient: User, now: datetime) -> date:
    profile = access.profile_for(session, actor=patient, patient_id=patient.id)
    return day_at(rhythm_of(profile), now)


def record_completion(
    session: Session,
    *,
    actor: User,
    item_id: int,
    client_id: uuid.UUID,
    day: date,
    now: datetime,
    values: dict[str, int | None] | None = None,
) -> Saved[Completion]:
    """Record that the acting patient did the routine of plan item ``item_id`` on
    patient day ``day``.

    Missing values default to the planned dose (one tap = "I did what the plan
    says"). The day must be today or one of the last seven: nothing in the future.
    The routine must be switched on in the plan in force that day. Each glass of
    water is its own entry; any other routine is done at most once a day.
    """
    patient = access.patient_for(session, actor=actor, patient_id=actor.id)
    values = values or {}
    print_ = completion_fingerprint(item_id, day, values)

    def decide():
        row = _item(session, patient_id=patient.id, item_id=item_id)
        today = _today(session, patient, now)
        _check_day(day, today)
        versions = plan_service.plan_versions(session, patient_id=patient.id)
        version = next(v for v in plan_in_force(versions, day) if v.routine == row.routine)
        if not version.enabled:
            raise InvalidInput({"day": N_("This routine is not part of your plan on that day.")})
        fields = _values(row.routine, version.dose, values)
        slot = 0
        if row.routine == Routine.WATER:
            if _glasses_on(session, patient_id=patient.id, day=day) >= MAX_GLASSES_A_DAY:
                raise InvalidInput(
                    {
                        "glasses": Message(
                            N_("%(max)s glasses is the most we can record in a day."),
                            max=MAX_GLASSES_A_DAY,
                        )
                    }
                )
            # After the number of the last glass, not the count: an undone glass in the
            # middle leaves a gap.
            slot = _next_slot(session, patient_id=patient.id, day=day)
        else:
            done = _done_on(session, patient_id=patient.id, routine=row.routine, day=day)
            if done is not None:
                return lambda: Saved(done, created=False)
        habits.remember(session, patient_id=patient.id, versions=versions, today=today, now=now)
        return {
            "patient_id": patient.id,
            "client_id": client_id,
            "routine": row.routine,
            "day": day,
            "slot": slot,
            "plan_item_id": version.item_id,
            "recorded_at": now,
            "created_fingerprint": print_,
            **fields,
        }

    def done_meanwhile() -> Completion | None:
        """The same routine on the same day, stored by another request first (a glass
        of water is never the same occurrence as another)."""
        row = plan_service.item_of(session, patient_id=patient.id, item_id=item_id)
        if row is None or row.routine == Routine.WATER:
            return None
        return _done_on(session, patient_id=patient.id, routine=row.routine, day=day)

    return entries.record(
        session,
        Completion,
        kind=EntryKind.COMPLETION,
        patient_id=patient.id,
        client_id=client_id,
        fingerprint=print_,
        decide=decide,
        same_as_stored=_stored_match(
            session, patient_id=patient.id, item_id=item_id, day=day, values=values
        ),
        race_winner=done_meanwhile,
    )


def undo_completion(
    session: Session,
    *,
    actor: User,
    item_id: int,
    day: date,
    now: datetime,
) -> bool:
    """Take back today's "done" (for water, the last glass), from the home screen. Only
    today can be undone there, so the record of earlier days stays what it was. False
    when there was nothing."""
    patient = access.patient_for(session, actor=actor, patient_id=actor.id)
    row = _item(session, patient_id=patient.id, item_id=item_id)
    if day != _today(session, patient, now):
        raise InvalidInput({"day": N_("Only today's routines can be undone.")})
    last = session.exec(
        select(Completion)
        .where(
            Completion.patient_id == patient.id,
            Completion.routine == row.routine,
            Completion.day == day,
        )
        .order_by(col(Completion.slot).desc())
    ).first()
    if last is None:
        return False
    entries.bury(session, last, kind=EntryKind.COMPLETION, now=now)
    return True


def delete_completion(
    session: Session, *, actor: User, client_id: uuid.UUID, now: datetime
) -> None:
    """Take back one entry by its client UUID (the offline queue's undo), while its day
    could still be recorded: today or one of the last seven days. A deleted entry's
    UUID raises EntryGone; one that is not the patient's, NotFound."""
    patient = access.patient_for(session, actor=actor, patient_id=actor.id)
    row = entries.live(
        session, Completion, kind=EntryKind.COMPLETION, patient_id=patient.id, client_id=client_id
    )
    if row is None:
        raise NotFound("completion")
    _check_day(row.day, _today(session, patient, now))
    entries.bury(session, row, kind=EntryKind.COMPLETION, now=now)


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


def _next_slot(session: Session, *, patient_id: int, day: date) -> int:
    last = session.exec(
        select(func.max(Completion.slot)).where(
            Completion.patient_id == patient_id,
            Completion.routine == Routine.WATER.value,
            Completion.day == day,
        )
    ).one()
    return 0 if last is None else last + 1


# Built once: constructing a statement costs more than SQLite takes to run it.
_BETWEEN = (
    select(Completion)
    .where(
        Completion.patient_id == bindparam("patient_id"),
        Completion.day >= bindparam("start"),
        Completion.day <= bindparam("end"),
    )
    .order_by(Completion.day, Completion.routine, Completion.slot)
)


def completions_between(
    session: Session, *, actor: User, patient_id: int, start: date, end: date
) -> list[Completion]:
    """The patient's completions on patient days ``start``..``end`` inclusive."""
    access.patient_for(session, actor=actor, patient_id=patient_id)
    return list(
        session.exec(_BETWEEN, params={"patient_id": patient_id, "start": start, "end": end})
    )
