"""Nights: which night a cramp belongs to, and what we know about each night.

A cramp inside the sleep window of the evening of D (three hours before bedtime to
three hours after wake time, in the zone the patient had when the cramp was
recorded) belongs to the night of D; any other cramp is a daytime cramp on its
local calendar date. A night is *cramp-free* only when the patient said so in the
morning check-in, *cramps* when at least one cramp is known, otherwise *no record*.
The three are kept apart everywhere: a missing record is never a good night.

All comparisons are between UTC instants. Python compares two datetimes that share
a tzinfo by wall time, which is wrong across a DST change.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

from app.domain.checkins import MorningAnswer
from app.domain.cramps import LoggedCramp
from app.domain.rhythm import SLEEP_WINDOW_MARGIN, Rhythm, night_bounds


class NightState(StrEnum):
    CRAMP_FREE = "cramp_free"
    CRAMPS = "cramps"
    NO_RECORD = "no_record"


def sleep_window_utc(rhythm: Rhythm, evening: date) -> tuple[datetime, datetime]:
    """``Rhythm.sleep_window`` as UTC instants, for comparing and querying."""
    bed, wake = night_bounds(rhythm, evening)
    return bed - SLEEP_WINDOW_MARGIN, wake + SLEEP_WINDOW_MARGIN


def _distance_to_sleep(rhythm: Rhythm, evening: date, instant: datetime) -> timedelta:
    bed, wake = night_bounds(rhythm, evening)
    if instant < bed:
        return bed - instant
    if instant > wake:
        return instant - wake
    return timedelta(0)


def _night_of(moment: datetime, rhythm: Rhythm, zone: ZoneInfo | None = None) -> date | None:
    """The evening whose night contains ``moment``, or None for a daytime moment.

    ``zone`` overrides the rhythm's zone: pass the zone stored with the cramp. A
    bedtime of 01:00 still belongs to the evening before, so every night that can
    contain a moment starts on its local date or one of the two dates before. For
    unusual rhythms (less than six waking hours) two windows can overlap; the
    moment then goes to the night whose bed-to-wake span is nearer, the later night
    on a tie.
    """
    if moment.tzinfo is None:
        raise ValueError("night_of needs an aware datetime")
    if zone is not None and zone != rhythm.zone:
        rhythm = dataclasses.replace(rhythm, zone=zone)
    instant = moment.astimezone(UTC)
    local = instant.astimezone(rhythm.zone).date()
    best: tuple[timedelta, date] | None = None
    for back in (0, 1, 2):
        evening = local - timedelta(days=back)
        start, end = sleep_window_utc(rhythm, evening)
        if start <= instant < end:
            distance = _distance_to_sleep(rhythm, evening, instant)
            if best is None or distance < best[0]:
                best = (distance, evening)
    return best[1] if best else None


# The rules ask about the same cramp several times (its night for one rule, its day for
# another), and pages about the same few cramps on every request. Wrapped rather than
# decorated: mutmut leaves decorated functions unmutated, and this rule must be
# mutation-tested like the others (tests/unit/conftest.py empties the cache).
night_of = lru_cache(maxsize=16384)(_night_of)


def night_of_cramp(cramp: LoggedCramp, rhythm: Rhythm) -> date | None:
    return night_of(cramp.occurred_at, rhythm, cramp.zone)


def last_night(now: datetime, rhythm: Rhythm) -> date:
    """The most recent night whose morning has come: wake time minus three hours.

    Before that moment the patient may still be asleep (or awake with a cramp), so
    the night is not over and is not asked about yet.
    """
    evening = now.astimezone(rhythm.zone).date()
    while True:
        # Three hours counted in elapsed time, so a DST night is not an hour off.
        wake = night_bounds(rhythm, evening)[1]
        if wake - SLEEP_WINDOW_MARGIN <= now:
            return evening
        evening -= timedelta(days=1)


def intensity(count: int, worst: int | None) -> int:
    """Shade 1–3 for a night with cramps (0 without): more cramps or a worse one is darker.

    1: a single cramp no worse than 4; 2: two cramps, or worst 5–7; 3: three or more,
    or worst 8 and above. An unknown severity does not darken the night.
    """
    if count <= 0:
        return 0
    level = 1
    if count >= 3 or (worst is not None and worst >= 8):
        level = 3
    elif count == 2 or (worst is not None and worst >= 5):
        level = 2
    return level


@dataclass(frozen=True, slots=True)
class Night:
    evening: date
    state: NightState
    cramps: tuple[LoggedCramp, ...] = ()
    answer: MorningAnswer | None = None

    @property
    def cramp_count(self) -> int:
        """Logged cramps, or the count given in the check-in when that is higher."""
        reported = (self.answer.cramp_count or 1) if self.answer and self.answer.had_cramps else 0
        return max(len(self.cramps), reported)

    @property
    def worst_severity(self) -> int | None:
        values = [c.details.severity for c in self.cramps if c.details.severity is not None]
        if self.answer and self.answer.worst_severity is not None:
            values.append(self.answer.worst_severity)
        return max(values) if values else None

    @property
    def intensity(self) -> int:
        return intensity(self.cramp_count, self.worst_severity)

    @property
    def is_recorded(self) -> bool:
        return self.state is not NightState.NO_RECORD


def night_state(cramps: Iterable[LoggedCramp], answer: MorningAnswer | None) -> NightState:
    """Cramps if any is logged or reported; cramp-free only on a "no cramps" answer.

    A logged cramp outweighs a "no cramps" answer: the entry is the stronger record.
    """
    if any(True for _ in cramps) or (answer is not None and answer.had_cramps):
        return NightState.CRAMPS
    if answer is not None:
        return NightState.CRAMP_FREE
    return NightState.NO_RECORD


@dataclass(frozen=True, slots=True)
class Diary:
    """Nights (keyed by evening) and daytime cramps (keyed by local date) over a span."""

    first: date
    last: date
    nights: dict[date, Night]
    daytime: dict[date, tuple[LoggedCramp, ...]]

    def night(self, evening: date) -> Night:
        return self.nights.get(evening) or Night(evening, NightState.NO_RECORD)

    def nights_in(self, first: date, last: date) -> list[Night]:
        span = (last - first).days + 1
        return [self.night(first + timedelta(days=i)) for i in range(max(span, 0))]


def build_diary(
    *,
    first: date,
    last: date,
    cramps: Iterable[LoggedCramp],
    answers: Iterable[MorningAnswer],
    rhythm: Rhythm,
) -> Diary:
    """Sort cramps into nights and days, and give every evening in [first, last] a state.

    Cramps and answers outside the span are ignored, so callers may pass a generous
    superset (a UTC range padded by a couple of days).
    """
    by_night: dict[date, list[LoggedCramp]] = defaultdict(list)
    by_day: dict[date, list[LoggedCramp]] = defaultdict(list)
    for cramp in sorted(cramps, key=lambda c: c.occurred_at.astimezone(UTC)):
        evening = night_of_cramp(cramp, rhythm)
        if evening is not None:
            if first <= evening <= last:
                by_night[evening].append(cramp)
        else:
            day = cramp.occurred_at.astimezone(cramp.zone).date()
            if first <= day <= last:
                by_day[day].append(cramp)
    answer_by_night = {a.evening: a for a in answers if first <= a.evening <= last}
    nights: dict[date, Night] = {}
    for evening in set(by_night) | set(answer_by_night):
        night_cramps = tuple(by_night.get(evening, ()))
        answer = answer_by_night.get(evening)
        nights[evening] = Night(evening, night_state(night_cramps, answer), night_cramps, answer)
    return Diary(first, last, nights, {d: tuple(cs) for d, cs in by_day.items()})
