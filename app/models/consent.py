"""Consent to store health data: version and time of every agreement.

Medical history is special-care personal information under Japan's APPI: nothing of
it is stored until the patient has agreed to the current consent text. Each
agreement is its own row (version and time), so a withdrawal and a later renewed
consent both stay on the record that the patient can download.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from app.models.types import UTCDateTime


class ConsentRecord(SQLModel, table=True):
    __table_args__ = (Index("ix_consentrecord_patient_agreed", "patient_id", "agreed_at"),)

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    # The version of the consent text the patient read (app.services.consent.VERSION).
    version: str = Field(max_length=32)
    # The language the text was shown in: the patient agreed to those words.
    locale: str = Field(max_length=8)
    agreed_at: datetime = Field(sa_type=UTCDateTime)
    withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
