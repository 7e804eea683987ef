"""The diary read back: a month of nights, one night in detail, a year at a glance,
and the newest-first list of entries. Queries only; nothing here writes.

Each takes the acting user and the patient whose diary it is; the access rule
(app.services.access) decides, so a practitioner's pages call the same functions.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from app.domain import checkins as checkin_rules
from app.domain.cramps import LoggedCramp
from app.domain.insights import NightRate, rate_of
from app.domain.nights import Diary, Night, build_diary, last_night, night_of_cramp
from app.domain.rhythm import local_datetime
from app.i18n import Message
from app.models import CrampEvent, MorningCheckIn, User
from app.services import access, routines
from app.services import cramps as cramp_service
from app.services.checkins import as_answer, checkin_for, checkins_between
from app.services.cramps import Cursor, logged
from app.services.profiles import rhythm_of
from app.services.routines import EveningSummary

MONTHS_BACK = 24  # how far the calendar pages back
# Stored cramps may carry another zone than today's; pad the UTC range generously.
QUERY_PADDING = timedelta(days=2)


def load_diary(session: Session, *, actor: User, patient_id: int, first: date, last: date) -> Diary:
    """Nights first..last and daytime cramps on those dates, from the database."""
    profile = access.profile_for(session, actor=actor, patient_id=patient_id)
    zone = ZoneInfo(profile.time_zone)
    start = local_datetime(first, time(0, 0), zone) - QUERY_PADDING
    end = local_datetime(last + timedelta(days=1), time(0, 0), zone) + QUERY_PADDING
    rows = cramp_service.cramps_between(
        session, actor=actor, patient_id=patient_id, start=start, end=end
    )
    answers = checkins_between(session, actor=actor, patient_id=patient_id, first=first, last=last)
    return build_diary(
        first=first,
        last=last,
        cramps=[logged(r) for r in rows],
        answers=[as_answer(a) for a in answers],
        rhythm=rhythm_of(profile),
    )


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


@dataclass(frozen=True)
class Entry:
    """A cramp as a list shows it: when (in its own zone), which night, what."""

    cramp: CrampEvent
    night_of: date | None  # None: a daytime cramp

    @property
    def local_time(self) -> datetime:
        return self.cramp.occurred_at.astimezone(ZoneInfo(self.cramp.zone))

    @property
    def parts(self) -> list[Message]:
        return cramp_service.describe(self.cramp)


@dataclass(frozen=True)
class DayCell:
    """One date of the calendar: the night that starts that evening, and the day's
    daytime cramps. ``upcoming`` nights have not ended and have nothing recorded yet."""

    day: date
    night: Night
    daytime: tuple[LoggedCramp, ...]
    upcoming: bool
    is_today: bool


@dataclass(frozen=True)
class MonthView:
    month: date
    weeks: list[list[DayCell | None]]
    totals: NightRate
    daytime_days: int
    previous: date | None
    next: date | None


def month_view(
    session: Session, *, actor: User, patient_id: int, month: date, now: datetime
) -> MonthView:
    """The calendar of ``month``: every night cramp-free, with cramps, no record, or
    still to come; daytime cramps marked on their dates. Totals count only nights
    that have ended."""
    rhythm = rhythm_of(access.profile_for(session, actor=actor, patient_id=patient_id))
    today = now.astimezone(rhythm.zone).date()
    latest = first_of_month(today)
    month = min(max(first_of_month(month), add_months(latest, -MONTHS_BACK)), latest)
    last_ended = last_night(now, rhythm)
    diary = load_diary(
        session, actor=actor, patient_id=patient_id, first=month, last=month_end(month)
    )
    weeks: list[list[DayCell | None]] = []
    for week in calendar.Calendar(firstweekday=calendar.SUNDAY).monthdatescalendar(
        month.year, month.month
    ):
        row: list[DayCell | None] = []
        for day in week:
            if day.month != month.month:
                row.append(None)
                continue
            night = diary.night(day)
            row.append(
                DayCell(
                    day=day,
                    night=night,
                    daytime=diary.daytime.get(day, ()),
                    upcoming=day > last_ended and not night.is_recorded,
                    is_today=day == today,
                )
            )
        weeks.append(row)
    ended_last = min(month_end(month), last_ended)
    ended = diary.nights_in(month, ended_last)
    return MonthView(
        month=month,
        weeks=weeks,
        totals=rate_of(ended, month, ended_last),
        daytime_days=sum(1 for d in diary.daytime if d <= today),
        previous=add_months(month, -1) if month > add_months(latest, -MONTHS_BACK) else None,
        next=add_months(month, 1) if month < latest else None,
    )


@dataclass(frozen=True)
class NightDetail:
    evening: date
    night: Night
    cramps: list[Entry]
    daytime: list[Entry]
    checkin: MorningCheckIn | None
    can_answer: bool
    upcoming: bool
    routines: EveningSummary  # that evening's routines, from the care plan


def night_detail(
    session: Session,
    *,
    actor: User,
    patient_id: int,
    evening: date,
    now: datetime,
) -> NightDetail:
    """The night of ``evening`` (its cramps and check-in) and the daytime cramps of that
    date, with the routines of that evening when the plan can tell them."""
    profile = access.profile_for(session, actor=actor, patient_id=patient_id)
    rhythm = rhythm_of(profile)
    diary = load_diary(session, actor=actor, patient_id=patient_id, first=evening, last=evening)
    night = diary.night(evening)
    night_ids = {c.id for c in night.cramps}
    day_ids = {c.id for c in diary.daytime.get(evening, ())}
    zone = ZoneInfo(profile.time_zone)
    rows = cramp_service.cramps_between(
        session,
        actor=actor,
        patient_id=patient_id,
        start=local_datetime(evening, time(0, 0), zone) - QUERY_PADDING,
        end=local_datetime(evening + timedelta(days=1), time(0, 0), zone) + QUERY_PADDING,
    )
    return NightDetail(
        evening=evening,
        night=night,
        cramps=[Entry(r, evening) for r in rows if r.id in night_ids],
        daytime=[Entry(r, None) for r in rows if r.id in day_ids],
        checkin=checkin_for(session, actor=actor, patient_id=patient_id, evening=evening),
        can_answer=checkin_rules.can_answer(rhythm, evening, now),
        upcoming=evening > last_night(now, rhythm) and not night.is_recorded,
        routines=routines.evening_summary(
            session, actor=actor, patient_id=patient_id, evening=evening
        ),
    )


@dataclass(frozen=True)
class MonthSummary:
    month: date
    rate: NightRate
    daytime_days: int
    cramps: int  # logged entries, night and day

    @property
    def ended_nights(self) -> int:
        return self.rate.recorded_nights + self.rate.unrecorded_nights


def year_overview(
    session: Session, *, actor: User, patient_id: int, now: datetime
) -> list[MonthSummary]:
    """The last twelve months, oldest first, counting only nights that have ended."""
    rhythm = rhythm_of(access.profile_for(session, actor=actor, patient_id=patient_id))
    last_ended = last_night(now, rhythm)
    today = now.astimezone(rhythm.zone).date()
    latest = first_of_month(today)
    first = add_months(latest, -11)
    diary = load_diary(session, actor=actor, patient_id=patient_id, first=first, last=today)
    summaries = []
    for offset in range(12):
        month = add_months(first, offset)
        end = min(month_end(month), last_ended)
        nights = diary.nights_in(month, end)
        days = [d for d in diary.daytime if month <= d <= month_end(month)]
        day_cramps = sum(len(diary.daytime[d]) for d in days)
        summaries.append(
            MonthSummary(
                month=month,
                rate=rate_of(nights, month, end),
                daytime_days=len(days),
                cramps=sum(len(n.cramps) for n in nights) + day_cramps,
            )
        )
    return summaries


@dataclass(frozen=True)
class EntryPage:
    entries: list[Entry]
    next_cursor: str | None


def entry_page(session: Session, *, actor: User, patient_id: int, cursor: str | None) -> EntryPage:
    """One page of cramp entries, newest first, each with the night it belongs to."""
    rows, following = cramp_service.newest_cramps(
        session, actor=actor, patient_id=patient_id, before=Cursor.decode(cursor)
    )
    rhythm = rhythm_of(access.profile_for(session, actor=actor, patient_id=patient_id))
    return EntryPage(
        entries=[Entry(r, night_of_cramp(logged(r), rhythm)) for r in rows],
        next_cursor=following.encode() if following else None,
    )
