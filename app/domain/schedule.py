"""The schedule engine: which routines are due on a patient's day, and when.

A *patient day* D runs from halfway through the night before it to halfway through
the night after it (midpoints of bedtime → wake, taken on UTC instants so DST
cannot stretch them). The evening of D, its bedtime (even at 01:00) and the next
morning's early hours all belong to D; the morning of D begins it. Halfway is the
turnover because it is the one point that is "tonight" for someone who stays up
late and "today" for someone who wakes early.

A plan is a set of *versions* of plan items, each in force from a local date
(``effective_from``) until a later version of the same routine replaces it. Days
are always judged against the version in force on that day.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from app.domain.rhythm import Rhythm, local_datetime

# ---------------------------------------------------------------------------
# Values stored on a plan item
# ---------------------------------------------------------------------------


class Anchor(StrEnum):
    BEDTIME = "bedtime"  # offset_minutes from the evening's bedtime (negative = before)
    WAKE = "wake"  # offset_minutes from the morning's wake time
    FIXED = "fixed"  # a local wall-clock time (at)
    DAYTIME = "daytime"  # spread over the waking day, from waking to bedtime


class Cadence(StrEnum):
    DAILY = "daily"
    WEEKDAYS = "weekdays"  # only on chosen weekdays
    WEEKLY = "weekly"  # any days, aiming for per_week_min..per_week_max days a week


# The furthest an occurrence may sit from its anchor; larger values are refused.
MAX_OFFSET = timedelta(hours=12)


@dataclass(frozen=True, slots=True)
class When:
    anchor: Anchor
    offset_minutes: int = 0
    at: time | None = None

    def __post_init__(self) -> None:
        if self.anchor is Anchor.FIXED and self.at is None:
            raise ValueError("a fixed-time item needs a time")
        if abs(self.offset_minutes) > MAX_OFFSET / timedelta(minutes=1):
            raise ValueError("offset too large")

    @classmethod
    def before_bedtime(cls, minutes: int) -> When:
        return cls(Anchor.BEDTIME, -minutes)

    @classmethod
    def after_waking(cls, minutes: int = 0) -> When:
        return cls(Anchor.WAKE, minutes)

    @classmethod
    def at_time(cls, at: time) -> When:
        return cls(Anchor.FIXED, at=at)

    @classmethod
    def during_the_day(cls) -> When:
        return cls(Anchor.DAYTIME)


@dataclass(frozen=True, slots=True)
class Frequency:
    cadence: Cadence
    # ISO weekdays, Monday = 1 … Sunday = 7; only for WEEKDAYS.
    weekdays: frozenset[int] = frozenset()
    # Only for WEEKLY: "2–3 days a week" is (2, 3).
    per_week_min: int = 0
    per_week_max: int = 0

    def __post_init__(self) -> None:
        if self.cadence is Cadence.WEEKDAYS and (
            not self.weekdays or not self.weekdays <= frozenset(range(1, 8))
        ):
            raise ValueError("choose at least one weekday, 1–7")
        if self.cadence is Cadence.WEEKLY and not (
            1 <= self.per_week_min <= self.per_week_max <= 7
        ):
            raise ValueError("a weekly target needs 1 ≤ min ≤ max ≤ 7")

    @classmethod
    def daily(cls) -> Frequency:
        return cls(Cadence.DAILY)

    @classmethod
    def on(cls, *weekdays: int) -> Frequency:
        return cls(Cadence.WEEKDAYS, weekdays=frozenset(weekdays))

    @classmethod
    def per_week(cls, low: int, high: int | None = None) -> Frequency:
        return cls(Cadence.WEEKLY, per_week_min=low, per_week_max=high or low)

    def is_due_on(self, day: date) -> bool:
        """Whether an occurrence is *scheduled* on this day (weekly items never are:
        the patient picks the days, and the week's target is what counts)."""
        if self.cadence is Cadence.DAILY:
            return True
        if self.cadence is Cadence.WEEKDAYS:
            return day.isoweekday() in self.weekdays
        return False

    @property
    def days_per_week(self) -> float:
        """How many days a week it is meant to happen: the habit-strength frequency."""
        if self.cadence is Cadence.DAILY:
            return 7.0
        if self.cadence is Cadence.WEEKDAYS:
            return float(len(self.weekdays))
        return float(self.per_week_min)


WORK_DAYS = (1, 2, 3, 4, 5)


@dataclass(frozen=True, slots=True)
class Dose:
    """How much of a routine: only the parts that apply to it are set."""

    sets: int | None = None
    hold_seconds: int | None = None
    rest_seconds: int | None = None
    reps: int | None = None
    minutes: int | None = None
    # A sole massage that follows the main part (the foot bath's two minutes).
    massage_minutes: int | None = None
    glasses: int | None = None


# ---------------------------------------------------------------------------
# Plan versions
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlannedRoutine:
    """One version of one routine in a patient's plan."""

    routine: str
    effective_from: date
    enabled: bool
    when: When
    frequency: Frequency
    dose: Dose
    # Tie-break for occurrences at the same instant: the order the evening is lived.
    order: int = 0
    # The stored row, when there is one (None in pure tests).
    item_id: int | None = None

    def replace(self, **changes) -> PlannedRoutine:
        return dataclasses.replace(self, **changes)


def plan_in_force(versions: Iterable[PlannedRoutine], day: date) -> list[PlannedRoutine]:
    """For each routine, the version in force on ``day``: the latest that took effect
    on or before it.

    A day before a routine's first version takes that first version: the plan a
    patient starts with stands for anything earlier (adherence separately ignores
    days before the patient joined). Disabled versions are returned too; callers
    decide what "off" means for them. A routine has at most one version per day.
    """
    by_routine: dict[str, list[PlannedRoutine]] = {}
    for version in versions:
        by_routine.setdefault(version.routine, []).append(version)
    chosen: list[PlannedRoutine] = []
    for routine, routine_versions in by_routine.items():
        routine_versions.sort(key=lambda v: v.effective_from)
        starts = [v.effective_from for v in routine_versions]
        if len(set(starts)) != len(starts):
            # The database forbids it too: which one would be "in force" is undefined.
            raise ValueError(f"two versions of {routine} take effect on the same day")
        current = routine_versions[0]
        for version in routine_versions:
            if version.effective_from <= day:
                current = version
        chosen.append(current)
    chosen.sort(key=lambda v: (v.order, v.routine))
    return chosen


def first_day(versions: Iterable[PlannedRoutine]) -> date | None:
    """The day the patient's plan began: when they joined, for adherence."""
    return min((v.effective_from for v in versions), default=None)


# ---------------------------------------------------------------------------
# Patient days
# ---------------------------------------------------------------------------


def turnover(rhythm: Rhythm, evening: date) -> datetime:
    """The UTC instant halfway through the night of ``evening``, where day D ends."""
    bed = rhythm.bedtime_on(evening).astimezone(UTC)
    wake = rhythm.wake_after(evening).astimezone(UTC)
    return bed + (wake - bed) / 2


def day_bounds(rhythm: Rhythm, day: date) -> tuple[datetime, datetime]:
    """The half-open UTC interval [start, end) of patient day ``day``."""
    return turnover(rhythm, day - timedelta(days=1)), turnover(rhythm, day)


def day_at(rhythm: Rhythm, instant: datetime) -> date:
    """The patient day that contains ``instant`` (an aware datetime)."""
    # The local date is only a first guess; the second loop corrects any overshoot of
    # the first, so neither the guess nor the first loop's step can change the answer.
    day = instant.astimezone(rhythm.zone).date()  # pragma: no mutate (a guess, see above)
    while instant < day_bounds(rhythm, day)[0]:  # pragma: no mutate (see above)
        day -= timedelta(days=1)  # pragma: no mutate (see above)
    while instant >= day_bounds(rhythm, day)[1]:
        day += timedelta(days=1)
    return day


class PartOfDay(StrEnum):
    MORNING = "morning"
    DAYTIME = "daytime"
    EVENING = "evening"
    NIGHT = "night"


# How long before bedtime the home screen calls it "tonight".
EVENING_LEAD = timedelta(hours=5)
# How long after waking it is still "morning".
MORNING_LENGTH = timedelta(hours=4)


def part_of_day(rhythm: Rhythm, day: date, instant: datetime) -> PartOfDay:
    """Morning (first hours after waking), daytime, evening (the last five hours
    before bedtime) or night (after bedtime), on patient day ``day``."""
    # Hours counted in elapsed time (UTC), so a DST day is not an hour off.
    bed = rhythm.bedtime_on(day).astimezone(UTC)  # pragma: no mutate (any fixed offset)
    wake = rhythm.wake_on(day).astimezone(UTC)  # pragma: no mutate (any fixed offset)
    if instant >= bed:
        return PartOfDay.NIGHT
    if instant >= bed - EVENING_LEAD:
        return PartOfDay.EVENING
    if instant < wake + MORNING_LENGTH:
        return PartOfDay.MORNING
    return PartOfDay.DAYTIME


# ---------------------------------------------------------------------------
# Occurrences
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One scheduled instance of a routine on a patient day."""

    day: date
    item: PlannedRoutine
    at: datetime  # local, aware, in the rhythm's zone
    at_utc: datetime
    # Items spread over the day have a window that ends here (local and UTC).
    until: datetime | None = None
    until_utc: datetime | None = None

    @property
    def routine(self) -> str:
        return self.item.routine

    @property
    def sort_key(self) -> tuple[datetime, int, str]:
        return (self.at_utc, self.item.order, self.item.routine)


def _clamp(instant: datetime, start: datetime, end: datetime) -> datetime:
    # Offsets are bounded, but a very short night could still push an item past the
    # day's edge; it is then listed at the edge rather than on the wrong day.
    return min(max(instant, start), end - timedelta(minutes=1))


def _place(item: PlannedRoutine, rhythm: Rhythm, day: date) -> tuple[datetime, datetime | None]:
    """The UTC instant (and window end, for daytime items) of ``item`` on ``day``."""
    when = item.when
    if when.anchor is Anchor.BEDTIME:
        base = rhythm.bedtime_on(day).astimezone(UTC)
        return base + timedelta(minutes=when.offset_minutes), None
    if when.anchor is Anchor.WAKE:
        base = rhythm.wake_on(day).astimezone(UTC)
        return base + timedelta(minutes=when.offset_minutes), None
    if when.anchor is Anchor.FIXED:
        assert when.at is not None
        start, _ = day_bounds(rhythm, day)
        candidate = local_datetime(day, when.at, rhythm.zone).astimezone(UTC)
        if candidate < start:
            # A small-hours time such as 00:30 belongs to the night after the evening.
            candidate = local_datetime(day + timedelta(days=1), when.at, rhythm.zone).astimezone(
                UTC
            )
        return candidate, None
    return (
        rhythm.wake_on(day).astimezone(UTC),
        rhythm.bedtime_on(day).astimezone(UTC),
    )


def occurrences_on(
    rhythm: Rhythm, versions: Iterable[PlannedRoutine], day: date
) -> list[Occurrence]:
    """The routines scheduled on patient day ``day``, in the order they are lived.

    Only enabled items whose frequency schedules them that day are listed; weekly
    items are never *scheduled* (see :func:`weekly_goals`). Occurrences are ordered
    by instant, then by the catalogue's evening order, then by routine key, so the
    order is stable; each routine appears at most once.
    """
    start, end = day_bounds(rhythm, day)
    found: list[Occurrence] = []
    for item in plan_in_force(versions, day):
        if not item.enabled or not item.frequency.is_due_on(day):
            continue
        at_utc, until_utc = _place(item, rhythm, day)
        at_utc = _clamp(at_utc, start, end)
        if until_utc is not None:
            until_utc = _clamp(until_utc, start, end)
        found.append(
            Occurrence(
                day=day,
                item=item,
                at=at_utc.astimezone(rhythm.zone),
                at_utc=at_utc,
                until=until_utc.astimezone(rhythm.zone) if until_utc else None,
                until_utc=until_utc,
            )
        )
    found.sort(key=lambda o: o.sort_key)
    return found


# ---------------------------------------------------------------------------
# Weekly goals
# ---------------------------------------------------------------------------


def week_of(day: date) -> tuple[date, date]:
    """The Monday-to-Sunday week (of patient days) that contains ``day``."""
    monday = day - timedelta(days=day.isoweekday() - 1)
    return monday, monday + timedelta(days=6)


@dataclass(frozen=True, slots=True)
class WeeklyGoal:
    item: PlannedRoutine
    week_start: date
    week_end: date
    target_min: int
    target_max: int
    done_days: int  # days this week with the routine done
    done_today: bool

    @property
    def met(self) -> bool:
        return self.done_days >= self.target_min

    @property
    def routine(self) -> str:
        return self.item.routine


def weekly_goals(
    versions: Iterable[PlannedRoutine],
    day: date,
    done_days: Mapping[str, Iterable[date]],
) -> list[WeeklyGoal]:
    """For each enabled weekly item on ``day``: this week's target and progress.

    ``done_days`` maps a routine to the patient days it was done; only days in the
    week of ``day``, up to and including ``day``, count.
    """
    monday, sunday = week_of(day)
    goals = []
    for item in plan_in_force(versions, day):
        if not item.enabled or item.frequency.cadence is not Cadence.WEEKLY:
            continue
        days = {d for d in done_days.get(item.routine, ()) if monday <= d <= day}
        goals.append(
            WeeklyGoal(
                item=item,
                week_start=monday,
                week_end=sunday,
                target_min=item.frequency.per_week_min,
                target_max=item.frequency.per_week_max,
                done_days=len(days),
                done_today=day in days,
            )
        )
    return goals
