"""What the API's endpoints share: the one error shape, its OpenAPI models, date ranges."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import JSONResponse

from app import i18n
from app.errors import api_error
from app.i18n import N_
from app.routes.params import LocalDate

MAX_RANGE_DAYS = 366


def invalid(request: Request, messages: dict[str, i18n.Message | str]) -> JSONResponse:
    """422 with a translated sentence per field, in the request's language."""
    return api_error(request, 422, fields=messages)


def date_range_problem(start: date, end: date) -> dict[str, i18n.Message] | None:
    if end < start:
        return {"end": i18n.Message(N_("The end date must not be before the start date."))}
    if (end - start).days >= MAX_RANGE_DAYS:
        return {"end": i18n.Message(N_("Ask for at most %(days)s days at a time."), days=366)}
    return None


StartDate = Annotated[LocalDate, Query(description="First local date, inclusive (YYYY-MM-DD).")]
EndDate = Annotated[
    LocalDate, Query(description="Last local date, inclusive; at most 366 days on.")
]
