"""The routine catalogue and the guided timers' steps."""

from __future__ import annotations

from datetime import date, time

import pytest

from app.domain.catalogue import (
    CATALOGUE,
    EVENING,
    OPTIONAL,
    Measure,
    Routine,
    default_plan,
    default_values,
    out_of_range,
    spec_of,
)
from app.domain.guides import StepKind, steps_for, total_seconds
from app.domain.schedule import Anchor, Cadence, Dose


def test_defaults_follow_the_clinics_article():
    stretch = spec_of("toe_stretch")
    assert (stretch.dose.sets, stretch.dose.hold_seconds) == (3, 5)
    assert (stretch.when.anchor, stretch.when.offset_minutes) == (Anchor.BEDTIME, -15)
    bath = spec_of("foot_bath")
    assert (bath.when.at, bath.dose.minutes, bath.dose.massage_minutes) == (time(19, 30), 10, 2)
    assert spec_of("bedtime_glass").when.offset_minutes == -30
    assert spec_of("water").dose.glasses == 6
    walk = spec_of("walk")
    assert walk.frequency.cadence is Cadence.WEEKLY
    assert (walk.frequency.per_week_min, walk.frequency.per_week_max) == (2, 3)
    assert (walk.dose.minutes, walk.dose.reps) == (10, 30)
    assert spec_of("desk_break").frequency.weekdays == frozenset({1, 2, 3, 4, 5})


def test_optional_routines_are_the_ones_a_patient_may_switch():
    assert set(OPTIONAL) == {"calf_stretch", "waking_stretch", "desk_break", "warm_feet"}
    assert {r for r in OPTIONAL if not CATALOGUE[r].enabled_by_default} == {
        "calf_stretch",
        "waking_stretch",
    }


def test_evening_routines_are_the_ones_before_bed():
    assert set(EVENING) == {
        "foot_bath",
        "bedtime_glass",
        "sole_massage",
        "toe_stretch",
        "calf_stretch",
    }


def test_every_stretch_is_marked_for_the_safety_line():
    stretches = {r for r, spec in CATALOGUE.items() if spec.stretch}
    assert stretches == {"toe_stretch", "calf_stretch", "waking_stretch"}


def test_an_unknown_routine_key_is_refused():
    with pytest.raises(ValueError, match="not a valid Routine"):
        spec_of("yoga")


def test_default_plan_starts_on_the_day_given():
    plan = default_plan(date(2026, 11, 24))
    assert all(v.effective_from == date(2026, 11, 24) for v in plan)
    assert len(plan) == len(Routine)


@pytest.mark.parametrize(
    ("routine", "expected"),
    [
        ("toe_stretch", {Measure.SETS: 3}),
        ("foot_bath", {Measure.MINUTES: 10}),
        ("walk", {Measure.MINUTES: 10, Measure.REPS: 30}),
        ("water", {Measure.GLASSES: 1}),
        ("desk_break", {}),
    ],
)
def test_one_tap_done_records_the_planned_dose(routine, expected):
    spec = spec_of(routine)
    assert default_values(spec, spec.dose) == expected


@pytest.mark.parametrize(
    ("measure", "value", "bad"),
    [
        (Measure.SETS, 0, True),
        (Measure.SETS, 3, False),
        (Measure.SETS, 21, True),
        (Measure.MINUTES, 181, True),
        (Measure.REPS, -1, True),
        (Measure.GLASSES, 2, True),
    ],
)
def test_values_outside_sensible_limits_are_out_of_range(measure, value, bad):
    assert out_of_range(measure, value) is bad


def test_toe_stretch_guide_is_ready_then_three_holds_with_rests_between():
    steps = steps_for("toe_stretch", spec_of("toe_stretch").dose)
    assert [(s.kind, s.seconds, s.set_number) for s in steps] == [
        (StepKind.READY, 3, None),
        (StepKind.HOLD, 5, 1),
        (StepKind.REST, 10, None),
        (StepKind.HOLD, 5, 2),
        (StepKind.REST, 10, None),
        (StepKind.HOLD, 5, 3),
    ]
    assert total_seconds(steps) == 38


def test_foot_bath_guide_is_ten_minutes_then_two_of_massage():
    steps = steps_for("foot_bath", spec_of("foot_bath").dose)
    assert [(s.kind, s.seconds) for s in steps] == [(StepKind.SOAK, 600), (StepKind.MASSAGE, 120)]


def test_walk_guide_is_a_ten_minute_walk_then_thirty_paced_reps():
    steps = steps_for("walk", spec_of("walk").dose)
    assert [(s.kind, s.seconds, s.reps) for s in steps] == [
        (StepKind.WALK, 600, None),
        (StepKind.REPS, 60, 30),
    ]


def test_routines_without_a_timer_have_no_steps():
    assert steps_for("bedtime_glass", Dose(glasses=1)) == []
    assert steps_for("sole_massage", Dose(minutes=2))[0].seconds == 120
