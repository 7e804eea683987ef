"""One patient's page for their practitioner: a summary, twelve weeks of charts,
the calendar and the notes. Every call checks access and leaves an audit row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from app.domain.adherence import adherence
from app.domain.catalogue import spec_of
from app.domain.insights import NightRate, rate_of
from app.domain.nights import Diary, last_night
from app.domain.schedule import first_day, week_of
from app.models import (
    AuditAction,
    CareCourse,
    Completion,
    CrampEvent,
    MorningCheckIn,
    PatientProfile,
    PracticeNote,
    User,
)
from app.services import access, accounts, audit, course, notes, plan, timeline
from app.services.habits import done_counts
from app.services.profiles import rhythm_of

WEEKS = 12


@dataclass(frozen=True)
class Week:
    start: date
    end: date
    rate: NightRate
    worst: int | None

    @property
    def cramp_nights(self) -> int | None:
        """Cramp nights that week; None when no night of it was recorded."""
        return self.rate.cramp_nights if self.rate.recorded_nights else None

    # routine -> percent done (None: nothing scheduled that week)
    adherence: dict[str, int | None]
    overall: int | None


@dataclass(frozen=True)
class Casefile:
    patient: User
    profile: PatientProfile
    joined: date
    last_activity: datetime | None
    course: CareCourse | None
    weeks: list[Week]
    routines: list[str]  # routines with something scheduled in the twelve weeks
    recent: NightRate  # the last 7 ended nights
    notes: list[PracticeNote]
    month: timeline.MonthView


def _last_activity(session: Session, *, patient_id: int) -> datetime | None:
    """When the patient last recorded anything: a cramp, a check-in or a routine."""
    moments = [
        session.exec(
            select(func.max(CrampEvent.created_at)).where(CrampEvent.patient_id == patient_id)
        ).one(),
        session.exec(
            select(func.max(MorningCheckIn.answered_at)).where(
                MorningCheckIn.patient_id == patient_id
            )
        ).one(),
        session.exec(
            select(func.max(Completion.recorded_at)).where(Completion.patient_id == patient_id)
        ).one(),
    ]
    present = [m for m in moments if m is not None]
    return max(present) if present else None


def _local(moment: datetime | None, zone) -> datetime | None:
    return moment.astimezone(zone) if moment else None


def _percent(ratio: float | None) -> int | None:
    return None if ratio is None else round(ratio * 100)


def weekly_story(
    diary: Diary, versions, done, *, first_week: date, weeks: int, through: date, joined: date
) -> list[Week]:
    """Per Monday–Sunday week: cramp nights among recorded nights, the worst severity,
    and adherence per routine judged against the plan version of each day."""
    result = []
    for index in range(weeks):
        start = first_week + timedelta(weeks=index)
        end = start + timedelta(days=6)
        first, last = max(start, joined), min(end, through)
        nights = diary.nights_in(first, last) if last >= first else []
        severities = [n.worst_severity for n in nights if n.worst_severity is not None]
        judged = adherence(versions, done, start=start, end=end, through=through)
        result.append(
            Week(
                start=start,
                end=end,
                rate=rate_of(nights, first, last),
                worst=max(severities) if severities else None,
                adherence={r: _percent(t.ratio) for r, t in judged.by_routine.items()},
                overall=_percent(judged.ratio),
            )
        )
    return result


def casefile(
    session: Session, *, actor: User, patient_id: int, month: date | None, now: datetime
) -> Casefile:
    """Everything on one patient's page, as of ``now``; records the view."""
    patient = access.patient_for(session, actor=actor, patient_id=patient_id)
    profile = accounts.profile_of(session, patient=patient)
    rhythm = rhythm_of(profile)
    last_ended = last_night(now, rhythm)
    today = now.astimezone(rhythm.zone).date()
    first_week = week_of(last_ended)[0] - timedelta(weeks=WEEKS - 1)
    diary = timeline.load_diary(
        session, actor=actor, patient_id=patient.id, first=first_week, last=last_ended
    )
    versions = plan.plan_versions(session, patient_id=patient.id)
    done = done_counts(session, patient_id=patient.id, start=first_week, end=today)
    joined = first_day(versions) or today
    weeks = weekly_story(
        diary,
        versions,
        done,
        first_week=first_week,
        weeks=WEEKS,
        through=today - timedelta(1),
        joined=joined,
    )
    routines = sorted(
        {r for w in weeks for r, v in w.adherence.items() if v is not None},
        key=lambda r: spec_of(r).order,
    )
    recent_first = max(last_ended - timedelta(days=6), joined)
    audit.record_now(
        session, actor=actor, action=AuditAction.VIEW_PATIENT, now=now, patient_id=patient.id
    )
    return Casefile(
        patient=patient,
        profile=profile,
        joined=joined,
        last_activity=_local(_last_activity(session, patient_id=patient.id), rhythm.zone),
        course=course.course_of(session, actor=actor, patient_id=patient.id),
        weeks=weeks,
        routines=routines,
        recent=rate_of(diary.nights_in(recent_first, last_ended), recent_first, last_ended),
        notes=notes.notes_of(session, actor=actor, patient_id=patient.id),
        month=timeline.month_view(
            session, actor=actor, patient_id=patient.id, month=month or today, now=now
        ),
    )
