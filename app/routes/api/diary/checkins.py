"""/api/v1/checkins: the morning check-in, once per client UUID and one per night;
changed or deleted by that UUID."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Request
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from app.db import SessionDep
from app.deps import CurrentPatient, NowDep
from app.domain import cramps as rules
from app.domain.checkins import (
    CRAMP_COUNT_MAX,
    CRAMP_COUNT_MIN,
    DISTURBANCE_MAX,
    DISTURBANCE_MIN,
    Answer,
    AnswerFields,
    parse_answer,
)
from app.models import MorningCheckIn, User
from app.routes.api import entries
from app.routes.api.diary.common import EndDate, StartDate, date_range_problem, invalid
from app.routes.params import LocalDate
from app.services import checkins as checkin_service
from app.services.errors import InvalidInput, field_messages

router = APIRouter()


ANSWERED_AT = (
    "When the patient answered (defaults to now); it must fall in the check-in's hours: "
    "from 3 hours before wake time to the end of that day."
)


class CheckInIn(BaseModel):
    """The answer to "How was last night?" for the night that began on `night_of`."""

    model_config = ConfigDict(extra="forbid")

    client_id: uuid.UUID
    night_of: LocalDate = Field(description="The evening the night began on (local date).")
    answer: Answer
    cramp_count: int | None = Field(None, ge=CRAMP_COUNT_MIN, le=CRAMP_COUNT_MAX)
    worst_severity: int | None = Field(None, ge=rules.SEVERITY_MIN, le=rules.SEVERITY_MAX)
    sleep_disturbance: int | None = Field(None, ge=DISTURBANCE_MIN, le=DISTURBANCE_MAX)
    answered_at: AwareDatetime | None = Field(None, description=ANSWERED_AT)


class CheckInChange(BaseModel):
    """The fields to change; fields left out keep their value."""

    model_config = ConfigDict(extra="forbid")

    answer: Answer | None = None
    cramp_count: int | None = Field(None, ge=CRAMP_COUNT_MIN, le=CRAMP_COUNT_MAX)
    worst_severity: int | None = Field(None, ge=rules.SEVERITY_MIN, le=rules.SEVERITY_MAX)
    sleep_disturbance: int | None = Field(None, ge=DISTURBANCE_MIN, le=DISTURBANCE_MAX)
    answered_at: AwareDatetime | None = Field(None, description=ANSWERED_AT)


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


def _fields(values: dict[str, Any]) -> AnswerFields:
    fields, problems = parse_answer(values)
    if problems:
        raise InvalidInput(field_messages(problems))
    return fields


ANSWER_KEYS = {"answer", "cramp_count", "worst_severity", "sleep_disturbance"}


def create(session, *, actor: User, body: CheckInIn, now: datetime) -> tuple[int, CheckInOut]:
    """Record a check-in: the one rule for device entries decides 201, 200, 409 or 410."""
    result = checkin_service.answer_checkin(
        session,
        actor=actor,
        evening=body.night_of,
        fields=_fields(body.model_dump(include=ANSWER_KEYS)),
        now=now,
        client_id=body.client_id,
        answered_at=body.answered_at,
    )
    return entries.saved(result, checkin_out)


def change(
    session, *, actor: User, client_id: uuid.UUID, body: CheckInChange, now: datetime
) -> tuple[int, CheckInOut]:
    row = checkin_service.own_checkin(session, actor=actor, client_id=client_id)
    current = checkin_out(row).model_dump(include=ANSWER_KEYS)
    row = checkin_service.change_checkin(
        session,
        actor=actor,
        client_id=client_id,
        fields=_fields({**current, **body.model_dump(include=ANSWER_KEYS, exclude_unset=True)}),
        now=now,
        answered_at=body.answered_at,
    )
    return entries.changed(checkin_out(row))


def delete(session, *, actor: User, client_id: uuid.UUID, now: datetime) -> tuple[int, None]:
    checkin_service.delete_checkin(session, actor=actor, client_id=client_id, now=now)
    return entries.deleted()


@router.post(
    "/checkins",
    name="api.create_checkin",
    response_model=CheckInOut,
    status_code=201,
    responses=entries.creating(CheckInOut),
)
def create_checkin(
    body: CheckInIn, request: Request, session: SessionDep, patient: CurrentPatient, now: NowDep
):
    """Record the morning check-in (idempotent by `client_id`). One answer per night:
    an answer under a new UUID for a night already answered changes that answer and
    answers 200."""
    return entries.respond(request, lambda: create(session, actor=patient, body=body, now=now))


@router.patch(
    "/checkins/{client_id}",
    name="api.change_checkin",
    response_model=CheckInOut,
    responses=entries.changing(CheckInOut),
)
def change_checkin(
    client_id: uuid.UUID,
    body: CheckInChange,
    request: Request,
    session: SessionDep,
    patient: CurrentPatient,
    now: NowDep,
):
    """Change a check-in, named by the UUID it was created with, while that night's
    check-in is open."""
    return entries.respond(
        request, lambda: change(session, actor=patient, client_id=client_id, body=body, now=now)
    )


@router.delete(
    "/checkins/{client_id}",
    name="api.delete_checkin",
    status_code=204,
    responses=entries.DELETING,
)
def delete_checkin(
    client_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    patient: CurrentPatient,
    now: NowDep,
):
    """Delete a check-in: the night has no record again."""
    return entries.respond(
        request, lambda: delete(session, actor=patient, client_id=client_id, now=now)
    )


@router.get(
    "/checkins",
    name="api.list_checkins",
    response_model=CheckInList,
    responses={422: entries.INVALID},
)
def list_checkins(
    request: Request,
    session: SessionDep,
    patient: CurrentPatient,
    start: StartDate,
    end: EndDate,
):
    """The patient's check-ins for the nights that began between `start` and `end`."""
    if errors := date_range_problem(start, end):
        return invalid(request, errors)
    rows = checkin_service.checkins_between(
        session, actor=patient, patient_id=patient.id, first=start, last=end
    )
    return CheckInList(items=[checkin_out(r) for r in rows])
