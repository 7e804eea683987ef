"""Habit strength, one rule per test (app/domain/strength.py).

Each test pins a rule that mutation testing (``make mutation``) showed was free to
change without any other test noticing.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest

from app.domain.catalogue import default_plan
from app.domain.schedule import Frequency
from app.domain.strength import carry, strengths

JOINED = date(2026, 11, 2)  # a Monday
PLAN = default_plan(JOINED)
DAILY_STEP = 1 - 0.5 ** (1 / 13)  # how far one done evening moves a daily routine
# The walk is "2–3 days a week": Loop's frequency is the lower bound, 2 of 7 days.
WEEKLY_STEP = 1 - 0.5 ** (math.sqrt(2 / 7) / 13)


def only(plan, *routines: str):
    return [v if v.routine in routines else v.replace(enabled=False) for v in plan]


def day(n: int) -> date:
    return JOINED + timedelta(days=n)


def test_a_routine_never_done_has_zero_strength():
    assert strengths(only(PLAN, "toe_stretch"), {}, today=day(3)) == {"toe_stretch": 0.0}


def test_on_the_first_evening_a_routine_not_yet_done_is_listed_at_zero():
    assert strengths(only(PLAN, "toe_stretch"), {}, today=JOINED) == {"toe_stretch": 0.0}


def test_one_routine_not_yet_done_today_does_not_hold_back_the_others():
    # The foot bath comes first in the evening; the stretch is already done.
    plan = only(PLAN, "foot_bath", "toe_stretch")
    result = strengths(plan, {"toe_stretch": {JOINED: 1}}, today=JOINED)
    assert result == {"foot_bath": 0.0, "toe_stretch": pytest.approx(DAILY_STEP)}


def test_a_weekday_routine_is_listed_at_zero_over_its_first_weekend():
    saturday = JOINED - timedelta(days=2)
    sunday = saturday + timedelta(days=1)
    plan = only(default_plan(saturday), "desk_break")
    # A desk break ticked on a Sunday is welcome, but Sunday is not judged.
    assert strengths(plan, {"desk_break": {sunday: 1}}, today=sunday) == {"desk_break": 0.0}


# --- weekly routines ---------------------------------------------------------------


def test_weekly_strength_stays_low_without_walks():
    assert strengths(only(PLAN, "walk"), {}, today=day(28)) == {"walk": 0.0}


def test_weekly_strength_moves_at_loops_weekly_pace():
    # One walk of a target of 2 a week: a quarter of the doubled 14-day window.
    first = strengths(only(PLAN, "walk"), {"walk": {JOINED: 1}}, today=JOINED)
    assert first == {"walk": pytest.approx(0.25 * WEEKLY_STEP)}


def test_one_walk_a_week_settles_at_half_of_a_two_walk_target():
    wednesdays = {day(n): 1 for n in range(2, 16 * 7, 7)}
    score = strengths(only(PLAN, "walk"), {"walk": wednesdays}, today=day(16 * 7))["walk"]
    assert score == pytest.approx(0.5, abs=0.05)


def test_a_walk_leaves_the_weekly_window_after_fourteen_days():
    plan = only(PLAN, "walk")
    done = {"walk": {JOINED: 1}}
    # today=day(n) judges days 0..n-1 (today is not done yet).
    inside = strengths(plan, done, today=day(14))["walk"]
    outside = strengths(plan, done, today=day(15))["walk"]
    assert strengths(plan, done, today=day(13))["walk"] < inside
    assert outside < inside


def test_each_weekly_routine_keeps_its_own_window():
    # A stretch set to "2 days a week", never done, beside daily walks.
    plan = [
        v.replace(frequency=Frequency.per_week(2, 3)) if v.routine == "toe_stretch" else v
        for v in only(PLAN, "walk", "toe_stretch")
    ]
    walks = {day(n): 1 for n in range(15)}
    result = strengths(plan, {"walk": walks}, today=day(14))
    assert result["toe_stretch"] == 0.0
    assert result["walk"] > 0.3


def test_weekly_strength_never_goes_past_full_however_many_walks():
    walks = {day(n): 1 for n in range(120)}
    score = strengths(only(PLAN, "walk"), {"walk": walks}, today=day(120))["walk"]
    assert 0.9 < score <= 1.0


def test_a_spell_on_a_daily_cadence_keeps_a_weekly_routines_last_walks():
    walk = next(v for v in PLAN if v.routine == "walk")
    plan = [
        *only(PLAN, "walk"),
        walk.replace(effective_from=day(7), frequency=Frequency.daily()),
        walk.replace(effective_from=day(10)),
    ]
    done = {"walk": {day(1): 1, day(3): 1, day(8): 1}}
    before = carry(plan, done, first=JOINED, last=day(6))["walk"].recent
    after = carry(plan, done, first=JOINED, last=day(9))["walk"].recent
    assert before == (0, 1, 0, 1, 0, 0, 0)
    assert after == before
    # Back on the weekly target, the walks from before the spell still count.
    assert carry(plan, done, first=JOINED, last=day(10))["walk"].recent == (*before, 0)


def test_nothing_is_listed_before_the_plan_begins():
    assert strengths(PLAN, {}, today=JOINED - timedelta(days=1)) == {}


def test_a_since_without_the_habits_before_it_is_ignored():
    done = {"toe_stretch": {day(n): 1 for n in range(0, 20, 2)}}
    plan = only(PLAN, "toe_stretch")
    assert strengths(plan, done, today=day(20), since=day(10)) == strengths(
        plan, done, today=day(20)
    )
