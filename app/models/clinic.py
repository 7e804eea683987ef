"""The clinic's side of a patient's care: audit trail, notes, course of care, and
one-time links (invitations and password resets)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Enum, Index, Text, event
from sqlmodel import Field, SQLModel

from app.models.types import UTCDateTime


class AuditAction(StrEnum):
    """What somebody did with a patient's data (or an account)."""

    VIEW_CASELOAD = "view_caseload"
    VIEW_PATIENT = "view_patient"
    VIEW_PLAN = "view_plan"
    CHANGE_PLAN = "change_plan"
    ADD_NOTE = "add_note"
    EXPORT_PATIENT = "export_patient"
    EXPORT_CASELOAD = "export_caseload"
    PRINT_SUMMARY = "print_summary"
    INVITE = "invite"
    ISSUE_RESET = "issue_reset"
    LINK = "link"
    UNLINK = "unlink"
    CREATE_ACCOUNT = "create_account"
    DEACTIVATE = "deactivate"
    REACTIVATE = "reactivate"
    # A patient erased their account (or the admin did): the only trace it leaves.
    DELETE_ACCOUNT = "delete_account"


class TokenPurpose(StrEnum):
    INVITE = "invite"
    RESET = "reset"


def _str_enum(kind: type[StrEnum], name: str) -> Column:
    # Plain strings (no native ENUM), so SQLite and PostgreSQL agree.
    return Column(
        Enum(
            kind,
            name=name,
            values_callable=lambda e: [m.value for m in e],
            native_enum=False,
            length=20,
            create_constraint=False,
        ),
        nullable=False,
    )


class AuditEvent(SQLModel, table=True):
    """Who looked at or changed which patient's data, and when.

    Append-only: app.services.audit only ever inserts, and nothing in the app
    updates or deletes a row. The actor's and patient's ids are kept as plain
    numbers (no foreign key), so that the trail outlives a deleted account.
    """

    __table_args__ = (Index("ix_auditevent_patient_at", "patient_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_type=UTCDateTime, index=True)
    actor_id: int = Field(index=True)
    # The actor's name at the time, so the trail reads well even after a rename.
    actor_name: str = Field(max_length=100)
    patient_id: int | None = None
    action: AuditAction = Field(sa_column=_str_enum(AuditAction, "audit_action"))
    detail: str = Field(default="", max_length=200)


class PracticeNote(SQLModel, table=True):
    """A practitioner's dated note on a patient."""

    __table_args__ = (Index("ix_practicenote_patient_written", "patient_id", "written_at"),)

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    author_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    author_name: str = Field(max_length=100)
    written_at: datetime = Field(sa_type=UTCDateTime)
    body: str = Field(sa_column=Column(Text, nullable=False))
    # Chosen by the practitioner to appear on the printable referral summary.
    for_referral: bool = False


class CareCourse(SQLModel, table=True):
    """The goal of the current course of care and the next visit, shown to the patient."""

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="user.id", unique=True, ondelete="CASCADE")
    goal: str = Field(default="", max_length=300)
    next_visit: date | None = None
    updated_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    updated_at: datetime = Field(sa_type=UTCDateTime)


class OneTimeLink(SQLModel, table=True):
    """An invitation or a password reset link: random token, only its hash stored,
    valid until ``expires_at``, good for one use."""

    id: int | None = Field(default=None, primary_key=True)
    purpose: TokenPurpose = Field(sa_column=_str_enum(TokenPurpose, "token_purpose"))
    token_hash: str = Field(max_length=64, unique=True)
    created_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # A reset link's account; for an invitation, the account it created once used.
    user_id: int | None = Field(default=None, foreign_key="user.id", ondelete="CASCADE")
    # For an invitation: how the practitioner named the patient, and an optional address.
    name: str = Field(default="", max_length=100)
    email: str = Field(default="", max_length=254)


class AppendOnly(Exception):
    """An audit row was about to be changed or removed."""


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_change(_mapper, _connection, target: AuditEvent) -> None:
    raise AppendOnly(f"audit event {target.id} is append-only")
