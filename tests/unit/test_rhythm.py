"""The evening a moment belongs to, for bedtimes before and after midnight."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.nights import sleep_window_utc
from app.domain.rhythm import SLEEP_WINDOW_MARGIN, Rhythm, local_datetime

TOKYO = ZoneInfo("Asia/Tokyo")
NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")  # its clocks move by half an hour


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


@pytest.mark.parametrize(
    ("zone", "bedtime", "wake", "evening", "start_utc", "end_utc"),
    [
        pytest.param(
            NEW_YORK,
            time(4, 30),
            time(10),
            date(2025, 3, 8),
            datetime(2025, 3, 9, 5, 30),
            datetime(2025, 3, 9, 17),
            id="New York spring: 3 h before a 04:30 EDT bedtime is 00:30 EST",
        ),
        pytest.param(
            NEW_YORK,
            time(18),
            time(1),
            date(2025, 3, 8),
            datetime(2025, 3, 8, 20),
            datetime(2025, 3, 9, 9),
            id="New York spring: 3 h after a 01:00 EST wake is 05:00 EDT",
        ),
        pytest.param(
            NEW_YORK,
            time(23),
            time(0, 30),
            date(2025, 11, 1),
            datetime(2025, 11, 2, 0),
            datetime(2025, 11, 2, 7, 30),
            id="New York autumn: 3 h after a 00:30 EDT wake is 02:30 EST",
        ),
        pytest.param(
            LONDON,
            time(3),
            time(9),
            date(2025, 10, 25),
            datetime(2025, 10, 26, 0),
            datetime(2025, 10, 26, 12),
            id="London autumn: 3 h before a 03:00 GMT bedtime is 01:00 BST",
        ),
        pytest.param(
            LONDON,
            time(23),
            time(0, 30),
            date(2025, 3, 29),
            datetime(2025, 3, 29, 20),
            datetime(2025, 3, 30, 3, 30),
            id="London spring: 3 h after a 00:30 GMT wake is 04:30 BST",
        ),
        pytest.param(
            LORD_HOWE,
            time(22),
            time(1),
            date(2025, 10, 4),
            datetime(2025, 10, 4, 8, 30),
            datetime(2025, 10, 4, 17, 30),
            id="Lord Howe spring: 3 h after a 01:00 wake is 04:30, half an hour on",
        ),
        pytest.param(
            LORD_HOWE,
            time(4),
            time(8),
            date(2025, 4, 5),
            datetime(2025, 4, 5, 14, 30),
            datetime(2025, 4, 6, 0, 30),
            id="Lord Howe autumn: 3 h before a 04:00 bedtime is 01:30 the first time",
        ),
    ],
)
def test_sleep_window_margins_are_three_elapsed_hours_at_dst_edges(
    zone, bedtime, wake, evening, start_utc, end_utc
):
    rhythm = Rhythm(bedtime, wake, zone)
    start, end = rhythm.sleep_window(evening)
    assert (start.astimezone(UTC), end.astimezone(UTC)) == (
        start_utc.replace(tzinfo=UTC),
        end_utc.replace(tzinfo=UTC),
    )
    assert start.tzinfo is zone
    assert end.tzinfo is zone
    # Compared in UTC: an ambiguous wall time never equals an instant in another zone.
    assert sleep_window_utc(rhythm, evening) == (start.astimezone(UTC), end.astimezone(UTC))


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


ZONES = st.sampled_from([TOKYO, NEW_YORK, LONDON, LORD_HOWE])


@given(
    bed=st.times().map(lambda t: time(t.hour, t.minute)),
    wake=st.times().map(lambda t: time(t.hour, t.minute)),
    evening=st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)),
    zone=ZONES,
)
def test_the_sleep_window_is_bed_to_wake_widened_by_three_real_hours(bed, wake, evening, zone):
    rhythm = Rhythm(bed, wake, zone)
    start, end = rhythm.sleep_window(evening)
    assert rhythm.bedtime_on(evening).astimezone(UTC) - start.astimezone(UTC) == SLEEP_WINDOW_MARGIN
    assert end.astimezone(UTC) - rhythm.wake_after(evening).astimezone(UTC) == SLEEP_WINDOW_MARGIN
    # Nights' UTC window is the same window, not a second computation.
    assert sleep_window_utc(rhythm, evening) == (start.astimezone(UTC), end.astimezone(UTC))
