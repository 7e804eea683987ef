"""The schedule engine, one rule per test (app/domain/schedule.py).

Each pins a rule mutation testing showed no other test held.
"""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.catalogue import default_plan
from app.domain.schedule import Anchor, When, weekly_goals

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
