"""Caseload figures from per-day aggregates, so a dashboard of hundreds of patients
never replays anyone's history.

The database sums each patient's completions per day (app.services.caseload); this
module turns those sums and the plan's versions into the same adherence that
app.domain.adherence defines, computing what was *scheduled* arithmetically per
stretch of days with one plan in force, instead of day by day. A test checks the
two agree, plan changes included.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from app.domain.adherence import counts
from app.domain.catalogue import Routine
from app.domain.nights import last_night, night_of, sleep_window_utc
from app.domain.rhythm import SLEEP_WINDOW_MARGIN, Rhythm, local_datetime, night_bounds
from app.domain.schedule import Cadence, PlannedRoutine, week_of

# Needs attention when adherence over the last 7 days is this many points below the
# last 30, or nothing has been recorded for this many days.
ADHERENCE_DROP_POINTS = 30
SILENT_DAYS = 3
WATER = Routine.WATER.value


# What the database sums per patient day: a bit for each routine done (water aside,
# ROUTINE_BITS), and the glasses of water.
DayDone = tuple[int, int]


def _round_half_up(value: float) -> int:
    return int(value + 0.5 + 1e-9)


@dataclass(frozen=True, slots=True)
class PlanVersion:
    """The part of a plan version that adherence needs, cheap to build by the hundred."""

    routine: str
    effective_from: date
    counted: bool  # enabled and tracked (app.domain.adherence.counts)
    cadence: Cadence
    weekdays: frozenset[int] = frozenset()
    per_week_min: int = 0
    glasses: int | None = None


def slim(version: PlannedRoutine) -> PlanVersion:
    return PlanVersion(
        routine=version.routine,
        effective_from=version.effective_from,
        counted=counts(version),
        cadence=version.frequency.cadence,
        weekdays=version.frequency.weekdays,
        per_week_min=version.frequency.per_week_min,
        glasses=version.dose.glasses,
    )


def in_force(versions: Sequence[PlanVersion], day: date) -> list[PlanVersion]:
    """Each routine's version in force on ``day`` (its first one before it began),
    as app.domain.schedule.plan_in_force decides."""
    chosen: dict[str, PlanVersion] = {}
    for version in versions:
        current = chosen.get(version.routine)
        if (
            current is None
            or (version.effective_from <= day and version.effective_from > current.effective_from)
            or (current.effective_from > day and version.effective_from < current.effective_from)
        ):
            chosen[version.routine] = version
    return list(chosen.values())


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of days with one plan in force, as masks per weekday (Monday = 0)."""

    first: date
    last: date
    due: tuple[int, ...]  # bits of the daily/weekday routines due on each weekday
    water: tuple[int, ...]  # the water target on each weekday (0: not due)
    weekly: tuple[tuple[str, int, int], ...]  # (routine, bit, weekly minimum)


def segments(
    versions: Sequence[PlanVersion], first: date, end: date, bits: Mapping[str, int]
) -> list[Segment]:
    """first..end cut where a version takes effect, each piece with its plan as masks."""
    changes = sorted({v.effective_from for v in versions if first < v.effective_from <= end})
    result = []
    start = first
    for boundary in [*changes, end + timedelta(days=1)]:
        due = [0] * 7
        water = [0] * 7
        weekly = []
        for item in in_force(versions, start):
            if not item.counted:
                continue
            if item.cadence is Cadence.WEEKLY:
                weekly.append((item.routine, bits.get(item.routine, 0), item.per_week_min))
                continue
            days = range(7) if item.cadence is Cadence.DAILY else [d - 1 for d in item.weekdays]
            for weekday in days:
                if item.routine == WATER:
                    water[weekday] = item.glasses or 1
                else:
                    due[weekday] |= bits.get(item.routine, 0)
        result.append(
            Segment(start, boundary - timedelta(days=1), tuple(due), tuple(water), tuple(weekly))
        )
        start = boundary
    return result


def _window(segs: Sequence[Segment], days: Mapping[date, DayDone], first: date, end: date):
    scheduled = 0.0
    done = 0.0
    owed: dict[tuple[str, date], float] = defaultdict(float)
    weekly_done: dict[tuple[str, date], int] = defaultdict(int)
    for seg in segs:
        lo, hi = max(seg.first, first), min(seg.last, end)
        if lo > hi:
            continue
        span = (hi - lo).days + 1
        full, rest = divmod(span, 7)
        for weekday in range(7):
            # How many dates lo..hi fall on this weekday.
            n = full + (1 if (weekday - lo.weekday()) % 7 < rest else 0)
            scheduled += n * (seg.due[weekday].bit_count() + (1 if seg.water[weekday] else 0))
        for routine, _bit, minimum in seg.weekly:
            monday = week_of(lo)[0]
            while monday <= hi:
                inside = (min(monday + timedelta(days=6), hi) - max(monday, lo)).days + 1
                owed[(routine, monday)] += minimum / 7 * inside
                monday += timedelta(days=7)
        for day, (mask, glasses) in days.items():
            if not lo <= day <= hi:
                continue
            weekday = day.weekday()
            done += (mask & seg.due[weekday]).bit_count()
            target = seg.water[weekday]
            if target:
                done += min(1.0, glasses / target)
            for routine, bit, _minimum in seg.weekly:
                # Water is summed in glasses, not as a bit: any glass makes a day done.
                if glasses if routine == WATER else mask & bit:
                    weekly_done[(routine, week_of(day)[0])] += 1
    for key, amount in owed.items():
        target = _round_half_up(amount)
        if target:
            scheduled += target
            done += min(weekly_done[key], target)
    return done / scheduled if scheduled else None


