"""The schedule engine, one rule per test (app/domain/schedule.py).

Each pins a rule mutation testing showed no other test held.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.domain.catalogue import default_plan
from app.domain.rhythm import Rhythm
from app.domain.schedule import (
    Anchor,
    Cadence,
    Frequency,
    PartOfDay,
    When,
    day_at,
    day_bounds,
    first_day,
    occurrences_on,
    part_of_day,
    weekly_goals,
)

TUESDAY = date(2026, 11, 24)
PLAN = default_plan(date(2026, 11, 2))


@pytest.mark.parametrize(
    ("made", "meant"),
    [
        (When.before_bedtime(30), When(Anchor.BEDTIME, -30)),
        (When.after_waking(), When(Anchor.WAKE, 0)),
        (When.after_waking(15), When(Anchor.WAKE, 15)),
        (When.during_the_day(), When(Anchor.DAYTIME, 0)),
    ],
)
def test_named_times_mean_an_anchor_and_an_offset(made, meant):
    assert made == meant


def test_a_week_without_walks_has_a_goal_with_nothing_done():
    (goal,) = weekly_goals(PLAN, TUESDAY, {})
    assert goal.routine == "walk"
    assert (goal.done_days, goal.done_today, goal.met) == (0, False, False)


def test_a_walk_today_counts_towards_this_weeks_goal():
    monday = date(2026, 11, 23)
    (goal,) = weekly_goals(PLAN, TUESDAY, {"walk": [monday, TUESDAY]})
    assert (goal.done_days, goal.done_today, goal.met) == (2, True, True)


# --- what a plan item may say --------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: When(Anchor.FIXED),
        lambda: When(Anchor.BEDTIME, 721),
        lambda: When(Anchor.WAKE, -721),
        lambda: Frequency.on(),
        lambda: Frequency.on(0, 1),
        lambda: Frequency.on(7, 8),
        lambda: Frequency.per_week(0),
        lambda: Frequency.per_week(3, 2),
        lambda: Frequency.per_week(7, 8),
    ],
)
def test_impossible_plan_items_are_refused(make):
    with pytest.raises(ValueError, match=r"."):
        make()


@pytest.mark.parametrize(
    ("made", "cadence", "low", "high"),
    [
        (Frequency.on(1, 7), Cadence.WEEKDAYS, 0, 0),
        (Frequency.per_week(1), Cadence.WEEKLY, 1, 1),
        (Frequency.per_week(2), Cadence.WEEKLY, 2, 2),
        (Frequency.per_week(2, 2), Cadence.WEEKLY, 2, 2),
        (Frequency.per_week(2, 3), Cadence.WEEKLY, 2, 3),
        (Frequency.per_week(7), Cadence.WEEKLY, 7, 7),
    ],
)
def test_possible_frequencies_keep_their_cadence_and_range(made, cadence, low, high):
    assert (made.cadence, made.per_week_min, made.per_week_max) == (cadence, low, high)


def test_the_longest_offsets_are_allowed():
    assert When(Anchor.BEDTIME, -720).offset_minutes == -720
    assert When(Anchor.WAKE, 720).offset_minutes == 720


def test_an_empty_plan_has_no_first_day():
    assert first_day([]) is None


# --- patient days and occurrences ----------------------------------------------------

TOKYO = ZoneInfo("Asia/Tokyo")
USUAL = Rhythm(time(23, 0), time(7, 0), TOKYO)  # turnover 03:00


def tokyo(d: int, h: int, mi: int = 0) -> datetime:
    return datetime(2026, 11, d, h, mi, tzinfo=TOKYO)


def test_the_turnover_instant_begins_the_new_patient_day():
    assert day_at(USUAL, tokyo(24, 3)) == TUESDAY
    assert day_at(USUAL, tokyo(24, 2, 59)) == TUESDAY - timedelta(days=1)


@pytest.mark.parametrize(
    ("moment", "part"),
    [
        (tokyo(24, 23), PartOfDay.NIGHT),
        (tokyo(24, 22, 59), PartOfDay.EVENING),
        (tokyo(24, 18), PartOfDay.EVENING),
        (tokyo(24, 17, 59), PartOfDay.DAYTIME),
        (tokyo(24, 11), PartOfDay.DAYTIME),
        (tokyo(24, 10, 59), PartOfDay.MORNING),
    ],
)
def test_parts_of_the_day_begin_exactly_at_their_edges(moment, part):
    assert part_of_day(USUAL, TUESDAY, moment) == part


def item(routine: str, when: When):
    return next(v for v in PLAN if v.routine == routine).replace(when=when, enabled=True)


def occurrence(routine: str, when: When, rhythm: Rhythm = USUAL):
    (found,) = occurrences_on(rhythm, [item(routine, when)], TUESDAY)
    return found


def test_an_offset_after_waking_comes_after_waking():
    assert occurrence("waking_stretch", When.after_waking(30)).at == tokyo(24, 7, 30)


def test_a_fixed_time_at_the_turnover_stays_on_its_own_day():
    assert occurrence("foot_bath", When.at_time(time(3, 0))).at == tokyo(24, 3)


def test_an_item_pushed_past_the_days_end_is_listed_a_minute_before_it():
    short_night = Rhythm(time(23, 0), time(23, 30), TOKYO)  # turnover 23:15
    late = occurrence("toe_stretch", When(Anchor.BEDTIME, 60), short_night)
    assert late.at == tokyo(24, 23, 14)


def test_a_daytime_item_runs_from_waking_to_bedtime():
    water = occurrence("water", When.during_the_day())
    assert (water.day, water.at, water.until) == (TUESDAY, tokyo(24, 7), tokyo(24, 23))


def test_occurrences_are_given_in_utc_and_in_the_patients_zone():
    # The calf stretch moved to the small hours: it falls on the next date.
    plan = [v for v in PLAN if v.routine != "calf_stretch"]
    plan.append(item("calf_stretch", When.at_time(time(0, 30))))
    found = occurrences_on(USUAL, plan, TUESDAY)
    assert found
    for o in found:
        assert o.at_utc.utcoffset() == timedelta(0)
        assert o.at.tzinfo is TOKYO
        if o.until is not None:
            assert o.until_utc.utcoffset() == timedelta(0)
            assert o.until.tzinfo is TOKYO
    assert all(edge.utcoffset() == timedelta(0) for edge in day_bounds(USUAL, TUESDAY))


def test_the_named_times_anchor_where_they_say():
    assert When.before_bedtime(30) == When(Anchor.BEDTIME, -30)
    assert When.after_waking() == When(Anchor.WAKE, 0)
    assert When.after_waking(15) == When(Anchor.WAKE, 15)
    assert When.during_the_day() == When(Anchor.DAYTIME)


def test_every_occurrence_is_placed_at_a_utc_instant():
    rhythm = Rhythm(time(23, 0), time(7, 0), ZoneInfo("Asia/Tokyo"))
    plan = default_plan(date(2026, 11, 1))
    plan = [v.replace(enabled=True) for v in plan]
    found = occurrences_on(rhythm, plan, date(2026, 11, 24))
    assert {o.item.when.anchor for o in found} >= {Anchor.WAKE, Anchor.BEDTIME, Anchor.DAYTIME}
    for occurrence in found:
        assert occurrence.at_utc.utcoffset() == timedelta(0)
        assert occurrence.until_utc is None or occurrence.until_utc.utcoffset() == timedelta(0)
