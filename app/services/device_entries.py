"""The one rule for entries made on a device: cramps, check-ins, routines done, water.

Every such entry carries a UUID made on the device, so the offline queue can send
it as often as it needs to. For the same patient and kind:

- a new UUID is a new entry (201);
- the same UUID with the same body is a repeat: the stored entry, unchanged (200);
- the same UUID with another body is refused (409, ``ClientIdConflict``);
- the UUID of a deleted entry is refused (410, ``EntryGone``): a late retry must
  not bring back what the patient deleted.

"The same body" means the same fingerprint of the request that created the entry
(its meaning, not its spelling); an entry edited since still matches its creating
request, so a retry after an edit does not undo the edit.

Internal to the diary services (cramps, checkins, completions): these helpers take
a patient id or an entry because those services have already passed
``access.patient_for`` for the acting user; no route calls them.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import cache, partial
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy import Insert, Select, and_, bindparam, cast, exists, literal
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from app.models import DeletedEntry
from app.services import consent
from app.services.errors import InvalidInput, NotAllowed, NotFound


class EntryKind(StrEnum):
    CRAMP = "cramp"
    CHECKIN = "checkin"
    # Routines done, glasses of water included (each glass is a completion).
    COMPLETION = "completion"


class ClientIdConflict(Exception):
    """The UUID is already taken by an entry made from a different body (409)."""


class EntryGone(Exception):
    """The UUID belongs to an entry that was deleted (410)."""


class DeviceEntry(Protocol):
    id: int | None
    patient_id: int
    client_id: uuid.UUID
    created_fingerprint: str


E = TypeVar("E", bound=DeviceEntry)


@dataclass(frozen=True)
class Saved(Generic[E]):
    # A model instance, or for a new entry the row as the INSERT stored it (the same
    # attributes, read-only).
    entry: E
    created: bool  # False: a repeat, or an occurrence already recorded; nothing changed


def fingerprint(payload: dict) -> str:
    """A stable hash of a request's meaning: key order and spacing do not matter."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


# Every entry a device sends asks both questions (a tombstone? a stored entry?), so
# they are one statement, built once per model (building one costs more than running
# it). The one-row source on the left keeps the tombstone's answer when no entry is
# stored, which is the common case: a new entry.
_ONE_ROW = select(literal(1).label("one")).subquery()
# Whether the patient deleted the entry that had this UUID.
_GONE = exists().where(
    DeletedEntry.patient_id == bindparam("patient_id"),
    DeletedEntry.kind == bindparam("kind"),
    DeletedEntry.client_id == bindparam("client_id"),
)


@cache
def _live_statement(model: type[E]) -> Select:
    return (
        select(model, _GONE.label("gone"))
        .select_from(_ONE_ROW)
        .outerjoin(
            model,
            and_(
                model.patient_id == bindparam("patient_id"),
                model.client_id == bindparam("client_id"),
            ),
        )
    )


@cache
def _stored_statement(model: type[E]) -> Select:
    return select(model).where(
        model.patient_id == bindparam("patient_id"), model.client_id == bindparam("client_id")
    )


def live(
    session: Session, model: type[E], *, kind: EntryKind, patient_id: int, client_id: uuid.UUID
) -> E | None:
    """The stored entry with this UUID, or None; raises EntryGone for a deleted one's."""
    params = {"patient_id": patient_id, "kind": kind.value, "client_id": client_id}
    entry, gone = session.exec(_live_statement(model), params=params).one()
    if gone:
        raise EntryGone(client_id)
    return entry


def stored(session: Session, model: type[E], *, patient_id: int, client_id: uuid.UUID) -> E | None:
    params = {"patient_id": patient_id, "client_id": client_id}
    return session.exec(_stored_statement(model), params=params).first()


def repeat_of(
    session: Session,
    model: type[E],
    *,
    kind: EntryKind,
    patient_id: int,
    client_id: uuid.UUID,
    fingerprint: str,
    same_as_stored: Callable[[E], bool] | None = None,
) -> E | None:
    """The stored entry when this is a repeat, None when the UUID is new.

    Raises EntryGone for a deleted entry's UUID and ClientIdConflict for a UUID
    already used with another body. ``record`` asks it before any refusal or other
    answer, so that a repeat answers the same whatever has changed since (the day it
    was recorded may no longer be open for new entries).

    An entry stored before its kind kept fingerprints (completions before migration
    0008) has an empty one; ``same_as_stored`` then judges the request against the
    entry's stored fields, so the retry of an old entry is still a repeat.
    """
    entry = live(session, model, kind=kind, patient_id=patient_id, client_id=client_id)
    if entry is None:
        return None
    if not entry.created_fingerprint and same_as_stored is not None:
        if not same_as_stored(entry):
            raise ClientIdConflict(client_id)
        return entry
    if entry.created_fingerprint != fingerprint:
        raise ClientIdConflict(client_id)
    return entry


