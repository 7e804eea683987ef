"""What the installed app keeps per patient: night mode, the first-run welcome, the
secret calendar feed; and the app's own secrets (the Web Push VAPID key)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from app.models.types import UTCDateTime


class NightMode(StrEnum):
    AUTO = "auto"  # dim from an hour before bedtime to wake time, or when the phone asks
    ON = "on"
    OFF = "off"


class AppSettings(SQLModel, table=True):
    """A patient's app preferences; a row appears the first time one is saved."""

    __tablename__ = "app_settings"

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="user.id", unique=True, ondelete="CASCADE")
    night_mode: str = Field(default=NightMode.AUTO.value, max_length=8)
    welcome_done: bool = False


class CalendarFeed(SQLModel, table=True):
    """The secret address of a patient's calendar feed. The token is random and
    opaque (no id in it); replacing it makes the old address answer 404."""

    __tablename__ = "calendar_feed"

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="user.id", unique=True, ondelete="CASCADE")
    token: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(sa_type=UTCDateTime)


class AppSecret(SQLModel, table=True):
    """Secrets the app makes for itself on first use and must keep (the VAPID key)."""

    __tablename__ = "app_secret"

    name: str = Field(primary_key=True, max_length=32)
    value: str = Field(max_length=4000)
    created_at: datetime = Field(sa_type=UTCDateTime)
