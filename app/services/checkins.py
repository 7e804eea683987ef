"""Morning check-ins: recording "How was last night?" and finding the one to ask."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.domain import checkins as rules
from app.domain.checkins import AnswerFields, MorningAnswer
from app.domain.cramps import FUTURE_TOLERANCE
from app.domain.nights import night_of_cramp, sleep_window_utc
from app.i18n import N_, Message
from app.models import MorningCheckIn, PatientProfile
from app.services.cramps import (
    DuplicateClientId,
    cramps_between,
    fingerprint,
    logged,
    rhythm_of,
)
from app.services.errors import InvalidInput

CLOSED = N_(
    "That night can no longer be answered: a check-in is open from early morning "
    "until the end of that day."
)


def as_answer(row: MorningCheckIn) -> MorningAnswer:
    return MorningAnswer(
        row.night_of, row.had_cramps, row.cramp_count, row.worst_severity, row.sleep_disturbance
    )


def checkin_fingerprint(evening: date, fields: AnswerFields) -> str:
    return fingerprint(
        {
            "night_of": evening.isoformat(),
            "had_cramps": fields.had_cramps,
            "cramp_count": fields.cramp_count,
            "worst_severity": fields.worst_severity,
            "sleep_disturbance": fields.sleep_disturbance,
        }
    )


def checkin_for(session: Session, *, patient_id: int, evening: date) -> MorningCheckIn | None:
    return session.exec(
        select(MorningCheckIn).where(
            MorningCheckIn.patient_id == patient_id, MorningCheckIn.night_of == evening
        )
    ).first()


def checkins_between(
    session: Session, *, patient_id: int, first: date, last: date
) -> list[MorningCheckIn]:
    return list(
        session.exec(
            select(MorningCheckIn)
            .where(
                MorningCheckIn.patient_id == patient_id,
                MorningCheckIn.night_of >= first,
                MorningCheckIn.night_of <= last,
            )
            .order_by(col(MorningCheckIn.night_of))
        )
    )


@dataclass(frozen=True)
class Answered:
    checkin: MorningCheckIn
    created: bool


def answer_checkin(
    session: Session,
    *,
    patient_id: int,
    profile: PatientProfile,
    evening: date,
    fields: AnswerFields,
    now: datetime,
    client_id: uuid.UUID | None = None,
    answered_at: datetime | None = None,
) -> Answered:
    """Record or change the answer for the night of ``evening``.

    The answer is accepted while that night's check-in is open at ``answered_at``
    (when the patient tapped; the offline queue may send it later) which may not be
    in the future. One answer per night: a second one changes the first. A client
    UUID already used with a different body raises DuplicateClientId; the same
    UUID and body return the stored answer unchanged.
    """
    print_ = checkin_fingerprint(evening, fields)
    if client_id is not None:
        existing = session.exec(
            select(MorningCheckIn).where(
                MorningCheckIn.patient_id == patient_id, MorningCheckIn.client_id == client_id
            )
        ).first()
        if existing is not None:
            if existing.created_fingerprint != print_:
                raise DuplicateClientId(client_id)
            return Answered(existing, created=False)
    answered_at = (answered_at or now).astimezone(UTC)
    if answered_at > now.astimezone(UTC) + FUTURE_TOLERANCE:
        raise InvalidInput({"answered_at": Message(N_("That time is in the future."))})
    if not rules.can_answer(rhythm_of(profile), evening, answered_at):
        raise InvalidInput({"night_of": Message(CLOSED)})
    row = checkin_for(session, patient_id=patient_id, evening=evening)
    created = row is None
    if row is None:
        row = MorningCheckIn(
            patient_id=patient_id,
            client_id=client_id or uuid.uuid4(),
            night_of=evening,
            zone=profile.time_zone,
            created_fingerprint=print_,
            had_cramps=fields.had_cramps,
            answered_at=answered_at,
        )
    row.had_cramps = fields.had_cramps
    row.cramp_count = fields.cramp_count if fields.had_cramps else None
    row.worst_severity = fields.worst_severity if fields.had_cramps else None
    row.sleep_disturbance = fields.sleep_disturbance
    row.updated_at = now
    session.add(row)
    try:
        session.commit()
    except IntegrityError:
        # Two devices answered the same night at once: the first answer stands.
        session.rollback()
        winner = checkin_for(session, patient_id=patient_id, evening=evening)
        if winner is None:
            raise
        return Answered(winner, created=False)
    session.refresh(row)
    return Answered(row, created=created)


@dataclass(frozen=True)
class CheckinCard:
    """What the home screen's check-in card shows: the night asked about, the answer
    so far (None until answered), and the cramps already logged that night, so the
    patient is not asked to remember what they tapped at 3 a.m."""

    evening: date
    checkin: MorningCheckIn | None
    cramps_logged: int = 0
    worst_logged: int | None = None

    @property
    def answered(self) -> bool:
        return self.checkin is not None


def checkin_card(
    session: Session, *, patient_id: int, profile: PatientProfile, now: datetime
) -> CheckinCard | None:
    """The check-in to show now, answered or not, or None outside check-in hours."""
    rhythm = rhythm_of(profile)
    evening = rules.night_to_ask_about(rhythm, now)
    if evening is None:
        return None
    start, end = sleep_window_utc(rhythm, evening)
    night = [
        c
        for c in cramps_between(session, patient_id=patient_id, start=start, end=end)
        if night_of_cramp(logged(c), rhythm) == evening
    ]
    severities = [c.severity for c in night if c.severity is not None]
    return CheckinCard(
        evening,
        checkin_for(session, patient_id=patient_id, evening=evening),
        cramps_logged=len(night),
        worst_logged=max(severities) if severities else None,
    )
