"""What the care plan tells other areas about a patient's evenings (the diary uses it).

"The evening routine" is every evening routine due that evening under the plan in
force then: foot bath, bedtime glass, sole massage, toe stretch, and the calf
stretch when it is switched on. An evening is *full* when every one of them was
done; an evening with nothing due is never full.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session

from app.domain.adherence import evening_routines_due, full_evening
from app.models import User
from app.services import access, habits
from app.services import completions as completion_service
from app.services import plan as plan_service


def evenings_with_full_routine(
    session: Session, *, actor: User, patient_id: int, start: date, end: date
) -> set[date]:
    """Evenings in ``start``..``end`` (inclusive) on which every evening routine due
    was done."""
    access.patient_for(session, actor=actor, patient_id=patient_id)
    versions = plan_service.plan_versions(session, patient_id=patient_id)
    log = habits.done_counts(session, patient_id=patient_id, start=start, end=end)
    found = set()
    day = start
    while day <= end:
        if full_evening(versions, day, log):
            found.add(day)
        day += timedelta(days=1)
    return found


@dataclass(frozen=True)
class RoutineDone:
    routine: str  # a key of app.domain.catalogue.Routine
    done: bool
    # What was recorded: any of "sets", "minutes", "reps", "glasses".
    values: dict[str, int]


@dataclass(frozen=True)
class EveningSummary:
    evening: date
    routines: list[RoutineDone]  # due that evening, in the order the evening is lived

    @property
    def done_count(self) -> int:
        return sum(1 for r in self.routines if r.done)

    @property
    def due_count(self) -> int:
        return len(self.routines)

    @property
    def full(self) -> bool:
        return bool(self.routines) and self.done_count == self.due_count


def evening_summary(
    session: Session, *, actor: User, patient_id: int, evening: date
) -> EveningSummary:
    """The evening routines due on ``evening`` and which were done, with their values."""
    access.patient_for(session, actor=actor, patient_id=patient_id)
    versions = plan_service.plan_versions(session, patient_id=patient_id)
    rows = completion_service.completions_between(
        session, actor=actor, patient_id=patient_id, start=evening, end=evening
    )
    by_routine = {row.routine: row for row in rows}
    routines = []
    for item in evening_routines_due(versions, evening):
        row = by_routine.get(item.routine)
        values = {}
        if row is not None:
            values = {
                name: value
                for name in ("sets", "minutes", "reps", "glasses")
                if (value := getattr(row, name)) is not None
            }
        routines.append(RoutineDone(item.routine, row is not None, values))
    return EveningSummary(evening, routines)
