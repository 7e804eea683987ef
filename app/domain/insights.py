"""Personal insights from the diary, each carrying the counts it rests on.

The lead figure is the one cramp trials report: cramp nights and cramps per week,
and cramp-free nights. Rates are per *recorded* night (cramps or a "no cramps"
answer); the nights without a record are counted beside them, never folded in as
good nights. A comparison names a direction only when both sides have enough
recorded nights and Fisher's exact test says the gap is unlikely to be chance;
otherwise it says there is no clear difference. The wording built on these is
descriptive: "fewer of your recorded nights had cramps", never "the routine
reduced your cramps".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction

from app.domain.cramps import Foot, LoggedCramp, Situation
from app.domain.nights import Diary, Night, NightState
from app.domain.significance import SIGNIFICANCE_LEVEL, clears_chance, fisher_exact_p

# Fewer recorded nights than this on either side and a comparison is not made: a
# week needs five of its seven nights recorded.
MIN_RECORDED_NIGHTS = 5
ROUTINE_WINDOW_DAYS = 30
PATTERN_WINDOW_DAYS = 30
WEEKS_SHOWN = 4


@dataclass(frozen=True, slots=True)
class NightRate:
    first: date
    last: date
    cramp_nights: int
    cramp_free_nights: int
    unrecorded_nights: int
    cramps: int = 0  # cramps on the cramp nights (logged, or the count a check-in gave)

    @property
    def recorded_nights(self) -> int:
        return self.cramp_nights + self.cramp_free_nights

    @property
    def nights(self) -> int:
        return self.recorded_nights + self.unrecorded_nights

    @property
    def share(self) -> Fraction | None:
        """Cramp nights per recorded night; None when nothing was recorded."""
        return Fraction(self.cramp_nights, self.recorded_nights) if self.recorded_nights else None

    @property
    def percent(self) -> int | None:
        share = self.share
        return None if share is None else round(share * 100)

    @property
    def cramp_nights_per_week(self) -> Decimal | None:
        """Cramp nights per seven recorded nights, to one decimal place."""
        return _per_week(self.cramp_nights, self.recorded_nights)

    @property
    def cramps_per_week(self) -> Decimal | None:
        """Cramps per seven recorded nights, to one decimal place."""
        return _per_week(self.cramps, self.recorded_nights)


def _per_week(count: int, recorded: int) -> Decimal | None:
    if not recorded:
        return None
    return (Decimal(count * 7) / Decimal(recorded)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def rate_of(nights: Iterable[Night], first: date, last: date) -> NightRate:
    nights = list(nights)
    states = Counter(n.state for n in nights)
    return NightRate(
        first,
        last,
        states[NightState.CRAMPS],
        states[NightState.CRAMP_FREE],
        states[NightState.NO_RECORD],
        sum(n.cramp_count for n in nights if n.state is NightState.CRAMPS),
    )


class Direction(StrEnum):
    FEWER = "fewer"
    MORE = "more"
    NO_CLEAR_DIFFERENCE = "no_clear_difference"
    NOT_ENOUGH_RECORDS = "not_enough_records"


@dataclass(frozen=True, slots=True)
class Verdict:
    """How the share of cramp nights in ``group`` stands against ``reference``."""

    direction: Direction
    p_value: Fraction | None  # None when there were too few nights to test


def compare(
    group: NightRate, reference: NightRate, *, min_nights: int = MIN_RECORDED_NIGHTS
) -> Verdict:
    """FEWER or MORE only when both sides have ``min_nights`` recorded nights and
    Fisher's exact test on cramp nights against cramp-free nights clears chance."""
    if min(group.recorded_nights, reference.recorded_nights) < min_nights:
        return Verdict(Direction.NOT_ENOUGH_RECORDS, None)
    p_value = fisher_exact_p(
        group.cramp_nights,
        group.cramp_free_nights,
        reference.cramp_nights,
        reference.cramp_free_nights,
    )
    if not clears_chance(p_value):
        return Verdict(Direction.NO_CLEAR_DIFFERENCE, p_value)
    # Both shares exist (enough nights) and differ (else p would be 1).
    fewer = group.share < reference.share
    return Verdict(Direction.FEWER if fewer else Direction.MORE, p_value)


@dataclass(frozen=True, slots=True)
class Trend:
    days: int
    recent: NightRate
    before: NightRate
    min_nights: int = MIN_RECORDED_NIGHTS

    @property
    def verdict(self) -> Verdict:
        return compare(self.recent, self.before, min_nights=self.min_nights)

    @property
    def direction(self) -> Direction:
        """FEWER: a smaller share of the recent recorded nights had cramps."""
        return self.verdict.direction


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
    min_nights: int = MIN_RECORDED_NIGHTS

    @property
    def enough_data(self) -> bool:
        return min(self.after_full.recorded_nights, self.other.recorded_nights) >= self.min_nights

    @property
    def verdict(self) -> Verdict:
        return compare(self.after_full, self.other, min_nights=self.min_nights)

    @property
    def direction(self) -> Direction:
        """FEWER: a smaller share of nights after the full routine had cramps."""
        return self.verdict.direction


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


@dataclass(frozen=True, slots=True)
class WeeklyOutcome:
    """The trials' outcome: each of the last few weeks, newest first, and all of them."""

    weeks: tuple[NightRate, ...]
    overall: NightRate


def weekly_outcome(diary: Diary, *, last_evening: date, weeks: int = WEEKS_SHOWN) -> WeeklyOutcome:
    """Seven-night weeks ending with ``last_evening``: cramp nights, cramps, cramp-free
    nights and nights without a record in each, and the same over all of them."""
    rows = []
    for back in range(weeks):
        last = last_evening - timedelta(days=7 * back)
        first = last - timedelta(days=6)
        rows.append(rate_of(diary.nights_in(first, last), first, last))
    first = last_evening - timedelta(days=7 * weeks - 1)
    return WeeklyOutcome(
        tuple(rows), rate_of(diary.nights_in(first, last_evening), first, last_evening)
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
    outcome: WeeklyOutcome
    week: Trend
    month: Trend
    routine: RoutineComparison
    pattern_first: date
    significance_level: Fraction
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
        outcome=weekly_outcome(diary, last_evening=last_evening),
        week=trend(diary, last_evening=last_evening, days=7),
        month=trend(diary, last_evening=last_evening, days=30),
        routine=routine_comparison(
            diary, last_evening=last_evening, full_routine_evenings=full_routine_evenings
        ),
        pattern_first=pattern_first,
        significance_level=SIGNIFICANCE_LEVEL,
        situations=situation_pattern(recent_cramps),
        sides=side_split(recent_cramps),
    )
