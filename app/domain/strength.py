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
from collections.abc import Iterable
from datetime import date, timedelta

from app.domain.adherence import DoneLog, counts, day_value
from app.domain.schedule import Cadence, PlannedRoutine, first_day, plan_in_force


def smooth(frequency: float, previous: float, value: float) -> float:
    """One step of Loop's score; ``frequency`` is times per day (1 for daily)."""
    multiplier = 0.5 ** (math.sqrt(frequency) / 13.0)
    return previous * multiplier + value * (1 - multiplier)


def strengths(
    versions: Iterable[PlannedRoutine], done: DoneLog, *, today: date
) -> dict[str, float]:
    """Each tracked routine's strength (0–1) as of ``today``, from the day the patient
    joined. Routines never enabled are absent."""
    versions = list(versions)
    joined = first_day(versions)
    if joined is None:
        return {}
    scores: dict[str, float] = {}
    # Loop doubles a weekly habit's window (2 of 7 → 4 of 14) to smooth out walks
    # that fall on different weekdays from one week to the next.
    windows: dict[str, list[int]] = {}
    day = joined
    while day <= today:
        for item in plan_in_force(versions, day):
            if not counts(item):
                continue
            amount = done.get(item.routine, {}).get(day, 0)
            if day == today and amount == 0:
                # Not done yet today: nothing to judge.
                scores.setdefault(item.routine, 0.0)
                continue
            previous = scores.get(item.routine, 0.0)
            frequency = item.frequency
            if frequency.cadence is Cadence.WEEKLY:
                window = windows.setdefault(item.routine, [])
                window.append(1 if amount > 0 else 0)
                del window[:-14]
                value = min(1.0, sum(window) / (2 * frequency.per_week_min))
                scores[item.routine] = smooth(frequency.per_week_min / 7, previous, value)
            elif frequency.is_due_on(day):
                scores[item.routine] = smooth(1.0, previous, day_value(item, amount))
            else:
                scores.setdefault(item.routine, previous)
        day += timedelta(days=1)
    return scores


def as_percent(score: float) -> int:
    return round(score * 100)
