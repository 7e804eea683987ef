"""diary: cramp events and morning check-ins

CrampEvent and MorningCheckIn, each with a client UUID unique per patient.

Revision ID: 0003_diary
Revises: 0002_plan
Create Date: 2026-11-24 14:18:47.262224
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.models.types


revision: str = "0003_diary"
down_revision: str | None = "0002_plan"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "crampevent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("occurred_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("zone", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column(
            "foot",
            sa.Enum("left", "right", "both", name="foot", native_enum=False, length=20),
            nullable=True,
        ),
        sa.Column("sites", sa.JSON(), nullable=False),
        sa.Column("severity", sa.Integer(), nullable=True),
        sa.Column(
            "duration",
            sa.Enum(
                "under_30s",
                "about_1min",
                "2_to_5min",
                "over_5min",
                name="duration_preset",
                native_enum=False,
                length=20,
            ),
            nullable=True,
        ),
        sa.Column("duration_minutes", sa.Integer(), nullable=True),
        sa.Column("woke_me_up", sa.Boolean(), nullable=True),
        sa.Column(
            "situation",
            sa.Enum(
                "asleep",
                "on_waking",
                "after_exercise",
                "after_sitting",
                "after_standing",
                "other_daytime",
                name="situation",
                native_enum=False,
                length=20,
            ),
            nullable=True,
        ),
        sa.Column("symptoms", sa.JSON(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column(
            "created_fingerprint", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False
        ),
        sa.Column("created_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", app.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "severity IS NULL OR (severity >= 0 AND severity <= 10)", name="ck_crampevent_severity"
        ),
        sa.ForeignKeyConstraint(["patient_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("patient_id", "client_id", name="uq_crampevent_patient_client"),
    )
    with op.batch_alter_table("crampevent", schema=None) as batch_op:
        batch_op.create_index(
            "ix_crampevent_patient_occurred", ["patient_id", "occurred_at"], unique=False
        )

    op.create_table(
        "morningcheckin",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("night_of", sa.Date(), nullable=False),
        sa.Column("had_cramps", sa.Boolean(), nullable=False),
        sa.Column("cramp_count", sa.Integer(), nullable=True),
        sa.Column("worst_severity", sa.Integer(), nullable=True),
        sa.Column("sleep_disturbance", sa.Integer(), nullable=True),
        sa.Column("zone", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column(
            "created_fingerprint", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False
        ),
        sa.Column("answered_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "sleep_disturbance IS NULL OR (sleep_disturbance >= 0 AND sleep_disturbance <= 10)",
            name="ck_morningcheckin_disturbance",
        ),
        sa.CheckConstraint(
            "worst_severity IS NULL OR (worst_severity >= 0 AND worst_severity <= 10)",
            name="ck_morningcheckin_worst",
        ),
        sa.ForeignKeyConstraint(["patient_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("patient_id", "client_id", name="uq_morningcheckin_patient_client"),
        sa.UniqueConstraint("patient_id", "night_of", name="uq_morningcheckin_patient_night"),
    )


def downgrade() -> None:
    op.drop_table("morningcheckin")
    with op.batch_alter_table("crampevent", schema=None) as batch_op:
        batch_op.drop_index("ix_crampevent_patient_occurred")

    op.drop_table("crampevent")
