"""Where "now" comes from. Rules take time as an argument; this is the one source."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


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
