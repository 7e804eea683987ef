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
from zoneinfo import ZoneInfo

from sqlalchemy import Select, bindparam
from sqlmodel import Session, col, select

from app.domain import red_flags as rules
from app.domain.checkins import MorningAnswer
from app.domain.cramps import LoggedCramp
from app.domain.intake import IntakeAnswers
from app.domain.red_flags import FlagId, PatientRecord, RedFlag
from app.i18n import N_, Message
from app.models import (
    CrampEvent,
    DoctorVisit,
    FlagReview,
    Intake,
    MorningCheckIn,
    PatientProfile,
    User,
)
from app.services import access, consent, memo
from app.services import intake as intake_service
from app.services.cramps import LOGGED_COLUMNS, logged
from app.services.errors import InvalidInput
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
    # What the rules read, for pages that cite it.
    intake: IntakeAnswers | None = None
    zone: ZoneInfo | None = None
    # Until when these flags hold if nothing is recorded (rules.steady_until).
    steady_until: datetime | None = None

    @property
    def unreviewed(self) -> list[FlagStatus]:
        return [f for f in self.flags if f.needs_review]

    def get(self, flag_id: FlagId | str) -> FlagStatus | None:
        return next((f for f in self.flags if f.flag.id == flag_id), None)


def _compute(
    patient_ids: Iterable[int],
    *,
    profiles: dict[int, PatientProfile],
    cramps: dict[int, list[LoggedCramp]],
    checkins: dict[int, list[MorningAnswer]],
    intakes: dict[int, Intake],
    reviews: dict[tuple[int, str], FlagReview],
    now: datetime,
) -> dict[int, PatientFlags]:
    result: dict[int, PatientFlags] = {}
    for pid in patient_ids:
        if pid not in profiles:
            continue
        record = PatientRecord(
            cramps=cramps.get(pid, []),
            checkins=checkins.get(pid, []),
            intake=answers_of(intakes[pid]) if pid in intakes else None,
            rhythm=rhythm_of(profiles[pid]),
        )
        flags = rules.red_flags(record, now=now)
        result[pid] = PatientFlags(
            pid,
            [FlagStatus(f, reviews.get((pid, f.id.value))) for f in flags],
            intake=record.intake,
            zone=record.rhythm.zone,
            steady_until=rules.steady_until(record, now=now),
        )
    return result


@dataclass(frozen=True)
class _Reads:
    """The cramps, check-ins and reviews the rules read, for the patients that
    ``whose(column)`` selects, from the bound parameters of ``_since`` on."""

    cramps: Select
    checkins: Select
    reviews: Select

    @classmethod
    def of(cls, whose) -> _Reads:
        return cls(
            cramps=select(*LOGGED_COLUMNS).where(
                whose(col(CrampEvent.patient_id)),
                CrampEvent.occurred_at >= bindparam("since_at"),
            ),
            # Only the answers' columns: a dashboard reads weeks of check-ins for every
            # patient, and whole rows would cost far more to build than the rules take to
            # read them.
            checkins=select(
                MorningCheckIn.patient_id,
                MorningCheckIn.night_of,
                MorningCheckIn.had_cramps,
                MorningCheckIn.cramp_count,
                MorningCheckIn.worst_severity,
                MorningCheckIn.sleep_disturbance,
            ).where(
                whose(col(MorningCheckIn.patient_id)),
                MorningCheckIn.night_of >= bindparam("since_day"),
            ),
            reviews=select(FlagReview)
            .where(whose(col(FlagReview.patient_id)))
            .order_by(col(FlagReview.reviewed_at), col(FlagReview.id)),
        )


# One patient's reads, built once: the home screen asks on every view, and building the
# statements cost more than running them.
_ONE_PATIENT = _Reads.of(lambda column: column == bindparam("patient_id"))