def window_adherence(
    versions: Sequence[PlanVersion],
    days: Mapping[date, DayDone],
    *,
    windows: Sequence[tuple[date, date]],
    bits: Mapping[str, int],
) -> list[float | None]:
    """Adherence (0–1, None when nothing was due) over each window of patient days.

    Same rule as app.domain.adherence.adherence: each day against the plan version
    in force; water a capped fraction of its target; a weekly routine per Monday
    week with its target pro-rated to the days inside the window. What was due is
    counted per weekday of each stretch, not day by day.
    """
    if not versions:
        return [None] * len(windows)
    joined = min(v.effective_from for v in versions)
    widest = min(start for start, _ in windows)
    last = max(end for _, end in windows)
    first = max(widest, joined)
    if first > last:
        return [None] * len(windows)
    segs = segments(versions, first, last, bits)
    return [
        _window(segs, days, max(start, joined), end) if max(start, joined) <= end else None
        for start, end in windows
    ]


def steady_until(now: datetime, rhythm: Rhythm) -> datetime:
    """The first moment after ``now`` (UTC) at which the dates a caseload row is judged
    on move: the patient's next midnight (today, the adherence windows, days silent) or
    the next morning that ends a night (app.domain.nights.last_night: the nights
    counted). Between the two, the row's figures change only with the diary."""
    today = now.astimezone(rhythm.zone).date()
    midnight = local_datetime(today + timedelta(days=1), time(0), rhythm.zone).astimezone(UTC)
    following = last_night(now, rhythm) + timedelta(days=1)
    if following > today:  # that night's morning cannot come before midnight
        return midnight
    return min(midnight, night_bounds(rhythm, following)[1] - SLEEP_WINDOW_MARGIN)


class Trend(StrEnum):
    MORE = "more"
    FEWER = "fewer"
    SAME = "same"


def trend(recent: int, before: int) -> Trend:
    if recent > before:
        return Trend.MORE
    if recent < before:
        return Trend.FEWER
    return Trend.SAME


class Attention(StrEnum):
    RED_FLAG = "red_flag"
    ADHERENCE_DROP = "adherence_drop"
    SILENT = "silent"


def attention_reasons(
    *,
    red_flags: int,
    adherence_7: float | None,
    adherence_30: float | None,
    silent_nights: int,
) -> tuple[Attention, ...]:
    """Why a patient needs attention: a red flag, adherence over the last 7 days down
    30 points or more on the last 30, or the last 3 nights without a record (no
    cramp logged and no morning check-in)."""
    reasons = []
    if red_flags:
        reasons.append(Attention.RED_FLAG)
    if (
        adherence_7 is not None
        and adherence_30 is not None
        and (adherence_30 - adherence_7) * 100 >= ADHERENCE_DROP_POINTS
    ):
        reasons.append(Attention.ADHERENCE_DROP)
    if silent_nights >= SILENT_DAYS:
        reasons.append(Attention.SILENT)
    return tuple(reasons)


class NightIndex:
    """Which night a cramp belongs to, for many patients at once.

    For moments dated first..last in their own zone. The sleep windows of the evenings
    around them are worked out once per rhythm (most patients keep one of a few) and
    looked up; anything unusual (a moment in no window or in two, for rhythms with
    little waking time) goes to the exact rule, app.domain.nights.night_of.
    """

    def __init__(self, first: date, last: date) -> None:
        # A night can start up to two dates before its moment (night_of), so the windows
        # reach two evenings back: a moment dated first..last meets every night it could
        # belong to here, and a single hit is the rule's own answer.
        start = first - timedelta(days=2)
        self.evenings = [start + timedelta(days=i) for i in range((last - start).days + 1)]
        self.windows: dict[Rhythm, list[tuple[date, datetime, datetime]]] = {}
        self.last: dict[tuple[Rhythm, datetime], date] = {}

    def night(self, moment: datetime, rhythm: Rhythm, zone: ZoneInfo) -> date | None:
        if zone != rhythm.zone:
            rhythm = dataclasses.replace(rhythm, zone=zone)
        windows = self.windows.get(rhythm)
        if windows is None:
            windows = self.windows[rhythm] = [
                (evening, *sleep_window_utc(rhythm, evening)) for evening in self.evenings
            ]
        instant = moment.astimezone(UTC)
        hits = [evening for evening, start, end in windows if start <= instant < end]
        if len(hits) == 1:
            return hits[0]
        return night_of(moment, rhythm)

    def last_night(self, now: datetime, rhythm: Rhythm) -> date:
        """app.domain.nights.last_night, once per rhythm."""
        key = (rhythm, now)
        if key not in self.last:
            self.last[key] = last_night(now, rhythm)
        return self.last[key]
