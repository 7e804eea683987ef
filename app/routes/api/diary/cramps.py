"""/api/v1/cramps: record a cramp once per client UUID, and list cramps by local date."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from app.db import SessionDep
from app.deps import CurrentPatient, CurrentProfile, NowDep
from app.domain import cramps as rules
from app.domain.cramps import DurationPreset, Foot, Site, Situation, Symptom
from app.i18n import N_
from app.models import CrampEvent
from app.routes.api.diary.common import (
    ERRORS,
    EndDate,
    ErrorOut,
    StartDate,
    TranslatedValidation,
    date_range_problem,
    invalid,
    problem,
)
from app.services import cramps as cramp_service
from app.services.cramps import DuplicateClientId, field_messages
from app.services.errors import InvalidInput

router = APIRouter(route_class=TranslatedValidation)


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
    if errors := date_range_problem(start, end):
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
