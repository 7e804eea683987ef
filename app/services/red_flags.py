"""Red flags for one patient or a whole list, with what people did about them.

Flags are computed each time from the diary and the intake (app.domain.red_flags
holds the rules and thresholds); practitioner reviews and the patient's "I have
seen a doctor" are stored beside them. Both entry points go through the access
rule: :func:`flags_for` for one patient (patient page, the patient's own guidance)
and :func:`flags_for_patients` for a dashboard, in a fixed number of queries however
many patients there are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, col, select

from app.domain import red_flags as rules
from app.domain.red_flags import FlagId, PatientRecord, RedFlag
from app.models import (
    CrampEvent,
    DoctorVisit,
    FlagReview,
    Intake,
    MorningCheckIn,
    PatientProfile,
    User,
)
from app.services import access
from app.services.checkins import as_answer
from app.services.cramps import logged
from app.services.intake import answers_of
from app.services.profiles import rhythm_of

# Enough history for every rule's window, plus two days for time zones.
LOOKBACK = timedelta(
    days=max(rules.RECENT_DAYS, rules.FREQUENT_WINDOW_DAYS, rules.DISTURBANCE_WINDOW_DAYS) + 2
)


@dataclass(frozen=True)
class FlagStatus:
    flag: RedFlag
    # The latest practitioner review of this flag, if any.
    review: FlagReview | None = None

    @property
    def needs_review(self) -> bool:
        return rules.needs_review(self.flag, self.review.evidence if self.review else None)


@dataclass(frozen=True)
class PatientFlags:
    patient_id: int
    flags: list[FlagStatus] = field(default_factory=list)

    @property
    def unreviewed(self) -> list[FlagStatus]:
        return [f for f in self.flags if f.needs_review]

    def get(self, flag_id: FlagId | str) -> FlagStatus | None:
        return next((f for f in self.flags if f.flag.id == flag_id), None)


def _compute(
    patient_ids: Iterable[int],
    *,
    profiles: dict[int, PatientProfile],
    cramps: dict[int, list[CrampEvent]],
    checkins: dict[int, list[MorningCheckIn]],
    intakes: dict[int, Intake],
    reviews: dict[tuple[int, str], FlagReview],
    now: datetime,
) -> dict[int, PatientFlags]:
    result: dict[int, PatientFlags] = {}
    for pid in patient_ids:
        if pid not in profiles:
            continue
        record = PatientRecord(
            cramps=[logged(c) for c in cramps.get(pid, [])],
            checkins=[as_answer(a) for a in checkins.get(pid, [])],
            intake=answers_of(intakes[pid]) if pid in intakes else None,
            rhythm=rhythm_of(profiles[pid]),
        )
        flags = rules.red_flags(record, now=now)
        result[pid] = PatientFlags(
            pid, [FlagStatus(f, reviews.get((pid, f.id.value))) for f in flags]
        )
    return result


def _load(session: Session, ids_query, *, now: datetime) -> dict[int, PatientFlags]:
    """Five queries: profiles, cramps, check-ins, intakes, reviews, for every patient
    whose id ``ids_query`` (a subquery) selects."""
    since = now - LOOKBACK
    profiles = {
        p.user_id: p
        for p in session.exec(
            select(PatientProfile).where(col(PatientProfile.user_id).in_(ids_query))
        )
    }
    cramps: dict[int, list[CrampEvent]] = defaultdict(list)
    for c in session.exec(
        select(CrampEvent).where(
            col(CrampEvent.patient_id).in_(ids_query),
            CrampEvent.occurred_at >= since.astimezone(UTC),
        )
    ):
        cramps[c.patient_id].append(c)
    checkins: dict[int, list[MorningCheckIn]] = defaultdict(list)
    for a in session.exec(
        select(MorningCheckIn).where(
            col(MorningCheckIn.patient_id).in_(ids_query),
            MorningCheckIn.night_of >= since.date(),
        )
    ):
        checkins[a.patient_id].append(a)
    intakes = {
        i.patient_id: i
        for i in session.exec(select(Intake).where(col(Intake.patient_id).in_(ids_query)))
    }
    reviews: dict[tuple[int, str], FlagReview] = {}
    for r in session.exec(
        select(FlagReview)
        .where(col(FlagReview.patient_id).in_(ids_query))
        .order_by(col(FlagReview.reviewed_at), col(FlagReview.id))
    ):
        reviews[(r.patient_id, r.flag)] = r  # later rows win: the latest review
    return _compute(
        profiles.keys(),
        profiles=profiles,
        cramps=cramps,
        checkins=checkins,
        intakes=intakes,
        reviews=reviews,
        now=now,
    )


def flags_for(session: Session, *, actor: User, patient_id: int, now: datetime) -> PatientFlags:
    """The flags that hold for one patient now, each with its latest review. The patient
    themselves and their practitioners may ask; anyone else gets NotFound."""
    patient = access.patient_for(session, actor=actor, patient_id=patient_id)
    found = _load(session, select(User.id).where(User.id == patient.id), now=now)
    return found.get(patient.id, PatientFlags(patient.id))


def flags_for_patients(
    session: Session, *, actor: User, now: datetime, patient_ids: Iterable[int] | None = None
) -> dict[int, PatientFlags]:
    """Flags for every patient the actor may see for care (or those of ``patient_ids``
    among them), keyed by patient id, in five queries whatever the number of patients.
    Patients without a flag map to an empty PatientFlags; ids the actor may not see
    are simply absent."""
    visible = access.visible_patient_ids(actor)
    if patient_ids is not None:
        visible = visible.where(col(User.id).in_(list(patient_ids)))
    return _load(session, visible, now=now)


def latest_visit(session: Session, *, patient_id: int) -> DoctorVisit | None:
    return session.exec(
        select(DoctorVisit)
        .where(DoctorVisit.patient_id == patient_id)
        .order_by(col(DoctorVisit.said_at).desc(), col(DoctorVisit.id).desc())
        .limit(1)
    ).first()
