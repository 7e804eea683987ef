"""Night mode: dim from an hour before bedtime to wake time, in the patient's zone."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from app.domain.night import is_night, theme_for
from app.domain.rhythm import Rhythm

TOKYO = ZoneInfo("Asia/Tokyo")
NEW_YORK = ZoneInfo("America/New_York")


def at(zone, *args) -> datetime:
    return datetime(*args, tzinfo=zone)


@pytest.mark.parametrize(
    ("bedtime", "wake", "local", "expected"),
    [
        (time(23), time(7), (2026, 11, 24, 21, 59), False),
        (time(23), time(7), (2026, 11, 24, 22, 0), True),
        (time(23), time(7), (2026, 11, 25, 3, 0), True),
        (time(23), time(7), (2026, 11, 25, 6, 59), True),
        (time(23), time(7), (2026, 11, 25, 7, 0), False),
        (time(23), time(7), (2026, 11, 25, 12, 0), False),
        # A bedtime after midnight still dims the evening before it.
        (time(1), time(9), (2026, 11, 24, 23, 59), False),
        (time(1), time(9), (2026, 11, 25, 0, 0), True),
        (time(1), time(9), (2026, 11, 25, 8, 30), True),
        (time(1), time(9), (2026, 11, 25, 9, 0), False),
        # A night worker: bed at 08:00, up at 16:00.
        (time(8), time(16), (2026, 11, 25, 7, 30), True),
        (time(8), time(16), (2026, 11, 25, 23, 0), False),
    ],
)
def test_night_runs_from_an_hour_before_bed_to_waking(bedtime, wake, local, expected):
    rhythm = Rhythm(bedtime, wake, TOKYO)
    assert is_night(rhythm, at(TOKYO, *local)) is expected


def test_night_is_judged_in_the_patients_zone_not_the_servers():
    rhythm = Rhythm(time(23), time(7), NEW_YORK)
    # 03:00 UTC is 22:00 in New York (EST): an hour before bed.
    assert is_night(rhythm, datetime(2026, 11, 25, 3, 0, tzinfo=UTC))
    assert not is_night(rhythm, datetime(2026, 11, 25, 2, 59, tzinfo=UTC))


def test_switch_overrides_the_clock():
    rhythm = Rhythm(time(23), time(7), TOKYO)
    noon = at(TOKYO, 2026, 11, 25, 12, 0)
    three = at(TOKYO, 2026, 11, 25, 3, 0)
    assert theme_for("auto", rhythm, noon) == "auto"
    assert theme_for("auto", rhythm, three) == "night"
    assert theme_for("on", rhythm, noon) == "night"
    assert theme_for("off", rhythm, three) == "light"
