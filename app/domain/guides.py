"""The steps of a guided timer, from a routine's dose.

The browser runs the clock; this decides what it counts. Each step has a kind
(the words the page shows for it), a length in seconds, and for holds the set it
belongs to. What was actually done is read back from the steps completed: a
stretch stopped during the third hold records two sets.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.domain.catalogue import Guide, spec_of
from app.domain.schedule import Dose

# A few seconds to settle before the first hold.
GET_READY_SECONDS = 3
DEFAULT_REST_SECONDS = 10
# Paced grip-and-open: one second to grip, one to open.
SECONDS_PER_REP = 2


class StepKind(StrEnum):
    READY = "ready"
    HOLD = "hold"
    REST = "rest"
    MASSAGE = "massage"
    SOAK = "soak"
    WALK = "walk"
    REPS = "reps"


@dataclass(frozen=True, slots=True)
class Step:
    kind: StepKind
    seconds: int
    set_number: int | None = None  # for holds: 1, 2, 3 …
    reps: int | None = None  # for paced reps: how many


def steps_for(routine: str, dose: Dose) -> list[Step]:
    """The guided steps for a routine with this dose; empty when it has no timer."""
    guide = spec_of(routine).guide
    if guide is Guide.HOLDS:
        sets = dose.sets or 1
        hold = dose.hold_seconds or 5
        rest = dose.rest_seconds if dose.rest_seconds is not None else DEFAULT_REST_SECONDS
        steps = [Step(StepKind.READY, GET_READY_SECONDS)]
        for number in range(1, sets + 1):
            steps.append(Step(StepKind.HOLD, hold, set_number=number))
            if number < sets and rest:
                steps.append(Step(StepKind.REST, rest))
        return steps
    if guide is Guide.COUNTDOWN:
        if dose.massage_minutes:
            return [
                Step(StepKind.SOAK, (dose.minutes or 10) * 60),
                Step(StepKind.MASSAGE, dose.massage_minutes * 60),
            ]
        return [Step(StepKind.MASSAGE, (dose.minutes or 2) * 60)]
    if guide is Guide.WALK:
        steps = [Step(StepKind.WALK, (dose.minutes or 10) * 60)]
        if dose.reps:
            steps.append(Step(StepKind.REPS, dose.reps * SECONDS_PER_REP, reps=dose.reps))
        return steps
    return []


def total_seconds(steps: list[Step]) -> int:
    return sum(step.seconds for step in steps)
