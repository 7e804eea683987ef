"""The diary's JSON API: cramps and morning check-ins, for the offline queue and exports.

Creating takes a client-generated UUID. Sending the same UUID and body again answers
200 with the stored entry and stores nothing; the same UUID with another body is
refused with 409. Mistakes answer 422 with a translated message per field.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from app import i18n
from app.db import SessionDep
from app.deps import CurrentPatient, CurrentProfile, NowDep, get_patient
from app.domain import cramps as rules
from app.domain.checkins import (
    CRAMP_COUNT_MAX,
    CRAMP_COUNT_MIN,
    DISTURBANCE_MAX,
    DISTURBANCE_MIN,
    Answer,
    parse_answer,
)
from app.domain.cramps import DurationPreset, Foot, Site, Situation, Symptom
from app.errors import TITLES
from app.forms import field_errors
from app.i18n import N_
from app.models import CrampEvent, MorningCheckIn
from app.services import checkins as checkin_service
from app.services import cramps as cramp_service
from app.services.cramps import DuplicateClientId, field_messages
from app.services.errors import InvalidInput
from app.templating import locale_of

MAX_RANGE_DAYS = 366


class _BodyErrors:
    """Adapts a request's validation errors to forms.field_errors (locations without
    the leading "body")."""

    def __init__(self, error: RequestValidationError) -> None:
        self._items = [
            {**item, "loc": tuple(item["loc"][1:] if item["loc"][:1] == ("body",) else item["loc"])}
            for item in error.errors()
        ]

    def errors(self) -> list[dict[str, Any]]:
        return self._items


def invalid(request: Request, messages: dict[str, i18n.Message | str]) -> JSONResponse:
    """422 with a translated sentence per field, in the request's language."""
    locale = locale_of(request)
    return JSONResponse(
        {
            "error": i18n.gettext(locale, TITLES[422]),
            "fields": [
                {"field": name, "message": i18n.translate(locale, message)}
                for name, message in messages.items()
            ],
        },
        status_code=422,
    )


def problem(request: Request, status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": i18n.gettext(locale_of(request), message)}, status_code=status)


class TranslatedValidation(APIRoute):
    """Answers a body that does not fit the schema like any other mistake: a translated
    message per field, not Pydantic's English."""

    def get_route_handler(self) -> Callable:
        handler = super().get_route_handler()

        async def translated(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as error:
                return invalid(request, field_errors(_BodyErrors(error)))

        return translated


router = APIRouter(
    tags=["diary"], dependencies=[Depends(get_patient)], route_class=TranslatedValidation
)


class ErrorOut(BaseModel):
    error: str


class FieldProblem(BaseModel):
    field: str
    message: str


class InvalidOut(BaseModel):
    error: str
    fields: list[FieldProblem]


ERRORS: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorOut, "description": "The UUID was already used with another body."},
    422: {"model": InvalidOut, "description": "A field is missing or wrong; nothing stored."},
}

# --- cramps -------------------------------------------------------------------------------


class CrampIn(BaseModel):
    """A cramp as the device recorded it. Everything but the moment is optional."""

    model_config = ConfigDict(extra="forbid")

    client_id: uuid.UUID = Field(description="Generated on the device; sending it again is safe.")
    occurred_at: AwareDatetime = Field(
        description="When it happened, with its offset; from 60 days ago to 5 minutes ahead."
    )
    foot: Foot | None = None
    sites: list[Site] = Field(default_factory=list, max_length=len(Site))
    severity: int | None = Field(None, ge=rules.SEVERITY_MIN, le=rules.SEVERITY_MAX)
    duration: DurationPreset | None = None
    duration_minutes: int | None = Field(
        None,
        ge=rules.DURATION_MINUTES_MIN,
        le=rules.DURATION_MINUTES_MAX,
        description="Typed minutes, instead of a duration preset.",
    )
    woke_me_up: bool | None = None
    situation: Situation | None = None
    symptoms: list[Symptom] = Field(default_factory=list, max_length=len(Symptom))
    note: str = Field("", max_length=rules.NOTE_MAX_CHARS)


