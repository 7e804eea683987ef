"""A patient's profile as the rules need it: their daily rhythm in their own zone."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from app.domain.rhythm import Rhythm
from app.models import PatientProfile


def rhythm_of(profile: PatientProfile) -> Rhythm:
    return Rhythm(profile.bedtime, profile.wake_time, ZoneInfo(profile.time_zone))
