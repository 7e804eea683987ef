"""Demo consent and intake answers: every demo patient agreed on the day they joined.

The intake is shaped by persona: the "spreading" patient reports cramps reaching
the calf, numbness and daytime cramps, so her red flags show on both sides; the
others give answers that raise none.
"""

from __future__ import annotations

import random
from datetime import date

from sqlmodel import Session

from app.demo.accounts import DemoClinic
from app.models import User
from app.services import accounts, consent, intake

QUIET = {
    "situations": ["asleep"],
    "frequency_count": "1",
    "frequency_unit": "week",
    "side": "both",
    "sites": ["toes"],
    "age_band": "50s",
    "daily_life": "not_at_all",
}
BY_PERSONA = {
    "spreading": {
        "situations": ["asleep", "after_standing", "other_daytime"],
        "frequency_count": "4",
        "sites": ["toes", "sole", "calf"],
        "side": "left",
        "accompanying": ["numbness", "one_side_worse"],
        "medicines": ["shakuyaku_kanzoto"],
        "age_band": "60s",
        "daily_life": "a_little",
    },
    "improving": {"frequency_count": "2", "medicines": ["magnesium"], "age_band": "60s"},
    "night-owl": {"situations": ["asleep", "on_waking"], "age_band": "under_40"},
    "early-riser": {"situations": ["on_waking"], "age_band": "70s"},
    "rare-recorder": {"frequency_count": "2", "frequency_unit": "month", "age_band": "40s"},
}


def seed(session: Session, clinic: DemoClinic, today: date, rng: random.Random) -> None:
    for patient in clinic.patients:
        spec = clinic.specs[patient.id]
        onboard(
            session,
            patient=patient,
            answers=BY_PERSONA.get(spec.persona, {}),
            locale=spec.locale or "ja",
        )


def onboard(
    session: Session, *, patient: User, answers: dict | None = None, locale: str = "ja"
) -> None:
    """Consent and a questionnaire on the day the patient joined: a patient who could
    use the app (the demo clinic's and the benchmark's)."""
    consent.give_consent(session, actor=patient, agreed=True, locale=locale, now=patient.created_at)
    profile = accounts.profile_of(session, patient=patient)
    raw = {
        **QUIET,
        **(answers or {}),
        "bedtime": profile.bedtime.strftime("%H:%M"),
        "wake_time": profile.wake_time.strftime("%H:%M"),
    }
    intake.save_intake(session, actor=patient, raw=raw, now=patient.created_at)
