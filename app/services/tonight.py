"""The patient's home screen: what is due today and tonight, what is done, how strong
each habit is, water, and this week's walks. Also the guide page's context.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from app.domain.catalogue import Routine, RoutineSpec, spec_of
from app.domain.guides import Step, steps_for
from app.domain.schedule import (
    Anchor,
    Dose,
    Occurrence,
    PartOfDay,
    PlannedRoutine,
    WeeklyGoal,
    day_at,
    occurrences_on,
    part_of_day,
    plan_in_force,
    week_of,
    weekly_goals,
)
from app.domain.strength import as_percent
from app.domain.tonight import EveningRoutine, call_out_bedtime_glass, next_routine
from app.models import Completion, User
from app.services import access, habits
from app.services import completions as completion_service
from app.services import plan as plan_service
from app.services.errors import NotFound


@dataclass(frozen=True)
class ItemView:
    item_id: int
    spec: RoutineSpec
    dose: Dose
    at: datetime | None  # local time it is due; None for "any time today"
    done: Completion | None
    strength: int | None  # percent, None before there is anything to judge

    @property
    def routine(self) -> str:
        return self.spec.key.value

    @property
    def has_guide(self) -> bool:
        return self.spec.guide is not None


@dataclass(frozen=True)
class WeeklyView:
    item: ItemView
    goal: WeeklyGoal


@dataclass(frozen=True)
class Hydration:
    item: ItemView
    glasses: int
    target: int
    bedtime_glass: ItemView | None
    # Bedtime is near and the bedtime glass is not drunk yet: say so.
    call_out: bool

    @property
    def glasses_left(self) -> int:
        return max(0, self.target - self.glasses)


@dataclass(frozen=True)
class TonightPlan:
    day: date
    part: PartOfDay
    now: datetime  # local
    bedtime: datetime  # local
    evening: list[ItemView]
    daytime: list[ItemView]
    tips: list[ItemView]
    weekly: list[WeeklyView]
    hydration: Hydration | None
    next_item_id: int | None  # the first evening routine still to do

    @property
    def is_evening(self) -> bool:
        return self.part in (PartOfDay.EVENING, PartOfDay.NIGHT)

    @property
    def counted(self) -> list[ItemView]:
        """The day's routines that count towards its progress (not water, not tips)."""
        return [i for i in (*self.daytime, *self.evening) if i.spec.tracked]

    @property
    def done_count(self) -> int:
        return sum(1 for i in self.counted if i.done)

    @property
    def due_count(self) -> int:
        return len(self.counted)

    @property
    def all_done(self) -> bool:
        return self.due_count > 0 and self.done_count == self.due_count


def _view(
    occurrence_or_item: Occurrence | PlannedRoutine,
    done: dict[str, Completion],
    scores: dict[str, float],
    judged: set[str],
) -> ItemView:
    if isinstance(occurrence_or_item, Occurrence):
        item, at = occurrence_or_item.item, occurrence_or_item.at
        if item.when.anchor is Anchor.DAYTIME:
            at = None
    else:
        item, at = occurrence_or_item, None
    assert item.item_id is not None
    return ItemView(
        item_id=item.item_id,
        spec=spec_of(item.routine),
        dose=item.dose,
        at=at,
        done=done.get(item.routine),
        strength=as_percent(scores[item.routine]) if item.routine in judged else None,
    )


def tonight_for(session: Session, *, actor: User, patient_id: int, now: datetime):
    """The home screen of patient day containing ``now``."""
    rhythm = plan_service.rhythm_of(access.profile_for(session, actor=actor, patient_id=patient_id))
    day = day_at(rhythm, now)
    versions = plan_service.plan_versions(session, patient_id=patient_id)
    joined = min((v.effective_from for v in versions), default=day)
    scores = habits.habit_strengths(session, patient_id=patient_id, versions=versions, today=day)
    # This week's walks, for the weekly goals (the week never starts before joining).
    week = habits.done_counts(session, patient_id=patient_id, start=week_of(day)[0], end=day)
    # On the patient's first day a score means nothing until something is done.
    judged = set(scores) if joined < day else {r for r in scores if day in week.get(r, {})}
    today_rows = completion_service.completions_between(
        session, actor=actor, patient_id=patient_id, start=day, end=day
    )
    first_done = {}
    for row in today_rows:
        first_done.setdefault(row.routine, row)

    occurrences = occurrences_on(rhythm, versions, day)
    views = [_view(o, first_done, scores, judged) for o in occurrences]
    evening = [v for v in views if v.spec.evening]
    daytime = [
        v for v in views if not v.spec.evening and v.spec.tracked and v.routine != Routine.WATER
    ]
    tips = [v for v in views if not v.spec.tracked]

    weekly = []
    for goal in weekly_goals(versions, day, {r: d.keys() for r, d in week.items()}):
        weekly.append(WeeklyView(_view(goal.item, first_done, scores, judged), goal))

    hydration = None
    water = next((v for v in views if v.routine == Routine.WATER), None)
    if water is not None:
        glass = next((v for v in evening if v.routine == Routine.BEDTIME_GLASS), None)
        call_out = call_out_bedtime_glass(
            planned=glass is not None,
            done=glass is not None and glass.done is not None,
            bedtime=rhythm.bedtime_on(day),
            now=now,
        )
        hydration = Hydration(
            item=water,
            glasses=sum(1 for r in today_rows if r.routine == Routine.WATER),
            target=water.dose.glasses or 0,
            bedtime_glass=glass,
            call_out=call_out,
        )

    next_item_id = next_routine(
        (EveningRoutine(v.item_id, v.at, v.done is not None) for v in evening), now
    )
    return TonightPlan(
        day=day,
        part=part_of_day(rhythm, day, now),
        now=now.astimezone(rhythm.zone),
        bedtime=rhythm.bedtime_on(day),
        evening=evening,
        daytime=daytime,
        tips=tips,
        weekly=weekly,
        hydration=hydration,
        next_item_id=next_item_id,
    )


@dataclass(frozen=True)
class GuidePlan:
    day: date
    item: ItemView
    steps: list[Step]


def guide_for(
    session: Session, *, actor: User, patient_id: int, item_id: int, now: datetime
) -> GuidePlan:
    """A routine's guide page: its instructions, timer steps and today's record.

    The dose is today's, from the version in force, even when ``item_id`` names an
    older version of the same routine (a page left open across a plan change).
    """
    profile = access.profile_for(session, actor=actor, patient_id=patient_id)
    row = plan_service.item_of(session, patient_id=patient_id, item_id=item_id)
    if row is None:
        raise NotFound("plan item")
    rhythm = plan_service.rhythm_of(profile)
    day = day_at(rhythm, now)
    versions = plan_service.plan_versions(session, patient_id=patient_id)
    version = next(v for v in plan_in_force(versions, day) if v.routine == row.routine)
    rows = completion_service.completions_between(
        session, actor=actor, patient_id=patient_id, start=day, end=day
    )
    done = {r.routine: r for r in rows}
    view = _view(version, done, {}, set())
    return GuidePlan(day=day, item=view, steps=steps_for(version.routine, version.dose))
