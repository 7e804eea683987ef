"""Logging, changing and removing cramps; reading them back for whoever may see them.

Every function takes the acting user and goes through the access rule
(app.services.access): a patient logs and changes their own cramps; anyone the
rule lets see a patient may read theirs. Another patient's cramp is NotFound.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from app.domain.cramps import (
    FOOT_LABELS,
    SITE_LABELS,
    CrampDetails,
    DurationPreset,
    Foot,
    LoggedCramp,
    Site,
    Situation,
    Symptom,
    check_occurred_at,
)
from app.domain.nights import night_of_cramp
from app.i18n import N_, Message
from app.models import CrampEvent, PatientProfile, User
from app.services import access
from app.services import device_entries as entries
from app.services.device_entries import EntryKind, Saved
from app.services.errors import InvalidInput, NotFound, field_messages
from app.services.profiles import rhythm_of

# A second tap of the same "Cramp now" form within this time, with the same details,
# is the same cramp (a double tap, a resubmitted form). Anything else carrying an
# old form's UUID (a page restored from the back-forward cache, tapped later) is a
# new cramp.
REPEAT_WINDOW = timedelta(minutes=2)
PAGE_SIZE = 20


def cramp_fingerprint(occurred_at: datetime, details: CrampDetails) -> str:
    return entries.fingerprint(
        {"occurred_at": occurred_at.astimezone(UTC).isoformat(), **column_values(details)}
    )


def column_values(details: CrampDetails) -> dict:
    """A cramp's details as stored (and as the API's fields name them)."""
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
    """The rules' view of a stored cramp: a CrampEvent, or a row of LOGGED_COLUMNS."""
    return LoggedCramp(cramp.id, cramp.occurred_at, ZoneInfo(cramp.zone), details_of(cramp))


# What ``logged`` reads, for reading many cramps at once without building whole rows.
LOGGED_COLUMNS = (
    CrampEvent.id,
    CrampEvent.patient_id,
    CrampEvent.occurred_at,
    CrampEvent.zone,
    CrampEvent.foot,
    CrampEvent.sites,
    CrampEvent.severity,
    CrampEvent.duration,
    CrampEvent.duration_minutes,
    CrampEvent.woke_me_up,
    CrampEvent.situation,
    CrampEvent.symptoms,
    CrampEvent.note,
)


def _own(session: Session, actor: User) -> User:
    """The patient whose diary ``actor`` writes in: only a patient writes their own."""
    return access.patient_for(session, actor=actor, patient_id=actor.id)


def _profile(session: Session, patient: User) -> PatientProfile:
    return access.profile_for(session, actor=patient, patient_id=patient.id)


def _same_tap(earlier: CrampEvent | None, details: CrampDetails, now: datetime) -> bool:
    """Whether a "Cramp now" form's submission repeats the cramp its UUID logged: the
    same details within REPEAT_WINDOW of the first."""
    return (
        earlier is not None
        and now - earlier.created_at <= REPEAT_WINDOW
        and details_of(earlier) == details
    )


def _record(
    session: Session,
    patient: User,
    *,
    client_id: uuid.UUID,
    occurred_at: datetime,
    details: CrampDetails,
    now: datetime,
) -> Saved[CrampEvent]:
    """The cramp under ``client_id``, by the one rule for device entries."""
    print_ = cramp_fingerprint(occurred_at, details)

    def new_cramp() -> dict:
        if problem := check_occurred_at(occurred_at, now=now):
            raise InvalidInput(field_messages([problem]))
        return {
            "patient_id": patient.id,
            "client_id": client_id,
            "occurred_at": occurred_at.astimezone(UTC),
            "zone": _profile(session, patient).time_zone,
            "created_fingerprint": print_,
            "created_at": now,
            "updated_at": now,
            **column_values(details),
        }

    return entries.record(
        session,
        CrampEvent,
        kind=EntryKind.CRAMP,
        patient_id=patient.id,
        client_id=client_id,
        fingerprint=print_,
        decide=new_cramp,
    )


