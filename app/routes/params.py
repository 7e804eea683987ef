"""Parameter types every route shares, so an absurd id or date a client sends is a
422 at the door, never an overflow deep in a query or in date arithmetic.

They are plain Annotated types: they work as path and query parameters, in form
models and in JSON bodies alike. ``tests/routes/test_params.py`` walks every route
and fails on any int or date parameter that does not use them.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

import annotated_types
from pydantic import AfterValidator

from app.clock import request_day
from app.i18n import N_

# Both SQLite and PostgreSQL keep ids in signed 64 bits; a bigger number cannot name
# anything, and SQLite's driver raises OverflowError on it instead of finding nothing.
MAX_ID = 2**63 - 1
EARLIEST_DATE = date(2000, 1, 1)
YEARS_AHEAD = 2
# Outside a request (a model validated in a script) there is no clock to ask.
_LATEST_WITHOUT_A_REQUEST = date(2100, 12, 31)

EntityId = Annotated[int, annotated_types.Interval(ge=1, le=MAX_ID)]


def latest_date(today: date | None = None) -> date:
    """The last local date anybody can mean: two years after today."""
    today = today or request_day.get()
    if today is None:
        return _LATEST_WITHOUT_A_REQUEST
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def is_sane_date(day: date, today: date | None = None) -> bool:
    return EARLIEST_DATE <= day <= latest_date(today)


def _sane_date(day: date) -> date:
    if not is_sane_date(day):
        # A message id: forms and the API translate it (forms.field_errors).
        raise ValueError(N_("Choose a date from the year 2000 up to two years from today."))
    return day


LocalDate = Annotated[date, AfterValidator(_sane_date)]