class CrampOut(BaseModel):
    id: int
    client_id: uuid.UUID
    occurred_at: datetime
    zone: str = Field(description="The patient's time zone when the cramp was recorded.")
    night_of: date | None = Field(
        description="The evening whose night the cramp belongs to; null for a daytime cramp."
    )
    local_date: date
    foot: Foot | None
    sites: list[Site]
    severity: int | None
    duration: DurationPreset | None
    duration_minutes: int | None
    woke_me_up: bool | None
    situation: Situation | None
    symptoms: list[Symptom]
    note: str
    created_at: datetime
    updated_at: datetime


class CrampList(BaseModel):
    items: list[CrampOut]


def cramp_out(cramp: CrampEvent, profile) -> CrampOut:
    zone = ZoneInfo(cramp.zone)
    return CrampOut(
        id=cramp.id,
        client_id=cramp.client_id,
        occurred_at=cramp.occurred_at,
        zone=cramp.zone,
        night_of=cramp_service.night_of(cramp, profile),
        local_date=cramp.occurred_at.astimezone(zone).date(),
        foot=cramp.foot,
        sites=cramp.sites,
        severity=cramp.severity,
        duration=cramp.duration,
        duration_minutes=cramp.duration_minutes,
        woke_me_up=cramp.woke_me_up,
        situation=cramp.situation,
        symptoms=cramp.symptoms,
        note=cramp.note,
        created_at=cramp.created_at,
        updated_at=cramp.updated_at,
    )


@router.post(
    "/cramps",
    name="api.create_cramp",
    response_model=CrampOut,
    status_code=201,
    responses={
        200: {"model": CrampOut, "description": "Sent before: the stored cramp, unchanged."},
        410: {"model": ErrorOut, "description": "Sent before, and deleted since."},
        **ERRORS,
    },
)
def create_cramp(
    body: CrampIn,
    request: Request,
    response: Response,
    session: SessionDep,
    patient: CurrentPatient,
    profile: CurrentProfile,
    now: NowDep,
):
    """Record a cramp (idempotent by `client_id`)."""
    details, problems = rules.parse_details(body.model_dump(exclude={"client_id", "occurred_at"}))
    if problems:
        return invalid(request, field_messages(problems))
    try:
        result = cramp_service.log_cramp(
            session,
            patient_id=patient.id,
            profile=profile,
            client_id=body.client_id,
            occurred_at=body.occurred_at,
            details=details,
            now=now,
        )
    except DuplicateClientId:
        return problem(request, 409, N_("This entry id was already used for a different entry."))
    except InvalidInput as error:
        return invalid(request, error.errors)
    if result.cramp.deleted_at is not None:
        return problem(request, 410, N_("This entry was deleted."))
    if not result.created:
        response.status_code = 200
    return cramp_out(result.cramp, profile)


def _date_range(start: date, end: date) -> dict[str, i18n.Message] | None:
    if end < start:
        return {"end": i18n.Message(N_("The end date must not be before the start date."))}
    if (end - start).days >= MAX_RANGE_DAYS:
        return {"end": i18n.Message(N_("Ask for at most %(days)s days at a time."), days=366)}
    return None


StartDate = Annotated[date, Query(description="First local date, inclusive (YYYY-MM-DD).")]
EndDate = Annotated[date, Query(description="Last local date, inclusive; at most 366 days on.")]


@router.get(
    "/cramps",
    name="api.list_cramps",
    response_model=CrampList,
    responses={422: ERRORS[422]},
)
def list_cramps(
    request: Request,
    session: SessionDep,
    patient: CurrentPatient,
    profile: CurrentProfile,
    start: StartDate,
    end: EndDate,
):
    """The patient's cramps whose local date (in the zone they were recorded in) lies
    between `start` and `end`, oldest first."""
    if errors := _date_range(start, end):
        return invalid(request, errors)
    zone = ZoneInfo(profile.time_zone)
    padding = timedelta(days=2)  # older cramps may carry another zone
    rows = cramp_service.cramps_between(
        session,
        patient_id=patient.id,
        start=datetime.combine(start, time(0), zone) - padding,
        end=datetime.combine(end + timedelta(days=1), time(0), zone) + padding,
    )
    items = [cramp_out(r, profile) for r in rows]
    return CrampList(items=[i for i in items if start <= i.local_date <= end])


