"""The caseload dashboard's stored rows, and the version that tells when one is out of date.

A practitioner's dashboard shows figures worked out from weeks of each patient's
diary; at clinic scale that is too slow to redo on every view. Each patient's figures
are stored with the moment they stop holding by the clock alone (the next midnight,
the next morning, a cramp leaving a window: app.domain.caseload.steady_until) and the
patient's ``figures_version`` they were worked out from. The database bumps that
version in the same transaction as any change to what the figures read (triggers on
FIGURE_SOURCES and the profile, migration 0011), whoever writes it and however: a
stored row is either exactly what a fresh computation would give or is ignored.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from app.models.diary import CrampEvent, MorningCheckIn
from app.models.intake import Intake
from app.models.plan import Completion, PlanItem
from app.models.red_flags import FlagReview
from app.models.types import UTCDateTime


class CaseloadDigest(SQLModel, table=True):
    """One patient's dashboard figures (app.services.caseload_figures.Figures) as of
    ``computed_at``; good until ``valid_until`` while the patient's figures_version is
    still ``version``. Names and next visits are read live, not stored here."""

    patient_id: int = Field(primary_key=True, foreign_key="user.id", ondelete="CASCADE")
    version: int
    computed_at: datetime = Field(sa_type=UTCDateTime)
    valid_until: datetime = Field(sa_type=UTCDateTime)
    last_activity: date | None = None
    days_silent: int
    silent_nights: int
    adherence_7: int | None = None
    adherence_30: int | None = None
    cramp_nights_7: int
    cramp_nights_before: int
    unrecorded_7: int
    red_flags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # Judged on the unrounded adherence (the stored percentages are rounded).
    attention: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


# Rows whose every change can alter a patient's figures (their ``patient_id``), and the
# profile itself (bedtime, wake time and zone decide the nights): each has the
# triggers of migration 0011.
FIGURE_SOURCES = (CrampEvent, MorningCheckIn, Completion, PlanItem, Intake, FlagReview)
