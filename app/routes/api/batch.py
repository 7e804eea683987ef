"""/api/v1/batch: what the offline queue sends when the phone is back online.

Up to 100 entries of any kind (cramps, check-ins, routines done and glasses of
water), each created, changed or deleted by its client UUID. Each entry runs in
its own transaction and gets its own status and body, exactly what the single
endpoint would have answered (app.routes.api.entries), so one bad entry does
not sink the rest. The contract is written down in docs/CONVENTIONS.md.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session

from app.db import SessionDep
from app.deps import CurrentPatient, NowDep, get_patient
from app.errors import api_error_body
from app.i18n import N_, Message
from app.models import User
from app.routes.api import completions, entries
from app.routes.api.diary import checkins, cramps
from app.services.errors import InvalidInput
from app.templating import locale_of

log = logging.getLogger("tsuranai")

MAX_ENTRIES = 100

router = APIRouter(tags=["offline queue"], dependencies=[Depends(get_patient)])


class Kind(StrEnum):
    CRAMP = "cramp"
    CHECKIN = "checkin"
    # A routine done or a glass of water (the water routine's plan item).
    COMPLETION = "completion"


class Op(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


class BatchEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Kind
    op: Op
    client_id: uuid.UUID = Field(description="The entry's UUID, made on the device.")
    body: dict[str, Any] | None = Field(
        None,
        description="create: the single endpoint's body without `client_id`; update: the "
        "PATCH body; delete: none.",
    )


class BatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    entries: list[BatchEntry] = Field(min_length=1, max_length=MAX_ENTRIES)


class BatchResult(BaseModel):
    kind: Kind
    op: Op
    client_id: uuid.UUID
    status: int = Field(description="What the single endpoint would have answered.")
    body: dict[str, Any] | None = Field(
        description="The entry (200, 201), the error (`error`, `fields`), or null (204)."
    )


class BatchOut(BaseModel):
    results: list[BatchResult] = Field(description="One per entry, in the order sent.")


Action = Callable[[Session, User, uuid.UUID, dict[str, Any], datetime], tuple]


def _create(model: type[BaseModel], create: Callable) -> Action:
    def run(session, actor, client_id, body, now):
        return create(
            session,
            actor=actor,
            body=model.model_validate({**body, "client_id": client_id}),
            now=now,
        )

    return run


def _change(model: type[BaseModel], change: Callable) -> Action:
    def run(session, actor, client_id, body, now):
        return change(
            session, actor=actor, client_id=client_id, body=model.model_validate(body), now=now
        )

    return run


def _delete(delete: Callable) -> Action:
    def run(session, actor, client_id, _body, now):
        return delete(session, actor=actor, client_id=client_id, now=now)

    return run


ACTIONS: dict[tuple[Kind, Op], Action] = {
    (Kind.CRAMP, Op.CREATE): _create(cramps.CrampIn, cramps.create),
    (Kind.CRAMP, Op.UPDATE): _change(cramps.CrampChange, cramps.change),
    (Kind.CRAMP, Op.DELETE): _delete(cramps.delete),
    (Kind.CHECKIN, Op.CREATE): _create(checkins.CheckInIn, checkins.create),
    (Kind.CHECKIN, Op.UPDATE): _change(checkins.CheckInChange, checkins.change),
    (Kind.CHECKIN, Op.DELETE): _delete(checkins.delete),
    (Kind.COMPLETION, Op.CREATE): _create(completions.CompletionIn, completions.create),
    (Kind.COMPLETION, Op.DELETE): _delete(completions.delete),
}

NO_CHANGE = N_("A routine done cannot be changed: undo it and record it again.")


def _unsupported(*_args) -> tuple:
    raise InvalidInput({"op": Message(NO_CHANGE)})


def _one(
    session: Session, actor: User, entry: BatchEntry, now: datetime, locale: str
) -> entries.Outcome:
    action = ACTIONS.get((entry.kind, entry.op), _unsupported)
    try:
        return entries.outcome(
            locale, lambda: action(session, actor, entry.client_id, entry.body or {}, now)
        )
    except Exception:
        # One entry failing in an unforeseen way must not lose the others.
        log.exception("batch entry %s %s failed", entry.kind, entry.op)
        return entries.Outcome(500, api_error_body(locale, 500))
    finally:
        # Whatever the entry left uncommitted is not the next entry's business.
        session.rollback()


@router.post(
    "/batch",
    name="api.batch",
    response_model=BatchOut,
    responses={422: entries.INVALID},
)
def send_batch(
    body: BatchIn, request: Request, session: SessionDep, patient: CurrentPatient, now: NowDep
) -> BatchOut:
    """Create, change and delete up to 100 entries at once, each in its own transaction
    and with its own status (201, 200, 204, 404, 409, 410, 422, or 500). The answer is
    200 whenever the batch itself could be read; 422 only when it could not."""
    locale = locale_of(request)
    results = []
    for entry in body.entries:
        outcome = _one(session, patient, entry, now, locale)
        results.append(
            BatchResult(
                kind=entry.kind,
                op=entry.op,
                client_id=entry.client_id,
                status=outcome.status,
                body=outcome.body,
            )
        )
    return BatchOut(results=results)
