"""The first steps of every patient: consent, then the intake questionnaire (問診).

These pages are reachable before consent (and after it is withdrawn); everything
else under /patient waits behind the onboarding gate (app.deps.require_onboarded).
The intake page is also where answers are changed later.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from app import forms
from app.db import SessionDep
from app.deps import CurrentPatient, CurrentProfile, NowDep
from app.domain import intake as questions
from app.i18n import N_, Message
from app.services import access, consent, intake
from app.services.errors import InvalidInput
from app.templating import locale_of, render

router = APIRouter()


def local_zone(session, patient) -> ZoneInfo:
    """The patient's zone, so that "you agreed on …" shows their own clock."""
    return ZoneInfo(access.profile_for(session, actor=patient, patient_id=patient.id).time_zone)


CONSENT_PAGE = "patient/onboarding/consent.html"
INTAKE_PAGE = "patient/onboarding/intake.html"
# Every field the questionnaire may send as several values.
LISTS = ("situations", "sites", "accompanying", "history", "medicines")
OPTIONS = {
    "situations": questions.SITUATIONS,
    "frequency_unit": questions.FREQUENCY_UNIT_LABELS,
    "side": questions.SIDE_LABELS,
    "sites": questions.SITES,
    "accompanying": questions.SYMPTOMS,
    "history": questions.CONDITION_LABELS,
    "medicines": questions.MEDICINE_LABELS,
    "age_band": questions.AGE_BAND_LABELS,
    "daily_life": questions.DAILY_LIFE_LABELS,
}


def _consent_context(request, session, patient) -> dict:
    return {
        "state": consent.state_of(session, actor=patient),
        "zone": local_zone(session, patient),
        "errors": {},
        # Sent here by the gate: say why, so a skipped step is not a mystery.
        "required": request.query_params.get("required") == "1",
    }


@router.get("/consent", name="onboarding.consent")
def show_consent(request: Request, session: SessionDep, patient: CurrentPatient):
    return render(request, CONSENT_PAGE, _consent_context(request, session, patient))


@router.post("/consent", name="onboarding.give_consent")
def give_consent(
    request: Request,
    session: SessionDep,
    patient: CurrentPatient,
    now: NowDep,
    form: forms.FormDataDep,
):
    try:
        consent.give_consent(
            session,
            actor=patient,
            agreed=form.get("agree") == "yes",
            locale=locale_of(request),
            now=now,
        )
    except InvalidInput as invalid:
        context = _consent_context(request, session, patient)
        return forms.rerender(request, CONSENT_PAGE, context, values={}, errors=invalid.errors)
    target = "patient.home" if intake.has_answered(session, actor=patient) else "onboarding.intake"
    return RedirectResponse(request.url_for(target).path, status_code=303)


@router.post("/consent/withdraw", name="onboarding.withdraw_consent")
def withdraw_consent(request: Request, session: SessionDep, patient: CurrentPatient, now: NowDep):
    consent.withdraw_consent(session, actor=patient, now=now)
    return RedirectResponse(request.url_for("onboarding.consent").path, status_code=303)


def _intake_context(request, *, first_time, saved=False) -> dict:
    return {
        "options": OPTIONS,
        "text_max": questions.OTHER_TEXT_MAX,
        "first_time": first_time,
        "saved": saved,
        "required": request.query_params.get("required") == "1",
    }


def _intake_page(request, *, values, errors, first_time, saved=False, status=200):
    context = {**_intake_context(request, first_time=first_time, saved=saved)}
    context.update(values=values, errors=errors)
    return render(request, INTAKE_PAGE, context, status_code=status)


@router.get("/intake", name="onboarding.intake")
def show_intake(
    request: Request,
    session: SessionDep,
    patient: CurrentPatient,
    profile: CurrentProfile,
    saved: bool = False,
):
    if not consent.has_consented(session, actor=patient):
        target = request.url_for("onboarding.consent").path + "?required=1"
        return RedirectResponse(target, status_code=303)
    row = intake.own_intake(session, actor=patient)
    values = intake.form_values(row, profile)
    return _intake_page(request, values=values, errors={}, first_time=row is None, saved=saved)


@router.post("/intake", name="onboarding.save_intake")
def save_intake(
    request: Request,
    session: SessionDep,
    patient: CurrentPatient,
    now: NowDep,
    form: forms.FormDataDep,
):
    raw = forms.values_of(form, lists=LISTS)
    first_time = not intake.has_answered(session, actor=patient)
    try:
        if nul := forms.nul_errors(form):
            raise InvalidInput(nul)
        intake.save_intake(session, actor=patient, raw=raw, now=now)
    except consent.ConsentRequired:
        session.rollback()
        errors = {"__all__": Message(N_("Nothing was saved: please agree to the consent first."))}
        return _intake_page(request, values=raw, errors=errors, first_time=first_time, status=403)
    except InvalidInput as invalid:
        session.rollback()
        context = _intake_context(request, first_time=first_time)
        return forms.rerender(request, INTAKE_PAGE, context, values=raw, errors=invalid.errors)
    if first_time:
        return RedirectResponse(request.url_for("patient.home").path, status_code=303)
    return RedirectResponse(request.url_for("onboarding.intake").path + "?saved=1", status_code=303)
