"""Message ids: marking a string for translation, and a message with its values.

This module imports nothing, so pure rules in ``app/domain/`` can name what the
patient will read without depending on the web side; ``app.i18n`` translates them
where they are shown.
"""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown."""
    return message


class Message(str):
    """A message id with the values it is formatted with, translated where it is shown.

    It is a ``str`` (the message id) so that it can stand wherever a plain message id
    can; templates show it with the ``t`` filter.
    """

    params: dict

    def __new__(cls, msgid: str, **params) -> Message:
        obj = super().__new__(cls, msgid)
        obj.params = params
        return obj
