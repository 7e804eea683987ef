"""What stays of an entry made on a device after it is deleted: a tombstone.

The offline queue may send an entry again long after the patient deleted it (a
retry after days offline). The tombstone keeps the entry's client UUID and the
fingerprint of the body that created it, so that such a retry answers 410 Gone
instead of bringing the entry back. Nothing else of the entry is kept.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.types import UTCDateTime


class DeletedEntry(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint(
            "patient_id", "kind", "client_id", name="uq_deletedentry_patient_kind_client"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    # app.services.device_entries.EntryKind: cramp, checkin, completion.
    kind: str = Field(max_length=16)
    client_id: uuid.UUID
    created_fingerprint: str = Field(max_length=64)
    deleted_at: datetime = Field(sa_type=UTCDateTime)
