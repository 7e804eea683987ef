"""Reminder times: from the schedule engine and the patient's reminder settings."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from app.domain.catalogue import default_plan
from app.domain.reminders import ReminderPrefs, reminders_between, reminders_on
from app.domain.rhythm import Rhythm
from app.domain.schedule import When

TOKYO = ZoneInfo("Asia/Tokyo")
LONDON = ZoneInfo("Europe/London")
DAY = date(2026, 11, 24)  # a Tuesday
PLAN = default_plan(date(2026, 11, 1))
MUTE_DESK = frozenset({"desk_break"})


def Prefs(muted=frozenset(), **values) -> ReminderPrefs:
    return ReminderPrefs(muted=frozenset(muted), **values)


def times(rhythm, prefs, day=DAY, plan=PLAN) -> list[tuple[str, str]]:
    return [
        (r.key.split("/", 1)[1], r.at.strftime("%H:%M"))
        for r in reminders_on(rhythm, plan, prefs, day)
    ]


@pytest.mark.parametrize(
    ("bedtime", "wake", "prefs", "expected"),
    [
        # The clinic's default plan, bed 23:00, up 07:00: three glasses of water over
        # the waking day, the work-day desk break halfway, the evening at its times.
        (time(23), time(7), ReminderPrefs(), [
            ("water/0", "11:00"), ("desk_break/0", "15:00"), ("water/1", "15:00"),
            ("water/2", "19:00"), ("foot_bath/0", "19:30"), ("bedtime_glass/0", "22:30"),
            ("sole_massage/0", "22:40"), ("toe_stretch/0", "22:45"),
        ]),
        # Muted routines are never reminded; water can be reminded more often.
        (time(23), time(7), Prefs(MUTE_DESK | {"sole_massage"}, water_per_day=5), [
            ("water/0", "09:40"), ("water/1", "12:20"), ("water/2", "15:00"),
            ("water/3", "17:40"), ("foot_bath/0", "19:30"), ("water/4", "20:20"),
            ("bedtime_glass/0", "22:30"), ("toe_stretch/0", "22:45"),
        ]),
        # No water reminders at all.
        (time(23), time(7), Prefs(MUTE_DESK, water_per_day=0), [
            ("foot_bath/0", "19:30"), ("bedtime_glass/0", "22:30"),
            ("sole_massage/0", "22:40"), ("toe_stretch/0", "22:45"),
        ]),
        # Quiet hours from 22:35: the last two evening reminders are dropped.
        (time(23), time(7), Prefs(MUTE_DESK, quiet=(time(22, 35), time(7)), water_per_day=0), [
            ("foot_bath/0", "19:30"), ("bedtime_glass/0", "22:30"),
        ]),
        # Bed after midnight: the bedtime routines fall after midnight, on the same day.
        (time(1), time(9), Prefs(MUTE_DESK | {"foot_bath"}, water_per_day=1), [
            ("water/0", "17:00"), ("bedtime_glass/0", "00:30"),
            ("sole_massage/0", "00:40"), ("toe_stretch/0", "00:45"),
        ]),
        # The 19:30 foot bath falls in the sleep of someone who goes to bed at 18:00.
        (time(18), time(2), Prefs(MUTE_DESK, water_per_day=0), [
            ("bedtime_glass/0", "17:30"), ("sole_massage/0", "17:40"), ("toe_stretch/0", "17:45"),
        ]),
    ],
)  # fmt: skip
def test_reminder_times(bedtime, wake, prefs, expected):
    assert times(Rhythm(bedtime, wake, TOKYO), prefs) == expected


def test_desk_break_only_on_work_days_and_tips_never():
    rhythm = Rhythm(time(23), time(7), TOKYO)
    saturday = [key for key, _ in times(rhythm, ReminderPrefs(), day=date(2026, 11, 28))]
    assert "desk_break/0" not in saturday
    assert not any(key.startswith(("warm_feet", "walk")) for key in saturday)


def test_keys_name_the_day_and_are_unique():
    rhythm = Rhythm(time(23), time(7), TOKYO)
    found = reminders_on(rhythm, PLAN, ReminderPrefs(water_per_day=6), DAY)
    keys = [r.key for r in found]
    assert len(keys) == len(set(keys))
    assert all(key.startswith("2026-11-24/") for key in keys)


def test_local_wall_times_hold_across_a_dst_change():
    rhythm = Rhythm(time(23), time(7), LONDON)
    plan = [
        p.replace(when=When.at_time(time(19, 30))) if p.routine == "foot_bath" else p for p in PLAN
    ]
    before = reminders_on(rhythm, plan, ReminderPrefs(), date(2026, 10, 24))
    after = reminders_on(rhythm, plan, ReminderPrefs(), date(2026, 10, 26))
    bath = [r for r in before + after if r.routine == "foot_bath"]
    assert [r.at.strftime("%H:%M") for r in bath] == ["19:30", "19:30"]
    assert [r.at_utc.hour for r in bath] == [18, 19]


def test_between_covers_a_window_across_the_days_edge():
    rhythm = Rhythm(time(23), time(7), TOKYO)
    start = datetime(2026, 11, 24, 13, 25, tzinfo=UTC)  # 22:25 Tokyo
    end = datetime(2026, 11, 24, 13, 41, tzinfo=UTC)  # 22:41
    found = reminders_between(rhythm, PLAN, ReminderPrefs(), start, end)
    assert [r.key for r in found] == ["2026-11-24/bedtime_glass/0", "2026-11-24/sole_massage/0"]
