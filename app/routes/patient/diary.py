"""The cramp diary's pages: logging a cramp, its detail sheet, the morning check-in,
the timeline, the year and the insights. Forms are read by the same domain rules as
the JSON API, so a mistake reads the same wherever it was made."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from app.db import SessionDep
from app.deps import CurrentPatient, CurrentProfile, NowDep
from app.domain import cramps as rules
from app.domain.checkins import parse_answer
from app.forms import FormDataDep
from app.i18n import N_, Message
from app.models import CrampEvent
from app.security import CSRF_FIELD
from app.services import cramps as cramp_service
from app.services import insights as insight_service
from app.services import timeline
from app.services.checkins import CheckinCard, answer_checkin, checkin_card
from app.services.cramps import field_messages
from app.services.diary import DiaryHome
from app.services.errors import InvalidInput
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
    values: dict[str, object] = {key: [] for key in MULTI_VALUED}
    for key in form:
        if key == CSRF_FIELD:
            continue
        if key in MULTI_VALUED:
            values[key] = [v for v in form.getlist(key) if isinstance(v, str)]
        else:
            value = form.get(key)
            values[key] = value if isinstance(value, str) else ""
    return values


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


def _local_path(value: object, fallback: str) -> str:
    """Only a path inside the patient's pages may be returned to (no open redirect)."""
    text = str(value or "")
    if text.startswith("/patient/") and "//" not in text and "\\" not in text:
        return text
    return fallback


# --- logging a cramp --------------------------------------------------------------------


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
    if not errors:
        try:
            result = cramp_service.log_cramp(
                session,
                patient_id=patient.id,
                profile=profile,
                client_id=_client_id(values.get("client_id")),
                occurred_at=occurred_at,
                details=details,
                now=now,
                from_form=True,
            )
        except InvalidInput as problem:
            errors = problem.errors
    if errors:
        return render(
            request,
            "patient/diary/new_cramp.html",
            {"values": values, "errors": errors, "limits": time_limits(now, zone), **CHOICES},
            status_code=422,
        )
    target = request.url_for("diary.show_cramp", cramp_id=result.cramp.id).path
    return RedirectResponse(f"{target}?logged=1", status_code=303)


@router.get("/diary/cramps/{cramp_id}", name="diary.show_cramp")
def show_cramp(
    request: Request,
    session: SessionDep,
    patient: CurrentPatient,
    profile: CurrentProfile,
    cramp_id: int,
    logged: bool = False,
    saved: bool = False,
):
    cramp = cramp_service.get_cramp(session, patient_id=patient.id, cramp_id=cramp_id)
    return _sheet(request, cramp, profile, just_logged=logged, saved=saved)


def _sheet(
    request: Request,
    cramp: CrampEvent,
    profile,
    *,
    values: dict | None = None,
    errors: dict | None = None,
    status_code: int = 200,
    **flags: bool,
):
    """The detail sheet of a cramp: the whole page, or the ``cramp_sheet`` block."""
    return render(
        request,
        "patient/diary/cramp.html",
        {
            "cramp": cramp,
            "cramp_zone": ZoneInfo(cramp.zone),
            "night_of": cramp_service.night_of(cramp, profile),
            "values": values if values is not None else cramp_values(cramp),
            "errors": errors or {},
            **flags,
            **CHOICES,
        },
        block="cramp_sheet",
        status_code=status_code,
    )


@router.post("/diary/cramps/{cramp_id}", name="diary.update_cramp")
def update_cramp(
    request: Request,
    session: SessionDep,
    patient: CurrentPatient,
    profile: CurrentProfile,
    now: NowDep,
    form: FormDataDep,
    cramp_id: int,
):
    cramp = cramp_service.get_cramp(session, patient_id=patient.id, cramp_id=cramp_id)
    zone = ZoneInfo(cramp.zone)
    values = form_values(form)
    details, problems = rules.parse_details(values)
    errors = field_messages(problems)
    occurred_at = rules.parse_local_datetime(str(values.get("at") or ""), zone)
    if occurred_at is None:
        errors.setdefault("at", Message(N_("Please enter a date and time.")))
    if not errors:
        try:
            cramp = cramp_service.update_cramp(
                session,
                patient_id=patient.id,
                cramp_id=cramp_id,
                occurred_at=occurred_at,
                details=details,
                now=now,
            )
        except InvalidInput as problem:
            errors = {"at" if k == "occurred_at" else k: v for k, v in problem.errors.items()}
    if errors:
        return _sheet(request, cramp, profile, values=values, errors=errors, status_code=422)
    if not is_fragment_request(request):
        target = request.url_for("diary.show_cramp", cramp_id=cramp.id).path
        return RedirectResponse(f"{target}?saved=1", status_code=303)
    return _sheet(request, cramp, profile, saved=True)


