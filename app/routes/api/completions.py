"""/api/v1/completions: routines done, for the offline queue and exports.

Creating takes a client-generated UUID and follows the one rule for device
entries (app.routes.api.entries); a second "done" for an occurrence already done
answers 200 with the stored one. Each glass of water is a completion of the water
routine's plan item. Deleting by UUID is the undo. Another patient's plan item
answers 404. Only patients get past the router.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from app.db import SessionDep
from app.deps import CurrentPatient, NowDep, get_patient
from app.models import Completion, User
from app.routes.api import entries
from app.routes.api.diary.common import EndDate, StartDate, date_range_problem, invalid
from app.routes.params import EntityId, LocalDate
from app.services import completions as completion_service

router = APIRouter(tags=["care plan"], dependencies=[Depends(get_patient)])


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


def create(session, *, actor: User, body: CompletionIn, now: datetime) -> tuple[int, CompletionOut]:
    """Record a routine done: the one rule for device entries decides 201, 200, 409, 410."""
    result = completion_service.record_completion(
        session,
        actor=actor,
        item_id=body.plan_item_id,
        client_id=body.client_id,
        day=body.day,
        now=now,
        values=body.model_dump(include={"sets", "minutes", "reps"}),
    )
    return entries.saved(result, completion_out)


def delete(session, *, actor: User, client_id: uuid.UUID, now: datetime) -> tuple[int, None]:
    completion_service.delete_completion(session, actor=actor, client_id=client_id, now=now)
    return entries.deleted()


@router.post(
    "/completions",
    name="api.create_completion",
    response_model=CompletionOut,
    status_code=201,
    responses={
        **entries.creating(CompletionOut),
        200: {
            "model": CompletionOut,
            "description": "Sent before with the same body, or that routine was already "
            "done that day: the stored completion.",
        },
        404: {**entries.NOT_FOUND, "description": "No such plan item for this patient."},
    },
)
def create_completion(
    body: CompletionIn, request: Request, session: SessionDep, patient: CurrentPatient, now: NowDep
):
    """Record that a routine was done, or one glass of water (idempotent by `client_id`)."""
    return entries.respond(request, lambda: create(session, actor=patient, body=body, now=now))


@router.delete(
    "/completions/{client_id}",
    name="api.delete_completion",
    status_code=204,
    responses=entries.DELETING,
)
def delete_completion(
    client_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    patient: CurrentPatient,
    now: NowDep,
):
    """Undo a routine done or a glass of water, named by the UUID it was created with;
    its day must still be open (today or up to 7 days back)."""
    return entries.respond(
        request, lambda: delete(session, actor=patient, client_id=client_id, now=now)
    )


@router.get(
    "/completions",
    name="api.list_completions",
    response_model=CompletionList,
    responses={422: entries.INVALID},
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
        session, actor=patient, patient_id=patient.id, start=start, end=end
    )
    return CompletionList(items=[completion_out(r) for r in rows])
