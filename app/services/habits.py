"""Habit strength without replaying the whole history: counts of routines done per
day, and a stored snapshot of each routine's strength a few weeks back.

The home screen shows every routine's strength, which is a running score over every
day since the patient joined. Judging a year of days on each page view made the
page's cost grow with the patient's history; instead the score is carried to a day
old enough that no entry before it can change any more, stored, and each view
judges only the days since. Recording a routine keeps the snapshot up to date.

Internal to other services: these functions take a patient id because every
caller (tonight, completions, routines, casefile, referral, due_soon, the reminder
sender) has already passed ``access.patient_for`` or works for the patient
itself; no route calls them (tests/services/test_service_access.py checks).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, func
from sqlmodel import Session, select

from app.domain.adherence import DoneLog
from app.domain.schedule import PlannedRoutine, first_day, week_of
from app.domain.strength import Habit, carry, strengths
from app.models import Completion, HabitSnapshot
from app.services import memo

# Routines can be ticked up to a week late (completions.LATE_ENTRY_DAYS) and undone
# the same day; ten days back, the record can no longer change (a test ties the two).
SETTLED_AFTER = timedelta(days=10)


_DONE_COUNTS = (
    select(Completion.routine, Completion.day, func.count())
    .where(
        Completion.patient_id == bindparam("patient_id"),
        Completion.day >= bindparam("start"),
        Completion.day <= bindparam("end"),
    )
    .group_by(Completion.routine, Completion.day)
)


def done_counts(session: Session, *, patient_id: int, start: date, end: date) -> DoneLog:
    """How many completions each routine has on each day ``start``..``end``, counted by
    the database (history for strength and adherence needs no more than this).

    One page asks for several overlapping windows (strength, this week's goals, what
    is due soon); the counts read are kept for the transaction (app.services.memo),
    a window inside them is answered from them, and one outside widens the next read
    to cover both. A read also takes in the week of ``end`` and the day after it: a
    page that counts up to a day nearly always shows that day's weekly goals and what
    is due by tomorrow, and the extra days cost a few rows, not a query.
    """
    key = ("done_counts", patient_id)
    held: _Held | None = memo.recall(session, key)  # type: ignore[assignment]
    if held is not None and held.start <= start and end <= held.end:
        return held.within(start, end)
    first, last = min(start, week_of(end)[0]), end + timedelta(days=1)
    if held is not None:
        first, last = min(first, held.start), max(last, held.end)
    log: dict[str, dict[date, int]] = defaultdict(dict)
    params = {"patient_id": patient_id, "start": first, "end": last}
    rows = session.exec(_DONE_COUNTS, params=params)
    for routine, day, count in rows:
        log[routine][day] = count
    read = _Held(first, last, dict(log))
    memo.keep(session, key, read)
    return read.within(start, end)


@dataclass(frozen=True)
class _Held:
    start: date
    end: date
    log: DoneLog

    def within(self, start: date, end: date) -> DoneLog:
        """A fresh copy of the counts on ``start``..``end`` (callers may change it)."""
        found = {}
        for routine, days in self.log.items():
            inside = {d: n for d, n in days.items() if start <= d <= end}
            if inside:
                found[routine] = inside
        return found


def plan_key(versions: list[PlannedRoutine], as_of: date) -> str:
    """A fingerprint of the plan versions that judge the days up to ``as_of``."""
    relevant = sorted(repr(v) for v in versions if v.effective_from <= as_of)
    return hashlib.sha256("\n".join(relevant).encode()).hexdigest()


def _usable(
    snapshot: HabitSnapshot | None, versions: list[PlannedRoutine], before: date
) -> dict[str, Habit] | None:
    if snapshot is None or snapshot.as_of >= before:
        return None
    if snapshot.plan_key != plan_key(versions, snapshot.as_of):
        return None
    return {
        routine: Habit(score, tuple(recent)) for routine, (score, recent) in snapshot.habits.items()
    }


def habit_strengths(
    session: Session, *, patient_id: int, versions: list[PlannedRoutine], today: date
) -> dict[str, float]:
    """Each tracked routine's strength as of ``today`` (see domain.strength), judged
    from the stored snapshot when there is a sound one."""
    joined = first_day(versions)
    if joined is None:
        return {}
    snapshot = session.get(HabitSnapshot, patient_id)
    habits = _usable(snapshot, versions, today)
    since = snapshot.as_of + timedelta(days=1) if habits is not None else joined
    done = done_counts(session, patient_id=patient_id, start=since, end=today)
    return strengths(versions, done, today=today, habits=habits, since=since)


def remember(
    session: Session,
    *,
    patient_id: int,
    versions: list[PlannedRoutine],
    today: date,
    now: datetime,
) -> None:
    """Carry the stored snapshot forward to the last settled day (the caller commits).

    Cheap when it is already there; otherwise it judges only the days since the
    snapshot, or since the patient joined when there is none.
    """
    joined = first_day(versions)
    as_of = today - SETTLED_AFTER
    if joined is None or as_of < joined:
        return
    snapshot = session.get(HabitSnapshot, patient_id)
    key = plan_key(versions, as_of)
    if snapshot is not None and snapshot.as_of == as_of and snapshot.plan_key == key:
        return
    habits = _usable(snapshot, versions, as_of + timedelta(days=1))
    first = snapshot.as_of + timedelta(days=1) if habits is not None else joined
    done = done_counts(session, patient_id=patient_id, start=first, end=as_of)
    carried = carry(versions, done, first=first, last=as_of, habits=habits)
    if snapshot is None:
        snapshot = HabitSnapshot(patient_id=patient_id, as_of=as_of, plan_key=key, habits={})
    snapshot.as_of, snapshot.plan_key, snapshot.computed_at = as_of, key, now
    snapshot.habits = {r: [h.score, list(h.recent)] for r, h in carried.items()}
    session.add(snapshot)
