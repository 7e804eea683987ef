"""Demo care plans: each patient's plan and 90 days of routines done, shaped by persona.

Deterministic (the clinic's seeded generator). Runs before the diary's seeder, so
that the diary can relate cramp-free nights to evenings with the full routine.
Rows are written directly: the services rightly refuse completions older than a
week. Patterns:

- improving: a patchy start that becomes a habit; the practitioner raised the toe
  stretch to five sets a month ago;
- steady: most evenings; rare-recorder: opens the app now and then;
- spreading: fair adherence, with the calf stretch added three weeks ago;
- night-owl (01:00 bedtime): the calf stretch too; early-riser: the waking stretch;
- lapsed: six good weeks, then almost nothing; new: joined four days ago.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, select

from app.demo.accounts import DemoClinic
from app.domain.catalogue import Routine, spec_of
from app.domain.schedule import Cadence, Dose, occurrences_on, plan_in_force
from app.models import Completion, PatientProfile, PlanItem, User
from app.services import habits
from app.services import plan as plan_service

DAYS = 90


@dataclass(frozen=True)
class Diligence:
    """The chance of doing a due routine at the start and at the end of the period."""

    start: float
    end: float
    joined_days_ago: int = DAYS
    stops_after: int | None = None  # days after joining when they all but stopped


DILIGENCE = {
    "improving": Diligence(0.35, 0.9),
    "rare-recorder": Diligence(0.3, 0.25),
    "spreading": Diligence(0.6, 0.55),
    "steady": Diligence(0.85, 0.85),
    "night-owl": Diligence(0.6, 0.7),
    "early-riser": Diligence(0.8, 0.85),
    "lapsed": Diligence(0.8, 0.8, stops_after=42),
    "new": Diligence(0.9, 0.9, joined_days_ago=4),
}
# On an off day, some routines slip more easily than others.
EFFORT = {
    Routine.FOOT_BATH: 0.8,
    Routine.BEDTIME_GLASS: 1.0,
    Routine.SOLE_MASSAGE: 0.9,
    Routine.TOE_STRETCH: 1.0,
    Routine.CALF_STRETCH: 0.85,
    Routine.WAKING_STRETCH: 0.8,
    Routine.DESK_BREAK: 0.6,
    Routine.WARM_FEET: 0.7,
}


def _client_id(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _chance(diligence: Diligence, day_index: int, length: int) -> float:
    if diligence.stops_after is not None and day_index >= diligence.stops_after:
        return 0.04
    progress = day_index / max(1, length - 1)
    return diligence.start + (diligence.end - diligence.start) * progress


def _noon(day: date) -> datetime:
    """Midday in Japan on a demo day: when the clinic made a change or an account."""
    return datetime.combine(day, time(3, 0), UTC)


def _change(session: Session, patient: User, routine: str, day: date, by: int, **changes):
    versions = plan_service.plan_versions(session, patient_id=patient.id)
    current = next(v for v in plan_in_force(versions, day) if v.routine == routine)
    plan_service.stage_change(
        session,
        patient_id=patient.id,
        current=current,
        effective_from=day,
        changed_by_id=by,
        now=_noon(day),
        **changes,
    )


def _shape_plan(session, clinic: DemoClinic, patient: User, persona: str, today: date) -> None:
    practitioner = clinic.practitioners[clinic.specs[patient.id].practitioner].id
    if persona == "improving":
        _change(
            session,
            patient,
            Routine.TOE_STRETCH,
            today - timedelta(days=30),
            practitioner,
            dose=Dose(sets=5, hold_seconds=5, rest_seconds=10),
        )
    elif persona in ("spreading", "night-owl"):
        _change(
            session,
            patient,
            Routine.CALF_STRETCH,
            today - timedelta(days=21),
            practitioner,
            enabled=True,
        )
    elif persona == "early-riser":
        _change(
            session,
            patient,
            Routine.WAKING_STRETCH,
            today - timedelta(days=60),
            patient.id,
            enabled=True,
        )


def seed(session: Session, clinic: DemoClinic, today: date, rng: random.Random) -> None:
    for patient in clinic.patients:
        persona = clinic.persona_of(patient)
        diligence = DILIGENCE.get(persona, DILIGENCE["steady"])
        joined = today - timedelta(days=diligence.joined_days_ago)
        # The account and its first plan date from the persona's first day, so that
        # every "since you joined" figure agrees with the history seeded below.
        patient.created_at = _noon(joined)
        session.add(patient)
        for row in session.exec(select(PlanItem).where(PlanItem.patient_id == patient.id)):
            row.effective_from = joined
            session.add(row)
        session.flush()
        _shape_plan(session, clinic, patient, persona, today)
        profile = session.exec(
            select(PatientProfile).where(PatientProfile.user_id == patient.id)
        ).one()
        _seed_history(session, patient, profile, joined, today, diligence, rng)
        # As recording a routine would have left it: strength carried to the settled days.
        habits.remember(
            session,
            patient_id=patient.id,
            versions=plan_service.plan_versions(session, patient_id=patient.id),
            today=today,
            now=_noon(today),
        )
    session.commit()


def _seed_history(session, patient, profile, joined, today, diligence, rng) -> None:
    rhythm = plan_service.rhythm_of(profile)
    versions = plan_service.plan_versions(session, patient_id=patient.id)
    length = (today - joined).days
    walks_this_week = 0
    # Today is left for whoever tries the demo to tick off.
    for index in range(length):
        day = joined + timedelta(days=index)
        chance = _chance(diligence, index, length)
        # Evenings go well or not as a whole: on a good day nearly everything is done.
        good_day = rng.random() < chance
        if day.isoweekday() == 1:
            walks_this_week = 0
        for occurrence in occurrences_on(rhythm, versions, day):
            item, routine = occurrence.item, occurrence.routine
            at = occurrence.at_utc
            if routine == Routine.WATER:
                target = item.dose.glasses or 6
                glasses = sum(rng.random() < chance + 0.05 for _ in range(target + 2))
                for slot in range(glasses):
                    sip_at = at + timedelta(minutes=90 * slot + rng.randint(0, 40))
                    session.add(_row(patient, item, day, slot, sip_at, rng, glasses=1))
                continue
            off_day = 0.3 * min(1.0, 2 * chance) * EFFORT.get(Routine(routine), 1.0)
            odds = 0.96 if good_day else off_day
            if rng.random() >= odds:
                continue
            values = _values(routine, item.dose, rng)
            done_at = at + timedelta(minutes=rng.randint(0, 25))
            session.add(_row(patient, item, day, 0, done_at, rng, **values))
        for item in plan_in_force(versions, day):
            if not item.enabled or item.frequency.cadence is not Cadence.WEEKLY:
                continue
            # Aim for the weekly target: likelier later in the week if behind.
            behind = walks_this_week < item.frequency.per_week_min
            odds = chance * (0.55 if behind and day.isoweekday() >= 4 else 0.35)
            if walks_this_week < item.frequency.per_week_max and rng.random() < odds:
                walks_this_week += 1
                at = rhythm.wake_on(day).astimezone(UTC) + timedelta(hours=rng.randint(2, 9))
                session.add(
                    _row(patient, item, day, 0, at, rng, **_values(item.routine, item.dose, rng))
                )


def _values(routine: str, dose: Dose, rng: random.Random) -> dict[str, int]:
    spec = spec_of(routine)
    values: dict[str, int] = {}
    for measure in spec.measures:
        planned = getattr(dose, measure.value) or 1
        if measure.value == "sets" and rng.random() < 0.12:
            planned = max(1, planned - 1)  # a stretch stopped a set early
        if measure.value == "minutes" and rng.random() < 0.15:
            planned = max(1, planned - rng.randint(1, 3))
        values[measure.value] = planned
    return values


def _row(patient, item, day, slot, at, rng, **values) -> Completion:
    return Completion(
        patient_id=patient.id,
        client_id=_client_id(rng),
        routine=item.routine,
        day=day,
        slot=slot,
        plan_item_id=item.item_id,
        recorded_at=at,
        **values,
    )
