"""Insights and the numbers they rest on (issue 4, part 6)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.checkins import MorningAnswer
from app.domain.cramps import CrampDetails, Foot, LoggedCramp, Situation
from app.domain.insights import (
    Direction,
    NightRate,
    compute_insights,
    routine_comparison,
    side_split,
    situation_pattern,
    trend,
)
from app.domain.nights import NightState, build_diary
from app.domain.rhythm import Rhythm

TOKYO = ZoneInfo("Asia/Tokyo")
USUAL = Rhythm(time(23, 0), time(7, 0), TOKYO)
LAST = date(2025, 11, 24)


def night_cramp(evening: date, cramp_id: int = 1, **details) -> LoggedCramp:
    moment = datetime.combine(evening + timedelta(days=1), time(3, 0), TOKYO)
    return LoggedCramp(cramp_id, moment.astimezone(UTC), TOKYO, CrampDetails(**details))


def day_cramp(day: date, cramp_id: int = 1, **details) -> LoggedCramp:
    moment = datetime.combine(day, time(14, 0), TOKYO)
    return LoggedCramp(cramp_id, moment.astimezone(UTC), TOKYO, CrampDetails(**details))


def diary_of(pattern: dict[int, str], extra=()):
    """``pattern`` maps "nights before LAST" to C (cramp), F (said cramp-free)."""
    cramps, answers = list(extra), []
    for n, (back, kind) in enumerate(sorted(pattern.items())):
        evening = LAST - timedelta(days=back)
        if kind == "C":
            cramps.append(night_cramp(evening, n))
        else:
            answers.append(MorningAnswer(evening, had_cramps=False))
    return build_diary(
        first=LAST - timedelta(days=59),
        last=LAST + timedelta(days=1),
        cramps=cramps,
        answers=answers,
        rhythm=USUAL,
    )


def test_weekly_trend_counts_cramp_nights_per_recorded_night_and_the_unrecorded():
    # Last 7 nights: 1 cramp, 3 cramp-free, 3 without a record.
    # The 7 before: 3 cramps, 1 cramp-free, 3 without a record.
    pattern = {0: "C", 1: "F", 2: "F", 3: "F", 7: "C", 8: "C", 9: "C", 10: "F"}
    week = trend(diary_of(pattern), last_evening=LAST, days=7)
    assert week.recent == NightRate(LAST - timedelta(days=6), LAST, 1, 3, 3)
    assert week.before == NightRate(LAST - timedelta(days=13), LAST - timedelta(days=7), 3, 1, 3)
    assert week.recent.share == Fraction(1, 4)
    assert (week.recent.percent, week.before.percent) == (25, 75)
    assert week.direction is Direction.FEWER


def test_a_period_without_any_record_has_no_share_and_no_direction():
    week = trend(diary_of({0: "C"}), last_evening=LAST, days=7)
    assert week.before.share is None
    assert week.before.unrecorded_nights == 7
    assert week.direction is Direction.UNKNOWN


def test_routine_comparison_needs_three_recorded_nights_on_each_side():
    pattern = {0: "F", 1: "F", 2: "C", 3: "C", 4: "C"}
    full = {LAST, LAST - timedelta(days=1), LAST - timedelta(days=2)}
    comparison = routine_comparison(
        diary_of(pattern), last_evening=LAST, full_routine_evenings=full
    )
    assert comparison.after_full.recorded_nights == 3
    assert comparison.other.recorded_nights == 2
    assert comparison.other.unrecorded_nights == 25  # shown, but not counted
    assert not comparison.enough_data
    assert comparison.direction is Direction.UNKNOWN

    pattern[5] = "C"
    comparison = routine_comparison(
        diary_of(pattern), last_evening=LAST, full_routine_evenings=full
    )
    assert comparison.enough_data
    assert (comparison.after_full.cramp_nights, comparison.after_full.recorded_nights) == (1, 3)
    assert (comparison.other.cramp_nights, comparison.other.recorded_nights) == (3, 3)
    assert comparison.direction is Direction.FEWER


def test_full_routine_evenings_outside_the_period_are_ignored():
    comparison = routine_comparison(
        diary_of({0: "F"}), last_evening=LAST, full_routine_evenings={LAST + timedelta(days=3)}
    )
    assert comparison.after_full.recorded_nights + comparison.after_full.unrecorded_nights == 0


def test_most_common_situation_reports_ties_and_counts():
    cramps = [
        night_cramp(LAST, 1, situation=Situation.ASLEEP),
        night_cramp(LAST, 2, situation=Situation.AFTER_EXERCISE),
        night_cramp(LAST, 3, situation=Situation.ASLEEP),
        night_cramp(LAST, 4, situation=Situation.AFTER_EXERCISE),
        night_cramp(LAST, 5),
    ]
    pattern = situation_pattern(cramps)
    assert pattern.most_common == (Situation.ASLEEP, Situation.AFTER_EXERCISE)
    assert (pattern.top_count, pattern.with_situation, pattern.total_cramps) == (2, 4, 5)


def test_no_cramps_means_no_most_common_situation():
    assert situation_pattern([]).most_common == ()


def test_left_right_split_counts_unspecified_separately():
    cramps = [
        night_cramp(LAST, 1, foot=Foot.LEFT),
        night_cramp(LAST, 2, foot=Foot.LEFT),
        night_cramp(LAST, 3, foot=Foot.BOTH),
        night_cramp(LAST, 4),
    ]
    split = side_split(cramps)
    assert (split.left, split.right, split.both, split.unspecified, split.total) == (2, 0, 1, 1, 4)


def test_patterns_cover_the_last_30_nights_and_the_days_between_them():
    old = night_cramp(LAST - timedelta(days=30), 90, foot=Foot.RIGHT)  # 31st night back
    today = day_cramp(
        LAST + timedelta(days=1), 91, foot=Foot.LEFT, situation=Situation.AFTER_STANDING
    )
    insights = compute_insights(
        diary_of({0: "C"}, extra=[old, today]), last_evening=LAST, full_routine_evenings=set()
    )
    assert insights.sides.right == 0
    assert insights.sides.left == 1
    assert insights.situations.most_common == (Situation.AFTER_STANDING,)
    assert insights.month.before.cramp_nights == 1


@given(st.dictionaries(st.integers(0, 59), st.sampled_from("CF")))
def test_every_night_is_counted_exactly_once_in_each_period(pattern):
    diary = diary_of(pattern)
    for days in (7, 30):
        t = trend(diary, last_evening=LAST, days=days)
        for rate in (t.recent, t.before):
            assert rate.recorded_nights + rate.unrecorded_nights == days
            assert rate.cramp_nights == sum(
                1
                for e in range((rate.last - rate.first).days + 1)
                if diary.night(rate.first + timedelta(days=e)).state is NightState.CRAMPS
            )


@pytest.mark.parametrize("days", [7, 30])
def test_periods_are_adjacent_and_do_not_overlap(days):
    t = trend(diary_of({}), last_evening=LAST, days=days)
    assert t.recent.last == LAST
    assert t.before.last + timedelta(days=1) == t.recent.first
