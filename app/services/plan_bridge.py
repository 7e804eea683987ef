"""The diary's two questions to the care plan (issue 3), in one place.

``app.services.routines`` is built alongside the diary; until it exists these answer
None and the pages say that the routines are not available yet. Once it has landed
this module can be reduced to plain calls.
"""

from __future__ import annotations

from datetime import date
from importlib import import_module
from typing import Any

from sqlmodel import Session


def _routines() -> Any:
    try:
        return import_module("app.services.routines")
    except ModuleNotFoundError:
        return None


def evenings_with_full_routine(
    session: Session, *, patient_id: int, start: date, end: date
) -> set[date] | None:
    """Evenings in [start, end] on which every evening routine was done; None if unknown."""
    routines = _routines()
    if routines is None or not hasattr(routines, "evenings_with_full_routine"):
        return None
    return set(
        routines.evenings_with_full_routine(session, patient_id=patient_id, start=start, end=end)
    )


def evening_summary(session: Session, *, patient_id: int, evening: date) -> Any:
    """What the plan says about that evening's routines; None if unknown."""
    routines = _routines()
    if routines is None or not hasattr(routines, "evening_summary"):
        return None
    return routines.evening_summary(session, patient_id=patient_id, evening=evening)
