"""Where "now" comes from. Rules take time as an argument; this is the one source."""

from __future__ import annotations

from contextvars import ContextVar
from datetime import UTC, date, datetime, timedelta


class SystemClock:
    def __call__(self) -> datetime:
        return datetime.now(UTC)


class TravellingClock:
    """A clock that can be set to any instant and then runs on; for tests and demos."""

    def __init__(self, start: datetime | None = None) -> None:
        self._offset = timedelta(0)
        if start is not None:
            self.set(start)

    def set(self, instant: datetime) -> None:
        self._offset = instant - datetime.now(UTC)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self._offset


# The UTC date the current request is answered on, by the app's clock. Set once per
# request (app.middleware.RequestDay) so that parameter validators, which cannot
# reach the app, can still bound dates by "today".
request_day: ContextVar[date | None] = ContextVar("request_day", default=None)
