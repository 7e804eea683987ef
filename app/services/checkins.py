"""Morning check-ins: recording "How was last night?" and finding the one to ask.

Recording and changing is the acting patient's own; reading goes through the
access rule (app.services.access), so another patient's night is NotFound.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from app.domain import checkins as rules
from app.domain.checkins import AnswerFields, MorningAnswer
from app.domain.cramps import FUTURE_TOLERANCE
from app.domain.nights import night_of_cramp, sleep_window_utc
from app.i18n import N_, Message
from app.models import MorningCheckIn, PatientProfile, User
from app.services import access, red_flags
from app.services import device_entries as entries
from app.services.cramps import cramps_between, logged
from app.services.device_entries import EntryKind, Saved
from app.services.errors import InvalidInput, NotFound
from app.services.profiles import rhythm_of

CLOSED = N_(
    "That night can no longer be answered: a check-in is open from early morning "
    "until the end of that day."
)


def as_answer(row: MorningCheckIn) -> MorningAnswer:
    return MorningAnswer(
        row.night_of, row.had_cramps, row.cramp_count, row.worst_severity, row.sleep_disturbance
    )


def checkin_fingerprint(evening: date, fields: AnswerFields) -> str:
    return entries.fingerprint(
        {
            "night_of": evening.isoformat(),
            "had_cramps": fields.had_cramps,
            "cramp_count": fields.cramp_count,
            "worst_severity": fields.worst_severity,
            "sleep_disturbance": fields.sleep_disturbance,
        }
    )


# Built once: constructing a statement costs more than SQLite takes to run it.
_NIGHT = select(MorningCheckIn).where(
    MorningCheckIn.patient_id == bindparam("patient_id"),
    MorningCheckIn.night_of == bindparam("evening"),
)


def _night(session: Session, *, patient_id: int, evening: date) -> MorningCheckIn | None:
    return session.exec(_NIGHT, params={"patient_id": patient_id, "evening": evening}).first()


def checkin_for(
    session: Session, *, actor: User, patient_id: int, evening: date
) -> MorningCheckIn | None:
    access.patient_for(session, actor=actor, patient_id=patient_id)
    return _night(session, patient_id=patient_id, evening=evening)


def checkins_between(
    session: Session, *, actor: User, patient_id: int, first: date, last: date
) -> list[MorningCheckIn]:
    access.patient_for(session, actor=actor, patient_id=patient_id)
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


def _check_open(profile: PatientProfile, evening: date, answered_at: datetime, now: datetime):
    if answered_at > now.astimezone(UTC) + FUTURE_TOLERANCE:
        raise InvalidInput({"answered_at": Message(N_("That time is in the future."))})
    if not rules.can_answer(rhythm_of(profile), evening, answered_at):
        raise InvalidInput({"night_of": Message(CLOSED)})


def _answer(fields: AnswerFields, now: datetime) -> dict:
    """The columns an answer sets, when it is given and whenever it is changed."""
    return {
        "had_cramps": fields.had_cramps,
        "cramp_count": fields.cramp_count if fields.had_cramps else None,
        "worst_severity": fields.worst_severity if fields.had_cramps else None,
        "sleep_disturbance": fields.sleep_disturbance,
        "updated_at": now,
    }


def _answer_again(
    session: Session, row: MorningCheckIn, fields: AnswerFields, now: datetime
) -> MorningCheckIn:
    """Store a new answer for a night already answered, in the old one's place."""
    for name, value in _answer(fields, now).items():
        setattr(row, name, value)
    session.add(row)
    session.commit()
    session.refresh(row)
    return row


