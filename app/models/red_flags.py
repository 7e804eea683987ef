"""What people did about red flags: a practitioner's reviews, a patient's "seen a doctor".

Flags themselves are never stored: they are computed from the diary and intake each
time, so they can never disagree with the entries that raise them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from app.models.types import UTCDateTime


class FlagReview(SQLModel, table=True):
    """A practitioner looked at a flag and its evidence, with a note."""

    __table_args__ = (Index("ix_flagreview_patient_flag", "patient_id", "flag"),)

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    # app.domain.red_flags.FlagId
    flag: str = Field(max_length=32)
    # The evidence keys the reviewer saw (RedFlag.evidence.keys): new evidence reopens it.
    evidence: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    note: str = Field(default="", max_length=1000)
    reviewer_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    reviewed_at: datetime = Field(sa_type=UTCDateTime)


class DoctorVisit(SQLModel, table=True):
    """The patient said "I have seen a doctor" while these flags held."""

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    flags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    said_at: datetime = Field(sa_type=UTCDateTime)
