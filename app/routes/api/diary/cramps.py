"""/api/v1/cramps: record a cramp once per client UUID, change or delete it by that
UUID, and list cramps by local date."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from app.db import SessionDep
from app.deps import CurrentPatient, CurrentProfile, NowDep
from app.domain import cramps as rules
from app.domain.cramps import DurationPreset, Foot, Site, Situation, Symptom
from app.models import CrampEvent, PatientProfile, User
from app.routes.api import entries
from app.routes.api.diary.common import (
    EndDate,
    StartDate,
    date_range_problem,
    invalid,
)
from app.services import access
from app.services import cramps as cramp_service
from app.services.errors import InvalidInput, field_messages

router = APIRouter()


class CrampFields(BaseModel):
    """A cramp's details. Everything but the moment is optional."""

    model_config = ConfigDict(extra="forbid")

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


class CrampIn(CrampFields):
    """A cramp as the device recorded it."""

    client_id: uuid.UUID = Field(description="Generated on the device; sending it again is safe.")


class CrampChange(BaseModel):
    """The fields to change; fields left out keep their value, null clears one."""

    model_config = ConfigDict(extra="forbid")

    occurred_at: AwareDatetime | None = None
    foot: Foot | None = None
    sites: list[Site] | None = Field(None, max_length=len(Site))
    severity: int | None = Field(None, ge=rules.SEVERITY_MIN, le=rules.SEVERITY_MAX)
    duration: DurationPreset | None = None
    duration_minutes: int | None = Field(
        None, ge=rules.DURATION_MINUTES_MIN, le=rules.DURATION_MINUTES_MAX
    )
    woke_me_up: bool | None = None
    situation: Situation | None = None
    symptoms: list[Symptom] | None = Field(None, max_length=len(Symptom))
    note: str | None = Field(None, max_length=rules.NOTE_MAX_CHARS)


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


def cramp_out(cramp: CrampEvent, profile: PatientProfile) -> CrampOut:
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


def _details(values: dict[str, Any]) -> rules.CrampDetails:
    details, problems = rules.parse_details(values)
    if problems:
        raise InvalidInput(field_messages(problems))
    return details


def create(session, *, actor: User, body: CrampIn, now: datetime) -> tuple[int, CrampOut]:
    """Record a cramp: the one rule for device entries decides 201, 200, 409 or 410."""
    details = _details(body.model_dump(exclude={"client_id", "occurred_at"}))
    # Read before the commit: after it, the remembered profile is forgotten (memo).
    profile = _profile(session, actor)
    result = cramp_service.log_cramp(
        session,
        actor=actor,
        client_id=body.client_id,
        occurred_at=body.occurred_at,
        details=details,
        now=now,
    )
    return entries.saved(result, lambda c: cramp_out(c, profile))


def change(
    session, *, actor: User, client_id: uuid.UUID, body: CrampChange, now: datetime
) -> tuple[int, CrampOut]:
    cramp = cramp_service.own_cramp(session, actor=actor, client_id=client_id)
    given = body.model_dump(exclude_unset=True)
    current = cramp_service.column_values(cramp_service.details_of(cramp))
    details = _details({**current, **{k: v for k, v in given.items() if k != "occurred_at"}})
    occurred_at = given.get("occurred_at") or cramp.occurred_at
    cramp = cramp_service.update_cramp(
        session, actor=actor, client_id=client_id, occurred_at=occurred_at, details=details, now=now
    )
    return entries.changed(cramp_out(cramp, _profile(session, actor)))


def delete(session, *, actor: User, client_id: uuid.UUID, now: datetime) -> tuple[int, None]:
    cramp_service.delete_cramp(session, actor=actor, client_id=client_id, now=now)
    return entries.deleted()


def _profile(session, actor: User) -> PatientProfile:
    return access.profile_for(session, actor=actor, patient_id=actor.id)


@router.post(
    "/cramps",
    name="api.create_cramp",
    response_model=CrampOut,
    status_code=201,
    responses=entries.creating(CrampOut),
)
def create_cramp(
    body: CrampIn, request: Request, session: SessionDep, patient: CurrentPatient, now: NowDep
):
    """Record a cramp (idempotent by `client_id`)."""
    return entries.respond(request, lambda: create(session, actor=patient, body=body, now=now))


@router.patch(
    "/cramps/{client_id}",
    name="api.change_cramp",
    response_model=CrampOut,
    responses=entries.changing(CrampOut),
)
def change_cramp(
    client_id: uuid.UUID,
    body: CrampChange,
    request: Request,
    session: SessionDep,
    patient: CurrentPatient,
    now: NowDep,
):
    """Change a cramp, named by the UUID it was created with. A changed time must lie
    between 60 days back and 5 minutes ahead."""
    return entries.respond(
        request,
        lambda: change(session, actor=patient, client_id=client_id, body=body, now=now),
    )


@router.delete(
    "/cramps/{client_id}",
    name="api.delete_cramp",
    status_code=204,
    responses=entries.DELETING,
)
def delete_cramp(
    client_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    patient: CurrentPatient,
    now: NowDep,
):
    """Delete a cramp, named by the UUID it was created with."""
    return entries.respond(
        request, lambda: delete(session, actor=patient, client_id=client_id, now=now)
    )


@router.get(
    "/cramps",
    name="api.list_cramps",
    response_model=CrampList,
    responses={422: entries.INVALID},
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
        actor=patient,
        patient_id=patient.id,
        start=datetime.combine(start, time(0), zone) - padding,
        end=datetime.combine(end + timedelta(days=1), time(0), zone) + padding,
    )
    items = [cramp_out(r, profile) for r in rows]
    return CrampList(items=[i for i in items if start <= i.local_date <= end])
