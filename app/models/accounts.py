"""People and who may see whom: users, patient profiles, care links, sign-in state."""

from __future__ import annotations

from datetime import datetime, time
from enum import StrEnum

from sqlalchemy import Column, Enum, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.types import UTCDateTime


class Role(StrEnum):
    PATIENT = "patient"
    PRACTITIONER = "practitioner"
    ADMIN = "admin"


def role_column() -> Column:
    return Column(
        Enum(
            Role,
            name="role",
            values_callable=lambda e: [m.value for m in e],
            native_enum=False,
            length=20,
        ),
        nullable=False,
    )


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    # Stored lower-cased: people type their address with whatever case the phone chose.
    email: str = Field(max_length=254, unique=True, index=True)
    name: str = Field(max_length=100)
    role: Role = Field(sa_column=role_column())
    password_hash: str = Field(max_length=255)
    # The person's chosen language; None means "follow the browser".
    locale: str | None = Field(default=None, max_length=8)
    is_active: bool = True
    created_at: datetime = Field(sa_type=UTCDateTime)


class PatientProfile(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", unique=True, ondelete="CASCADE")
    time_zone: str = Field(default="Asia/Tokyo", max_length=64)
    bedtime: time = time(23, 0)
    wake_time: time = time(7, 0)
    # Bumped by the database with every change to what the caseload figures read
    # (triggers, app.models.caseload).
    figures_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class CareLink(SQLModel, table=True):
    """A practitioner cares for a patient: the only way staff may see a patient's data."""

    __table_args__ = (UniqueConstraint("practitioner_id", "patient_id"),)

    id: int | None = Field(default=None, primary_key=True)
    practitioner_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    patient_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    created_at: datetime = Field(sa_type=UTCDateTime)


class UserSession(SQLModel, table=True):
    """A signed-in device. Only a hash of the cookie's token is stored, so a copy of
    the database cannot be replayed as somebody's cookie."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    user_agent: str = Field(default="", max_length=200)


class LoginAttempt(SQLModel, table=True):
    """One try at signing in, kept an hour for throttling (shared by every app process)."""

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, index=True)
    client_address: str = Field(max_length=64, index=True)
    attempted_at: datetime = Field(sa_type=UTCDateTime, index=True)
    succeeded: bool = False
