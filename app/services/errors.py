"""Errors services raise; routes and the app's handlers turn them into responses."""

from __future__ import annotations

from app.domain.cramps import FieldError
from app.i18n import Message


class NotFound(LookupError):
    """The thing does not exist, or the acting user may not know that it does.

    Both answer 404, so that probing another patient's ids reveals nothing.
    """


class NotAllowed(PermissionError):
    """The acting user may see the thing but not do this to it."""


class InvalidInput(ValueError):
    """Field errors for input that parsed but breaks a rule; keyed by field name."""

    def __init__(self, errors: dict[str, str | Message]) -> None:
        super().__init__(errors)
        self.errors = errors


def field_messages(errors: list[FieldError]) -> dict[str, Message]:
    """Domain field errors as the message ids forms and the API show (first per field)."""
    messages: dict[str, Message] = {}
    for error in errors:
        messages.setdefault(error.field, Message(error.message, **dict(error.params)))
    return messages
