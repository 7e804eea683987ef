"""When a patient is reminded: the reminder times of a patient day, from the schedule
engine and the patient's reminder settings.

- A routine at a time (the foot bath at 19:30, the toe stretch 15 minutes before
  bed) is reminded at that time.
- Water is spread over the waking day: ``water_per_day`` reminders at equal steps
  between waking and bedtime (never at either end).
- Other routines of the waking day (the desk break) get one reminder halfway.
- Tips (warm feet) and routines the patient muted are never reminded.
- Nothing falls in quiet hours: the patient's own [start, end) local times, or,
  when none are set, while the patient sleeps (bedtime to wake time). A reminder
  that would fall there is dropped, not moved: quiet means quiet.

Every reminder has a key, "<patient day>/<routine>/<n>", that names its
occurrence; the sender delivers each key at most once per device.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from app.domain.catalogue import CATALOGUE, Routine
from app.domain.rhythm import Rhythm
from app.domain.schedule import PlannedRoutine, day_at, occurrences_on

MAX_WATER_PER_DAY = 12


@dataclass(frozen=True, slots=True)
class ReminderPrefs:
    muted: frozenset[str] = field(default_factory=frozenset)
    # Local [start, end) with no reminders; None: while asleep.
    quiet: tuple[time, time] | None = None
    water_per_day: int = 3


@dataclass(frozen=True, slots=True)
class Reminder:
    day: date
    routine: str
    n: int  # which of the routine's reminders that day, from 0
    at_utc: datetime
    at: datetime  # local, in the patient's zone
    item_id: int | None = None  # the plan item in force (None in pure tests)

    @property
    def key(self) -> str:
        return f"{self.day.isoformat()}/{self.routine}/{self.n}"


def _remindable(routine: str) -> bool:
    spec = CATALOGUE.get(routine)  # type: ignore[call-overload]
    return spec is not None and spec.tracked


def _in_quiet_hours(rhythm: Rhythm, prefs: ReminderPrefs, day: date, instant: datetime) -> bool:
    if prefs.quiet is None:
        asleep_until = rhythm.wake_on(day).astimezone(UTC)
        asleep_from = rhythm.bedtime_on(day).astimezone(UTC)
        return instant < asleep_until or instant >= asleep_from
    start, end = prefs.quiet
    local = instant.astimezone(rhythm.zone).time()
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end  # quiet hours across midnight


def _times(routine: str, at: datetime, until: datetime | None, prefs: ReminderPrefs):
    if until is None:
        return [at]
    span = until - at
    count = max(0, min(prefs.water_per_day, MAX_WATER_PER_DAY)) if routine == Routine.WATER else 1
    return [at + span * (i + 1) / (count + 1) for i in range(count)]


def reminders_on(
    rhythm: Rhythm, versions: Iterable[PlannedRoutine], prefs: ReminderPrefs, day: date
) -> list[Reminder]:
    """The reminders of patient day ``day``, in time order."""
    found = []
    for occurrence in occurrences_on(rhythm, versions, day):
        routine = occurrence.routine
        if routine in prefs.muted or not _remindable(routine):
            continue
        times = _times(routine, occurrence.at_utc, occurrence.until_utc, prefs)
        for n, instant in enumerate(times):
            # Whole minutes: a reminder at 10:37:30 reads oddly.
            instant = instant.replace(second=0, microsecond=0)
            if _in_quiet_hours(rhythm, prefs, day, instant):
                continue
            local = instant.astimezone(rhythm.zone)
            found.append(Reminder(day, routine, n, instant, local, occurrence.item.item_id))
    found.sort(key=lambda r: (r.at_utc, r.routine, r.n))
    return found


def reminders_between(
    rhythm: Rhythm,
    versions: Iterable[PlannedRoutine],
    prefs: ReminderPrefs,
    start: datetime,
    end: datetime,
) -> list[Reminder]:
    """Every reminder due in [start, end) (aware instants), in time order."""
    versions = list(versions)
    first, last = day_at(rhythm, start), day_at(rhythm, end)
    found = []
    day = first
    while day <= last:
        found.extend(
            r for r in reminders_on(rhythm, versions, prefs, day) if start <= r.at_utc < end
        )
        day += timedelta(days=1)
    return found


# ---------------------------------------------------------------------------
# Due soon (the home screen's "coming up")
# ---------------------------------------------------------------------------

SOON = timedelta(minutes=30)


@dataclass(frozen=True, slots=True)
class DueSoon:
    day: date
    routine: str
    at: datetime  # local
    item_id: int | None


def due_soon(
    rhythm: Rhythm,
    versions: Iterable[PlannedRoutine],
    now: datetime,
    done: Callable[[str, date], bool],
    within: timedelta = SOON,
) -> list[DueSoon]:
    """Routines at a set time from now to ``within`` ahead, not done yet, in time
    order. Routines spread over the day (water) are not "due" at a moment."""
    versions = list(versions)
    moment = now.astimezone(UTC)
    first, last = day_at(rhythm, moment), day_at(rhythm, moment + within)
    found = []
    day = first
    while day <= last:
        for occurrence in occurrences_on(rhythm, versions, day):
            if occurrence.until_utc is not None or not _remindable(occurrence.routine):
                continue
            if moment <= occurrence.at_utc <= moment + within and not done(occurrence.routine, day):
                found.append(
                    DueSoon(day, occurrence.routine, occurrence.at, occurrence.item.item_id)
                )
        day += timedelta(days=1)
    return sorted(found, key=lambda d: d.at)
