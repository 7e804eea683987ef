"""pwa: app settings, calendar feed, secrets, reminders

Night mode and the first-run welcome per patient; the secret calendar feed; the
app's own secrets (VAPID); reminder settings, push subscriptions and deliveries.

Revision ID: 0007_pwa
Revises: 0006_habits
Create Date: 2026-11-27 04:43:41.878230
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.models.types


revision: str = "0007_pwa"
down_revision: str | None = "0006_habits"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "app_secret",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("value", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
        sa.Column("created_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "app_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("night_mode", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("welcome_done", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["patient_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("patient_id"),
    )
    op.create_table(
        "calendar_feed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("token", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["patient_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("patient_id"),
        sa.UniqueConstraint("token"),
    )
    op.create_table(
        "push_subscription",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("endpoint", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("p256dh", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("auth", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("user_agent", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("created_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["patient_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("endpoint"),
    )
    with op.batch_alter_table("push_subscription", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_push_subscription_patient_id"), ["patient_id"], unique=False
        )

    op.create_table(
        "reminder_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("muted_routines", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column("quiet_start", sa.Time(), nullable=True),
        sa.Column("quiet_end", sa.Time(), nullable=True),
        sa.Column("water_per_day", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["patient_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("patient_id"),
    )
    op.create_table(
        "reminder_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("reminder_key", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("due_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.ForeignKeyConstraint(["patient_id"], ["user.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["subscription_id"], ["push_subscription.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("subscription_id", "reminder_key"),
    )
    with op.batch_alter_table("reminder_delivery", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reminder_delivery_patient_id"), ["patient_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("reminder_delivery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reminder_delivery_patient_id"))

    op.drop_table("reminder_delivery")
    op.drop_table("reminder_settings")
    with op.batch_alter_table("push_subscription", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_push_subscription_patient_id"))

    op.drop_table("push_subscription")
    op.drop_table("calendar_feed")
    op.drop_table("app_settings")
    op.drop_table("app_secret")
