"""Demo diary: 90 days of cramps and morning check-ins shaped by each patient's persona.

Deterministic (the clinic's seeded generator). Rows are written directly, not through
the services, because the services rightly refuse entries older than 60 days.
Patterns, so that the timeline and insights have something true to show:

- improving: cramps on most nights until the routine becomes a habit about four weeks
  ago, far fewer since, and rare after evenings with the full routine (the plan
  seeder runs first and says which evenings those were). The changes are large on
  purpose: the insights name a direction only when chance cannot explain it;
- rare-recorder: checks in on few mornings and logs only some cramps;
- spreading: night cramps at first, then daytime cramps reaching the sole and calf,
  some with numbness, after standing work;
- lapsed: records for the first six weeks, then stops; new: only the last few days.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from app.demo.accounts import DemoClinic
from app.domain.checkins import AnswerFields
from app.domain.cramps import CrampDetails, DurationPreset, Foot, Site, Situation, Symptom
from app.domain.rhythm import Rhythm, local_datetime
from app.models import CrampEvent, MorningCheckIn, User
from app.services import accounts, routines
from app.services.checkins import checkin_fingerprint
from app.services.cramps import cramp_fingerprint

DAYS = 90


@dataclass(frozen=True)
class Habits:
    """How a persona's nights go: chance of a cramp night at the start and the end of
    the 90 days, how often they answer the check-in and log a cramp they had."""

    cramp_start: float
    cramp_end: float
    checkin_rate: float
    log_rate: float
    first_day: int = 0  # days into the 90 when they started recording
    last_day: int = DAYS  # ... and stopped
    daytime: float = 0.0  # chance of a daytime cramp, reached by the end
    # When set, the chance of a cramp night jumps from start to end at this point of
    # the 90 days (0 to 1) instead of changing gradually.
    turn: float | None = None
    # The chance of a cramp night after an evening with the full routine, as a share
    # of the usual chance: nights after the full routine go better in this story.
    after_full_routine: float = 0.45


HABITS = {
    "improving": Habits(0.95, 0.55, 0.95, 0.9, turn=0.66, after_full_routine=0.06),
    "rare-recorder": Habits(0.4, 0.35, 0.22, 0.35),
    "spreading": Habits(0.35, 0.6, 0.8, 0.85, daytime=0.35),
    "steady": Habits(0.18, 0.15, 0.8, 0.85),
    "night-owl": Habits(0.3, 0.25, 0.7, 0.8),
    "early-riser": Habits(0.25, 0.2, 0.85, 0.85),
    "lapsed": Habits(0.45, 0.4, 0.85, 0.8, last_day=42),
    "new": Habits(0.5, 0.5, 0.9, 0.9, first_day=DAYS - 5),
}


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    span = (end - start).total_seconds()
    return (start + timedelta(seconds=rng.uniform(0, span))).replace(microsecond=0)


def _details(rng: random.Random, persona: str, progress: float, *, daytime: bool) -> CrampDetails:
    """What a patient of this persona tends to note, `progress` from 0 to 1 over the 90 days."""
    if rng.random() < 0.15:
        return CrampDetails()  # logged in one tap, never filled in
    sites = {Site.TOES}
    if rng.random() < 0.35:
        sites.add(Site.SOLE)
    symptoms: set[Symptom] = set()
    foot = rng.choices([Foot.LEFT, Foot.RIGHT, Foot.BOTH], weights=[5, 3, 1])[0]
    if persona == "spreading":
        foot = rng.choices([Foot.LEFT, Foot.RIGHT, Foot.BOTH], weights=[7, 1, 1])[0]
        if rng.random() < progress:
            sites |= {Site.SOLE, Site.CALF}
        if rng.random() < progress * 0.5:
            symptoms.add(Symptom.NUMBNESS)
        if rng.random() < 0.3:
            symptoms.add(Symptom.COLD_FEET)
    if daytime:
        situation = rng.choices(
            [
                Situation.AFTER_STANDING,
                Situation.AFTER_SITTING,
                Situation.AFTER_EXERCISE,
                Situation.OTHER_DAYTIME,
            ],
            weights=[5, 2, 1, 1],
        )[0]
    else:
        situation = rng.choices([Situation.ASLEEP, Situation.ON_WAKING], weights=[4, 1])[0]
    severity = max(
        0, min(10, round(rng.gauss(6 - 2 * progress if persona == "improving" else 6, 1.8)))
    )
    return CrampDetails(
        foot=foot,
        sites=frozenset(sites),
        severity=severity,
        duration=rng.choice(list(DurationPreset)),
        woke_me_up=None if daytime else rng.random() < 0.8,
        situation=situation,
        symptoms=frozenset(symptoms),
        note="",
    )


def _cramp_row(
    patient: User, zone: str, at: datetime, details: CrampDetails, rng: random.Random
) -> CrampEvent:
    return CrampEvent(
        patient_id=patient.id,
        client_id=_uuid(rng),
        occurred_at=at.astimezone(UTC),
        zone=zone,
        foot=details.foot,
        sites=[s.value for s in Site if s in details.sites],
        severity=details.severity,
        duration=details.duration,
        woke_me_up=details.woke_me_up,
        situation=details.situation,
        symptoms=[s.value for s in Symptom if s in details.symptoms],
        note=details.note,
        created_fingerprint=cramp_fingerprint(at, details),
        created_at=at.astimezone(UTC),
        updated_at=at.astimezone(UTC),
    )


def seed_patient(
    session: Session, patient: User, persona: str, today: date, rng: random.Random
) -> None:
    habits = HABITS.get(persona, HABITS["steady"])
    profile = accounts.profile_of(session, patient=patient)
    rhythm = Rhythm(profile.bedtime, profile.wake_time, ZoneInfo(profile.time_zone))
    # The last night (yesterday evening's) is left empty: its check-in is still open,
    # so the home screen asks about it, and no cramp can lie in the future.
    first = today - timedelta(days=DAYS + 1)
    full = routines.evenings_with_full_routine(
        session, actor=patient, patient_id=patient.id, start=first, end=today - timedelta(days=2)
    )
    for offset in range(DAYS):
        evening = first + timedelta(days=offset)
        recording = habits.first_day <= offset < habits.last_day
        progress = offset / (DAYS - 1)
        shift = progress if habits.turn is None else float(progress >= habits.turn)
        chance = habits.cramp_start + (habits.cramp_end - habits.cramp_start) * shift
        if evening in full:
            chance *= habits.after_full_routine
        count = 0
        if rng.random() < chance:
            count = rng.choices([1, 2, 3], weights=[7, 2, 1])[0]
        logged: list[CrampDetails] = []
        for _ in range(count):
            details = _details(rng, persona, progress, daytime=False)
            if recording and rng.random() < habits.log_rate:
                at = _between(rng, rhythm.bedtime_on(evening), rhythm.wake_after(evening))
                session.add(_cramp_row(patient, profile.time_zone, at, details, rng))
                logged.append(details)
        if recording and rng.random() < habits.checkin_rate:
            answered = rhythm.wake_after(evening) + timedelta(minutes=rng.randint(5, 90))
            severities = [d.severity for d in logged if d.severity is not None]
            fields = AnswerFields(
                had_cramps=count > 0,
                cramp_count=count or None,
                worst_severity=max(severities) if severities else None,
                sleep_disturbance=(
                    min(10, count * 3 + rng.randint(0, 2)) if count else rng.randint(0, 1)
                ),
            )
            session.add(
                MorningCheckIn(
                    patient_id=patient.id,
                    client_id=_uuid(rng),
                    night_of=evening,
                    had_cramps=fields.had_cramps,
                    cramp_count=fields.cramp_count,
                    worst_severity=fields.worst_severity,
                    sleep_disturbance=fields.sleep_disturbance,
                    zone=profile.time_zone,
                    created_fingerprint=checkin_fingerprint(evening, fields),
                    answered_at=answered.astimezone(UTC),
                    updated_at=answered.astimezone(UTC),
                )
            )
        day = evening + timedelta(days=1)
        if recording and rng.random() < habits.daytime * progress:
            at = _between(
                rng,
                local_datetime(day, time(11, 0), rhythm.zone),
                local_datetime(day, time(18, 30), rhythm.zone),
            )
            details = _details(rng, persona, progress, daytime=True)
            session.add(_cramp_row(patient, profile.time_zone, at, details, rng))


def seed(session: Session, clinic: DemoClinic, today: date, rng: random.Random) -> None:
    """Every demo patient's diary for the 90 days before ``today``."""
    for patient in clinic.patients:
        seed_patient(session, patient, clinic.persona_of(patient), today, rng)
    session.commit()