# --- morning check-ins --------------------------------------------------------------------


class CheckInIn(BaseModel):
    """The answer to "How was last night?" for the night that began on `night_of`."""

    model_config = ConfigDict(extra="forbid")

    client_id: uuid.UUID
    night_of: date = Field(description="The evening the night began on (local date).")
    answer: Answer
    cramp_count: int | None = Field(None, ge=CRAMP_COUNT_MIN, le=CRAMP_COUNT_MAX)
    worst_severity: int | None = Field(None, ge=rules.SEVERITY_MIN, le=rules.SEVERITY_MAX)
    sleep_disturbance: int | None = Field(None, ge=DISTURBANCE_MIN, le=DISTURBANCE_MAX)
    answered_at: AwareDatetime | None = Field(
        None,
        description="When the patient answered (defaults to now); it must fall in the "
        "check-in's hours: from 3 hours before wake time to the end of that day.",
    )


class CheckInOut(BaseModel):
    id: int
    client_id: uuid.UUID
    night_of: date
    answer: Answer
    cramp_count: int | None
    worst_severity: int | None
    sleep_disturbance: int | None
    zone: str
    answered_at: datetime
    updated_at: datetime


class CheckInList(BaseModel):
    items: list[CheckInOut]


def checkin_out(row: MorningCheckIn) -> CheckInOut:
    return CheckInOut(
        id=row.id,
        client_id=row.client_id,
        night_of=row.night_of,
        answer=Answer.CRAMPS if row.had_cramps else Answer.NO_CRAMPS,
        cramp_count=row.cramp_count,
        worst_severity=row.worst_severity,
        sleep_disturbance=row.sleep_disturbance,
        zone=row.zone,
        answered_at=row.answered_at,
        updated_at=row.updated_at,
    )


@router.post(
    "/checkins",
    name="api.create_checkin",
    response_model=CheckInOut,
    status_code=201,
    responses={
        200: {
            "model": CheckInOut,
            "description": "Sent before, or the night was already answered: the stored answer.",
        },
        **ERRORS,
    },
)
def create_checkin(
    body: CheckInIn,
    request: Request,
    response: Response,
    session: SessionDep,
    patient: CurrentPatient,
    profile: CurrentProfile,
    now: NowDep,
):
    """Record the morning check-in (idempotent by `client_id`; one answer per night,
    so a new answer for an answered night changes it)."""
    fields, problems = parse_answer(
        body.model_dump(include={"answer", "cramp_count", "worst_severity", "sleep_disturbance"})
    )
    if problems:
        return invalid(request, field_messages(problems))
    try:
        result = checkin_service.answer_checkin(
            session,
            patient_id=patient.id,
            profile=profile,
            evening=body.night_of,
            fields=fields,
            now=now,
            client_id=body.client_id,
            answered_at=body.answered_at,
        )
    except DuplicateClientId:
        return problem(request, 409, N_("This entry id was already used for a different entry."))
    except InvalidInput as error:
        return invalid(request, error.errors)
    if not result.created:
        response.status_code = 200
    return checkin_out(result.checkin)


@router.get(
    "/checkins",
    name="api.list_checkins",
    response_model=CheckInList,
    responses={422: ERRORS[422]},
)
def list_checkins(
    request: Request,
    session: SessionDep,
    patient: CurrentPatient,
    start: StartDate,
    end: EndDate,
):
    """The patient's check-ins for the nights that began between `start` and `end`."""
    if errors := _date_range(start, end):
        return invalid(request, errors)
    rows = checkin_service.checkins_between(session, patient_id=patient.id, first=start, last=end)
    return CheckInList(items=[checkin_out(r) for r in rows])
