"""Personal insights over the diary, as of the last night that has ended."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from app.domain.insights import ROUTINE_WINDOW_DAYS, Insights, compute_insights
from app.domain.nights import last_night
from app.models import User
from app.services import access, routines
from app.services.profiles import rhythm_of
from app.services.timeline import load_diary

# Two 30-night periods are compared, so sixty nights are read.
NIGHTS_READ = 60


def insights_for(session: Session, *, actor: User, patient_id: int, now: datetime) -> Insights:
    """The diary's insights up to the last night whose morning has come; "full
    routine" evenings come from the care plan (app.services.routines)."""
    profile = access.profile_for(session, actor=actor, patient_id=patient_id)
    last = last_night(now, rhythm_of(profile))
    diary = load_diary(
        session,
        actor=actor,
        patient_id=patient_id,
        first=last - timedelta(days=NIGHTS_READ - 1),
        last=last + timedelta(days=1),
    )
    full = routines.evenings_with_full_routine(
        session,
        actor=actor,
        patient_id=patient_id,
        start=last - timedelta(days=ROUTINE_WINDOW_DAYS - 1),
        end=last,
    )
    return compute_insights(diary, last_evening=last, full_routine_evenings=full)
