"""Night mode: when the app dims itself for a patient woken in the dark.

It is night from an hour before the evening's bedtime until the next wake time,
judged on instants in the patient's zone, so a 01:00 bedtime or a DST change
moves it exactly as the patient's own clock does.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.domain.rhythm import Rhythm

# How long before bedtime the screen dims.
DIM_BEFORE_BED = timedelta(hours=1)


def is_night(rhythm: Rhythm, instant: datetime) -> bool:
    """Whether ``instant`` falls between an hour before some evening's bedtime and
    the wake time after that bedtime."""
    moment = instant.astimezone(UTC)
    local_day = instant.astimezone(rhythm.zone).date()
    # The night that could contain the moment started on this evening or the one before.
    for evening in (local_day - timedelta(days=1), local_day):
        start = rhythm.bedtime_on(evening).astimezone(UTC) - DIM_BEFORE_BED
        end = rhythm.wake_after(evening).astimezone(UTC)
        if start <= moment < end:
            return True
    return False


def theme_for(mode: str, rhythm: Rhythm, instant: datetime) -> str:
    """The page's theme: "night" (dim dark), "light" (the patient turned it off) or
    "auto" (follow the phone: dark when it asks for dark)."""
    if mode == "on":
        return "night"
    if mode == "off":
        return "light"
    return "night" if is_night(rhythm, instant) else "auto"
