"""Adherence: how much of the plan a patient did over a period.

Definition (the practitioner's report and the patient's summaries use this and
nothing else):

* The period is a range of patient days. Days before the patient joined (the
  first day of their plan) and days after ``through`` are left out.
* Each day is judged against the plan version in force that day. Only enabled,
  tracked routines count (the warm-feet tip has an optional tick and does not).
* A routine scheduled on a day (daily, or on one of its chosen weekdays) is one
  scheduled occurrence; it is done when at least one completion was recorded for
  it that day. Doing part of it (2 of 3 sets) still counts as done: the values are
  kept for the practitioner, and a half-done evening is an evening not skipped.
* Water is a capped fraction: glasses ÷ daily target, at most 1.
* A weekly routine ("2–3 days a week") is counted per Monday–Sunday week: its
  target is the lower bound, pro-rated to the days of that week inside the period
  (a patient who joined on Thursday owes 4/7 of it), rounded half up. Done is the
  number of days it was done that week, capped at the target, so extra walks do
  not make up for missed stretches.

adherence = done ÷ scheduled; None when nothing was scheduled.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from app.domain.catalogue import Routine, spec_of
from app.domain.schedule import Cadence, PlannedRoutine, first_day, plan_in_force, week_of

# routine -> patient day -> how many completions (glasses for water, else 1).
DoneLog = Mapping[str, Mapping[date, int]]


def counts(item: PlannedRoutine) -> bool:
    """Whether a plan item is judged at all: enabled and not just a tip."""
    return item.enabled and spec_of(item.routine).tracked


def day_value(item: PlannedRoutine, amount: int) -> float:
    """How much of one scheduled occurrence was done, between 0 and 1."""
    if item.routine == Routine.WATER:
        target = item.dose.glasses or 1
        return min(1.0, amount / target)
    return 1.0 if amount > 0 else 0.0


@dataclass
class Tally:
    scheduled: float = 0.0
    done: float = 0.0

    @property
    def ratio(self) -> float | None:
        return self.done / self.scheduled if self.scheduled else None

    def add(self, scheduled: float, done: float) -> None:
        self.scheduled += scheduled
        self.done += done


@dataclass
class Adherence:
    total: Tally = field(default_factory=Tally)
    by_routine: dict[str, Tally] = field(default_factory=dict)
    days: int = 0  # days judged

    @property
    def ratio(self) -> float | None:
        return self.total.ratio

    def add(self, routine: str, scheduled: float, done: float) -> None:
        self.total.add(scheduled, done)
        self.by_routine.setdefault(routine, Tally()).add(scheduled, done)


def _round_half_up(value: float) -> int:
    # What is owed is a whole number of sevenths, never within float error of a half.
    return int(value + 0.5)


def adherence(
    versions: Iterable[PlannedRoutine],
    done: DoneLog,
    *,
    start: date,
    end: date,
    through: date | None = None,
) -> Adherence:
    """Adherence over patient days ``start``..``end`` inclusive (see module docstring).

    ``through`` is the last day that can be judged (usually yesterday, so that an
    evening still in progress is not counted as missed).
    """
    versions = list(versions)
    joined = first_day(versions)
    result = Adherence()
    if joined is None:
        return result
    first = max(start, joined)
    last = min(end, through) if through else end
    weekly_owed: dict[tuple[str, date], float] = defaultdict(float)
    weekly_done: dict[tuple[str, date], int] = defaultdict(int)
    day = first
    while day <= last:
        result.days += 1
        for item in plan_in_force(versions, day):
            if not counts(item):
                continue
            amount = done.get(item.routine, {}).get(day, 0)
            if item.frequency.cadence is Cadence.WEEKLY:
                key = (item.routine, week_of(day)[0])  # pragma: no mutate (end names it too)
                weekly_owed[key] += item.frequency.per_week_min / 7
                weekly_done[key] += 1 if amount > 0 else 0
            elif item.frequency.is_due_on(day):
                result.add(item.routine, 1.0, day_value(item, amount))
        day += timedelta(days=1)
    for key, owed in sorted(weekly_owed.items()):
        target = _round_half_up(owed)
        if target:
            result.add(key[0], float(target), float(min(weekly_done[key], target)))
    return result


def evening_routines_due(versions: Iterable[PlannedRoutine], day: date) -> list[PlannedRoutine]:
    """The evening routines (foot bath, bedtime glass, massage, stretches) due on ``day``."""
    return [
        item
        for item in plan_in_force(versions, day)
        if counts(item) and spec_of(item.routine).evening and item.frequency.is_due_on(day)
    ]


def full_evening(versions: Iterable[PlannedRoutine], day: date, done: DoneLog) -> bool:
    """Every evening routine due on ``day`` was done (False when none was due)."""
    due = evening_routines_due(versions, day)
    return bool(due) and all(done.get(item.routine, {}).get(day, 0) > 0 for item in due)
