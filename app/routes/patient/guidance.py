"""When to see a doctor, for the patient: why, from their own entries, and where to go."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from app.db import SessionDep
from app.deps import CurrentPatient, NowDep
from app.domain import red_flags as rules
from app.domain.cramps import FOOT_LABELS
from app.domain.intake import (
    AGE_BAND_LABELS,
    CONDITION_LABELS,
    DAILY_LIFE_LABELS,
    FREQUENCY_UNIT_LABELS,
    MEDICINE_LABELS,
    SITES,
    SITUATIONS,
    SYMPTOMS,
)
from app.services import red_flags
from app.templating import render

router = APIRouter()

# The labels the guidance page needs to cite entries and answers in plain words.
LABELS = {
    "clinics": rules.CLINIC_LABELS,
    "checks": rules.CHECK_LABELS,
    "sites": SITES,
    "symptoms": SYMPTOMS,
    "situations": SITUATIONS,
    "feet": FOOT_LABELS,
    "conditions": CONDITION_LABELS,
    "daily_life": DAILY_LIFE_LABELS,
    "units": FREQUENCY_UNIT_LABELS,
    "medicines": MEDICINE_LABELS,
    "ages": AGE_BAND_LABELS,
}


@router.get("/guidance", name="guidance.page")
def show_guidance(
    request: Request, session: SessionDep, patient: CurrentPatient, now: NowDep, seen: bool = False
):
    guidance = red_flags.guidance_for(session, actor=patient, now=now)
    context = {"guidance": guidance, "labels": LABELS, "seen": seen}
    return render(request, "patient/guidance.html", context)


@router.post("/guidance/seen-doctor", name="guidance.seen_doctor")
def say_seen_doctor(request: Request, session: SessionDep, patient: CurrentPatient, now: NowDep):
    red_flags.seen_doctor(session, actor=patient, now=now)
    return RedirectResponse(request.url_for("guidance.page").path + "?seen=1", status_code=303)
