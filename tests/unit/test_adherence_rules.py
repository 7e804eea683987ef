"""Adherence, one rule per test (app/domain/adherence.py).

Each pins a rule mutation testing showed no other test held.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.domain.adherence import adherence, evening_routines_due
from app.domain.catalogue import default_plan
from app.domain.schedule import Dose, Frequency

JOINED = date(2026, 11, 2)  # a Monday
PLAN = default_plan(JOINED)
WEEK = [JOINED + timedelta(days=n) for n in range(7)]


def only(plan, *routines: str):
    return [v if v.routine in routines else v.replace(enabled=False) for v in plan]


def walking(per_week: int):
    return [
        v.replace(frequency=Frequency.per_week(per_week)) if v.routine == "walk" else v
        for v in only(PLAN, "walk")
    ]


@pytest.mark.parametrize("target", range(1, 8))
def test_a_full_week_owes_the_weekly_target(target):
    result = adherence(walking(target), {}, start=WEEK[0], end=WEEK[-1])
    assert result.total.scheduled == target


def test_a_week_with_some_walks_but_fewer_than_the_target_counts_each_walk_once():
    result = adherence(walking(2), {"walk": {WEEK[2]: 1}}, start=WEEK[0], end=WEEK[-1])
    assert result.ratio == 0.5
    assert (result.by_routine["walk"].done, result.by_routine["walk"].scheduled) == (1, 2)


def test_water_without_a_glass_target_is_done_with_one_glass():
    plan = [v.replace(dose=Dose()) if v.routine == "water" else v for v in only(PLAN, "water")]
    result = adherence(plan, {"water": {JOINED: 1}}, start=JOINED, end=JOINED)
    assert result.ratio == 1.0


def test_an_evening_routine_on_chosen_weekdays_is_not_due_on_other_days():
    plan = [
        v.replace(frequency=Frequency.on(1, 3, 5)) if v.routine == "toe_stretch" else v
        for v in only(PLAN, "toe_stretch", "foot_bath")
    ]
    tuesday, wednesday = WEEK[1], WEEK[2]
    assert [v.routine for v in evening_routines_due(plan, tuesday)] == ["foot_bath"]
    assert [v.routine for v in evening_routines_due(plan, wednesday)] == [
        "foot_bath",
        "toe_stretch",
    ]
