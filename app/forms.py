"""Reading HTML forms so that a mistake re-renders the form with what was typed.

Handlers validate with a Pydantic model through :func:`validate`, which never
raises: it returns the parsed model or field errors, together with the raw
values to put back into the form. Every handler answers a mistake the same way,
through :func:`rerender`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Request
from pydantic import BaseModel, BeforeValidator, ValidationError
from starlette.datastructures import FormData as StarletteFormData
from starlette.responses import HTMLResponse

from app.i18n import N_, Message
from app.templating import render

M = TypeVar("M", bound=BaseModel)

# Pydantic error types a person can cause, as our own translated messages.
_MESSAGES = {
    "missing": N_("This field is required."),
    "string_too_short": N_("This field is required."),
    "string_too_long": N_("Use at most %(max_length)s characters."),
    "int_parsing": N_("Enter a whole number."),
    "int_from_float": N_("Enter a whole number."),
    "float_parsing": N_("Enter a number."),
    "greater_than_equal": N_("Enter %(ge)s or more."),
    "less_than_equal": N_("Enter %(le)s or less."),
    "greater_than": N_("Enter more than %(gt)s."),
    "less_than": N_("Enter less than %(lt)s."),
    "time_parsing": N_("Enter a time such as 23:00."),
    "time_type": N_("Enter a time such as 23:00."),
    "date_parsing": N_("Enter a date such as 2026-11-24."),
    "date_from_datetime_parsing": N_("Enter a date such as 2026-11-24."),
    "enum": N_("Choose one of the options."),
    "literal_error": N_("Choose one of the options."),
    "bool_parsing": N_("Choose yes or no."),
    "uuid_parsing": N_("This form has expired; please try again."),
}
_FALLBACK = N_("Check this field.")


async def read_form(request: Request) -> StarletteFormData:
    return await request.form()


FormDataDep = Annotated[StarletteFormData, Depends(read_form)]


@dataclass
class FormResult(Generic[M]):
    values: dict[str, object]
    data: M | None = None
    errors: dict[str, Message] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.data is not None


def field_errors(error: ValidationError) -> dict[str, Message]:
    errors: dict[str, Message] = {}
    for item in error.errors():
        name = str(item["loc"][0]) if item["loc"] else "__all__"
        if name in errors:
            continue
        msgid = _MESSAGES.get(item["type"], _FALLBACK)
        if item["type"] == "value_error" and isinstance(
            item.get("ctx", {}).get("error"), ValueError
        ):
            # Model validators raise ValueError with one of our message ids.
            msgid = str(item["ctx"]["error"])
        errors[name] = Message(
            msgid,
            **{
                k: v for k, v in (item.get("ctx") or {}).items() if isinstance(v, int | float | str)
            },
        )
    return errors


def validate(
    model: type[M], form: StarletteFormData, *, lists: tuple[str, ...] = ()
) -> FormResult[M]:
    """Parse form fields into ``model``; ``lists`` names multi-valued fields."""
    values: dict[str, object] = {}
    for key in form:
        if key in lists:
            values[key] = [v for v in form.getlist(key) if isinstance(v, str)]
        else:
            value = form.get(key)
            values[key] = value if isinstance(value, str) else ""
    try:
        data = model.model_validate(values)
    except ValidationError as error:
        return FormResult(values=values, errors=field_errors(error))
    return FormResult(values=values, data=data)


def _blank_to_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


# An optional form field: an empty input means "not given", not "invalid".
Blank = BeforeValidator(_blank_to_none)


def rerender(
    request: Request,
    template: str,
    context: Mapping[str, Any],
    *,
    values: Mapping[str, object],
    errors: Mapping[str, str | Message],
    block: str | None = None,
    prefix: str = "",
) -> HTMLResponse:
    """A form with mistakes, shown again: the same template (or its ``block`` for htmx)
    with what was typed as ``{prefix}values`` and a message per field as
    ``{prefix}errors``, answered 422. Nothing was stored. ``prefix`` tells apart
    two forms on one page (``note_``, ``course_``)."""
    return render(
        request,
        template,
        {**context, f"{prefix}values": values, f"{prefix}errors": errors},
        block=block,
        status_code=422,
    )
