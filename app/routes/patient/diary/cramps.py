"""Logging a cramp ("Cramp now", "It happened earlier"), its detail sheet, deleting it.

Forms are read by the same domain rules as the JSON API, so a mistake reads the
same wherever it was made."""

from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from app import forms
from app.db import SessionDep
from app.deps import CurrentPatient, CurrentProfile, NowDep
from app.domain import cramps as rules
from app.forms import FormDataDep
from app.i18n import N_, Message
from app.models import CrampEvent
from app.routes.params import EntityId
from app.security import CSRF_FIELD
from app.services import cramps as cramp_service
from app.services.errors import InvalidInput, field_messages
from app.templating import is_fragment_request, render

# Pages, not API: kept out of the OpenAPI schema.
router = APIRouter(include_in_schema=False)

MULTI_VALUED = ("sites", "symptoms")
CHOICES = {
    "feet": rules.FOOT_LABELS,
    "sites": rules.SITE_LABELS,
    "durations": rules.DURATION_LABELS,
    "situations": rules.SITUATION_LABELS,
    "symptoms": rules.SYMPTOM_LABELS,
}
LOCAL_INPUT = "%Y-%m-%dT%H:%M"  # <input type="datetime-local">


def form_values(form: FormData) -> dict[str, object]:
    """What was typed, to read and to put back into the form on a mistake."""
    return forms.values_of(form, lists=MULTI_VALUED, skip=(CSRF_FIELD,))


def cramp_values(cramp: CrampEvent) -> dict[str, object]:
    details = cramp_service.details_of(cramp)
    yes_no = {True: "yes", False: "no", None: ""}
    return {
        "at": cramp.occurred_at.astimezone(ZoneInfo(cramp.zone)).strftime(LOCAL_INPUT),
        "foot": details.foot or "",
        "sites": [s.value for s in details.sites],
        "severity": "" if details.severity is None else str(details.severity),
        "duration": details.duration or "",
        "duration_minutes": details.duration_minutes or "",
        "woke_me_up": yes_no[details.woke_me_up],
        "situation": details.situation or "",
        "symptoms": [s.value for s in details.symptoms],
        "note": details.note,
    }


def time_limits(now: datetime, zone: ZoneInfo) -> dict[str, str]:
    """Bounds for the datetime-local input, matching the server's own rule."""
    local = now.astimezone(zone)
    return {
        "min": (local - rules.MAX_AGE).strftime(LOCAL_INPUT),
        "max": (local + rules.FUTURE_TOLERANCE).strftime(LOCAL_INPUT),
    }


def _client_id(value: object) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return uuid.uuid4()


def local_path(value: object, fallback: str) -> str:
    """Only a path inside the patient's pages may be returned to (no open redirect)."""
    text = str(value or "")
    if text.startswith("/patient/") and "//" not in text and "\\" not in text:
        return text
    return fallback


@router.get("/diary/cramps/new", name="diary.new_cramp")
def new_cramp(request: Request, profile: CurrentProfile, now: NowDep):
    return render(
        request,
        "patient/diary/new_cramp.html",
        {
            "values": {"when": "now", "client_id": str(uuid.uuid4()), "sites": [], "symptoms": []},
            "errors": {},
            "limits": time_limits(now, ZoneInfo(profile.time_zone)),
            **CHOICES,
        },
    )


@router.post("/diary/cramps", name="diary.log_cramp")
def log_cramp(
    request: Request,
    session: SessionDep,
    patient: CurrentPatient,
    profile: CurrentProfile,
    now: NowDep,
    form: FormDataDep,
):
    values = form_values(form)
    zone = ZoneInfo(profile.time_zone)
    details, problems = rules.parse_details(values)
    occurred_at, when_problem = rules.resolve_occurred_at(
        str(values.get("when") or "now"), str(values.get("at") or ""), now=now, zone=zone
    )
    errors = field_messages(problems + ([when_problem] if when_problem else []))
    errors.update(forms.nul_errors(form))
    if not errors:
        try:
            result = cramp_service.log_cramp(
                session,
                actor=patient,
                client_id=_client_id(values.get("client_id")),
                occurred_at=occurred_at,
                details=details,
                now=now,
                from_form=True,
            )
        except InvalidInput as problem:
            errors = problem.errors
    if errors:
        return forms.rerender(
            request,
            "patient/diary/new_cramp.html",
            {"limits": time_limits(now, zone), **CHOICES},
            values=values,
            errors=errors,
        )
    target = request.url_for("diary.show_cramp", cramp_id=result.entry.id).path
    return RedirectResponse(f"{target}?logged=1", status_code=303)


@router.get("/diary/cramps/{cramp_id}", name="diary.show_cramp")
def show_cramp(
    request: Request,
    session: SessionDep,
    patient: CurrentPatient,
    profile: CurrentProfile,
    cramp_id: EntityId,
    logged: bool = False,
    saved: bool = False,
):
    cramp = cramp_service.own_cramp(session, actor=patient, cramp_id=cramp_id)
    return _sheet(request, cramp, profile, just_logged=logged, saved=saved)


def _sheet(
    request: Request,
    cramp: CrampEvent,
    profile,
    *,
    values: dict | None = None,
    errors: dict | None = None,
    **flags: bool,
):
    """The detail sheet of a cramp: the whole page, or the ``cramp_sheet`` block."""
    context = {
        "cramp": cramp,
        "cramp_zone": ZoneInfo(cramp.zone),
        "night_of": cramp_service.night_of(cramp, profile),
        **flags,
        **CHOICES,
    }
    template = "patient/diary/cramp.html"
    if errors:
        return forms.rerender(
            request, template, context, values=values or {}, errors=errors, block="cramp_sheet"
        )
    context.update(values=cramp_values(cramp), errors={})
    return render(request, template, context, block="cramp_sheet")


@router.post("/diary/cramps/{cramp_id}", name="diary.update_cramp")
def update_cramp(
    request: Request,
    session: SessionDep,
    patient: CurrentPatient,
    profile: CurrentProfile,
    now: NowDep,
    form: FormDataDep,
    cramp_id: EntityId,
):
    cramp = cramp_service.own_cramp(session, actor=patient, cramp_id=cramp_id)
    zone = ZoneInfo(cramp.zone)
    values = form_values(form)
    details, problems = rules.parse_details(values)
    errors = field_messages(problems)
    occurred_at = rules.parse_local_datetime(str(values.get("at") or ""), zone)
    if occurred_at is None:
        errors.setdefault("at", Message(N_("Please enter a date and time.")))
    errors.update(forms.nul_errors(form))
    if not errors:
        try:
            cramp = cramp_service.update_cramp(
                session,
                actor=patient,
                cramp_id=cramp_id,
                occurred_at=occurred_at,
                details=details,
                now=now,
            )
        except InvalidInput as problem:
            errors = {"at" if k == "occurred_at" else k: v for k, v in problem.errors.items()}
    if errors:
        return _sheet(request, cramp, profile, values=values, errors=errors)
    if not is_fragment_request(request):
        target = request.url_for("diary.show_cramp", cramp_id=cramp.id).path
        return RedirectResponse(f"{target}?saved=1", status_code=303)
    return _sheet(request, cramp, profile, saved=True)


@router.post("/diary/cramps/{cramp_id}/delete", name="diary.delete_cramp")
def delete_cramp(
    request: Request, session: SessionDep, patient: CurrentPatient, now: NowDep, cramp_id: EntityId
):
    cramp_service.delete_cramp(session, actor=patient, cramp_id=cramp_id, now=now)
    target = request.url_for("diary.timeline").path
    return RedirectResponse(f"{target}?deleted=1", status_code=303)
