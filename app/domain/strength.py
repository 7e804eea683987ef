"""Habit strength: a forgiving score per routine, in the manner of Loop Habit Tracker.

Each judged day moves the score a little towards that day's value (1 done, 0 not,
a fraction for water) by exponential smoothing::

    multiplier = 0.5 ** (sqrt(frequency) / 13)
    score = score * multiplier + value * (1 - multiplier)

For something done every day the multiplier is about 0.948: a day's weight halves
in 13 days, so a month of evenings builds a strong habit and one missed evening
costs only a few points. Days a routine is not scheduled (a weekday-only routine
at the weekend, a routine switched off) leave the score alone. A weekly routine
("2–3 days a week") is judged every day by how much of its target the last two
weeks hold, with its own, slower multiplier, exactly as Loop does for habits that
are not daily. The current day counts only once it is done, so the score never
drops during an evening that is still in progress.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from app.domain.adherence import DoneLog, counts, day_value
from app.domain.schedule import Cadence, PlannedRoutine, first_day, plan_in_force

# Loop doubles a weekly habit's window (2 of 7 → 4 of 14) to smooth out walks that
# fall on different weekdays from one week to the next.
WEEKLY_WINDOW_DAYS = 14


@dataclass(frozen=True)
class Habit:
    """A routine's strength once some day has been judged: the score, and for a weekly
    routine whether it was done on each of the last 14 judged days (oldest first)."""

    score: float = 0.0
    recent: tuple[int, ...] = ()


def smooth(frequency: float, previous: float, value: float) -> float:
    """One step of Loop's score; ``frequency`` is times per day (1 for daily)."""
    multiplier = 0.5 ** (math.sqrt(frequency) / 13.0)
    return previous * multiplier + value * (1 - multiplier)


def _judge(habits: dict[str, Habit], item: PlannedRoutine, day: date, amount: int) -> None:
    previous = habits.get(item.routine, Habit())
    frequency = item.frequency
    if frequency.cadence is Cadence.WEEKLY:
        recent = (*previous.recent, 1 if amount > 0 else 0)[-WEEKLY_WINDOW_DAYS:]
        value = min(1.0, sum(recent) / (2 * frequency.per_week_min))
        habits[item.routine] = Habit(
            smooth(frequency.per_week_min / 7, previous.score, value), recent
        )
    elif frequency.is_due_on(day):
        habits[item.routine] = Habit(
            smooth(1.0, previous.score, day_value(item, amount)), previous.recent
        )
    else:
        habits.setdefault(item.routine, previous)


def carry(
    versions: Iterable[PlannedRoutine],
    done: DoneLog,
    *,
    first: date,
    last: date,
    habits: Mapping[str, Habit] | None = None,
) -> dict[str, Habit]:
    """The habits after judging every day from ``first`` to ``last``, all of them over,
    starting from ``habits`` as they stood the day before ``first``."""
    versions = list(versions)
    # The plan in force changes only on a day some version takes effect: look it up
    # again only then, not for every day judged.
    changes = {v.effective_from for v in versions}
    carried = dict(habits or {})
    judged: list[PlannedRoutine] | None = None
    day = first
    while day <= last:
        if judged is None or day in changes:
            judged = [item for item in plan_in_force(versions, day) if counts(item)]
        for item in judged:
            _judge(carried, item, day, done.get(item.routine, {}).get(day, 0))
        day += timedelta(days=1)
    return carried


def strengths(
    versions: Iterable[PlannedRoutine],
    done: DoneLog,
    *,
    today: date,
    habits: Mapping[str, Habit] | None = None,
    since: date | None = None,
) -> dict[str, float]:
    """Each tracked routine's strength (0–1) as of ``today``. Routines never enabled
    are absent.

    Without ``habits`` every day from the one the patient joined is judged. With
    ``habits`` as they stood the day before ``since`` (see ``carry``), only the days
    from ``since`` are, so a year of history costs no more than two weeks.
    """
    versions = list(versions)
    joined = first_day(versions)
    if joined is None:
        return {}
    start = since if habits is not None and since is not None else joined
    carried = carry(
        versions, done, first=start, last=today - timedelta(days=1), habits=habits or {}
    )
    for item in plan_in_force(versions, today) if start <= today else ():
        if not counts(item):
            continue
        amount = done.get(item.routine, {}).get(today, 0)
        if amount == 0:
            # Not done yet today: nothing to judge.
            carried.setdefault(item.routine, Habit())
        else:
            _judge(carried, item, today, amount)
    return {routine: habit.score for routine, habit in carried.items()}


def as_percent(score: float) -> int:
    return round(score * 100)
