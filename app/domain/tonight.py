"""Tonight's prompts on the home screen: when the bedtime glass is called out, and
which evening routine is next.

Instants are compared in UTC: two datetimes sharing a zone compare by wall time,
which is wrong across a DST change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

# The bedtime glass is called out this long before bedtime.
BEDTIME_GLASS_CALL = timedelta(minutes=30)
# A routine due this long ago and not done is no longer "next".
NEXT_GRACE = timedelta(minutes=30)


def call_out_bedtime_glass(*, planned: bool, done: bool, bedtime: datetime, now: datetime) -> bool:
    """Say "time for the bedtime glass" from 30 minutes before bedtime until it is drunk.

    Only when the plan has the glass tonight. It stays up after bedtime: a late
    glass still counts, and the day ends at the next wake time anyway.
    """
    if not planned or done:
        return False
    return bedtime.astimezone(UTC) - BEDTIME_GLASS_CALL <= now.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class EveningRoutine:
    """What the "next" rule needs to know about one of tonight's routines."""

    item_id: int
    at: datetime | None  # when it is due; None for "any time"
    done: bool


def next_routine(evening: Iterable[EveningRoutine], now: datetime) -> int | None:
    """The first of tonight's routines (in the order given, which is the order they
    are due) that is not done and not more than 30 minutes overdue.

    A routine without a time is never "next": there is nothing to count down to.
    """
    horizon = now.astimezone(UTC) - NEXT_GRACE
    for routine in evening:
        if not routine.done and routine.at is not None and routine.at.astimezone(UTC) >= horizon:
            return routine.item_id
    return None
