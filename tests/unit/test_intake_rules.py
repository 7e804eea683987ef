"""The intake questionnaire, one rule per test (app/domain/intake.py).

Each pins a rule of reading the answers: what is required, what may be empty, which
values are refused and how, so a form can be shown again with the right message.
"""

from __future__ import annotations

from datetime import time

import pytest

from app.domain.cramps import Foot, Site, Situation, Symptom
from app.domain.intake import (
    AgeBand,
    Condition,
    DailyLife,
    FrequencyUnit,
    IntakeAnswers,
    IntakeForm,
    Medicine,
    parse_intake,
)
from app.i18n import translations

COMPLETE = {
    "situations": ["asleep", "on_waking"],
    "frequency_count": "3",
    "frequency_unit": "week",
    "side": "left",
    "sites": ["toes", "calf"],
    "accompanying": ["numbness"],
    "history": ["diabetes", "kidney"],
    "history_other": "gout",
    "medicines": ["magnesium"],
    "medicines_other": "vitamin B",
    "age_band": "60s",
    "daily_life": "a_little",
    "bedtime": "23:00",
    "wake_time": "06:30",
}
REQUIRED = [
    "situations",
    "frequency_count",
    "frequency_unit",
    "side",
    "sites",
    "age_band",
    "daily_life",
    "bedtime",
    "wake_time",
]


def answered(**changes) -> dict:
    return {**COMPLETE, **changes}


def fields(raw) -> list[str]:
    form, errors = parse_intake(raw)
    assert (form is None) == bool(errors)
    return [error.field for error in errors]


def only_error(raw):
    form, errors = parse_intake(raw)
    assert form is None
    (error,) = errors
    return error


def test_a_complete_questionnaire_is_read_answer_by_answer():
    form, errors = parse_intake(COMPLETE)
    assert errors == []
    assert form == IntakeForm(
        IntakeAnswers(
            situations=frozenset({Situation.ASLEEP, Situation.ON_WAKING}),
            frequency_count=3,
            frequency_unit=FrequencyUnit.WEEK,
            side=Foot.LEFT,
            sites=frozenset({Site.TOES, Site.CALF}),
            accompanying=frozenset({Symptom.NUMBNESS}),
            history=frozenset({Condition.DIABETES, Condition.KIDNEY}),
            history_other="gout",
            medicines=frozenset({Medicine.MAGNESIUM}),
            medicines_other="vitamin B",
            age_band=AgeBand.SIXTIES,
            daily_life=DailyLife.A_LITTLE,
        ),
        time(23, 0),
        time(6, 30),
    )


def test_an_empty_questionnaire_names_every_required_answer_in_form_order():
    assert fields({}) == REQUIRED


@pytest.mark.parametrize("blank", [None, "", "   ", [], ["", "  "]])
def test_a_blank_answer_counts_as_no_answer(blank):
    assert fields(answered(**{name: blank for name in REQUIRED})) == REQUIRED


def test_what_comes_with_the_cramps_history_and_medicines_may_be_left_empty():
    raw = {k: v for k, v in COMPLETE.items() if k in REQUIRED}
    form, errors = parse_intake(raw)
    assert errors == []
    answers = form.answers
    assert (answers.accompanying, answers.history, answers.medicines) == (frozenset(),) * 3
    assert (answers.history_other, answers.medicines_other) == ("", "")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("frequency_unit", "day"),
        ("side", "middle"),
        ("age_band", "30s"),
        ("daily_life", "sometimes"),
    ],
)
def test_a_single_choice_not_offered_is_refused(name, value):
    error = only_error(answered(**{name: value}))
    assert (error.field, error.message) == (name, "Please choose one of the options shown.")


@pytest.mark.parametrize("name", ["frequency_unit", "side", "age_band", "daily_life"])
def test_a_missing_single_choice_asks_for_one(name):
    error = only_error(answered(**{name: None}))
    assert (error.field, error.message) == (name, "Please choose one of the options.")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("situations", ["asleep", "dreaming"]),
        ("sites", ["nose"]),
        ("accompanying", ["numbness", "itch"]),
        ("history", ["gout"]),
        ("medicines", ["aspirin", "statins", "coffee"]),
    ],
)
def test_a_choice_among_many_not_offered_is_refused_once_never_dropped(name, value):
    error = only_error(answered(**{name: value}))
    assert (error.field, error.message) == (name, "Please choose from the options shown.")


@pytest.mark.parametrize("name", ["situations", "sites"])
def test_situations_and_sites_need_at_least_one(name):
    error = only_error(answered(**{name: []}))
    assert (error.field, error.message) == (name, "Please choose at least one.")


def test_choices_are_read_with_surrounding_spaces_and_blanks_skipped():
    form, errors = parse_intake(
        answered(side=" both ", sites=(" sole ", "", "heel"), situations={" after_exercise"})
    )
    assert errors == []
    assert form.answers.side is Foot.BOTH
    assert form.answers.sites == {Site.SOLE, Site.HEEL}
    assert form.answers.situations == {Situation.AFTER_EXERCISE}


