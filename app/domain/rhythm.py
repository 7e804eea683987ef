"""A patient's daily rhythm: bedtime, wake time and zone, and the evening a moment belongs to.

Both the schedule engine and night attribution reason about "the evening of date D":
the evening that starts on local date D and the night that follows it. A bedtime
after midnight (01:00) still belongs to the evening before, so the evening's bedtime
falls on D + 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

# Bedtimes before this hour are "after midnight": they close the previous evening.
EVENING_STARTS = time(12, 0)
# The sleep window reaches this far before bedtime and after wake time (DESIGN.md).
SLEEP_WINDOW_MARGIN = timedelta(hours=3)


def local_datetime(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The aware datetime for a wall-clock time on a local date.

    A wall time that does not exist (skipped by a DST jump) is moved forward by the
    size of the gap, which is what a phone alarm does; an ambiguous one takes the
    first occurrence.
    """
    naive = datetime.combine(day, at)
    aware = naive.replace(tzinfo=zone, fold=0)  # pragma: no mutate (combine already gives fold 0)
    # Round-tripping through UTC normalises a non-existent wall time.
    return aware.astimezone(UTC).astimezone(zone)  # pragma: no mutate (any fixed offset will do)


@dataclass(frozen=True, slots=True)
class Rhythm:
    bedtime: time
    wake_time: time
    zone: ZoneInfo

    def bedtime_on(self, evening: date) -> datetime:
        """When the patient goes to bed on the evening of ``evening``."""
        return night_bounds(self, evening)[0].astimezone(self.zone)

    def wake_after(self, evening: date) -> datetime:
        """When the patient wakes after the night that starts on ``evening``: the first
        wake time after that evening's bedtime (so never more than a day later)."""
        return night_bounds(self, evening)[1].astimezone(self.zone)

    def wake_on(self, day: date) -> datetime:
        """When the patient wakes on the morning of local date ``day``."""
        return self.wake_after(day - timedelta(days=1))

    def sleep_window(self, evening: date) -> tuple[datetime, datetime]:
        """The half-open window [start, end) of the night that starts on ``evening``.

        It runs from three hours before bedtime to three hours after wake time, in the
        patient's zone. The margins are elapsed hours, also across a DST change: aware
        arithmetic on a local datetime would add wall-clock hours (and could land on a
        wall time that does not exist), so the sums are done in UTC.
        """
        bed, wake = night_bounds(self, evening)
        start = bed - SLEEP_WINDOW_MARGIN
        end = wake + SLEEP_WINDOW_MARGIN
        return start.astimezone(self.zone), end.astimezone(self.zone)


def _night_bounds(rhythm: Rhythm, evening: date) -> tuple[datetime, datetime]:
    """Bedtime and the following wake time of the night of ``evening``, as UTC instants."""
    day = evening if rhythm.bedtime >= EVENING_STARTS else evening + timedelta(days=1)
    bed = local_datetime(day, rhythm.bedtime, rhythm.zone).astimezone(UTC)
    wake = local_datetime(day, rhythm.wake_time, rhythm.zone)
    # In one ZoneInfo, aware datetimes compare by wall time; in UTC, by instant.
    while wake.astimezone(UTC) <= bed:  # pragma: no mutate (any fixed offset)
        wake = local_datetime(wake.date() + timedelta(days=1), rhythm.wake_time, rhythm.zone)
    return bed, wake.astimezone(UTC)


# Every cramp asks about the three nights that could hold it, and a page asks about
# the same few weeks of nights again and again: the zone arithmetic is the cost, and
# the answer depends only on the rhythm and the date, so it is remembered. Wrapped
# rather than decorated: mutmut leaves decorated functions unmutated, and this rule
# must be mutation-tested like the others (tests/unit/conftest.py empties the cache).
night_bounds = lru_cache(maxsize=16384)(_night_bounds)