def recent_cramps(session: Session, *, patient_id: int, now: datetime) -> list[LoggedCramp]:
    """One patient's cramps from ``now - LOOKBACK`` on: what the rules read. Kept for the
    transaction (app.services.memo), so the home screen's morning card counts last
    night's cramps from the same read. Internal: the caller has passed the access rule."""

    def load() -> list[LoggedCramp]:
        params = {**_since(now), "patient_id": patient_id}
        return [logged(row) for row in session.exec(_ONE_PATIENT.cramps, params=params)]

    return list(memo.remembered(session, ("recent_cramps", patient_id, now), load))


def _since(now: datetime) -> dict[str, object]:
    """The bound parameters that start every read at ``now - LOOKBACK``."""
    since = now - LOOKBACK
    return {"since_at": since.astimezone(UTC), "since_day": since.date()}


def _checkins_and_reviews(
    session: Session, reads: _Reads, params: dict[str, object]
) -> tuple[dict[int, list[MorningAnswer]], dict[tuple[int, str], FlagReview]]:
    checkins: dict[int, list[MorningAnswer]] = defaultdict(list)
    for pid, *answer in session.exec(reads.checkins, params=params):
        checkins[pid].append(MorningAnswer(*answer))
    reviews: dict[tuple[int, str], FlagReview] = {}
    for r in session.exec(reads.reviews, params=params):
        reviews[(r.patient_id, r.flag)] = r  # later rows win: the latest review
    return checkins, reviews


def flags_for(session: Session, *, actor: User, patient_id: int, now: datetime) -> PatientFlags:
    """The flags that hold for one patient now, each with its latest review. The patient
    themselves and their practitioners may ask; anyone else gets NotFound."""
    patient = access.patient_for(session, actor=actor, patient_id=patient_id)
    # The page has usually read the profile, the questionnaire and the recent cramps
    # already (memo); the statements are built once (_ONE_PATIENT).
    answered = intake_service.intake_row(session, patient_id=patient.id)
    checkins, reviews = _checkins_and_reviews(
        session, _ONE_PATIENT, {**_since(now), "patient_id": patient.id}
    )
    found = _compute(
        [patient.id],
        profiles={patient.id: access.profile_for(session, actor=actor, patient_id=patient.id)},
        cramps={patient.id: recent_cramps(session, patient_id=patient.id, now=now)},
        checkins=checkins,
        intakes={patient.id: answered} if answered else {},
        reviews=reviews,
        now=now,
    )
    return found.get(patient.id, PatientFlags(patient.id))


def flags_for_patients(
    session: Session, *, actor: User, now: datetime, patient_ids: Iterable[int] | None = None
) -> dict[int, PatientFlags]:
    """Flags for every patient the actor may see for care (or those of ``patient_ids``
    among them), keyed by patient id, in five queries whatever the number of patients
    (profiles, cramps, check-ins, intakes, reviews). Patients without a flag map to an
    empty PatientFlags; ids the actor may not see are simply absent."""
    visible = access.visible_patient_ids(actor)
    if patient_ids is not None:
        visible = visible.where(col(User.id).in_(list(patient_ids)))
    reads = _Reads.of(lambda column: column.in_(visible))
    params = _since(now)
    profiles = {
        p.user_id: p
        for p in session.exec(
            select(PatientProfile).where(col(PatientProfile.user_id).in_(visible))
        )
    }
    cramps: dict[int, list[LoggedCramp]] = defaultdict(list)
    for row in session.exec(reads.cramps, params=params):
        cramps[row.patient_id].append(logged(row))
    intakes = {
        i.patient_id: i
        for i in session.exec(select(Intake).where(col(Intake.patient_id).in_(visible)))
    }
    checkins, reviews = _checkins_and_reviews(session, reads, params)
    return _compute(
        profiles.keys(),
        profiles=profiles,
        cramps=cramps,
        checkins=checkins,
        intakes=intakes,
        reviews=reviews,
        now=now,
    )


