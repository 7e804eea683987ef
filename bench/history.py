"""Benchmark patients with a chosen length of history (30, 90, 365 days).

A patient who has used the app for a year must cost the server no more per page
than one who joined last month, so the benchmark seeds both. The history is plain
and deterministic: most routines done most days, a cramp on about a third of the
nights, a morning check-in on most mornings.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from app.demo.onboarding import onboard
from app.domain.catalogue import Routine
from app.domain.checkins import AnswerFields
from app.domain.cramps import CrampDetails, Foot, Site
from app.domain.schedule import day_at, occurrences_on
from app.models import Completion, CrampEvent, MorningCheckIn, Role
from app.security import Passwords
from app.services import accounts, habits
from app.services import plan as plan_service
from app.services.checkins import checkin_fingerprint
from app.services.cramps import cramp_fingerprint


def bench_email(days: int) -> str:
    return f"bench.{days}d@example.test"


def seed_patient(
    session: Session, *, passwords: Passwords, password: str, days: int, now: datetime
) -> None:
    rng = random.Random(days)  # noqa: S311 - benchmark data, not security
    patient = accounts.create_user(
        session,
        passwords=passwords,
        email=bench_email(days),
        name=f"Bench {days}d",
        role=Role.PATIENT,
        password=password,
        now=now - timedelta(days=days),
    )
    onboard(session, patient=patient)
    profile = accounts.profile_of(session, patient=patient)
    rhythm = plan_service.rhythm_of(profile)
    versions = plan_service.plan_versions(session, patient_id=patient.id)
    today = day_at(rhythm, now)
    day = today - timedelta(days=days)

    def new_id() -> uuid.UUID:
        return uuid.UUID(int=rng.getrandbits(128), version=4)

    while day < today:
        for occurrence in occurrences_on(rhythm, versions, day):
            water = occurrence.routine == Routine.WATER
            slots = (occurrence.item.dose.glasses or 6) if water else 1
            for slot in range(slots):
                if rng.random() < 0.8:
                    session.add(
                        Completion(
                            patient_id=patient.id,
                            client_id=new_id(),
                            routine=occurrence.routine,
                            day=day,
                            slot=slot,
                            plan_item_id=occurrence.item.item_id,
                            recorded_at=occurrence.at_utc,
                            glasses=1 if water else None,
                        )
                    )
        cramped = rng.random() < 0.33
        if cramped:
            at = rhythm.bedtime_on(day) + timedelta(hours=rng.randint(1, 6))
            details = CrampDetails(foot=Foot.LEFT, sites=frozenset({Site.TOES}), severity=5)
            session.add(
                CrampEvent(
                    patient_id=patient.id,
                    client_id=new_id(),
                    occurred_at=at.astimezone(UTC),
                    zone=profile.time_zone,
                    foot=details.foot,
                    sites=[s.value for s in details.sites],
                    severity=details.severity,
                    created_fingerprint=cramp_fingerprint(at, details),
                    created_at=at.astimezone(UTC),
                    updated_at=at.astimezone(UTC),
                )
            )
        if rng.random() < 0.85:
            answered = rhythm.wake_after(day).astimezone(UTC)
            fields = AnswerFields(had_cramps=cramped, cramp_count=1 if cramped else None)
            session.add(
                MorningCheckIn(
                    patient_id=patient.id,
                    client_id=new_id(),
                    night_of=day,
                    had_cramps=fields.had_cramps,
                    cramp_count=fields.cramp_count,
                    zone=profile.time_zone,
                    created_fingerprint=checkin_fingerprint(day, fields),
                    answered_at=answered,
                    updated_at=answered,
                )
            )
        day += timedelta(days=1)
    # As the patient's own ticks would have left it.
    habits.remember(session, patient_id=patient.id, versions=versions, today=today, now=now)
    session.commit()
