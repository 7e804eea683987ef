"""Reminders and "coming up", one rule per test (app/domain/reminders.py): the edges of
quiet hours and of a window, whole minutes, and what is due soon."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from app.domain.reminders import ReminderPrefs, due_soon, reminders_between, reminders_on
from app.domain.rhythm import Rhythm
from app.domain.schedule import When
from tests.unit.test_reminders import DAY, MUTE_DESK, PLAN, TOKYO, Prefs, times

USUAL = Rhythm(time(23), time(7), TOKYO)
EVENING_ONLY = Prefs(MUTE_DESK, water_per_day=0)
EVENING = [
    ("foot_bath/0", "19:30"),
    ("bedtime_glass/0", "22:30"),
    ("sole_massage/0", "22:40"),
    ("toe_stretch/0", "22:45"),
]


def tokyo(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return datetime.combine(day, time(hour, minute), TOKYO)


def with_ids(plan):
    return [v.replace(item_id=100 + i) for i, v in enumerate(plan)]


@pytest.mark.parametrize(
    ("quiet", "kept"),
    [
        # The same start and end: no quiet hours at all.
        ((time(22, 30), time(22, 30)), EVENING),
        # From 19:30 to 22:30: the start is quiet, the end is not.
        ((time(19, 30), time(22, 30)), EVENING[1:]),
        # From 22:40 across midnight to 19:30: the same edges.
        ((time(22, 40), time(19, 30)), EVENING[:2]),
    ],
)
def test_quiet_hours_hold_from_their_start_up_to_their_end(quiet, kept):
    prefs = ReminderPrefs(muted=MUTE_DESK, quiet=quiet, water_per_day=0)
    assert times(USUAL, prefs) == kept


def test_without_quiet_hours_the_patient_is_reminded_from_waking_up_to_bedtime():
    plan = [
        v.replace(enabled=True)
        if v.routine == "waking_stretch"
        else v.replace(when=When.before_bedtime(0))
        if v.routine == "toe_stretch"
        else v
        for v in PLAN
    ]
    found = times(USUAL, EVENING_ONLY, plan=plan)
    assert ("waking_stretch/0", "07:00") in found  # at the wake time: awake
    assert "toe_stretch/0" not in {key for key, _ in found}  # at bedtime: asleep


def test_a_quiet_reminder_does_not_silence_the_later_ones_of_that_routine():
    prefs = ReminderPrefs(muted=MUTE_DESK, quiet=(time(10, 30), time(11, 30)))
    water = [(key, at) for key, at in times(USUAL, prefs) if key.startswith("water")]
    assert water == [("water/1", "15:00"), ("water/2", "19:00")]


def test_reminders_fall_on_whole_minutes():
    # Sixteen waking hours in seven parts: 137 minutes and some seconds apart.
    found = reminders_on(USUAL, PLAN, ReminderPrefs(water_per_day=6), DAY)
    assert len([r for r in found if r.routine == "water"]) == 6
    assert all(r.at_utc.second == 0 and r.at_utc.microsecond == 0 for r in found)


def test_a_reminder_names_the_plan_item_in_force():
    plan = with_ids(PLAN)
    ids = {v.routine: v.item_id for v in plan}
    for reminder in reminders_on(USUAL, plan, ReminderPrefs(), DAY):
        assert reminder.item_id == ids[reminder.routine]


def test_a_window_of_reminders_includes_its_start_and_not_its_end():
    found = reminders_between(USUAL, PLAN, EVENING_ONLY, tokyo(19, 30), tokyo(22, 30))
    assert [r.key for r in found] == [f"{DAY}/foot_bath/0"]


def test_a_window_over_several_days_holds_every_days_reminders():
    start = tokyo(12, 0)
    found = reminders_between(USUAL, PLAN, EVENING_ONLY, start, start + timedelta(days=3))
    assert len(found) == 3 * len(EVENING)


# --- coming up --------------------------------------------------------------------


def never_done(routine: str, day: date) -> bool:
    return False


def coming_up(now: datetime, done=never_done, within=timedelta(minutes=30), plan=PLAN):
    return [(d.routine, d.at.strftime("%H:%M")) for d in due_soon(USUAL, plan, now, done, within)]


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (tokyo(19, 0), [("foot_bath", "19:30")]),  # exactly 30 minutes ahead
        (tokyo(19, 30), [("foot_bath", "19:30")]),  # due this very minute
        (tokyo(19, 31), []),
        (tokyo(18, 59), []),
        (
            tokyo(22, 20),
            [("bedtime_glass", "22:30"), ("sole_massage", "22:40"), ("toe_stretch", "22:45")],
        ),
    ],
)
def test_due_soon_lists_the_routines_at_a_set_time_in_the_next_30_minutes(now, expected):
    assert coming_up(now) == expected


def test_due_soon_leaves_out_what_is_done_and_what_is_spread_over_the_day():
    def done(routine: str, day: date) -> bool:
        return routine == "sole_massage" and day == DAY

    assert coming_up(tokyo(22, 20), done) == [("bedtime_glass", "22:30"), ("toe_stretch", "22:45")]
    # Water is spread from waking to bedtime: never "due" at a moment.
    assert coming_up(tokyo(10, 45), within=timedelta(hours=2)) == []


def test_due_soon_looks_into_the_next_patient_day_and_says_so():
    plan = with_ids([v.replace(enabled=v.enabled or v.routine == "waking_stretch") for v in PLAN])
    now = tokyo(2, 50, DAY + timedelta(days=1))  # still the night of DAY
    (found,) = due_soon(USUAL, plan, now.astimezone(UTC), never_done, timedelta(hours=5))
    assert (found.day, found.routine) == (DAY + timedelta(days=1), "waking_stretch")
    assert found.at == tokyo(7, 0, DAY + timedelta(days=1))
    assert found.at.utcoffset() == timedelta(hours=9)
    assert found.item_id == next(v.item_id for v in plan if v.routine == "waking_stretch")
