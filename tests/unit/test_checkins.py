"""The morning check-in: what it accepts and when it is asked (issue 4, part 3)."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from app.domain.checkins import (
    AnswerFields,
    can_answer,
    checkin_closes,
    checkin_opens,
    night_to_ask_about,
    parse_answer,
)
from app.domain.rhythm import Rhythm

TOKYO = ZoneInfo("Asia/Tokyo")
USUAL = Rhythm(time(23, 0), time(7, 0), TOKYO)


def tokyo(d: int, h: int, mi: int = 0) -> datetime:
    return datetime(2025, 11, d, h, mi, tzinfo=TOKYO)


def test_no_cramps_is_one_value():
    assert parse_answer({"answer": "no_cramps"}) == (AnswerFields(had_cramps=False), [])


def test_cramps_with_count_worst_and_sleep_disturbance():
    answer, errors = parse_answer(
        {"answer": "cramps", "cramp_count": "2", "worst_severity": "6", "sleep_disturbance": 4}
    )
    assert errors == []
    assert answer == AnswerFields(True, 2, 6, 4)


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({}, "answer"),
        ({"answer": "fine"}, "answer"),
        ({"answer": "cramps", "worst_severity": "11"}, "worst_severity"),
        ({"answer": "cramps", "cramp_count": "0"}, "cramp_count"),
        ({"answer": "no_cramps", "sleep_disturbance": "-1"}, "sleep_disturbance"),
        ({"answer": "no_cramps", "cramp_count": "2"}, "answer"),
    ],
)
def test_bad_check_in_answers_name_the_field(raw, field):
    answer, errors = parse_answer(raw)
    assert answer is None
    assert field in [e.field for e in errors]


def test_check_in_opens_three_hours_before_wake_and_closes_at_midnight():
    assert checkin_opens(USUAL, date(2025, 11, 24)) == tokyo(25, 4)
    assert checkin_closes(USUAL, date(2025, 11, 24)) == tokyo(26, 0)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        pytest.param(tokyo(25, 3, 10), None, id="03:10 woken by a cramp: not asked yet"),
        pytest.param(tokyo(25, 4, 0), date(2025, 11, 24), id="early waking"),
        pytest.param(tokyo(25, 7, 30), date(2025, 11, 24), id="morning"),
        pytest.param(tokyo(25, 23, 59), date(2025, 11, 24), id="still the same day"),
        pytest.param(tokyo(26, 0, 30), None, id="after midnight the night is history"),
    ],
)
def test_how_was_last_night_is_asked_from_early_morning_until_the_day_ends(now, expected):
    assert night_to_ask_about(USUAL, now) == expected


def test_a_night_cannot_be_answered_days_later():
    assert not can_answer(USUAL, date(2025, 11, 20), tokyo(25, 8))
    assert can_answer(USUAL, date(2025, 11, 24), tokyo(25, 8))


def test_a_late_sleeper_is_asked_on_the_day_they_wake():
    late = Rhythm(time(2, 0), time(10, 0), TOKYO)
    assert night_to_ask_about(late, tokyo(25, 6, 59)) is None
    assert night_to_ask_about(late, tokyo(25, 7, 0)) == date(2025, 11, 24)
