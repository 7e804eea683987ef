"""The caseload dashboard's stored rows, and the version that tells when one is out of date.

A practitioner's dashboard shows figures worked out from weeks of each patient's
diary; at clinic scale that is too slow to redo on every view. Each patient's figures
are stored with the moment they stop holding by the clock alone (the next midnight,
the next morning, a cramp leaving a window: app.domain.caseload.steady_until) and the
patient's ``figures_version`` they were worked out from. Any change through the ORM to
what the figures read bumps that version in the same transaction (below), and so does
an entry a device sends, which is added by one Core statement
(app.services.device_entries): a stored row is either exactly what a fresh
computation would give or is ignored.
"""

from __future__ import annotations

from datetime import date, datetime
from itertools import chain

from sqlalchemy import JSON, Column, bindparam, event, update
from sqlalchemy.orm import Session
from sqlmodel import Field, SQLModel

from app.models.accounts import PatientProfile
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
# profile itself (bedtime, wake time and zone decide the nights).
FIGURE_SOURCES = (CrampEvent, MorningCheckIn, Completion, PlanItem, Intake, FlagReview)


def _changed_patients(session: Session) -> set[int]:
    ids = set()
    for row in chain(session.new, session.dirty, session.deleted):
        if isinstance(row, FIGURE_SOURCES):
            ids.add(row.patient_id)
        elif isinstance(row, PatientProfile):
            ids.add(row.user_id)
    return ids


_SOURCE_TABLES = frozenset(t.__tablename__ for t in (*FIGURE_SOURCES, PatientProfile))


_PROFILES = PatientProfile.__table__
_BUMP_ALL = update(_PROFILES).values(figures_version=_PROFILES.c.figures_version + 1)
# Built once: every entry a device sends runs it.
_BUMP_SOME = _BUMP_ALL.where(_PROFILES.c.user_id.in_(bindparam("ids", expanding=True)))


def figures_changed(session: Session, ids: set[int] | None) -> None:
    """Bump these patients' figures_version (None: every patient's)."""
    # In the same transaction as the change, so no reader can see the change with the
    # old version (a dashboard reads the versions before the diary). Run on the
    # connection, so it is neither flushed nor seen by do_orm_execute again.
    if ids is None:
        session.connection().execute(_BUMP_ALL)
    else:
        session.connection().execute(_BUMP_SOME, {"ids": sorted(ids)})


@event.listens_for(Session, "after_flush")
def _bump_after_flush(session: Session, _flush_context) -> None:
    ids = _changed_patients(session)
    if ids:
        figures_changed(session, ids)


@event.listens_for(Session, "do_orm_execute")
def _bump_after_bulk_change(state) -> None:
    # An update() or delete() statement names no rows we could read the patients of
    # cheaply, and such statements are rare (erasing an account): every patient's
    # stored figures give way.
    table = getattr(state.statement, "table", None)
    if (state.is_update or state.is_delete) and getattr(table, "name", None) in _SOURCE_TABLES:
        figures_changed(state.session, None)