def log_cramp(
    session: Session,
    *,
    actor: User,
    client_id: uuid.UUID,
    occurred_at: datetime,
    details: CrampDetails,
    now: datetime,
    from_form: bool = False,
) -> Saved[CrampEvent]:
    """Record a cramp in the acting patient's diary, once per client UUID
    (app.services.device_entries). The moment must lie between 60 days back and 5
    minutes ahead.

    From an HTML form, a second submission with the same UUID and details within
    two minutes is the same cramp (a double tap at 3 a.m. is not two cramps); any
    other submission carrying a used UUID is a new cramp.
    """
    patient = _own(session, actor)
    cramp = partial(_record, session, patient, occurred_at=occurred_at, details=details, now=now)
    if not from_form:
        return cramp(client_id=client_id)
    # A form's UUID is new in all but the rare case, so it is tried first; what it was
    # used for is asked only when nothing was added.
    try:
        saved = cramp(client_id=client_id)
        if saved.created:
            return saved
        earlier = saved.entry
    except entries.ClientIdConflict:  # "now" moved on between two taps, or new details
        earlier = entries.stored(session, CrampEvent, patient_id=patient.id, client_id=client_id)
    except entries.EntryGone:
        earlier = None
    if _same_tap(earlier, details, now):
        return Saved(earlier, created=False)
    return cramp(client_id=uuid.uuid4())


def get_cramp(session: Session, *, actor: User, cramp_id: int) -> CrampEvent:
    """A cramp of a patient ``actor`` may see; any other id is simply not found."""
    cramp = session.get(CrampEvent, cramp_id)
    if cramp is None:
        raise NotFound("cramp")
    access.patient_for(session, actor=actor, patient_id=cramp.patient_id)
    return cramp


def own_cramp(
    session: Session,
    *,
    actor: User,
    cramp_id: int | None = None,
    client_id: uuid.UUID | None = None,
) -> CrampEvent:
    """One of the acting patient's own cramps, by id or by client UUID.

    A deleted cramp's UUID raises EntryGone; anything else not theirs is NotFound.
    """
    patient = _own(session, actor)
    if client_id is not None:
        cramp = entries.live(
            session, CrampEvent, kind=EntryKind.CRAMP, patient_id=patient.id, client_id=client_id
        )
    else:
        cramp = session.get(CrampEvent, cramp_id) if cramp_id is not None else None
    if cramp is None or cramp.patient_id != patient.id:
        raise NotFound("cramp")
    return cramp


def update_cramp(
    session: Session,
    *,
    actor: User,
    occurred_at: datetime,
    details: CrampDetails,
    now: datetime,
    cramp_id: int | None = None,
    client_id: uuid.UUID | None = None,
) -> CrampEvent:
    """Change one of the acting patient's cramps (by id or client UUID). A changed time
    must pass the same window as a new one; an unchanged old time stays valid even
    past 60 days."""
    cramp = own_cramp(session, actor=actor, cramp_id=cramp_id, client_id=client_id)
    if occurred_at.astimezone(UTC) != cramp.occurred_at and (
        problem := check_occurred_at(occurred_at, now=now)
    ):
        raise InvalidInput(field_messages([problem]))
    cramp.occurred_at = occurred_at.astimezone(UTC)
    for name, value in column_values(details).items():
        setattr(cramp, name, value)
    cramp.updated_at = now
    session.add(cramp)
    session.commit()
    session.refresh(cramp)
    return cramp


def delete_cramp(
    session: Session,
    *,
    actor: User,
    now: datetime,
    cramp_id: int | None = None,
    client_id: uuid.UUID | None = None,
) -> None:
    """Erase one of the acting patient's cramps (by id or client UUID). Only a tombstone
    stays, so that the offline queue sending it again cannot bring it back."""
    cramp = own_cramp(session, actor=actor, cramp_id=cramp_id, client_id=client_id)
    entries.bury(session, cramp, kind=EntryKind.CRAMP, now=now)


def cramps_between(
    session: Session, *, actor: User, patient_id: int, start: datetime, end: datetime
) -> list[CrampEvent]:
    """The patient's cramps with start <= occurred_at < end, oldest first."""
    access.patient_for(session, actor=actor, patient_id=patient_id)
    return list(
        session.exec(
            select(CrampEvent)
            .where(
                CrampEvent.patient_id == patient_id,
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
    session: Session,
    *,
    actor: User,
    patient_id: int,
    before: Cursor | None,
    limit: int = PAGE_SIZE,
) -> tuple[list[CrampEvent], Cursor | None]:
    """One page of the patient's cramps, newest first, and the cursor of the next page."""
    access.patient_for(session, actor=actor, patient_id=patient_id)
    query = select(CrampEvent).where(CrampEvent.patient_id == patient_id)
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
