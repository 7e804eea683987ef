"""Reading HTML forms so that a mistake re-renders the form with what was typed.

Handlers validate with a Pydantic model through :func:`validate`, which never
raises: it returns the parsed model or field errors, together with the raw
values to put back into the form. Every handler answers a mistake the same way,
through :func:`rerender`.

A NUL character (which PostgreSQL cannot store in text) is such a mistake too:
:func:`read_form` takes it out of what was typed and remembers the fields it was
in, and :func:`validate` reports them, so the form comes back with the message and
everything else the person typed. A handler that reads such a field raw
(``form.get``) gets ``TextHasNul`` instead: a bare 422, and nothing is stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Request
from pydantic import BaseModel, BeforeValidator, ValidationError
from starlette.datastructures import FormData as StarletteFormData
from starlette.exceptions import HTTPException
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
NUL_MESSAGE = N_("Text cannot contain the NUL character (U+0000). Please remove it and try again.")


class TextHasNul(HTTPException):
    """A handler read a field holding a NUL raw: refused (422) before anything is stored."""

    def __init__(self) -> None:
        super().__init__(422)


class Form(StarletteFormData):
    """The posted form with NUL characters taken out; ``nul_fields`` names the fields
    that held one. Reading one of those raw raises TextHasNul; :func:`values_of` and
    :func:`validate` read them cleaned and report the mistake."""

    def __init__(self, items: list[tuple[str, Any]], nul_fields: frozenset[str]) -> None:
        super().__init__(items)
        self.nul_fields = nul_fields

    def _check(self, key: Any) -> None:
        if key in self.nul_fields:
            raise TextHasNul

    def get(self, key: Any, default: Any = None) -> Any:
        self._check(key)
        return super().get(key, default)

    def getlist(self, key: Any) -> list[Any]:
        self._check(key)
        return super().getlist(key)

    def __getitem__(self, key: Any) -> Any:
        self._check(key)
        return super().__getitem__(key)


def _without_nul(value: Any) -> tuple[Any, bool]:
    if isinstance(value, str) and "\x00" in value:
        return value.replace("\x00", ""), True
    return value, False


async def read_form(request: Request) -> Form:
    items, nul_fields = [], set()
    for key, value in (await request.form()).multi_items():
        key, bad_key = _without_nul(key)
        value, bad_value = _without_nul(value)
        if bad_key or bad_value:
            nul_fields.add(key)
        items.append((key, value))
    return Form(items, frozenset(nul_fields))


FormDataDep = Annotated[Form, Depends(read_form)]


def nul_errors(form: StarletteFormData) -> dict[str, Message]:
    """A message for each field that held a NUL character (see :class:`Form`)."""
    return {name: Message(NUL_MESSAGE) for name in sorted(getattr(form, "nul_fields", ()))}


def values_of(
    form: StarletteFormData, *, lists: tuple[str, ...] = (), skip: tuple[str, ...] = ()
) -> dict[str, object]:
    """What was typed, field by field (``lists`` are multi-valued), NUL taken out."""
    values: dict[str, object] = {key: [] for key in lists}
    for key, value in form.multi_items():
        if key in skip:
            continue
        if key in lists:
            if isinstance(value, str):
                values[key].append(value)
        else:  # the last one wins, as with FormData.get
            values[key] = value if isinstance(value, str) else ""
    return values


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
    values = values_of(form, lists=tuple(key for key in lists if key in form))
    if errors := nul_errors(form):
        return FormResult(values=values, errors=errors)
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
