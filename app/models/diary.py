"""The cramp diary's tables: cramps as the patient logged them, and morning check-ins.

Both carry the client's UUID (unique per patient) so the offline queue can send an
entry again without making a second one, and the fingerprint of the body that
created them, so that the same UUID with a different body can be refused. Both
keep the patient's zone at the time: a patient who moves keeps old nights intact.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, Column, Enum, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.domain.cramps import DurationPreset, Foot, Situation
from app.models.types import UTCDateTime


def _enum_column(kind: type[StrEnum], name: str) -> Column:
    # Stored as plain strings (no native ENUM) so SQLite and PostgreSQL agree.
    return Column(
        Enum(
            kind,
            name=name,
            values_callable=lambda e: [m.value for m in e],
            native_enum=False,
            length=20,
            create_constraint=False,
        ),
        nullable=True,
    )


class CrampEvent(SQLModel, table=True):
    """One cramp. Everything but the moment is optional and may be filled in later.

    A deleted cramp leaves only a tombstone (app.models.entries.DeletedEntry), so
    that a late retry from the offline queue cannot bring it back.
    """

    __table_args__ = (
        UniqueConstraint("patient_id", "client_id", name="uq_crampevent_patient_client"),
        Index("ix_crampevent_patient_occurred", "patient_id", "occurred_at"),
        CheckConstraint(
            "severity IS NULL OR (severity >= 0 AND severity <= 10)",
            name="ck_crampevent_severity",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    client_id: uuid.UUID
    occurred_at: datetime = Field(sa_type=UTCDateTime)
    # IANA zone of the patient when the cramp was recorded (night attribution uses it).
    zone: str = Field(max_length=64)
    foot: Foot | None = Field(default=None, sa_column=_enum_column(Foot, "foot"))
    sites: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    severity: int | None = None
    duration: DurationPreset | None = Field(
        default=None, sa_column=_enum_column(DurationPreset, "duration_preset")
    )
    duration_minutes: int | None = None
    woke_me_up: bool | None = None
    situation: Situation | None = Field(
        default=None, sa_column=_enum_column(Situation, "situation")
    )
    symptoms: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    note: str = Field(default="", max_length=500)
    created_fingerprint: str = Field(max_length=64)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class MorningCheckIn(SQLModel, table=True):
    """The answer to "How was last night?" for the night of ``night_of`` (the evening).

    One per night: answering again the same day changes it.
    """

    __table_args__ = (
        UniqueConstraint("patient_id", "client_id", name="uq_morningcheckin_patient_client"),
        UniqueConstraint("patient_id", "night_of", name="uq_morningcheckin_patient_night"),
        CheckConstraint(
            "worst_severity IS NULL OR (worst_severity >= 0 AND worst_severity <= 10)",
            name="ck_morningcheckin_worst",
        ),
        CheckConstraint(
            "sleep_disturbance IS NULL OR (sleep_disturbance >= 0 AND sleep_disturbance <= 10)",
            name="ck_morningcheckin_disturbance",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    client_id: uuid.UUID
    night_of: date
    had_cramps: bool
    cramp_count: int | None = None
    worst_severity: int | None = None
    sleep_disturbance: int | None = None
    zone: str = Field(max_length=64)
    created_fingerprint: str = Field(max_length=64)
    answered_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