def answer_checkin(
    session: Session,
    *,
    actor: User,
    evening: date,
    fields: AnswerFields,
    now: datetime,
    client_id: uuid.UUID | None = None,
    answered_at: datetime | None = None,
) -> Saved[MorningCheckIn]:
    """Record or change the acting patient's answer for the night of ``evening``.

    The client UUID follows the one rule for device entries
    (app.services.device_entries); the form sends none. The answer is accepted
    while that night's check-in is open at ``answered_at`` (when the patient
    tapped; the offline queue may send it later), which may not be in the future.
    One answer per night: an answer under a new UUID for a night already answered
    changes that answer (``created`` is False).
    """
    patient = access.patient_for(session, actor=actor, patient_id=actor.id)
    profile = access.profile_for(session, actor=actor, patient_id=patient.id)
    print_ = checkin_fingerprint(evening, fields)
    client_id = client_id or uuid.uuid4()
    answered_at = (answered_at or now).astimezone(UTC)

    def decide():
        _check_open(profile, evening, answered_at, now)
        row = _night(session, patient_id=patient.id, evening=evening)
        if row is None:
            return {
                "patient_id": patient.id,
                "client_id": client_id,
                "night_of": evening,
                "zone": profile.time_zone,
                "created_fingerprint": print_,
                "answered_at": answered_at,
                **_answer(fields, now),
            }
        return lambda: Saved(_answer_again(session, row, fields, now), created=False)

    # Two devices answering the same night at once: the first answer stands.
    return entries.record(
        session,
        MorningCheckIn,
        kind=EntryKind.CHECKIN,
        patient_id=patient.id,
        client_id=client_id,
        fingerprint=print_,
        decide=decide,
        race_winner=lambda: _night(session, patient_id=patient.id, evening=evening),
    )


def own_checkin(session: Session, *, actor: User, client_id: uuid.UUID) -> MorningCheckIn:
    """One of the acting patient's check-ins by client UUID (EntryGone once deleted)."""
    patient = access.patient_for(session, actor=actor, patient_id=actor.id)
    row = entries.live(
        session, MorningCheckIn, kind=EntryKind.CHECKIN, patient_id=patient.id, client_id=client_id
    )
    if row is None:
        raise NotFound("check-in")
    return row


def change_checkin(
    session: Session,
    *,
    actor: User,
    client_id: uuid.UUID,
    fields: AnswerFields,
    now: datetime,
    answered_at: datetime | None = None,
) -> MorningCheckIn:
    """Change an answer, under the same hours as answering it."""
    row = own_checkin(session, actor=actor, client_id=client_id)
    profile = access.profile_for(session, actor=actor, patient_id=row.patient_id)
    _check_open(profile, row.night_of, (answered_at or now).astimezone(UTC), now)
    return _answer_again(session, row, fields, now)


def delete_checkin(session: Session, *, actor: User, client_id: uuid.UUID, now: datetime) -> None:
    """Take an answer back: the night has no record again. Only a tombstone stays."""
    row = own_checkin(session, actor=actor, client_id=client_id)
    entries.bury(session, row, kind=EntryKind.CHECKIN, now=now)


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
    session: Session, *, actor: User, patient_id: int, now: datetime
) -> CheckinCard | None:
    """The check-in to show now, answered or not, or None outside check-in hours."""
    profile = access.profile_for(session, actor=actor, patient_id=patient_id)
    rhythm = rhythm_of(profile)
    evening = rules.night_to_ask_about(rhythm, now)
    if evening is None:
        return None
    start, end = sleep_window_utc(rhythm, evening)
    if start >= now - red_flags.LOOKBACK:
        # The red flags read these cramps too (the home screen shows both): one read.
        recent = red_flags.recent_cramps(session, patient_id=patient_id, now=now)
        logged_then = [c for c in recent if start <= c.occurred_at < end]
    else:
        between = cramps_between(session, actor=actor, patient_id=patient_id, start=start, end=end)
        logged_then = [logged(c) for c in between]
    night = [c for c in logged_then if night_of_cramp(c, rhythm) == evening]
    severities = [c.details.severity for c in night if c.details.severity is not None]
    return CheckinCard(
        evening,
        _night(session, patient_id=patient_id, evening=evening),
        cramps_logged=len(night),
        worst_logged=max(severities) if severities else None,
    )
