"""Insights and the numbers they rest on (issue 4 part 6, issue 7 part 6)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.checkins import MorningAnswer
from app.domain.cramps import CrampDetails, Foot, LoggedCramp, Situation
from app.domain.insights import (
    MIN_RECORDED_NIGHTS,
    Direction,
    NightRate,
    compare,
    compute_insights,
    routine_comparison,
    side_split,
    situation_pattern,
    trend,
    weekly_outcome,
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
    """``pattern`` maps "nights before LAST" to C (a cramp), CC (two cramps) or F
    (said cramp-free)."""
    cramps, answers = list(extra), []
    for n, (back, kind) in enumerate(sorted(pattern.items())):
        evening = LAST - timedelta(days=back)
        if kind.startswith("C"):
            cramps.extend(night_cramp(evening, 100 * n + k) for k in range(len(kind)))
        else:
            answers.append(MorningAnswer(evening, had_cramps=False))
    return build_diary(
        first=LAST - timedelta(days=59),
        last=LAST + timedelta(days=1),
        cramps=cramps,
        answers=answers,
        rhythm=USUAL,
    )


def rate(cramp_nights: int, cramp_free: int, unrecorded: int = 0) -> NightRate:
    return NightRate(LAST, LAST, cramp_nights, cramp_free, unrecorded)


def test_weekly_trend_counts_cramp_nights_per_recorded_night_and_the_unrecorded():
    # Last 7 nights: 1 cramp night (two cramps), 3 cramp-free, 3 without a record.
    # The 7 before: 3 cramp nights, 1 cramp-free, 3 without a record.
    pattern = {0: "CC", 1: "F", 2: "F", 3: "F", 7: "C", 8: "C", 9: "C", 10: "F"}
    week = trend(diary_of(pattern), last_evening=LAST, days=7)
    assert week.recent == NightRate(LAST - timedelta(days=6), LAST, 1, 3, 3, cramps=2)
    assert week.before == NightRate(
        LAST - timedelta(days=13), LAST - timedelta(days=7), 3, 1, 3, cramps=3
    )
    assert week.recent.share == Fraction(1, 4)
    assert (week.recent.percent, week.before.percent) == (25, 75)
    # Four recorded nights a side: too few to name a direction at all.
    assert week.direction is Direction.NOT_ENOUGH_RECORDS
    assert week.verdict.p_value is None


def test_a_period_without_any_record_has_no_share_and_no_direction():
    week = trend(diary_of({0: "C"}), last_evening=LAST, days=7)
    assert week.before.share is None
    assert week.before.unrecorded_nights == 7
    assert week.direction is Direction.NOT_ENOUGH_RECORDS


@pytest.mark.parametrize(
    ("group", "reference", "expected"),
    [
        pytest.param(rate(0, 1), rate(1, 0), Direction.NOT_ENOUGH_RECORDS, id="one night each"),
        pytest.param(rate(0, 4), rate(7, 0), Direction.NOT_ENOUGH_RECORDS, id="four is too few"),
        pytest.param(rate(0, 5, 2), rate(5, 0, 2), Direction.FEWER, id="5 free vs 5 cramps"),
        pytest.param(rate(5, 0), rate(0, 5), Direction.MORE, id="the other way round"),
        pytest.param(rate(1, 4), rate(4, 1), Direction.NO_CLEAR_DIFFERENCE, id="1/5 vs 4/5"),
        pytest.param(rate(2, 4), rate(4, 2), Direction.NO_CLEAR_DIFFERENCE, id="2/6 vs 4/6"),
        pytest.param(rate(3, 3), rate(3, 3), Direction.NO_CLEAR_DIFFERENCE, id="the same"),
        pytest.param(rate(6, 24), rate(21, 9), Direction.FEWER, id="20% vs 70% of 30"),
        pytest.param(rate(10, 20), rate(16, 14), Direction.NO_CLEAR_DIFFERENCE, id="33% vs 53%"),
    ],
)
def test_a_direction_needs_enough_nights_and_a_gap_chance_does_not_explain(
    group, reference, expected
):
    assert compare(group, reference).direction is expected


def test_the_verdict_carries_its_p_value():
    verdict = compare(rate(0, 5), rate(5, 0))
    assert verdict.p_value == Fraction(2, 252)
    assert compare(rate(3, 3), rate(3, 3)).p_value == 1


def test_nights_without_a_record_never_count_towards_the_minimum():
    assert MIN_RECORDED_NIGHTS == 5
    lots_unrecorded = rate(0, 4, unrecorded=26)
    assert compare(lots_unrecorded, rate(20, 0)).direction is Direction.NOT_ENOUGH_RECORDS


def test_routine_comparison_needs_five_recorded_nights_on_each_side():
    # Five evenings with the full routine, all cramp-free; four other recorded
    # nights, all with cramps.
    full = {LAST - timedelta(days=d) for d in range(5)}
    pattern = {0: "F", 1: "F", 2: "F", 3: "F", 4: "F", 5: "C", 6: "C", 7: "C", 8: "C"}
    comparison = routine_comparison(
        diary_of(pattern), last_evening=LAST, full_routine_evenings=full
    )
    assert comparison.after_full.recorded_nights == 5
    assert comparison.other.recorded_nights == 4
    assert comparison.other.unrecorded_nights == 21  # shown, but not counted
    assert not comparison.enough_data
    assert comparison.direction is Direction.NOT_ENOUGH_RECORDS

    pattern[9] = "C"
    comparison = routine_comparison(
        diary_of(pattern), last_evening=LAST, full_routine_evenings=full
    )
    assert comparison.enough_data
    assert comparison.verdict.p_value == Fraction(2, 252)
    assert comparison.direction is Direction.FEWER


def test_full_routine_evenings_outside_the_period_are_ignored():
    comparison = routine_comparison(
        diary_of({0: "F"}), last_evening=LAST, full_routine_evenings={LAST + timedelta(days=3)}
    )
    assert comparison.after_full.recorded_nights + comparison.after_full.unrecorded_nights == 0


def test_the_weekly_outcome_lists_four_weeks_newest_first_with_their_counts():
    # Week 1 (the last 7 nights): cramps on 2 nights (3 cramps), 4 cramp-free, 1 unrecorded.
    pattern = {0: "CC", 1: "F", 2: "F", 3: "C", 4: "F", 5: "F", 9: "C", 27: "F"}
    outcome = weekly_outcome(diary_of(pattern), last_evening=LAST)
    assert [(w.first, w.last) for w in outcome.weeks] == [
        (LAST - timedelta(days=6 + 7 * k), LAST - timedelta(days=7 * k)) for k in range(4)
    ]
    newest = outcome.weeks[0]
    assert (newest.cramp_nights, newest.cramps, newest.cramp_free_nights) == (2, 3, 4)
    assert newest.unrecorded_nights == 1
    assert [w.nights for w in outcome.weeks] == [7, 7, 7, 7]
    assert (outcome.weeks[1].cramp_nights, outcome.weeks[3].cramp_free_nights) == (1, 1)
    overall = outcome.overall
    assert (overall.first, overall.last) == (LAST - timedelta(days=27), LAST)
    assert (overall.cramp_nights, overall.cramps, overall.cramp_free_nights) == (3, 4, 5)
    assert overall.unrecorded_nights == 20


@pytest.mark.parametrize(
    ("cramp_nights", "cramps", "recorded", "nights_a_week", "cramps_a_week"),
    [
        (3, 4, 8, Decimal("2.6"), Decimal("3.5")),  # 21/8 = 2.625, 28/8 = 3.5
        (1, 1, 28, Decimal("0.3"), Decimal("0.3")),  # 0.25 rounds half up
        (0, 0, 5, Decimal("0.0"), Decimal("0.0")),
        (7, 14, 7, Decimal("7.0"), Decimal("14.0")),
    ],
)
def test_per_week_figures_are_per_seven_recorded_nights(
    cramp_nights, cramps, recorded, nights_a_week, cramps_a_week
):
    r = NightRate(LAST, LAST, cramp_nights, recorded - cramp_nights, 3, cramps=cramps)
    assert (r.cramp_nights_per_week, r.cramps_per_week) == (nights_a_week, cramps_a_week)


def test_per_week_figures_need_a_recorded_night():
    r = NightRate(LAST, LAST, 0, 0, 7)
    assert r.cramp_nights_per_week is None
    assert r.cramps_per_week is None


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
