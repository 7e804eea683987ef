"""Reading a cramp entry, one rule per test (app/domain/cramps.py).

Each pins a rule mutation testing showed no other test held. The UTC test only bites
on a machine whose own zone is not UTC: ``make mutation`` runs it that way too.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.domain.cramps import (
    check_occurred_at,
    local_date,
    normalise_note,
    parse_details,
    resolve_occurred_at,
)
from app.i18n import translations

TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2025, 11, 24, 18, 10, tzinfo=UTC)  # 03:10 on the 25th in Tokyo


def resolved_error(choice, at_local):
    return resolve_occurred_at(choice, at_local, now=NOW, zone=TOKYO)[1]


# Each entry is made inside the test (a lambda), so the rule under test runs then and
# not when the module is imported: mutation testing must see which test calls it.
BAD_ENTRIES = [
    pytest.param(lambda: parse_details({"foot": "middle"})[1], "foot", id="unknown foot"),
    pytest.param(lambda: parse_details({"sites": ["toes", "nose"]})[1], "sites", id="unknown site"),
    pytest.param(lambda: parse_details({"severity": "11"})[1], "severity", id="severity over 10"),
    pytest.param(
        lambda: parse_details({"woke_me_up": "maybe"})[1], "woke_me_up", id="not yes or no"
    ),
    pytest.param(
        lambda: parse_details({"duration": "about_1min", "duration_minutes": "3"})[1],
        "duration_minutes",
        id="preset and minutes",
    ),
    pytest.param(lambda: parse_details({"note": "x" * 501})[1], "note", id="note too long"),
    pytest.param(
        lambda: [check_occurred_at(datetime(2025, 11, 24, 3, 10), now=NOW)],
        "occurred_at",
        id="naive",
    ),
    pytest.param(
        lambda: [check_occurred_at(NOW + timedelta(minutes=6), now=NOW)],
        "occurred_at",
        id="future",
    ),
    pytest.param(
        lambda: [check_occurred_at(NOW - timedelta(days=61), now=NOW)],
        "occurred_at",
        id="too old",
    ),
    pytest.param(
        lambda: [resolved_error("15", "2025-11-25T02:00")], "occurred_at", id="ago and typed"
    ),
    pytest.param(lambda: [resolved_error("at", "")], "occurred_at", id="at without a time"),
    pytest.param(lambda: [resolved_error("yesterday", None)], "occurred_at", id="unknown choice"),
]


@pytest.mark.parametrize(("make", "field"), BAD_ENTRIES)
def test_each_cramp_mistake_names_its_field_and_reads_in_japanese(make, field):
    errors = make()
    assert [error.field for error in errors] == [field]
    (error,) = errors
    japanese = translations("ja").gettext(error.message)
    assert japanese != error.message
    # Its numbers fill the translated sentence (and every placeholder has one).
    text = japanese % dict(error.params)
    for value in error.params.values():
        assert str(value) in text


@pytest.mark.parametrize(
    ("said", "woke"),
    [
        *[(word, True) for word in ("yes", "true", "1", "on", "Yes", " ON ")],
        *[(word, False) for word in ("no", "false", "0", "off", "No", " OFF ")],
        (True, True),
        (False, False),
    ],
)
def test_woke_me_up_reads_every_spelling_of_yes_and_no(said, woke):
    details, errors = parse_details({"woke_me_up": said})
    assert errors == []
    assert details.woke_me_up is woke


@pytest.mark.parametrize(
    ("typed", "kept"),
    [("a\r\nb", "a\nb"), ("a\rb", "a\nb"), ("a\nb", "a\nb"), ("  a \r\n", "a")],
)
def test_a_note_keeps_one_kind_of_line_break(typed, kept):
    assert normalise_note(typed) == kept


def test_typed_minutes_are_kept():
    details, errors = parse_details({"duration_minutes": "15"})
    assert errors == []
    assert details.duration_minutes == 15


@pytest.mark.parametrize(
    ("choice", "at_local"), [("now", None), ("15", None), ("at", "2025-11-25T02:00")]
)
def test_a_resolved_cramp_time_is_in_utc(choice, at_local):
    moment, error = resolve_occurred_at(choice, at_local, now=NOW, zone=TOKYO)
    assert error is None
    assert moment.utcoffset() == timedelta(0)


def test_a_cramps_local_date_is_the_date_in_its_own_zone():
    # 18:10 UTC on the 24th is 03:10 on the 25th in Tokyo.
    assert local_date(NOW, TOKYO) == date(2025, 11, 25)
    assert local_date(NOW, ZoneInfo("America/New_York")) == date(2025, 11, 24)
