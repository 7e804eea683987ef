"""Insights, one rule per test (app/domain/insights.py): the periods each insight
covers, and what it says it covers."""

from __future__ import annotations

from datetime import date, timedelta

from app.domain.cramps import Situation
from app.domain.insights import (
    SIGNIFICANCE_LEVEL,
    compute_insights,
    cramps_in_period,
    routine_comparison,
    situation_pattern,
    weekly_outcome,
)
from tests.unit.test_insights import LAST, day_cramp, diary_of, night_cramp


def test_the_insights_name_the_period_they_cover():
    diary = diary_of({0: "C", 3: "F", 12: "CC"})
    found = compute_insights(diary, last_evening=LAST, full_routine_evenings=set())
    assert found.last_evening == LAST
    assert found.pattern_first == LAST - timedelta(days=29)
    assert found.significance_level == SIGNIFICANCE_LEVEL
    assert found.outcome == weekly_outcome(diary, last_evening=LAST)
    assert (found.week.days, found.month.days) == (7, 30)
    assert (found.week.recent.first, found.week.before.first) == (
        LAST - timedelta(days=6),
        LAST - timedelta(days=13),
    )


def test_the_routine_comparison_covers_the_whole_period_on_both_sides():
    diary = diary_of({0: "C", 1: "F"})
    found = routine_comparison(diary, last_evening=LAST, full_routine_evenings={LAST}, days=14)
    first = LAST - timedelta(days=13)
    assert (found.after_full.first, found.after_full.last) == (first, LAST)
    assert (found.other.first, found.other.last) == (first, LAST)


def test_a_nights_period_takes_the_daytime_cramps_of_the_day_after_each_night():
    first = LAST - timedelta(days=6)
    inside = [day_cramp(first + timedelta(days=1), 1), day_cramp(LAST + timedelta(days=1), 2)]
    outside = [day_cramp(first, 3), day_cramp(LAST + timedelta(days=2), 4)]
    diary = diary_of({}, extra=[*inside, *outside, night_cramp(LAST, 5)])
    assert {c.id for c in cramps_in_period(diary, first, LAST)} == {1, 2, 5}


def test_the_most_frequent_situation_comes_first():
    cramps = [
        night_cramp(LAST, 1, situation=Situation.ASLEEP),
        day_cramp(LAST, 2, situation=Situation.AFTER_EXERCISE),
        day_cramp(LAST - timedelta(days=1), 3, situation=Situation.AFTER_EXERCISE),
    ]
    pattern = situation_pattern(cramps)
    assert pattern.counts == ((Situation.AFTER_EXERCISE, 2), (Situation.ASLEEP, 1))
    assert pattern.most_common == (Situation.AFTER_EXERCISE,)


def test_every_period_is_dated():
    assert weekly_outcome(diary_of({}), last_evening=LAST).overall.first == date(2025, 10, 28)