@router.post("/diary/cramps/{cramp_id}/delete", name="diary.delete_cramp")
def delete_cramp(
    request: Request, session: SessionDep, patient: CurrentPatient, now: NowDep, cramp_id: int
):
    cramp_service.delete_cramp(session, patient_id=patient.id, cramp_id=cramp_id, now=now)
    target = request.url_for("diary.timeline").path
    return RedirectResponse(f"{target}?deleted=1", status_code=303)


# --- morning check-in ---------------------------------------------------------------------


def _checkin_page(
    request: Request, card: CheckinCard | None, *, values=None, errors=None, status_code=200
):
    return render(
        request,
        "patient/diary/checkin.html",
        {
            "diary_home": DiaryHome(cramp_client_id=uuid.uuid4(), checkin=card),
            "checkin_values": values or {},
            "checkin_errors": errors or {},
        },
        block="morning_checkin",
        status_code=status_code,
    )


@router.get("/diary/checkin", name="diary.checkin")
def show_checkin(
    request: Request,
    session: SessionDep,
    patient: CurrentPatient,
    profile: CurrentProfile,
    now: NowDep,
):
    card = checkin_card(session, patient_id=patient.id, profile=profile, now=now)
    return _checkin_page(request, card)


@router.post("/diary/checkin", name="diary.answer_checkin")
def answer(
    request: Request,
    session: SessionDep,
    patient: CurrentPatient,
    profile: CurrentProfile,
    now: NowDep,
    form: FormDataDep,
):
    values = form_values(form)
    fields, problems = parse_answer(values)
    errors = field_messages(problems)
    try:
        evening = date.fromisoformat(str(values.get("evening") or ""))
    except ValueError:
        evening = None
        errors.setdefault("answer", Message(N_("This form has expired; please try again.")))
    if not errors:
        try:
            answer_checkin(
                session,
                patient_id=patient.id,
                profile=profile,
                evening=evening,
                fields=fields,
                now=now,
            )
        except InvalidInput as problem:
            errors = {"answer": next(iter(problem.errors.values()))}
    card = checkin_card(session, patient_id=patient.id, profile=profile, now=now)
    if errors:
        if card is None and evening is not None:
            card = CheckinCard(evening, None)
        return _checkin_page(request, card, values=values, errors=errors, status_code=422)
    if not is_fragment_request(request):
        fallback = request.url_for("diary.checkin").path
        return RedirectResponse(_local_path(values.get("next"), fallback), status_code=303)
    return _checkin_page(request, card)


# --- reading the diary back ---------------------------------------------------------------


def _month(text: str | None, today: date) -> date:
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


@router.get("/diary", name="diary.timeline")
def show_timeline(
    request: Request,
    session: SessionDep,
    patient: CurrentPatient,
    profile: CurrentProfile,
    now: NowDep,
    month: str | None = None,
    deleted: bool = False,
):
    today = now.astimezone(ZoneInfo(profile.time_zone)).date()
    view = timeline.month_view(
        session, patient_id=patient.id, profile=profile, month=_month(month, today), now=now
    )
    page = timeline.entry_page(session, patient_id=patient.id, profile=profile, cursor=None)
    return render(
        request,
        "patient/diary/timeline.html",
        {"view": view, "page": page, "deleted": deleted},
        block="diary_calendar",
    )


@router.get("/diary/entries", name="diary.entries")
def show_entries(
    request: Request,
    session: SessionDep,
    patient: CurrentPatient,
    profile: CurrentProfile,
    after: str | None = None,
):
    page = timeline.entry_page(session, patient_id=patient.id, profile=profile, cursor=after)
    return render(request, "patient/diary/entries.html", {"page": page}, block="entry_items")


@router.get("/diary/nights/{evening}", name="diary.night")
def show_night(
    request: Request,
    session: SessionDep,
    patient: CurrentPatient,
    profile: CurrentProfile,
    now: NowDep,
    evening: date,
):
    detail = timeline.night_detail(
        session, patient_id=patient.id, profile=profile, evening=evening, now=now
    )
    return render(request, "patient/diary/night.html", {"detail": detail}, block="night_detail")


@router.get("/diary/year", name="diary.year")
def show_year(
    request: Request,
    session: SessionDep,
    patient: CurrentPatient,
    profile: CurrentProfile,
    now: NowDep,
):
    months = timeline.year_overview(session, patient_id=patient.id, profile=profile, now=now)
    return render(request, "patient/diary/year.html", {"months": months})


@router.get("/diary/insights", name="diary.insights")
def show_insights(
    request: Request,
    session: SessionDep,
    patient: CurrentPatient,
    profile: CurrentProfile,
    now: NowDep,
):
    view = insight_service.insights_for(session, patient_id=patient.id, profile=profile, now=now)
    return render(
        request, "patient/diary/insights.html", {"view": view, "situations": rules.SITUATION_LABELS}
    )
