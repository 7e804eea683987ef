"""The morning check-in, one rule per test (app/domain/checkins.py).

Each pins a rule mutation testing showed no other test held. The zone tests only
bite on a machine whose own zone is not UTC: ``make mutation`` runs them that way too.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.domain.checkins import (
    can_answer,
    checkin_closes,
    checkin_opens,
    night_to_ask_about,
    parse_answer,
)
from app.domain.rhythm import Rhythm
from app.i18n import translations

TOKYO = ZoneInfo("Asia/Tokyo")
USUAL = Rhythm(time(23, 0), time(7, 0), TOKYO)
EVENING = date(2025, 11, 24)


def tokyo(d: int, h: int, mi: int = 0, s: int = 0) -> datetime:
    return datetime(2025, 11, d, h, mi, s, tzinfo=TOKYO)


def test_a_checkin_at_exactly_midnight_is_too_late():
    assert can_answer(USUAL, EVENING, tokyo(25, 23, 59, 59))
    assert not can_answer(USUAL, EVENING, tokyo(26, 0))


def test_the_checkin_window_is_given_in_utc():
    for instant in (checkin_opens(USUAL, EVENING), checkin_closes(USUAL, EVENING)):
        assert instant.utcoffset() == timedelta(0)


def test_a_day_sleeper_is_asked_on_the_day_they_went_to_bed():
    # Bed at noon after a night shift, up at 15:00: asked from noon the same day.
    day_sleeper = Rhythm(time(12, 0), time(15, 0), TOKYO)
    assert night_to_ask_about(day_sleeper, tokyo(25, 12, 10)) == date(2025, 11, 25)


def test_a_late_morning_sleeper_is_asked_two_dates_after_their_evening():
    # The evening of the 23rd ends with bed at 11:30 on the 24th and waking at 11:00
    # on the 25th: that morning's check-in is about the 23rd.
    late_morning = Rhythm(time(11, 30), time(11, 0), TOKYO)
    assert night_to_ask_about(late_morning, tokyo(25, 9)) == date(2025, 11, 23)


BAD_ANSWERS = [
    {},
    {"answer": "  "},
    {"answer": "fine"},
    {"answer": "no_cramps", "cramp_count": "2"},
    {"answer": "no_cramps", "worst_severity": "3"},
    {"answer": "cramps", "cramp_count": "21", "worst_severity": "11"},
    {"answer": "cramps", "sleep_disturbance": "many"},
]


@pytest.mark.parametrize("raw", BAD_ANSWERS)
def test_every_checkin_error_is_translated_into_japanese(raw):
    answer, errors = parse_answer(raw)
    assert answer is None
    assert errors
    japanese = translations("ja")
    for error in errors:
        assert japanese.gettext(error.message) != error.message, error


def test_a_missing_answer_and_an_unknown_answer_are_told_apart():
    (missing,) = parse_answer({})[1]
    (unknown,) = parse_answer({"answer": "fine"})[1]
    assert missing.message != unknown.message
