"""The evening a moment belongs to, for bedtimes before and after midnight."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.rhythm import Rhythm, local_datetime

TOKYO = ZoneInfo("Asia/Tokyo")
NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("bedtime", "wake", "bed_at", "wake_at"),
    [
        (time(23), time(7), datetime(2026, 11, 24, 23), datetime(2026, 11, 25, 7)),
        (time(1), time(8, 30), datetime(2026, 11, 25, 1), datetime(2026, 11, 25, 8, 30)),
        (time(0), time(7), datetime(2026, 11, 25, 0), datetime(2026, 11, 25, 7)),
        (time(21, 30), time(5), datetime(2026, 11, 24, 21, 30), datetime(2026, 11, 25, 5)),
    ],
)
def test_bedtime_and_wake_of_the_evening_of_the_24th(bedtime, wake, bed_at, wake_at):
    rhythm = Rhythm(bedtime, wake, TOKYO)
    evening = date(2026, 11, 24)
    assert rhythm.bedtime_on(evening).replace(tzinfo=None) == bed_at
    assert rhythm.wake_after(evening).replace(tzinfo=None) == wake_at


def test_sleep_window_runs_three_hours_either_side():
    start, end = Rhythm(time(23), time(7), TOKYO).sleep_window(date(2026, 11, 24))
    assert (start.replace(tzinfo=None), end.replace(tzinfo=None)) == (
        datetime(2026, 11, 24, 20),
        datetime(2026, 11, 25, 10),
    )


def test_a_wall_time_skipped_by_dst_moves_forward_like_an_alarm():
    at = local_datetime(date(2026, 3, 8), time(2, 30), NEW_YORK)
    assert (at.hour, at.minute, at.utcoffset()) == (3, 30, timedelta(hours=-4))


def test_wake_on_a_morning_is_the_wake_after_the_evening_before():
    rhythm = Rhythm(time(23), time(7), TOKYO)
    assert rhythm.wake_on(date(2026, 11, 25)) == rhythm.wake_after(date(2026, 11, 24))


@given(
    bed=st.times(),
    wake=st.times(),
    evening=st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)),
    zone=st.sampled_from(
        ["Asia/Tokyo", "America/New_York", "Europe/London", "Australia/Lord_Howe"]
    ),
)
def test_wake_always_follows_bedtime_within_a_day(bed, wake, evening, zone):
    rhythm = Rhythm(bed.replace(microsecond=0), wake.replace(microsecond=0), ZoneInfo(zone))
    bedtime = rhythm.bedtime_on(evening).astimezone(UTC)
    waking = rhythm.wake_after(evening).astimezone(UTC)
    assert bedtime < waking <= bedtime + timedelta(hours=25)
