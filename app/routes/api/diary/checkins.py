"""/api/v1/checkins: the morning check-in, once per client UUID and one per night."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from fastapi import APIRouter, Request, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from app.db import SessionDep
from app.deps import CurrentPatient, CurrentProfile, NowDep
from app.domain import cramps as rules
from app.domain.checkins import (
    CRAMP_COUNT_MAX,
    CRAMP_COUNT_MIN,
    DISTURBANCE_MAX,
    DISTURBANCE_MIN,
    Answer,
    parse_answer,
)
from app.i18n import N_
from app.models import MorningCheckIn
from app.routes.api.diary.common import (
    ERRORS,
    EndDate,
    StartDate,
    TranslatedValidation,
    date_range_problem,
    invalid,
    problem,
)
from app.routes.params import LocalDate
from app.services import checkins as checkin_service
from app.services.cramps import DuplicateClientId, field_messages
from app.services.errors import InvalidInput

router = APIRouter(route_class=TranslatedValidation)


class CheckInIn(BaseModel):
    """The answer to "How was last night?" for the night that began on `night_of`."""

    model_config = ConfigDict(extra="forbid")

    client_id: uuid.UUID
    night_of: LocalDate = Field(description="The evening the night began on (local date).")
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
    if errors := date_range_problem(start, end):
        return invalid(request, errors)
    rows = checkin_service.checkins_between(session, patient_id=patient.id, first=start, last=end)
    return CheckInList(items=[checkin_out(r) for r in rows])
