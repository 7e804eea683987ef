"""Reading and checking a cramp entry (issue 4, parts 1 and 9)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.cramps import (
    CrampDetails,
    DurationPreset,
    Foot,
    Site,
    Situation,
    Symptom,
    check_occurred_at,
    parse_details,
    resolve_occurred_at,
)

TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2025, 11, 24, 18, 10, tzinfo=UTC)  # 03:10 on the 25th in Tokyo


def fields(errors):
    return [e.field for e in errors]


def test_an_empty_entry_is_valid_and_blank():
    details, errors = parse_details({})
    assert errors == []
    assert details.is_blank


def test_a_full_entry_is_read_from_form_strings():
    details, errors = parse_details(
        {
            "foot": "left",
            "sites": ["toes", "sole"],
            "severity": "7",
            "duration": "about_1min",
            "woke_me_up": "yes",
            "situation": "asleep",
            "symptoms": ["cold_feet"],
            "note": "  right after turning over \r\n ",
        }
    )
    assert errors == []
    assert details == CrampDetails(
        foot=Foot.LEFT,
        sites=frozenset({Site.TOES, Site.SOLE}),
        severity=7,
        duration=DurationPreset.ABOUT_1MIN,
        woke_me_up=True,
        situation=Situation.ASLEEP,
        symptoms=frozenset({Symptom.COLD_FEET}),
        note="right after turning over",
    )


def test_json_values_are_read_too():
    details, errors = parse_details({"severity": 0, "woke_me_up": False, "sites": "calf"})
    assert errors == []
    assert (details.severity, details.woke_me_up, details.sites) == (0, False, {Site.CALF})


@pytest.mark.parametrize(
    "value", [-1, 11, "11", "-1", "7.5", "seven", "７.５", True, 3.2, [], {"a": 1}]
)
def test_severity_outside_0_to_10_or_not_a_whole_number_is_refused(value):
    details, errors = parse_details({"severity": value})
    assert fields(errors) == ["severity"]
    assert errors[0].params == {"low": 0, "high": 10}
    assert details.severity is None


@pytest.mark.parametrize("value", [0, 10, "0", "10", 5.0, "１０"])
def test_severity_ends_are_accepted(value):
    _, errors = parse_details({"severity": value})
    assert errors == []


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("foot", "middle"),
        ("sites", ["toes", "knee"]),
        ("duration", "forever"),
        ("situation", "dancing"),
        ("symptoms", ["itching"]),
        ("woke_me_up", "maybe"),
    ],
)
def test_unknown_enum_values_are_refused_on_their_field(name, value):
    _, errors = parse_details({name: value})
    assert fields(errors) == [name]


def test_a_500_character_note_is_fine_and_501_is_refused_with_its_length():
    _, errors = parse_details({"note": "あ" * 500})
    assert errors == []
    details, errors = parse_details({"note": "あ" * 501})
    assert fields(errors) == ["note"]
    assert errors[0].params == {"max": 500, "count": 501}
    assert details.note == "あ" * 501  # kept, so the form can show it again


def test_a_preset_and_typed_minutes_together_are_refused():
    _, errors = parse_details({"duration": "under_30s", "duration_minutes": "3"})
    assert fields(errors) == ["duration_minutes"]


@pytest.mark.parametrize(
    ("minutes", "ok"), [("1", True), ("120", True), ("0", False), ("121", False)]
)
def test_typed_minutes_run_from_1_to_120(minutes, ok):
    _, errors = parse_details({"duration_minutes": minutes})
    assert (errors == []) is ok


@pytest.mark.parametrize(
    ("offset", "ok"),
    [
        pytest.param(timedelta(minutes=5), True, id="5 min ahead: phone clock drift"),
        pytest.param(timedelta(minutes=5, seconds=1), False, id="further ahead"),
        pytest.param(-timedelta(days=60), True, id="60 days back"),
        pytest.param(-timedelta(days=60, seconds=1), False, id="older"),
        pytest.param(timedelta(0), True, id="now"),
    ],
)
def test_a_time_up_to_5_minutes_ahead_and_60_days_back_is_accepted(offset, ok):
    assert (check_occurred_at(NOW + offset, now=NOW) is None) is ok


def test_a_naive_time_is_refused():
    assert check_occurred_at(datetime(2025, 11, 24, 3, 0), now=NOW).field == "occurred_at"


@pytest.mark.parametrize(
    ("choice", "minutes"), [("now", 0), (None, 0), ("15", 15), ("30", 30), ("60", 60)]
)
def test_it_happened_earlier_quick_choices_count_back_from_now(choice, minutes):
    moment, error = resolve_occurred_at(choice, None, now=NOW, zone=TOKYO)
    assert error is None
    assert moment == NOW - timedelta(minutes=minutes)


def test_a_typed_time_is_read_in_the_patients_zone():
    moment, error = resolve_occurred_at("at", "2025-11-25T02:40", now=NOW, zone=TOKYO)
    assert error is None
    assert moment == datetime(2025, 11, 24, 17, 40, tzinfo=UTC)


def test_a_typed_time_counts_even_if_just_now_was_left_selected():
    moment, error = resolve_occurred_at("now", "2025-11-25T02:40", now=NOW, zone=TOKYO)
    assert error is None
    assert moment == datetime(2025, 11, 24, 17, 40, tzinfo=UTC)


def test_minutes_ago_and_a_typed_time_together_are_refused():
    moment, error = resolve_occurred_at("15", "2025-11-25T02:40", now=NOW, zone=TOKYO)
    assert moment is None
    assert error.field == "occurred_at"


@pytest.mark.parametrize(
    ("choice", "text"),
    [("at", ""), ("at", "yesterday"), ("at", "2025-11-25T04:00"), ("45", None)],
)
def test_a_missing_unreadable_future_or_unknown_time_choice_is_refused(choice, text):
    moment, error = resolve_occurred_at(choice, text, now=NOW, zone=TOKYO)
    assert moment is None
    assert error.field == "occurred_at"


@given(
    st.dictionaries(
        st.sampled_from(
            [
                "foot",
                "sites",
                "severity",
                "note",
                "situation",
                "duration",
                "duration_minutes",
                "woke_me_up",
                "symptoms",
                "other",
            ]
        ),
        st.one_of(
            st.none(),
            st.text(max_size=20),
            st.integers(),
            st.lists(st.text(max_size=8), max_size=3),
        ),
    )
)
def test_parsing_never_raises_and_errors_name_known_fields(raw):
    _, errors = parse_details(raw)
    assert set(fields(errors)) <= {
        "foot",
        "sites",
        "severity",
        "note",
        "situation",
        "duration",
        "duration_minutes",
        "woke_me_up",
        "symptoms",
    }
