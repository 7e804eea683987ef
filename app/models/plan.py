"""A patient's care plan and what they did: plan item versions and completions.

A plan item row is one *version* of one routine, in force from ``effective_from``
until a later row of the same routine replaces it; rows are never edited after the
day they take effect, so past days keep being judged against the plan of the day.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.types import UTCDateTime


class PlanItem(SQLModel, table=True):
    # Also the index for "this patient's plan": patient_id leads it.
    __table_args__ = (UniqueConstraint("patient_id", "routine", "effective_from"),)

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    # A key of app.domain.catalogue.Routine.
    routine: str = Field(max_length=32)
    effective_from: date
    enabled: bool = True
    # When: app.domain.schedule.Anchor, with an offset or a local time.
    anchor: str = Field(max_length=16)
    offset_minutes: int = 0
    at_time: time | None = None
    # How often: app.domain.schedule.Cadence; weekdays as a bit set, Monday = 1.
    cadence: str = Field(max_length=16)
    weekdays: int = 0
    per_week_min: int = 0
    per_week_max: int = 0
    # Dose: only the parts that apply to the routine are set.
    sets: int | None = None
    hold_seconds: int | None = None
    rest_seconds: int | None = None
    reps: int | None = None
    minutes: int | None = None
    massage_minutes: int | None = None
    glasses: int | None = None
    # Who made this version (None: the clinic's defaults, made with the account).
    changed_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = Field(sa_type=UTCDateTime)


class Completion(SQLModel, table=True):
    """One occurrence of a routine done, on the patient day it belongs to.

    ``slot`` numbers the occurrences of a routine within a day: always 0, except
    for glasses of water, where each glass is its own row (0, 1, 2 …). The unique
    constraints make a repeated submission (same client UUID) and a second "done"
    for the same occurrence both change nothing.
    """

    __table_args__ = (
        UniqueConstraint("patient_id", "client_id"),
        UniqueConstraint("patient_id", "routine", "day", "slot"),
        # Every read is "this patient's days from … to …".
        Index("ix_completion_patient_day", "patient_id", "day"),
        # The caseload sums each patient's days from this index alone (no table reads).
        Index("ix_completion_patient_day_routine", "patient_id", "day", "routine"),
    )

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    client_id: uuid.UUID
    routine: str = Field(max_length=32)
    day: date
    slot: int = 0
    # The plan version it was done against.
    plan_item_id: int | None = Field(default=None, foreign_key="planitem.id", ondelete="SET NULL")
    # What was actually done: sets for a stretch, minutes, reps, glasses.
    sets: int | None = None
    minutes: int | None = None
    reps: int | None = None
    glasses: int | None = None
    recorded_at: datetime = Field(sa_type=UTCDateTime)
    # The hash of the request that created it (app.services.device_entries): the
    # same UUID sent with another body is refused.
    created_fingerprint: str = Field(default="", max_length=64)


class HabitSnapshot(SQLModel, table=True):
    """Each routine's habit strength carried to the end of ``as_of``, so that the home
    screen judges the last few weeks instead of replaying the patient's whole history.

    ``as_of`` lies further back than any entry can still be changed, and ``plan_key``
    names the plan versions it was judged against: a snapshot whose key no longer
    matches the plan is ignored, never trusted.
    """

    patient_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    as_of: date
    plan_key: str = Field(max_length=64)
    # {routine: [score, [done flags of the last 14 days, for weekly routines]]}
    habits: dict = Field(sa_column=Column(JSON, nullable=False))
    computed_at: datetime = Field(sa_type=UTCDateTime)
