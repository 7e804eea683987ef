"""Night attribution and the night theme, one rule per test (app/domain/nights.py,
night.py).

Each pins a rule mutation testing showed no other test held. Zone tests only bite on
a machine whose own zone is not UTC: ``make mutation`` runs them that way too.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.domain.cramps import CrampDetails, LoggedCramp
from app.domain.night import is_night
from app.domain.nights import build_diary, last_night, night_of, sleep_window_utc
from app.domain.rhythm import Rhythm

TOKYO = ZoneInfo("Asia/Tokyo")
NEW_YORK = ZoneInfo("America/New_York")
HONOLULU = ZoneInfo("Pacific/Honolulu")
KIRITIMATI = ZoneInfo("Pacific/Kiritimati")


def test_a_day_sleepers_last_night_is_the_one_that_began_today():
    # Bed at noon after a night shift, up at 15:00: by 12:10 that sleep is "last night".
    day_sleeper = Rhythm(time(12, 0), time(15, 0), TOKYO)
    assert last_night(datetime(2025, 11, 25, 12, 10, tzinfo=TOKYO), day_sleeper) == date(
        2025, 11, 25
    )


# --- night theme (app/domain/night.py): the date is the patient's, not the machine's --


@pytest.mark.parametrize(
    ("rhythm", "local"),
    [
        # 06:00 in Honolulu, the night of the day before (01:00 the next day in Tokyo).
        (Rhythm(time(23, 0), time(7, 0), HONOLULU), datetime(2026, 11, 24, 6, 0)),
        # 18:30 on Kiritimati, an hour before a 19:00 bedtime (the day before in New York).
        (Rhythm(time(19, 0), time(5, 0), KIRITIMATI), datetime(2026, 11, 24, 18, 30)),
        # 11:45, before a 12:30 bedtime that opens the evening (the day before in UTC).
        (Rhythm(time(12, 30), time(20, 0), KIRITIMATI), datetime(2026, 11, 24, 11, 45)),
    ],
)
def test_the_night_theme_finds_the_night_by_the_patients_own_date(rhythm, local):
    assert is_night(rhythm, local.replace(tzinfo=rhythm.zone))


# --- night attribution (app/domain/nights.py) -----------------------------------------

# Bed 20:00, up 16:00: the windows (17:00 to 19:00 the next day) overlap.
LITTLE_WAKING = Rhythm(time(20, 0), time(16, 0), TOKYO)


def test_the_later_night_wins_a_tie_at_the_exact_midpoint():
    # 18:00 on the 25th is two hours after the 24th's wake and before the 25th's bed.
    assert night_of(datetime(2025, 11, 25, 18, 0, tzinfo=TOKYO), LITTLE_WAKING) == date(
        2025, 11, 25
    )
    assert night_of(datetime(2025, 11, 25, 17, 59, tzinfo=TOKYO), LITTLE_WAKING) == date(
        2025, 11, 24
    )


def test_a_moment_asleep_belongs_to_that_night_even_inside_anothers_margin():
    # Up at 18:00 after a 20:00 bedtime: 20:30 on the 25th is asleep on the 25th's night
    # and within three hours of the 24th's waking.
    long_sleep = Rhythm(time(20, 0), time(18, 0), TOKYO)
    assert night_of(datetime(2025, 11, 25, 20, 30, tzinfo=TOKYO), long_sleep) == date(2025, 11, 25)


def test_sleep_windows_for_queries_are_utc_instants():
    for edge in sleep_window_utc(LITTLE_WAKING, date(2025, 11, 24)):
        assert edge.utcoffset() == timedelta(0)


def test_a_daytime_cramp_is_kept_under_its_date_where_it_was_logged():
    # 19:30 on the 24th in New York (00:30 UTC on the 25th), before the sleep window.
    moment = datetime(2025, 11, 24, 19, 30, tzinfo=NEW_YORK)
    cramp = LoggedCramp(1, moment.astimezone(UTC), NEW_YORK, CrampDetails())
    rhythm = Rhythm(time(23, 0), time(7, 0), NEW_YORK)
    diary = build_diary(
        first=date(2025, 11, 24), last=date(2025, 11, 24), cramps=[cramp], answers=[], rhythm=rhythm
    )
    assert diary.daytime == {date(2025, 11, 24): (cramp,)}
    assert (diary.first, diary.last) == (date(2025, 11, 24), date(2025, 11, 24))


def test_a_diary_span_that_ends_before_it_begins_has_no_nights():
    diary = build_diary(
        first=date(2025, 11, 24),
        last=date(2025, 11, 30),
        cramps=[],
        answers=[],
        rhythm=LITTLE_WAKING,
    )
    assert diary.nights_in(date(2025, 11, 25), date(2025, 11, 24)) == []
    assert len(diary.nights_in(date(2025, 11, 25), date(2025, 11, 25))) == 1
