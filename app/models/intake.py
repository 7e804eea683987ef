"""The intake questionnaire (問診): one current set of answers per patient, editable later.

Choices are stored as the option values of app.domain.intake; bedtime and wake time
are not repeated here: the questionnaire writes them to the patient's profile.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from app.models.types import UTCDateTime


class Intake(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="user.id", unique=True, ondelete="CASCADE")
    situations: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    frequency_count: int
    frequency_unit: str = Field(max_length=8)
    side: str = Field(max_length=8)
    sites: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    accompanying: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    history: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    history_other: str = Field(default="", max_length=200)
    medicines: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    medicines_other: str = Field(default="", max_length=200)
    age_band: str = Field(max_length=16)
    daily_life: str = Field(max_length=16)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
