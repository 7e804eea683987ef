"""Habit strength carried from a stored state equals a replay of the whole history."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from app.domain.catalogue import default_plan
from app.domain.strength import carry, strengths

JOINED = date(2026, 1, 5)  # a Monday
PLAN = default_plan(JOINED)
ROUTINES = sorted({v.routine for v in PLAN})


@st.composite
def histories(draw):
    length = draw(st.integers(min_value=1, max_value=120))
    done: dict[str, dict[date, int]] = {}
    for routine in ROUTINES:
        days = draw(st.sets(st.integers(min_value=0, max_value=length), max_size=length))
        amounts = {JOINED + timedelta(days=d): draw(st.integers(1, 9)) for d in days}
        if amounts:
            done[routine] = amounts
    split = draw(st.integers(min_value=0, max_value=length))
    return length, done, split


@given(histories())
def test_carrying_a_snapshot_gives_the_same_strengths_as_a_full_replay(history):
    length, done, split = history
    today = JOINED + timedelta(days=length)
    as_of = JOINED + timedelta(days=split) - timedelta(days=1)
    snapshot = carry(PLAN, done, first=JOINED, last=as_of)
    carried = strengths(PLAN, done, today=today, habits=snapshot, since=as_of + timedelta(1))
    assert carried == strengths(PLAN, done, today=today)


def test_the_weekly_window_travels_with_the_snapshot():
    # Walks on the last days before the snapshot still count towards the 14-day window.
    plan = [v if v.routine == "walk" else v.replace(enabled=False) for v in PLAN]
    walks = {JOINED + timedelta(days=d): 1 for d in (10, 12)}
    snapshot = carry(plan, {"walk": walks}, first=JOINED, last=JOINED + timedelta(days=13))
    assert snapshot["walk"].recent[-4:] == (1, 0, 1, 0)
    today = JOINED + timedelta(days=20)
    assert strengths(
        plan, {}, today=today, habits=snapshot, since=JOINED + timedelta(days=14)
    ) == strengths(plan, {"walk": walks}, today=today)


def test_a_plan_change_after_the_snapshot_is_judged_from_its_day():
    later = JOINED + timedelta(days=40)
    stretch = next(v for v in PLAN if v.routine == "toe_stretch")
    changed = [*PLAN, stretch.replace(effective_from=later, enabled=False)]
    done = {"toe_stretch": {JOINED + timedelta(days=d): 1 for d in range(0, 50, 2)}}
    snapshot = carry(changed, done, first=JOINED, last=later - timedelta(days=1))
    today = later + timedelta(days=3)
    carried = strengths(changed, done, today=today, habits=snapshot, since=later)
    assert carried == strengths(changed, done, today=today)
    # Switched off from ``later``: its score stays where the snapshot left it.
    assert carried["toe_stretch"] == snapshot["toe_stretch"].score
