"""The one way the API answers a change to an entry made on a device.

Every endpoint that creates, changes or deletes a cramp, check-in or completion
(alone or inside a batch) runs its service call through :func:`outcome`, so the
status codes of app.services.device_entries are the same everywhere:

201 created · 200 a repeat (the stored entry) or a change · 204 deleted ·
404 not the patient's · 409 UUID used with another body · 410 UUID of a deleted
entry · 422 a mistake, with a translated message per field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError

from app.errors import api_error_body
from app.forms import field_errors
from app.services.device_entries import ClientIdConflict, EntryGone, Saved
from app.services.errors import InvalidInput, NotFound
from app.templating import locale_of


class FieldProblem(BaseModel):
    field: str
    message: str


class ErrorOut(BaseModel):
    """Every error the API answers: a translated title and, for mistakes in particular
    fields, a translated message per field (empty otherwise)."""

    error: str
    fields: list[FieldProblem]


@dataclass(frozen=True)
class Outcome:
    status: int
    body: dict[str, Any] | None  # None for 204


Work = Callable[[], "tuple[int, BaseModel | None]"]


def saved(result: Saved, out: Callable[[Any], BaseModel]) -> tuple[int, BaseModel]:
    """201 with the new entry, or 200 with the stored one for a repeat."""
    return (201 if result.created else 200), out(result.entry)


def changed(model: BaseModel) -> tuple[int, BaseModel]:
    return 200, model


def deleted() -> tuple[int, None]:
    return 204, None


def outcome(locale: str, work: Work) -> Outcome:
    """Run one service call and turn its result or its refusal into a status and body."""
    try:
        status, model = work()
    except ValidationError as error:
        return Outcome(422, api_error_body(locale, 422, fields=field_errors(error)))
    except InvalidInput as error:
        return Outcome(422, api_error_body(locale, 422, fields=error.errors))
    except NotFound:
        return Outcome(404, api_error_body(locale, 404))
    except ClientIdConflict:
        return Outcome(409, api_error_body(locale, 409))
    except EntryGone:
        return Outcome(410, api_error_body(locale, 410))
    return Outcome(status, None if model is None else model.model_dump(mode="json"))


def respond(request: Request, work: Work) -> Response:
    """The single-entry endpoints' answer: ``outcome`` as an HTTP response."""
    result = outcome(locale_of(request), work)
    if result.body is None:
        return Response(status_code=result.status)
    return JSONResponse(result.body, status_code=result.status)


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorOut, "description": description}


NOT_FOUND = _error("No such entry (or item) of this patient's.")
CONFLICT = _error("The UUID was already used with another body; nothing stored.")
GONE = _error("The UUID belongs to an entry that was deleted; nothing stored.")
INVALID = _error("A field is missing or wrong; nothing stored.")


def creating(out: type[BaseModel]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI responses of an endpoint that creates an entry."""
    return {
        200: {"model": out, "description": "Sent before with the same body: the stored entry."},
        201: {"model": out, "description": "Created."},
        409: CONFLICT,
        410: GONE,
        422: INVALID,
    }


def changing(out: type[BaseModel]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI responses of an endpoint that changes an entry by its client UUID."""
    return {
        200: {"model": out, "description": "Changed: the entry as stored now."},
        404: NOT_FOUND,
        410: GONE,
        422: INVALID,
    }


DELETING: dict[int | str, dict[str, Any]] = {
    204: {"description": "Deleted; only a tombstone of the UUID stays."},
    404: NOT_FOUND,
    410: GONE,
    422: INVALID,
}
