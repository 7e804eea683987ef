"""Logging, changing and removing cramps, always scoped to the patient who logged them."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.domain.cramps import (
    FOOT_LABELS,
    SITE_LABELS,
    CrampDetails,
    DurationPreset,
    FieldError,
    Foot,
    LoggedCramp,
    Site,
    Situation,
    Symptom,
    check_occurred_at,
)
from app.domain.nights import night_of_cramp
from app.domain.rhythm import Rhythm
from app.i18n import N_, Message
from app.models import CrampEvent, PatientProfile
from app.services.errors import InvalidInput, NotFound

# A second tap of the same "Cramp now" form within this time is the same cramp
# (a double tap, a resubmitted form); later, a page restored from the back-forward
# cache is a new cramp that happens to carry an old form.
REPEAT_WINDOW = timedelta(minutes=2)
PAGE_SIZE = 20


class DuplicateClientId(Exception):
    """The client's UUID is already taken by an entry made from a different body."""


def rhythm_of(profile: PatientProfile) -> Rhythm:
    return Rhythm(profile.bedtime, profile.wake_time, ZoneInfo(profile.time_zone))


def field_messages(errors: list[FieldError]) -> dict[str, Message]:
    """Domain field errors as the message ids forms and the API show (first per field)."""
    messages: dict[str, Message] = {}
    for error in errors:
        messages.setdefault(error.field, Message(error.message, **dict(error.params)))
    return messages


def fingerprint(payload: dict) -> str:
    """A stable hash of a request's meaning: key order and spacing do not matter."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def cramp_fingerprint(occurred_at: datetime, details: CrampDetails) -> str:
    return fingerprint(
        {"occurred_at": occurred_at.astimezone(UTC).isoformat(), **_columns(details)}
    )


def _columns(details: CrampDetails) -> dict:
    return {
        "foot": details.foot,
        "sites": [s.value for s in Site if s in details.sites],
        "severity": details.severity,
        "duration": details.duration,
        "duration_minutes": details.duration_minutes,
        "woke_me_up": details.woke_me_up,
        "situation": details.situation,
        "symptoms": [s.value for s in Symptom if s in details.symptoms],
        "note": details.note,
    }


def details_of(cramp: CrampEvent) -> CrampDetails:
    return CrampDetails(
        foot=Foot(cramp.foot) if cramp.foot else None,
        sites=frozenset(Site(s) for s in cramp.sites),
        severity=cramp.severity,
        duration=DurationPreset(cramp.duration) if cramp.duration else None,
        duration_minutes=cramp.duration_minutes,
        woke_me_up=cramp.woke_me_up,
        situation=Situation(cramp.situation) if cramp.situation else None,
        symptoms=frozenset(Symptom(s) for s in cramp.symptoms),
        note=cramp.note,
    )


def describe(cramp: CrampEvent) -> list[Message]:
    """The details a one-line summary shows, as message ids: foot, sites, severity."""
    details = details_of(cramp)
    parts = [Message(FOOT_LABELS[details.foot])] if details.foot else []
    parts += [Message(SITE_LABELS[s]) for s in Site if s in details.sites]
    if details.severity is not None:
        parts.append(Message(N_("severity %(n)s/10"), n=details.severity))
    return parts


def night_of(cramp: CrampEvent, profile: PatientProfile) -> date | None:
    """The evening whose night the cramp belongs to, or None for a daytime cramp."""
    return night_of_cramp(logged(cramp), rhythm_of(profile))


def logged(cramp: CrampEvent) -> LoggedCramp:
    return LoggedCramp(cramp.id, cramp.occurred_at, ZoneInfo(cramp.zone), details_of(cramp))


@dataclass(frozen=True)
class Logged:
    cramp: CrampEvent
    created: bool


def _by_client_id(session: Session, patient_id: int, client_id: uuid.UUID) -> CrampEvent | None:
    return session.exec(
        select(CrampEvent).where(
            CrampEvent.patient_id == patient_id, CrampEvent.client_id == client_id
        )
    ).first()


def log_cramp(
    session: Session,
    *,
    patient_id: int,
    profile: PatientProfile,
    client_id: uuid.UUID,
    occurred_at: datetime,
    details: CrampDetails,
    now: datetime,
    from_form: bool = False,
) -> Logged:
    """Record a cramp once per client UUID.

    Sending the same UUID and body again changes nothing and returns the entry; the
    same UUID with another body raises DuplicateClientId. A form resubmitted within
    two minutes is the same cramp whatever its body (a double tap at 3 a.m. is not
    two cramps); an older form's UUID gets a fresh one. The moment must lie between
    60 days back and 5 minutes ahead.
    """
    print_ = cramp_fingerprint(occurred_at, details)
    existing = _by_client_id(session, patient_id, client_id)
    if existing is not None:
        if from_form:
            if now - existing.created_at <= REPEAT_WINDOW and existing.deleted_at is None:
                return Logged(existing, created=False)
            client_id = uuid.uuid4()
        elif existing.created_fingerprint == print_:
            return Logged(existing, created=False)
        else:
            raise DuplicateClientId(client_id)
    if problem := check_occurred_at(occurred_at, now=now):
        raise InvalidInput(field_messages([problem]))
    cramp = CrampEvent(
        patient_id=patient_id,
        client_id=client_id,
        occurred_at=occurred_at.astimezone(UTC),
        zone=profile.time_zone,
        created_fingerprint=print_,
        created_at=now,
        updated_at=now,
        **_columns(details),
    )
    session.add(cramp)
    try:
        session.commit()
    except IntegrityError:
        # Another request with the same UUID won the race; answer as a repeat.
        session.rollback()
        winner = _by_client_id(session, patient_id, client_id)
        if winner is None:
            raise
        if winner.created_fingerprint != print_ and not from_form:
            raise DuplicateClientId(client_id) from None
        return Logged(winner, created=False)
    session.refresh(cramp)
    return Logged(cramp, created=True)


def get_cramp(session: Session, *, patient_id: int, cramp_id: int) -> CrampEvent:
    """The patient's own, undeleted cramp; anyone else's id is simply not found."""
    cramp = session.get(CrampEvent, cramp_id)
    if cramp is None or cramp.patient_id != patient_id or cramp.deleted_at is not None:
        raise NotFound("cramp")
    return cramp


def update_cramp(
    session: Session,
    *,
    patient_id: int,
    cramp_id: int,
    occurred_at: datetime,
    details: CrampDetails,
    now: datetime,
) -> CrampEvent:
    """Change a cramp's details or time. A changed time must pass the same window as a
    new one; an unchanged old time stays valid even past 60 days."""
    cramp = get_cramp(session, patient_id=patient_id, cramp_id=cramp_id)
    if occurred_at.astimezone(UTC) != cramp.occurred_at and (
        problem := check_occurred_at(occurred_at, now=now)
    ):
        raise InvalidInput(field_messages([problem]))
    cramp.occurred_at = occurred_at.astimezone(UTC)
    for name, value in _columns(details).items():
        setattr(cramp, name, value)
    cramp.updated_at = now
    session.add(cramp)
    session.commit()
    session.refresh(cramp)
    return cramp


def delete_cramp(session: Session, *, patient_id: int, cramp_id: int, now: datetime) -> None:
    """Erase a cramp. Only a tombstone (UUID and fingerprint) stays, so that the offline
    queue sending it again cannot bring it back."""
    cramp = get_cramp(session, patient_id=patient_id, cramp_id=cramp_id)
    for name, value in _columns(CrampDetails()).items():
        setattr(cramp, name, value)
    cramp.occurred_at = now
    cramp.deleted_at = now
    cramp.updated_at = now
    session.add(cramp)
    session.commit()


def cramps_between(
    session: Session, *, patient_id: int, start: datetime, end: datetime
) -> list[CrampEvent]:
    """The patient's cramps with start <= occurred_at < end, oldest first."""
    return list(
        session.exec(
            select(CrampEvent)
            .where(
                CrampEvent.patient_id == patient_id,
                col(CrampEvent.deleted_at).is_(None),
                CrampEvent.occurred_at >= start.astimezone(UTC),
                CrampEvent.occurred_at < end.astimezone(UTC),
            )
            .order_by(col(CrampEvent.occurred_at), col(CrampEvent.id))
        )
    )


