"""What the diary's API endpoints share: translated 422 answers, error models, date ranges."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel

from app import i18n
from app.errors import TITLES
from app.forms import field_errors
from app.i18n import N_
from app.routes.params import LocalDate
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