def test_a_single_choice_among_many_may_come_as_one_value():
    form, errors = parse_intake(answered(sites="instep", history=frozenset({"liver"})))
    assert errors == []
    assert form.answers.sites == {Site.INSTEP}
    assert form.answers.history == {Condition.LIVER}


def test_a_value_that_is_no_list_and_no_option_is_refused():
    error = only_error(answered(sites=7))
    assert error.field == "sites"


@pytest.mark.parametrize(
    ("typed", "count"), [("1", 1), ("100", 100), (" 12 ", 12), ("１２", 12), (5, 5)]
)
def test_how_often_is_a_whole_number_from_1_to_100(typed, count):
    form, errors = parse_intake(answered(frequency_count=typed))
    assert errors == []
    assert form.answers.frequency_count == count


@pytest.mark.parametrize("typed", ["0", "101", "-3", "2.5", "three", "٣", "1e2"])
def test_how_often_outside_1_to_100_or_not_a_whole_number_is_refused(typed):
    error = only_error(answered(frequency_count=typed))
    assert error.field == "frequency_count"
    assert error.message == "Please enter a whole number from %(low)s to %(high)s."
    assert dict(error.params) == {"low": 1, "high": 100}


def test_a_missing_count_asks_how_often():
    error = only_error(answered(frequency_count=""))
    assert (error.field, error.message) == ("frequency_count", "Please say about how often.")


@pytest.mark.parametrize(
    ("count", "unit", "per_week"),
    [(3, FrequencyUnit.WEEK, 3.0), (30, FrequencyUnit.MONTH, 7.0), (15, FrequencyUnit.MONTH, 3.5)],
)
def test_a_month_counts_as_30_days_when_a_frequency_is_read_per_week(count, unit, per_week):
    form, _ = parse_intake(answered(frequency_count=str(count), frequency_unit=unit.value))
    assert form.answers.per_week == pytest.approx(per_week)
    assert isinstance(form.answers.per_week, float)


@pytest.mark.parametrize("name", ["history_other", "medicines_other"])
def test_other_text_is_one_line_with_single_spaces(name):
    form, errors = parse_intake(answered(**{name: "  high \n blood\tpressure  "}))
    assert errors == []
    assert getattr(form.answers, name) == "high blood pressure"


@pytest.mark.parametrize("name", ["history_other", "medicines_other"])
def test_other_text_may_be_200_characters_but_not_201(name):
    form, errors = parse_intake(answered(**{name: "x" * 200}))
    assert errors == []
    assert getattr(form.answers, name) == "x" * 200
    error = only_error(answered(**{name: "x" * 201}))
    assert (error.field, dict(error.params)) == (name, {"max": 200})
    assert error.message == "Use at most %(max)s characters."


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("23:00", time(23, 0)),
        ("00:00", time(0, 0)),
        ("２２：３０", time(22, 30)),
        (" 21:15 ", time(21, 15)),
        ("23:59:59.5", time(23, 59)),
    ],
)
def test_bedtime_is_read_to_the_minute_in_any_digits(typed, read):
    form, errors = parse_intake(answered(bedtime=typed, wake_time=typed))
    assert errors == []
    assert (form.bedtime, form.wake_time) == (read, read)


@pytest.mark.parametrize("typed", ["", None, "25:00", "eleven", "7pm"])
def test_a_bedtime_that_is_no_clock_time_is_refused(typed):
    form, errors = parse_intake(answered(bedtime=typed, wake_time="06:00"))
    assert form is None
    assert [(e.field, e.message) for e in errors] == [("bedtime", "Enter a time such as 23:00.")]


def test_a_wake_time_that_is_no_clock_time_is_refused():
    assert fields(answered(wake_time="late")) == ["wake_time"]


def test_every_mistake_is_listed_at_once():
    raw = answered(side="middle", frequency_count="0", history_other="x" * 201, bedtime="x")
    assert fields(raw) == ["frequency_count", "side", "history_other", "bedtime"]


BAD_ANSWERS = [
    pytest.param({}, id="nothing answered"),
    pytest.param(answered(side="middle", sites=["nose"]), id="options not offered"),
    pytest.param(answered(frequency_count="0"), id="count out of range"),
    pytest.param(answered(medicines_other="x" * 201), id="other text too long"),
]


@pytest.mark.parametrize("raw", BAD_ANSWERS)
def test_every_intake_error_reads_in_japanese_with_its_numbers(raw):
    japanese = translations("ja")
    for error in parse_intake(raw)[1]:
        text = japanese.gettext(error.message)
        assert text != error.message, error
        filled = text % dict(error.params)
        for value in error.params.values():
            assert str(value) in filled
