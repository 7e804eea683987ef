"""Night attribution, one rule per test (app/domain/nights.py).

Each pins a rule mutation testing showed no other test held. Zone tests only bite on
a machine whose own zone is not UTC: ``make mutation`` runs them that way too.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from app.domain.nights import last_night
from app.domain.rhythm import Rhythm

TOKYO = ZoneInfo("Asia/Tokyo")


def test_a_day_sleepers_last_night_is_the_one_that_began_today():
    # Bed at noon after a night shift, up at 15:00: by 12:10 that sleep is "last night".
    day_sleeper = Rhythm(time(12, 0), time(15, 0), TOKYO)
    assert last_night(datetime(2025, 11, 25, 12, 10, tzinfo=TOKYO), day_sleeper) == date(
        2025, 11, 25
    )
