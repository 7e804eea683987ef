"""The printable referral summary: a patient's recent weeks on one A4 page for a
doctor (cramp frequency, timing, sides, sites, symptoms, adherence, chosen notes)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import median
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from app.domain.adherence import adherence
from app.domain.catalogue import spec_of
from app.domain.cramps import Foot, Site, Situation, Symptom
from app.domain.insights import NightRate, rate_of
from app.domain.nights import last_night
from app.domain.schedule import first_day
from app.models import AuditAction, PatientProfile, PracticeNote, User
from app.services import access, accounts, audit, plan, timeline
from app.services.cramps import rhythm_of
from app.services.habits import done_counts

PERIODS = (4, 8, 12)  # weeks a summary can cover


@dataclass(frozen=True)
class Summary:
    patient: User
    profile: PatientProfile
    first: date
    last: date
    weeks: int
    rate: NightRate
    cramps: int  # logged cramp entries, night and day
    daytime_days: int
    per_week: float | None  # cramp nights per 7 recorded nights
    timing: list[tuple[str, int]]  # (band key, cramps)
    situations: list[tuple[Situation, int]]
    feet: list[tuple[Foot, int]]
    sites: list[tuple[Site, int]]
    symptoms: list[tuple[Symptom, int]]
    worst: int | None
    median_severity: float | None
    woke: int
    adherence: int | None
    by_routine: list[tuple[str, int]]
    notes: list[PracticeNote]
    printed_at: datetime


def _band(hour: int) -> str:
    if hour >= 18:
        return "evening"
    if hour < 3:
        return "small_hours"
    if hour < 6:
        return "before_dawn"
    return "morning"


def referral_summary(
    session: Session, *, actor: User, patient_id: int, weeks: int, now: datetime
) -> Summary:
    """The last ``weeks`` weeks of ended nights, in the patient's zone; records the print."""
    patient = access.patient_for(session, actor=actor, patient_id=patient_id)
    profile = accounts.profile_of(session, patient=patient)
    weeks = weeks if weeks in PERIODS else PERIODS[0]
    rhythm = rhythm_of(profile)
    last = last_night(now, rhythm)
    versions = plan.plan_versions(session, patient_id=patient.id)
    joined = first_day(versions) or last
    first = max(last - timedelta(days=weeks * 7 - 1), joined)
    diary = timeline.load_diary(session, actor=actor, patient_id=patient.id, first=first, last=last)
    nights = diary.nights_in(first, last)
    rate = rate_of(nights, first, last)
    night_cramps = [c for n in nights for c in n.cramps]
    day_cramps = [c for d, cs in diary.daytime.items() if first <= d <= last for c in cs]
    every = night_cramps + day_cramps
    zone = ZoneInfo(profile.time_zone)
    timing = Counter(_band(c.occurred_at.astimezone(zone).hour) for c in night_cramps)
    severities = [c.details.severity for c in every if c.details.severity is not None]
    done = done_counts(session, patient_id=patient.id, start=first, end=last)
    judged = adherence(versions, done, start=first, end=last)
    notes = session.exec(
        select(PracticeNote)
        .where(PracticeNote.patient_id == patient.id, PracticeNote.for_referral)
        .order_by(PracticeNote.written_at)
    ).all()
    audit.record_now(
        session,
        actor=actor,
        action=AuditAction.PRINT_SUMMARY,
        now=now,
        patient_id=patient.id,
        detail=f"{weeks} weeks",
    )

    def ordered(counter: Counter, kinds) -> list:
        return [(k, counter[k]) for k in kinds if counter[k]]

    return Summary(
        patient=patient,
        profile=profile,
        first=first,
        last=last,
        weeks=weeks,
        rate=rate,
        cramps=len(every),
        daytime_days=len({d for d, cs in diary.daytime.items() if first <= d <= last and cs}),
        per_week=(rate.cramp_nights * 7 / rate.recorded_nights) if rate.recorded_nights else None,
        timing=[
            (b, timing[b])
            for b in ("evening", "small_hours", "before_dawn", "morning")
            if timing[b]
        ],
        situations=ordered(Counter(c.details.situation for c in every), Situation),
        feet=ordered(Counter(c.details.foot for c in every), Foot),
        sites=ordered(Counter(s for c in every for s in c.details.sites), Site),
        symptoms=ordered(Counter(s for c in every for s in c.details.symptoms), Symptom),
        worst=max(severities) if severities else None,
        median_severity=median(severities) if severities else None,
        woke=sum(1 for c in every if c.details.woke_me_up),
        adherence=round(judged.ratio * 100) if judged.ratio is not None else None,
        by_routine=sorted(
            (
                (r, round(t.ratio * 100))
                for r, t in judged.by_routine.items()
                if t.ratio is not None
            ),
            key=lambda item: spec_of(item[0]).order,
        ),
        notes=list(notes),
        printed_at=now.astimezone(zone),
    )
