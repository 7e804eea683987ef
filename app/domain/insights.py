"""Personal insights from the diary, each carrying the counts it rests on.

Rates are cramp nights per *recorded* night (cramps or a "no cramps" answer); the
nights without a record are counted beside them, never folded in as good nights.
The wording built on these is descriptive: "fewer of your recorded nights had
cramps", never "the routine reduced your cramps".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from fractions import Fraction

from app.domain.cramps import Foot, LoggedCramp, Situation
from app.domain.nights import Diary, Night, NightState

# Fewer nights than this on either side and a comparison says nothing.
MIN_NIGHTS_EACH_SIDE = 3
ROUTINE_WINDOW_DAYS = 30
PATTERN_WINDOW_DAYS = 30


@dataclass(frozen=True, slots=True)
class NightRate:
    first: date
    last: date
    cramp_nights: int
    cramp_free_nights: int
    unrecorded_nights: int

    @property
    def recorded_nights(self) -> int:
        return self.cramp_nights + self.cramp_free_nights

    @property
    def share(self) -> Fraction | None:
        """Cramp nights per recorded night; None when nothing was recorded."""
        return Fraction(self.cramp_nights, self.recorded_nights) if self.recorded_nights else None

    @property
    def percent(self) -> int | None:
        share = self.share
        return None if share is None else round(share * 100)


def rate_of(nights: Iterable[Night], first: date, last: date) -> NightRate:
    states = Counter(n.state for n in nights)
    return NightRate(
        first,
        last,
        states[NightState.CRAMPS],
        states[NightState.CRAMP_FREE],
        states[NightState.NO_RECORD],
    )


class Direction(StrEnum):
    FEWER = "fewer"
    MORE = "more"
    SAME = "same"
    UNKNOWN = "unknown"  # a period without a recorded night


def _direction(recent: NightRate, before: NightRate) -> Direction:
    if recent.share is None or before.share is None:
        return Direction.UNKNOWN
    if recent.share < before.share:
        return Direction.FEWER
    if recent.share > before.share:
        return Direction.MORE
    return Direction.SAME


@dataclass(frozen=True, slots=True)
class Trend:
    days: int
    recent: NightRate
    before: NightRate

    @property
    def direction(self) -> Direction:
        return _direction(self.recent, self.before)


def trend(diary: Diary, *, last_evening: date, days: int) -> Trend:
    """The last ``days`` nights (ending with ``last_evening``) against the ``days`` before."""
    first = last_evening - timedelta(days=days - 1)
    before_last = first - timedelta(days=1)
    before_first = before_last - timedelta(days=days - 1)
    return Trend(
        days,
        rate_of(diary.nights_in(first, last_evening), first, last_evening),
        rate_of(diary.nights_in(before_first, before_last), before_first, before_last),
    )


@dataclass(frozen=True, slots=True)
class RoutineComparison:
    """Nights after the full evening routine against the other nights, same period."""

    after_full: NightRate
    other: NightRate
    min_nights: int = MIN_NIGHTS_EACH_SIDE

    @property
    def enough_data(self) -> bool:
        return (
            self.after_full.recorded_nights >= self.min_nights
            and self.other.recorded_nights >= self.min_nights
        )

    @property
    def direction(self) -> Direction:
        """FEWER: a smaller share of nights after the full routine had cramps."""
        if not self.enough_data:
            return Direction.UNKNOWN
        return _direction(self.after_full, self.other)


def routine_comparison(
    diary: Diary,
    *,
    last_evening: date,
    full_routine_evenings: set[date],
    days: int = ROUTINE_WINDOW_DAYS,
) -> RoutineComparison:
    """Split the last ``days`` nights by whether that evening's routine was complete."""
    first = last_evening - timedelta(days=days - 1)
    nights = diary.nights_in(first, last_evening)
    full = [n for n in nights if n.evening in full_routine_evenings]
    other = [n for n in nights if n.evening not in full_routine_evenings]
    return RoutineComparison(
        rate_of(full, first, last_evening), rate_of(other, first, last_evening)
    )


def cramps_in_period(diary: Diary, first: date, last: date) -> list[LoggedCramp]:
    """Cramps of the nights first..last and of the days that follow each of them."""
    found: list[LoggedCramp] = []
    for night in diary.nights_in(first, last):
        found.extend(night.cramps)
        found.extend(diary.daytime.get(night.evening + timedelta(days=1), ()))
    return found


@dataclass(frozen=True, slots=True)
class SituationPattern:
    counts: tuple[tuple[Situation, int], ...]  # most frequent first
    total_cramps: int

    @property
    def with_situation(self) -> int:
        return sum(n for _, n in self.counts)

    @property
    def most_common(self) -> tuple[Situation, ...]:
        """Every situation sharing the top count (a tie is shown as a tie)."""
        if not self.counts:
            return ()
        top = self.counts[0][1]
        return tuple(s for s, n in self.counts if n == top)

    @property
    def top_count(self) -> int:
        return self.counts[0][1] if self.counts else 0


def situation_pattern(cramps: Iterable[LoggedCramp]) -> SituationPattern:
    cramps = list(cramps)
    counter = Counter(c.details.situation for c in cramps if c.details.situation is not None)
    order = list(Situation)
    ranked = sorted(counter.items(), key=lambda item: (-item[1], order.index(item[0])))
    return SituationPattern(tuple(ranked), len(cramps))


@dataclass(frozen=True, slots=True)
class SideSplit:
    left: int
    right: int
    both: int
    unspecified: int

    @property
    def total(self) -> int:
        return self.left + self.right + self.both + self.unspecified


def side_split(cramps: Iterable[LoggedCramp]) -> SideSplit:
    feet = Counter(c.details.foot for c in cramps)
    return SideSplit(feet[Foot.LEFT], feet[Foot.RIGHT], feet[Foot.BOTH], feet[None])


@dataclass(frozen=True, slots=True)
class Insights:
    last_evening: date
    week: Trend
    month: Trend
    routine: RoutineComparison
    pattern_first: date
    situations: SituationPattern
    sides: SideSplit


def compute_insights(
    diary: Diary, *, last_evening: date, full_routine_evenings: set[date]
) -> Insights:
    """All insights as of the night of ``last_evening``.

    ``diary`` must cover the 60 nights up to ``last_evening`` and the day after it.
    """
    pattern_first = last_evening - timedelta(days=PATTERN_WINDOW_DAYS - 1)
    recent_cramps = cramps_in_period(diary, pattern_first, last_evening)
    return Insights(
        last_evening=last_evening,
        week=trend(diary, last_evening=last_evening, days=7),
        month=trend(diary, last_evening=last_evening, days=30),
        routine=routine_comparison(
            diary, last_evening=last_evening, full_routine_evenings=full_routine_evenings
        ),
        pattern_first=pattern_first,
        situations=situation_pattern(recent_cramps),
        sides=side_split(recent_cramps),
    )
