"""Guided timers and catalogue limits, one rule per test (app/domain/guides.py,
catalogue.py). Each pins a rule mutation testing showed no other test held."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.catalogue import CATALOGUE, LIMITS, Measure, default_plan, out_of_range
from app.domain.guides import DEFAULT_REST_SECONDS, GET_READY_SECONDS, Step, StepKind, steps_for
from app.domain.schedule import Dose

READY = Step(StepKind.READY, GET_READY_SECONDS)


def hold(seconds: int, number: int) -> Step:
    return Step(StepKind.HOLD, seconds, set_number=number)


@pytest.mark.parametrize(
    ("routine", "dose", "steps"),
    [
        pytest.param("toe_stretch", Dose(), [READY, hold(5, 1)], id="stretch: one 5 s hold"),
        pytest.param(
            "toe_stretch",
            Dose(sets=2, hold_seconds=30),
            [READY, hold(30, 1), Step(StepKind.REST, DEFAULT_REST_SECONDS), hold(30, 2)],
            id="stretch: default rest between sets",
        ),
        pytest.param(
            "toe_stretch",
            Dose(sets=2, hold_seconds=30, rest_seconds=0),
            [READY, hold(30, 1), hold(30, 2)],
            id="stretch: no rest asked for, none given",
        ),
        pytest.param(
            "foot_bath",
            Dose(massage_minutes=2),
            [Step(StepKind.SOAK, 600), Step(StepKind.MASSAGE, 120)],
            id="foot bath: 10 min soak",
        ),
        pytest.param(
            "foot_bath",
            Dose(minutes=15, massage_minutes=2),
            [Step(StepKind.SOAK, 900), Step(StepKind.MASSAGE, 120)],
            id="foot bath: planned soak",
        ),
        pytest.param("sole_massage", Dose(), [Step(StepKind.MASSAGE, 120)], id="massage: 2 min"),
        pytest.param(
            "sole_massage", Dose(minutes=5), [Step(StepKind.MASSAGE, 300)], id="massage: planned"
        ),
        pytest.param("walk", Dose(), [Step(StepKind.WALK, 600)], id="walk: 10 min"),
        pytest.param("walk", Dose(minutes=20), [Step(StepKind.WALK, 1200)], id="walk: planned"),
    ],
)
def test_a_guide_falls_back_to_the_clinics_dose_for_numbers_left_blank(routine, dose, steps):
    assert steps_for(routine, dose) == steps


def test_a_new_plan_carries_the_clinics_dose_and_evening_order():
    plan = {item.routine: item for item in default_plan(date(2026, 11, 24))}
    for key, spec in CATALOGUE.items():
        assert (plan[key].dose, plan[key].order) == (spec.dose, spec.order)


@pytest.mark.parametrize("measure", list(Measure))
def test_the_limits_themselves_are_in_range(measure):
    low, high = LIMITS[measure]
    assert not out_of_range(measure, low)
    assert not out_of_range(measure, high)
