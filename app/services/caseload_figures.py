"""The caseload dashboard's figures worked out from the diary, for many patients at once
in a fixed handful of queries however many there are.

The database does the heavy counting (completions summed per patient day, last
activity by index look-ups); Python adds the plan's versions and the nights, both
small. Nothing is replayed from a patient's whole history. app.services.caseload
stores what this answers (app.models.caseload) and asks again only for patients whose
stored figures no longer hold.

Used by app.services.caseload; like every list, it answers only for the patients the
acting user may see.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from app.domain import caseload as rules
from app.domain.catalogue import CATALOGUE, Routine
from app.domain.rhythm import Rhythm
from app.domain.schedule import Cadence
from app.models import Completion, CrampEvent, MorningCheckIn, PatientProfile, PlanItem, User
from app.services import red_flags as red_flag_service
from app.services.plan import rhythm_of

TRACKED = [key.value for key, spec in CATALOGUE.items() if spec.tracked]
# One bit per routine but water (counted in glasses): at most one completion of each
# per day, so their sum over a day's completions is the set of routines done.
ROUTINE_BITS = {
    key.value: 1 << index for index, key in enumerate(CATALOGUE) if key is not Routine.WATER
}
# Cramps are stored as instants; a night can start up to two dates before its cramp.
NIGHT_PADDING = timedelta(days=3)


@lru_cache(maxsize=128)
def weekdays_of(bits: int) -> frozenset[int]:
    return frozenset(d for d in range(1, 8) if bits & (1 << (d - 1)))


@dataclass(frozen=True)
class Figures:
    """One patient's dashboard figures, and until when they hold with no new entry."""

    last_activity: date | None
    days_silent: int
    silent_nights: int  # the latest nights in a row without a record
    adherence_7: int | None
    adherence_30: int | None
    cramp_nights_7: int
    cramp_nights_before: int
    unrecorded_7: int
    red_flags: tuple[str, ...]  # titles of the flags awaiting a practitioner's review
    attention: tuple[rules.Attention, ...]
    valid_until: datetime


@dataclass(frozen=True)
class _Calendar:
    """The dates a row needs, for one rhythm: today, the adherence windows through
    yesterday, and the last 7 ended nights and the 7 before them."""

    rhythm: Rhythm
    today: date
    windows: tuple[tuple[date, date], ...]
    recent: tuple[date, ...]
    before: tuple[date, ...]
    steady_until: datetime

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
            steady_until=rules.steady_until(now, rhythm),
        )


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
            col(Completion.patient_id).in_(patient_ids),
            Completion.day >= first,
            Completion.day <= last,
        )
        .group_by(Completion.patient_id, Completion.day)
    ).all()


def _plans(session: Session, patient_ids) -> dict[int, list[rules.PlanVersion]]:
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
        ).where(col(PlanItem.patient_id).in_(patient_ids), col(PlanItem.routine).in_(TRACKED))
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
    return versions


def _last_entries(session: Session, patient_ids):
    """Each patient's latest day done, cramp and answered night, by index look-ups."""
    last_done = (
        select(func.max(Completion.day)).where(Completion.patient_id == User.id)
    ).scalar_subquery()
    last_cramp = (
        select(func.max(CrampEvent.occurred_at)).where(CrampEvent.patient_id == User.id)
    ).scalar_subquery()
    last_answer = (
        select(func.max(MorningCheckIn.night_of)).where(MorningCheckIn.patient_id == User.id)
    ).scalar_subquery()
    rows = session.exec(
        select(User.id, last_done, last_cramp, last_answer).where(col(User.id).in_(patient_ids))
    )
    # The cramp's instant comes back as stored: aware UTC through UTCDateTime.
    return {patient_id: rest for patient_id, *rest in rows}


def figures_for(
    session: Session,
    *,
    actor: User,
    profiles: Mapping[int, PatientProfile],
    now: datetime,
) -> dict[int, Figures]:
    """The figures of each patient of ``profiles`` whom ``actor`` may see (the others
    are left out), keyed by patient id, in a dozen queries however many there are.

    Adherence is judged through yesterday (today's evening may still be under way);
    nights count up to the last night whose morning has come.
    """
    if not profiles:
        return {}
    # The red-flags service answers only for patients the actor may see: so does this.
    flags = red_flag_service.flags_for_patients(
        session, actor=actor, now=now, patient_ids=sorted(profiles)
    )
    ids: Collection[int] = sorted(flags)
    if not ids:
        return {}
    versions = _plans(session, ids)
    utc_today = now.date()
    totals: dict[int, dict[date, rules.DayDone]] = defaultdict(dict)
    for patient_id, day, mask, glasses in _day_totals(
        session, ids, utc_today - timedelta(days=32), utc_today + timedelta(days=1)
    ):
        totals[patient_id][day] = (mask or 0, glasses or 0)
    cramps: dict[int, list[tuple[datetime, str]]] = defaultdict(list)
    for patient_id, occurred_at, zone in session.exec(
        select(CrampEvent.patient_id, CrampEvent.occurred_at, CrampEvent.zone).where(
            col(CrampEvent.patient_id).in_(ids),
            CrampEvent.occurred_at >= now - timedelta(days=14) - NIGHT_PADDING,
        )
    ):
        cramps[patient_id].append((occurred_at, zone))
    answers: dict[int, dict[date, bool]] = defaultdict(dict)
    for patient_id, evening, had_cramps in session.exec(
        select(MorningCheckIn.patient_id, MorningCheckIn.night_of, MorningCheckIn.had_cramps)
        .where(col(MorningCheckIn.patient_id).in_(ids))
        .where(MorningCheckIn.night_of >= utc_today - timedelta(days=17))
    ):
        answers[patient_id][evening] = had_cramps
    latest = _last_entries(session, ids)

    nights = rules.NightIndex(utc_today - timedelta(days=18), utc_today + timedelta(days=1))
    # Dates depend only on the patient's rhythm and zone: most patients share a few.
    calendars: dict[tuple, _Calendar] = {}
    found = {}
    for patient_id in ids:
        profile = profiles[patient_id]
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
        done_day, cramp_at, answer_night = latest.get(patient_id, (None, None, None))
        activity = [
            d
            for d in (done_day, answer_night and answer_night + timedelta(days=1))
            if d is not None
        ]
        if cramp_at is not None:
            activity.append(cramp_at.astimezone(rhythm.zone).date())
        last_activity = min(max(activity), today) if activity else None
        joined = min((v.effective_from for v in plan), default=today)
        patient_flags = flags.get(patient_id)
        titles = (
            tuple(status.flag.title for status in patient_flags.unreviewed) if patient_flags else ()
        )
        valid_until = cal.steady_until
        if patient_flags is not None and patient_flags.steady_until is not None:
            valid_until = min(valid_until, patient_flags.steady_until)
        # Nights without a record, counted back from the last one, since joining.
        silent = next(
            (i for i, n in enumerate(cal.recent) if n < joined or n in states), len(cal.recent)
        )
        found[patient_id] = Figures(
            last_activity=last_activity,
            days_silent=(today - (last_activity or joined)).days,
            silent_nights=silent,
            adherence_7=_percent(a7),
            adherence_30=_percent(a30),
            cramp_nights_7=cramp_7,
            cramp_nights_before=sum(1 for n in cal.before if states.get(n)),
            unrecorded_7=sum(1 for n in cal.recent if n >= joined and n not in states),
            red_flags=titles,
            attention=rules.attention_reasons(
                red_flags=len(titles), adherence_7=a7, adherence_30=a30, silent_nights=silent
            ),
            valid_until=valid_until,
        )
    return found
