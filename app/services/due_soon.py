"""What is due in the next half hour, for the top of the home screen."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from app.domain.reminders import DueSoon, due_soon
from app.domain.schedule import day_at
from app.models import User
from app.services import access
from app.services import habits as completion_service
from app.services import plan as plan_service


def due_soon_for(session: Session, *, actor: User, patient_id: int, now: datetime) -> list[DueSoon]:
    """Routines at a set time in the next 30 minutes that are not done yet."""
    profile = access.profile_for(session, actor=actor, patient_id=patient_id)
    rhythm = plan_service.rhythm_of(profile)
    versions = plan_service.plan_versions(session, patient_id=patient_id)
    today = day_at(rhythm, now)
    done = completion_service.done_counts(
        session, patient_id=patient_id, start=today, end=today + timedelta(days=1)
    )
    return due_soon(
        rhythm, versions, now, lambda routine, day: bool(done.get(routine, {}).get(day))
    )
