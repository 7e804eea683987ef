"""Reminders by Web Push: each patient's reminder settings, one push subscription per
device, and one delivery row per reminder and device, claimed before sending."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.types import UTCDateTime


class ReminderSettings(SQLModel, table=True):
    __tablename__ = "reminder_settings"

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="user.id", unique=True, ondelete="CASCADE")
    enabled: bool = False
    # Routines (catalogue keys, comma-separated) the patient does not want reminded.
    muted_routines: str = Field(default="", max_length=400)
    # No reminder in [quiet_start, quiet_end) local time; None: while asleep
    # (bedtime to wake time).
    quiet_start: time | None = None
    quiet_end: time | None = None
    # Water reminders spread over the waking day.
    water_per_day: int = 3


class PushSubscription(SQLModel, table=True):
    """One browser's push subscription. The endpoint is unique: a device that
    subscribes again (or under another account) replaces its row."""

    __tablename__ = "push_subscription"

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    endpoint: str = Field(max_length=1000, unique=True)
    p256dh: str = Field(max_length=200)
    auth: str = Field(max_length=100)
    user_agent: str = Field(default="", max_length=200)
    created_at: datetime = Field(sa_type=UTCDateTime)
    last_seen_at: datetime = Field(sa_type=UTCDateTime)


class ReminderDelivery(SQLModel, table=True):
    """A reminder for one occurrence on one device. The row is inserted (claimed)
    before the push is sent; the unique key makes a second sender skip it, also
    in another process."""

    __tablename__ = "reminder_delivery"
    __table_args__ = (UniqueConstraint("subscription_id", "reminder_key"),)

    id: int | None = Field(default=None, primary_key=True)
    subscription_id: int = Field(foreign_key="push_subscription.id", ondelete="CASCADE")
    patient_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    # Which occurrence: "<patient day>/<routine>/<n>" (app.domain.reminders).
    reminder_key: str = Field(max_length=80)
    due_at: datetime = Field(sa_type=UTCDateTime)
    claimed_at: datetime = Field(sa_type=UTCDateTime)
    # "claimed", "sent", "gone" (the push service forgot the device) or "failed".
    status: str = Field(default="claimed", max_length=16)
