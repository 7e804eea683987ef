"""The words of a reminder (push notification, calendar event) for each routine.

The routines' names are the ones every page shows (app.domain.catalogue); the
short prompts are this area's own.
"""

from __future__ import annotations

from app import i18n
from app.domain.catalogue import ROUTINE_NAMES
from app.messages import N_

PROMPTS = {
    "foot_bath": N_("A warm foot bath for 10 minutes, then a short sole massage."),
    "bedtime_glass": N_("A glass of water before bed helps your muscles through the night."),
    "sole_massage": N_("Knead the soles of your feet for about 2 minutes."),
    "toe_stretch": N_("Bend your toes back and hold: a few gentle sets before bed."),
    "calf_stretch": N_("Pull your toes towards you to stretch the calf."),
    "waking_stretch": N_("A gentle toe stretch before you get up."),
    "water": N_("Time for a glass of water."),
    "desk_break": N_("Sitting or standing for long? Move your toes and soles for a minute."),
}


def routine_name(locale: str, routine: str) -> str:
    return i18n.gettext(locale, ROUTINE_NAMES.get(routine, routine))


def prompt(locale: str, routine: str) -> str:
    message = PROMPTS.get(routine)
    return i18n.gettext(locale, message) if message else ""