_LATEST_VISIT = (
    select(DoctorVisit)
    .where(DoctorVisit.patient_id == bindparam("patient_id"))
    .order_by(col(DoctorVisit.said_at).desc(), col(DoctorVisit.id).desc())
    .limit(1)
)


def _latest_visit(session: Session, *, patient_id: int) -> DoctorVisit | None:
    return session.exec(_LATEST_VISIT, params={"patient_id": patient_id}).first()


# --- the patient's guidance -------------------------------------------------------------


@dataclass(frozen=True)
class Guidance:
    """What the patient's banner and guidance page show."""

    flags: list[RedFlag]
    show_banner: bool
    intake: IntakeAnswers | None
    zone: ZoneInfo
    seen_doctor_at: datetime | None = None

    @property
    def clinics(self) -> list[rules.Clinic]:
        return [c for c in rules.Clinic if any(c in f.clinics for f in self.flags)]

    @property
    def checks(self) -> list[rules.Check]:
        return [c for c in rules.Check if any(c in f.checks for f in self.flags)]


def guidance_for(session: Session, *, actor: User, now: datetime) -> Guidance:
    """The patient's own flags, and whether the home screen shows the banner: it does
    while a flag holds, except for 30 days after "I have seen a doctor" unless a flag
    arises that was not there then (rules.banner_due). Only the patient asks: the
    practitioner's page reads ``flags_for``."""
    patient = access.patient_for(session, actor=actor, patient_id=actor.id)
    found = flags_for(session, actor=actor, patient_id=patient.id, now=now)
    flags = [f.flag for f in found.flags]
    visit = _latest_visit(session, patient_id=patient.id)
    return Guidance(
        flags=flags,
        show_banner=rules.banner_due(
            flags,
            seen_doctor_at=visit.said_at if visit else None,
            seen_flags=visit.flags if visit else (),
            now=now,
        ),
        intake=found.intake,
        zone=found.zone,
        seen_doctor_at=visit.said_at if visit else None,
    )


def seen_doctor(session: Session, *, actor: User, now: datetime) -> DoctorVisit:
    """The patient says they have seen a doctor: the banner rests for 30 days, unless a
    new flag arises. Needs consent (it is a health record)."""
    patient = access.patient_for(session, actor=actor, patient_id=actor.id)
    consent.require_consent(session, patient_id=patient.id)
    found = flags_for(session, actor=actor, patient_id=patient.id, now=now)
    visit = DoctorVisit(
        patient_id=patient.id, flags=[f.flag.id.value for f in found.flags], said_at=now
    )
    session.add(visit)
    session.commit()
    return visit


# --- the practitioner's review ------------------------------------------------------------

NOTE_MAX = 1000


def review_flag(
    session: Session, *, actor: User, patient_id: int, flag_id: str, note: str, now: datetime
) -> FlagReview:
    """A practitioner marks a flag reviewed, with an optional note (at most 1000
    characters). The review records the evidence it saw, so new evidence reopens the
    flag. Only the patient's practitioners may; a flag that does not hold now is
    refused (InvalidInput), as is a patient they do not care for (NotFound)."""
    access.patient_in_care(session, actor=actor, patient_id=patient_id)
    found = flags_for(session, actor=actor, patient_id=patient_id, now=now)
    status = found.get(flag_id) if flag_id in {f.value for f in FlagId} else None
    note = note.strip()
    errors = {}
    if status is None:
        errors["flag"] = N_("This flag no longer holds; reload the page.")
    if len(note) > NOTE_MAX:
        errors["note"] = Message(N_("Use at most %(max)s characters."), max=NOTE_MAX)
    if errors:
        raise InvalidInput(errors)
    review = FlagReview(
        patient_id=patient_id,
        flag=status.flag.id.value,
        evidence=sorted(status.flag.evidence.keys),
        note=note,
        reviewer_id=actor.id,
        reviewed_at=now,
    )
    session.add(review)
    session.commit()
    return review