Decision = dict[str, Any] | Callable[[], Saved[E]]

# What a kind's checks raise to refuse a request (app.services.errors).
_REFUSALS = (InvalidInput, NotFound, NotAllowed)


def record(
    session: Session,
    model: type[E],
    *,
    kind: EntryKind,
    patient_id: int,
    client_id: uuid.UUID,
    fingerprint: str,
    decide: Callable[[], Decision],
    same_as_stored: Callable[[E], bool] | None = None,
    race_winner: Callable[[], E | None] = lambda: None,
) -> Saved[E]:
    """Store an entry a device sent, by the rule above; a new UUID costs one INSERT.

    ``decide`` runs the kind's checks for this request as if its UUID were new, and
    says what to do: the new row's column values, or (when the request answers or
    changes an entry already there) a function that does it and says what it did. It
    must not change the diary: it runs before anything knows whether the UUID is a
    repeat. That is asked only when the request would not simply add a row (it is
    refused, or answered otherwise), so a repeat answers the same whatever has changed
    since; adding a row asks it inside the INSERT, which adds nothing when the UUID is
    taken or deleted.

    The answer for a new entry is the row as stored (the INSERT returns it), not a
    model instance: building one would cost more than the statement. When a
    concurrent request stored the same occurrence under another UUID
    (``race_winner``), that one is the answer. Nothing is stored for a patient who
    has not consented (consent.ConsentRequired, issue 10).
    """

    repeat = partial(
        repeat_of,
        session,
        model,
        kind=kind,
        patient_id=patient_id,
        client_id=client_id,
        fingerprint=fingerprint,
        same_as_stored=same_as_stored,
    )
    try:
        decision = decide()
        consent.require_consent(session, patient_id=patient_id)
    except _REFUSALS:
        if (earlier := repeat()) is not None:
            return Saved(earlier, created=False)
        raise
    if callable(decision):
        earlier = repeat()
        return Saved(earlier, created=False) if earlier is not None else decision()
    stored = _add(session, model, kind=kind, values=decision)
    if stored is not None:
        session.commit()
        return Saved(stored, created=True)
    # Not added: the UUID is taken or deleted, or another request stored the same
    # occurrence first under its own UUID.
    earlier = repeat() or race_winner()
    if earlier is None:
        raise RuntimeError(f"{model.__name__} {client_id}: refused by a unique constraint")
    return Saved(earlier, created=False)


def _add(session: Session, model: type[E], *, kind: EntryKind, values: dict[str, Any]):
    """Insert the row unless the patient's UUID is taken or was deleted; the stored
    row, or None when nothing was added. Columns ``values`` leaves out are NULL (a
    routine done stores only its own measures)."""
    connection = session.connection()
    params = {**dict.fromkeys(model.__table__.c.keys()), **values, "kind": kind.value}
    return connection.execute(_add_statement(model, connection.dialect.name), params).first()


@cache
def _add_statement(model: type[E], dialect: str) -> Insert:
    table = model.__table__
    columns = [c for c in table.columns if not c.primary_key]
    # PostgreSQL reads an untyped parameter in a SELECT list as text, which a JSON
    # column refuses; SQLite has no such types (CAST to JSON would make a number).
    typed = (lambda c: cast(_param(c), c.type)) if dialect == "postgresql" else _param
    row = select(*map(typed, columns)).where(~_GONE)
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect]
    return (
        insert(table).from_select(columns, row).on_conflict_do_nothing().returning(*table.columns)
    )


def _param(column):
    return bindparam(column.name, type_=column.type)


def bury(session: Session, entry: DeviceEntry, *, kind: EntryKind, now: datetime) -> None:
    """Delete an entry, leaving its tombstone, and commit."""
    session.add(
        DeletedEntry(
            patient_id=entry.patient_id,
            kind=kind.value,
            client_id=entry.client_id,
            created_fingerprint=entry.created_fingerprint,
            deleted_at=now,
        )
    )
    session.delete(entry)
    session.commit()
