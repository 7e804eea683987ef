"""The practitioner's caseload: a row of figures per patient they care for, from a
fixed handful of queries however many patients there are.

The database does the heavy counting (completions summed per patient day, last
activity by index look-ups); Python adds the plan's versions and the nights, both
small. Nothing is replayed from a patient's whole history.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import case, func
from sqlmodel import Session, select

from app.domain import caseload as rules
from app.domain.catalogue import CATALOGUE, Routine
from app.domain.rhythm import Rhythm
from app.domain.schedule import Cadence
from app.models import (
    AuditAction,
    CareCourse,
    Completion,
    CrampEvent,
    MorningCheckIn,
    PatientProfile,
    PlanItem,
    User,
)
from app.services import access, audit
from app.services import red_flags as red_flag_service
from app.services.plan import rhythm_of

# A red-flag source answers, for the patients ``actor`` cares for, the flags each
# one has now that still await a practitioner's review (message ids, for badges).
RedFlagSource = Callable[..., Mapping[int, Sequence[str]]]


def unreviewed_red_flags(session: Session, *, actor: User, now: datetime) -> dict[int, list[str]]:
    """The red-flags service's flags awaiting review, per patient (a fixed number of
    queries for the whole caseload)."""
    found = red_flag_service.flags_for_patients(session, actor=actor, now=now)
    return {
        patient_id: [status.flag.title for status in flags.unreviewed]
        for patient_id, flags in found.items()
        if flags.unreviewed
    }


TRACKED = [key.value for key, spec in CATALOGUE.items() if spec.tracked]


@lru_cache(maxsize=128)
def weekdays_of(bits: int) -> frozenset[int]:
    return frozenset(d for d in range(1, 8) if bits & (1 << (d - 1)))


# One bit per routine but water (counted in glasses): at most one completion of each
# per day, so their sum over a day's completions is the set of routines done.
ROUTINE_BITS = {
    key.value: 1 << index for index, key in enumerate(CATALOGUE) if key is not Routine.WATER
}
# Cramps are stored as instants; a night can start up to two dates before its cramp.
NIGHT_PADDING = timedelta(days=3)


class SortKey(StrEnum):
    NAME = "name"
    LAST_ACTIVITY = "last_activity"
    ADHERENCE_7 = "adherence_7"
    ADHERENCE_30 = "adherence_30"
    CRAMP_NIGHTS = "cramp_nights"
    TREND = "trend"
    UNRECORDED = "unrecorded"
    NEXT_VISIT = "next_visit"
    RED_FLAGS = "red_flags"


@dataclass(frozen=True)
class _Calendar:
    """The dates a row needs, for one rhythm: today, the adherence windows through
    yesterday, and the last 7 ended nights and the 7 before them."""

    rhythm: Rhythm
    today: date
    windows: tuple[tuple[date, date], ...]
    recent: tuple[date, ...]
    before: tuple[date, ...]

    @classmethod
    def of(cls, rhythm: Rhythm, now: datetime, nights: rules.NightIndex) -> _Calendar:
        today = now.astimezone(rhythm.zone).date()
        yesterday = today - timedelta(days=1)
        last = nights.last_night(now, rhythm)
        return cls(
            rhythm=rhythm,
            today=today,
            windows=(
                (yesterday - timedelta(days=6), yesterday),
                (yesterday - timedelta(days=29), yesterday),
            ),
            recent=tuple(last - timedelta(days=i) for i in range(7)),
            before=tuple(last - timedelta(days=i) for i in range(7, 14)),
        )


@dataclass(frozen=True)
class CaseloadRow:
    patient_id: int
    name: str
    last_activity: date | None
    days_silent: int
    silent_nights: int  # the latest nights in a row without a record
    adherence_7: int | None
    adherence_30: int | None
    cramp_nights_7: int
    cramp_nights_before: int
    trend: rules.Trend
    unrecorded_7: int
    next_visit: date | None
    red_flags: tuple[str, ...]
    attention: tuple[rules.Attention, ...]


@dataclass(frozen=True)
class CaseloadQuery:
    search: str = ""
    attention_only: bool = False
    sort: SortKey = SortKey.NAME
    descending: bool = False


@dataclass(frozen=True)
class Caseload:
    rows: list[CaseloadRow]
    total: int  # own patients, before search and filter
    query: CaseloadQuery
    needing_attention: int = 0
    reasons: dict[rules.Attention, int] = field(default_factory=dict)


def _percent(value: float | None) -> int | None:
    return None if value is None else round(value * 100)


def _day_totals(session: Session, patient_ids, first: date, last: date):
    """Per patient day with anything done: the routines done as bits (ROUTINE_BITS)
    and the glasses of water. Read from the (patient, day, routine) index alone."""
    water = Completion.routine == Routine.WATER.value
    return session.exec(
        select(
            Completion.patient_id,
            Completion.day,
            func.sum(case(ROUTINE_BITS, value=Completion.routine, else_=0)),
            func.sum(case((water, 1), else_=0)),
        )
        .where(
            Completion.patient_id.in_(patient_ids),
            Completion.day >= first,
            Completion.day <= last,
        )
        .group_by(Completion.patient_id, Completion.day)
    ).all()


def caseload(
    session: Session,
    *,
    actor: User,
    now: datetime,
    query: CaseloadQuery = CaseloadQuery(),
    red_flags: RedFlagSource = unreviewed_red_flags,
) -> Caseload:
    """Every patient ``actor`` cares for, with the dashboard's figures; records the view.

    Adherence is judged through yesterday (today's evening may still be under way);
    nights count up to the last night whose morning has come.
    """
    visible = access.visible_patient_ids(actor)
    last_done = (
        select(func.max(Completion.day)).where(Completion.patient_id == User.id)
    ).scalar_subquery()
    last_cramp = (
        select(func.max(CrampEvent.occurred_at)).where(CrampEvent.patient_id == User.id)
    ).scalar_subquery()
    last_answer = (
        select(func.max(MorningCheckIn.night_of)).where(MorningCheckIn.patient_id == User.id)
    ).scalar_subquery()
    people = session.exec(
        select(
            User.id,
            User.name,
            PatientProfile,
            CareCourse.next_visit,
            last_done,
            last_cramp,
            last_answer,
        )
        .join(PatientProfile, PatientProfile.user_id == User.id)
        .outerjoin(CareCourse, CareCourse.patient_id == User.id)
        .where(User.id.in_(visible))
    ).all()
    total = len(people)
    needle = query.search.strip().casefold()
    if needle:
        people = [p for p in people if needle in p[1].casefold()]
    versions: dict[int, list[rules.PlanVersion]] = defaultdict(list)
    for patient_id, routine, since, enabled, cadence, weekdays, per_week, glasses in session.exec(
        select(
            PlanItem.patient_id,
            PlanItem.routine,
            PlanItem.effective_from,
            PlanItem.enabled,
            PlanItem.cadence,
            PlanItem.weekdays,
            PlanItem.per_week_min,
            PlanItem.glasses,
        ).where(PlanItem.patient_id.in_(visible), PlanItem.routine.in_(TRACKED))
    ):
        versions[patient_id].append(
            rules.PlanVersion(
                routine=routine,
                effective_from=since,
                counted=enabled,  # only tracked routines were read
                cadence=Cadence(cadence),
                weekdays=weekdays_of(weekdays),
                per_week_min=per_week,
                glasses=glasses,
            )
        )

    utc_today = now.date()
    first = utc_today - timedelta(days=32)
    totals: dict[int, dict[date, rules.DayDone]] = defaultdict(dict)
    for patient_id, day, mask, glasses in _day_totals(
        session, visible, first, utc_today + timedelta(days=1)
    ):
        totals[patient_id][day] = (mask or 0, glasses or 0)
    cramps: dict[int, list[tuple[datetime, str]]] = defaultdict(list)
    for patient_id, occurred_at, zone in session.exec(
        select(CrampEvent.patient_id, CrampEvent.occurred_at, CrampEvent.zone).where(
            CrampEvent.patient_id.in_(visible),
            CrampEvent.occurred_at >= now - timedelta(days=14) - NIGHT_PADDING,
        )
    ):
        cramps[patient_id].append((occurred_at, zone))
    answers: dict[int, dict[date, bool]] = defaultdict(dict)
    for patient_id, evening, had_cramps in session.exec(
        select(MorningCheckIn.patient_id, MorningCheckIn.night_of, MorningCheckIn.had_cramps)
        .where(MorningCheckIn.patient_id.in_(visible))
        .where(MorningCheckIn.night_of >= utc_today - timedelta(days=17))
    ):
        answers[patient_id][evening] = had_cramps
    flags = red_flags(session, actor=actor, now=now)

    nights = rules.NightIndex(utc_today - timedelta(days=18), utc_today + timedelta(days=1))
    # Dates depend only on the patient's rhythm and zone: most patients share a few.
    calendars: dict[tuple, _Calendar] = {}
    rows = []
    for patient_id, name, profile, next_visit, done_day, cramp_at, answer_night in people:
        key = (profile.bedtime, profile.wake_time, profile.time_zone)
        cal = calendars.get(key)
        if cal is None:
            cal = calendars[key] = _Calendar.of(rhythm_of(profile), now, nights)
        rhythm, today = cal.rhythm, cal.today
        plan = versions.get(patient_id, [])
        a7, a30 = rules.window_adherence(
            plan, totals.get(patient_id, {}), windows=cal.windows, bits=ROUTINE_BITS
        )
        states: dict[date, bool] = dict(answers.get(patient_id, {}))
        for occurred_at, zone in cramps.get(patient_id, []):
            evening = nights.night(occurred_at, rhythm, ZoneInfo(zone))
            if evening is not None:
                states[evening] = True
        cramp_7 = sum(1 for n in cal.recent if states.get(n))
        cramp_before = sum(1 for n in cal.before if states.get(n))
        activity = [
            d
            for d in (done_day, answer_night and answer_night + timedelta(days=1))
            if d is not None
        ]
        if cramp_at is not None:
            activity.append(cramp_at.astimezone(rhythm.zone).date())
        last_activity = min(max(activity), today) if activity else None
        joined = min((v.effective_from for v in plan), default=today)
        patient_flags = tuple(flags.get(patient_id, ()))
        # Nights without a record, counted back from the last one, since joining.
        silent = next(
            (i for i, n in enumerate(cal.recent) if n < joined or n in states), len(cal.recent)
        )
        rows.append(
            CaseloadRow(
                patient_id=patient_id,
                name=name,
                last_activity=last_activity,
                days_silent=(today - (last_activity or joined)).days,
                silent_nights=silent,
                adherence_7=_percent(a7),
                adherence_30=_percent(a30),
                cramp_nights_7=cramp_7,
                cramp_nights_before=cramp_before,
                trend=rules.trend(cramp_7, cramp_before),
                unrecorded_7=sum(1 for n in cal.recent if n >= joined and n not in states),
                next_visit=next_visit,
                red_flags=patient_flags,
                attention=rules.attention_reasons(
                    red_flags=len(patient_flags),
                    adherence_7=a7,
                    adherence_30=a30,
                    silent_nights=silent,
                ),
            )
        )
    reasons: dict[rules.Attention, int] = defaultdict(int)
    for row in rows:
        for reason in row.attention:
            reasons[reason] += 1
    needing = sum(1 for row in rows if row.attention)
    if query.attention_only:
        rows = [row for row in rows if row.attention]
    rows = sort_rows(rows, query.sort, descending=query.descending)
    audit.record_now(
        session,
        actor=actor,
        action=AuditAction.VIEW_CASELOAD,
        now=now,
        detail=f"{len(rows)} patients",
    )
    return Caseload(
        rows=rows, total=total, query=query, needing_attention=needing, reasons=dict(reasons)
    )


_TREND_ORDER = {rules.Trend.FEWER: 0, rules.Trend.SAME: 1, rules.Trend.MORE: 2}


def _key(sort: SortKey):
    # Missing values sort last whichever way the column is sorted.
    getters = {
        SortKey.NAME: lambda r: r.name,
        SortKey.LAST_ACTIVITY: lambda r: r.last_activity,
        SortKey.ADHERENCE_7: lambda r: r.adherence_7,
        SortKey.ADHERENCE_30: lambda r: r.adherence_30,
        SortKey.CRAMP_NIGHTS: lambda r: r.cramp_nights_7,
        SortKey.TREND: lambda r: _TREND_ORDER[r.trend],
        SortKey.UNRECORDED: lambda r: r.unrecorded_7,
        SortKey.NEXT_VISIT: lambda r: r.next_visit,
        SortKey.RED_FLAGS: lambda r: len(r.red_flags),
    }
    return getters[sort]


def sort_rows(rows: list[CaseloadRow], sort: SortKey, *, descending: bool) -> list[CaseloadRow]:
    """Sort by one column, missing values last, ties by name."""
    get = _key(sort)
    rows = sorted(rows, key=lambda r: r.name)
    present = [r for r in rows if get(r) is not None]
    missing = [r for r in rows if get(r) is None]
    return sorted(present, key=get, reverse=descending) + missing