@dataclass(frozen=True)
class Cursor:
    """Where a page of the newest-first list stops: keyset, so new entries never shift it."""

    occurred_at: datetime
    id: int

    def encode(self) -> str:
        return f"{self.occurred_at.astimezone(UTC):%Y%m%dT%H%M%S%f}-{self.id}"

    @classmethod
    def decode(cls, text: str | None) -> Cursor | None:
        if not text:
            return None
        stamp, _, number = text.partition("-")
        try:
            moment = datetime.strptime(stamp, "%Y%m%dT%H%M%S%f").replace(tzinfo=UTC)
            entry_id = int(number)
        except ValueError:
            return None
        # Ids are signed 64-bit in the database; a bigger one would overflow the query.
        return cls(moment, entry_id) if 0 < entry_id < 2**63 else None


def newest_cramps(
    session: Session, *, patient_id: int, before: Cursor | None, limit: int = PAGE_SIZE
) -> tuple[list[CrampEvent], Cursor | None]:
    """One page of the patient's cramps, newest first, and the cursor of the next page."""
    query = select(CrampEvent).where(
        CrampEvent.patient_id == patient_id, col(CrampEvent.deleted_at).is_(None)
    )
    if before is not None:
        query = query.where(
            (col(CrampEvent.occurred_at) < before.occurred_at)
            | (
                (col(CrampEvent.occurred_at) == before.occurred_at)
                & (col(CrampEvent.id) < before.id)
            )
        )
    rows = list(
        session.exec(
            query.order_by(col(CrampEvent.occurred_at).desc(), col(CrampEvent.id).desc()).limit(
                limit + 1
            )
        )
    )
    page = rows[:limit]
    following = Cursor(page[-1].occurred_at, page[-1].id) if len(rows) > limit else None
    return page, following
