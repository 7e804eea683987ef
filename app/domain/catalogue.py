"""The clinic's self-care routines, with the defaults a new patient's plan starts from.

Defaults follow the clinic's article (DESIGN.md, "The self-care routines");
practitioners may change every number per patient. Names and instructions are
translated in the templates, keyed by :class:`Routine`; this module holds keys
and numbers only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from enum import StrEnum

from app.domain.schedule import WORK_DAYS, Dose, Frequency, PlannedRoutine, When
from app.messages import N_


class Routine(StrEnum):
    FOOT_BATH = "foot_bath"
    BEDTIME_GLASS = "bedtime_glass"
    SOLE_MASSAGE = "sole_massage"
    TOE_STRETCH = "toe_stretch"
    CALF_STRETCH = "calf_stretch"
    WAKING_STRETCH = "waking_stretch"
    WATER = "water"
    WALK = "walk"
    DESK_BREAK = "desk_break"
    WARM_FEET = "warm_feet"


# What each routine is called wherever it is named: the home screen and the other
# pages, reminders, calendar events and exports. Translated where it is shown.
ROUTINE_NAMES: dict[Routine, str] = {
    Routine.FOOT_BATH: N_("Evening foot bath"),
    Routine.BEDTIME_GLASS: N_("Bedtime glass of water"),
    Routine.SOLE_MASSAGE: N_("Sole massage"),
    Routine.TOE_STRETCH: N_("Bedtime toe stretch"),
    Routine.CALF_STRETCH: N_("Calf stretch"),
    Routine.WAKING_STRETCH: N_("Toe stretch on waking"),
    Routine.WATER: N_("Water through the day"),
    Routine.WALK: N_("Walk and toe grip-open"),
    Routine.DESK_BREAK: N_("Desk or standing break"),
    Routine.WARM_FEET: N_("Warm feet"),
}


class Measure(StrEnum):
    """What a completion records beyond "done"."""

    SETS = "sets"
    MINUTES = "minutes"
    REPS = "reps"
    GLASSES = "glasses"


class Guide(StrEnum):
    """Which guided timer a routine has, if any."""

    HOLDS = "holds"  # hold, rest, hold … (stretches)
    COUNTDOWN = "countdown"  # one or two timed parts (massage, foot bath)
    WALK = "walk"  # a timed walk, then paced grip-and-open reps


@dataclass(frozen=True, slots=True)
class RoutineSpec:
    key: Routine
    # The order the evening is lived in; ties at the same minute follow it.
    order: int
    when: When
    frequency: Frequency
    dose: Dose
    # Optional routines can be switched on or off by the patient in settings.
    optional: bool = False
    enabled_by_default: bool = True
    # Part of the evening routine before bed (what "a full evening" means).
    evening: bool = False
    # Counted in adherence and the day's progress; a tip with an optional tick is not.
    tracked: bool = True
    measures: tuple[Measure, ...] = ()
    guide: Guide | None = None
    # A stretch: the app shows the safety line with it.
    stretch: bool = False


CATALOGUE: dict[Routine, RoutineSpec] = {
    spec.key: spec
    for spec in (
        RoutineSpec(
            Routine.FOOT_BATH,
            order=10,
            when=When.at_time(time(19, 30)),
            frequency=Frequency.daily(),
            dose=Dose(minutes=10, massage_minutes=2),
            evening=True,
            measures=(Measure.MINUTES,),
            guide=Guide.COUNTDOWN,
        ),
        RoutineSpec(
            Routine.BEDTIME_GLASS,
            order=20,
            when=When.before_bedtime(30),
            frequency=Frequency.daily(),
            dose=Dose(glasses=1),
            evening=True,
            measures=(Measure.GLASSES,),
        ),
        RoutineSpec(
            Routine.SOLE_MASSAGE,
            order=30,
            when=When.before_bedtime(20),
            frequency=Frequency.daily(),
            dose=Dose(minutes=2),
            evening=True,
            measures=(Measure.MINUTES,),
            guide=Guide.COUNTDOWN,
        ),
        RoutineSpec(
            Routine.TOE_STRETCH,
            order=40,
            when=When.before_bedtime(15),
            frequency=Frequency.daily(),
            dose=Dose(sets=3, hold_seconds=5, rest_seconds=10),
            evening=True,
            measures=(Measure.SETS,),
            guide=Guide.HOLDS,
            stretch=True,
        ),
        RoutineSpec(
            Routine.CALF_STRETCH,
            order=50,
            when=When.before_bedtime(10),
            frequency=Frequency.daily(),
            dose=Dose(sets=2, hold_seconds=20, rest_seconds=10),
            optional=True,
            enabled_by_default=False,
            evening=True,
            measures=(Measure.SETS,),
            guide=Guide.HOLDS,
            stretch=True,
        ),
        RoutineSpec(
            Routine.WAKING_STRETCH,
            order=5,
            when=When.after_waking(0),
            frequency=Frequency.daily(),
            dose=Dose(sets=3, hold_seconds=5, rest_seconds=10),
            optional=True,
            enabled_by_default=False,
            measures=(Measure.SETS,),
            guide=Guide.HOLDS,
            stretch=True,
        ),
        RoutineSpec(
            Routine.WATER,
            order=60,
            when=When.during_the_day(),
            frequency=Frequency.daily(),
            dose=Dose(glasses=6),
            measures=(Measure.GLASSES,),
        ),
        RoutineSpec(
            Routine.WALK,
            order=70,
            when=When.during_the_day(),
            frequency=Frequency.per_week(2, 3),
            dose=Dose(minutes=10, reps=30),
            measures=(Measure.MINUTES, Measure.REPS),
            guide=Guide.WALK,
        ),
        RoutineSpec(
            Routine.DESK_BREAK,
            order=80,
            when=When.during_the_day(),
            frequency=Frequency.on(*WORK_DAYS),
            dose=Dose(minutes=1),
            optional=True,
        ),
        RoutineSpec(
            Routine.WARM_FEET,
            order=90,
            when=When.during_the_day(),
            frequency=Frequency.daily(),
            dose=Dose(),
            optional=True,
            tracked=False,
        ),
    )
}

OPTIONAL = tuple(spec.key for spec in CATALOGUE.values() if spec.optional)
EVENING = tuple(spec.key for spec in CATALOGUE.values() if spec.evening)


def spec_of(routine: str) -> RoutineSpec:
    """The catalogue entry for a routine key; ValueError for an unknown one."""
    return CATALOGUE[Routine(routine)]


def default_plan(effective_from: date) -> list[PlannedRoutine]:
    """The plan a new patient gets: every routine, optional ones as the clinic set them."""
    return [
        PlannedRoutine(
            routine=spec.key,
            effective_from=effective_from,
            enabled=spec.enabled_by_default,
            when=spec.when,
            frequency=spec.frequency,
            dose=spec.dose,
            order=spec.order,
        )
        for spec in CATALOGUE.values()
    ]


# ---------------------------------------------------------------------------
# What a completion may record
# ---------------------------------------------------------------------------

# Inclusive bounds for one completion's values, whatever the plan says: past these a
# number is a typo, not a very keen evening.
LIMITS: dict[Measure, tuple[int, int]] = {
    Measure.SETS: (1, 20),
    Measure.MINUTES: (1, 180),
    Measure.REPS: (0, 300),  # a walk without the grip-opens is still a walk
    Measure.GLASSES: (1, 1),
}
# Glasses are recorded one tap at a time; more than this in one day is a mistake.
MAX_GLASSES_A_DAY = 20


def default_values(spec: RoutineSpec, dose: Dose) -> dict[Measure, int]:
    """What a one-tap "done" records: the planned dose."""
    planned = {
        Measure.SETS: dose.sets,
        Measure.MINUTES: dose.minutes,
        Measure.REPS: dose.reps,
        Measure.GLASSES: 1,
    }
    return {m: planned[m] for m in spec.measures if planned[m] is not None}


def out_of_range(measure: Measure, value: int) -> bool:
    low, high = LIMITS[measure]
    return not low <= value <= high
