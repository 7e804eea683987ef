"""/api/v1/completions: routines done, for the offline queue and exports.

Creating takes a client-generated UUID: sending it again answers 200 with the
stored completion and stores nothing, as does a second "done" for an occurrence
already done. Mistakes answer 422 with a translated message per field; another
patient's plan item answers 404. Only patients get past the router.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from app.db import SessionDep
from app.deps import CurrentPatient, CurrentProfile, NowDep, get_patient
from app.i18n import N_
from app.models import Completion
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
from app.routes.params import EntityId, LocalDate
from app.services import completions as completion_service
from app.services.errors import InvalidInput, NotFound

router = APIRouter(
    tags=["care plan"], dependencies=[Depends(get_patient)], route_class=TranslatedValidation
)


class CompletionIn(BaseModel):
    """A routine done. Values left out are the planned dose (one tap = "as planned")."""

    model_config = ConfigDict(extra="forbid")

    client_id: uuid.UUID
    plan_item_id: EntityId = Field(description="The plan item (any version of the routine).")
    day: LocalDate = Field(description="The patient day it belongs to: today or up to 7 days back.")
    sets: int | None = Field(None, description="Stretches: sets completed.")
    minutes: int | None = Field(None, description="Foot bath, massage, walk: minutes.")
    reps: int | None = Field(None, description="Walk: grip-and-open repetitions.")


class CompletionOut(BaseModel):
    id: int
    client_id: uuid.UUID
    routine: str
    day: date
    slot: int = Field(description="0, or for water the glass's number that day (0, 1, 2 …).")
    sets: int | None
    minutes: int | None
    reps: int | None
    glasses: int | None
    recorded_at: datetime


class CompletionList(BaseModel):
    items: list[CompletionOut]


def completion_out(row: Completion) -> CompletionOut:
    return CompletionOut.model_validate(row, from_attributes=True)


@router.post(
    "/completions",
    name="api.create_completion",
    response_model=CompletionOut,
    status_code=201,
    responses={
        200: {"model": CompletionOut, "description": "Sent before, or already done: stored."},
        404: {"model": ErrorOut, "description": "No such plan item for this patient."},
        422: ERRORS[422],
    },
)
def create_completion(
    body: CompletionIn,
    request: Request,
    response: Response,
    session: SessionDep,
    patient: CurrentPatient,
    profile: CurrentProfile,
    now: NowDep,
):
    """Record that a routine was done (idempotent by `client_id`)."""
    try:
        result = completion_service.record_completion(
            session,
            patient_id=patient.id,
            profile=profile,
            item_id=body.plan_item_id,
            client_id=body.client_id,
            day=body.day,
            now=now,
            values=body.model_dump(include={"sets", "minutes", "reps"}),
        )
    except NotFound:
        return problem(request, 404, N_("That routine is not in your plan."))
    except InvalidInput as error:
        return invalid(request, error.errors)
    if not result.created:
        response.status_code = 200
    return completion_out(result.completion)


@router.get(
    "/completions",
    name="api.list_completions",
    response_model=CompletionList,
    responses={422: ERRORS[422]},
)
def list_completions(
    request: Request,
    session: SessionDep,
    patient: CurrentPatient,
    start: StartDate,
    end: EndDate,
):
    """The patient's completions on patient days `start`..`end`."""
    if errors := date_range_problem(start, end):
        return invalid(request, errors)
    rows = completion_service.completions_between(
        session, patient_id=patient.id, start=start, end=end
    )
    return CompletionList(items=[completion_out(r) for r in rows])
