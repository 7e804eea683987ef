"""consent: consent records, intake, flag reviews, doctor visits

ConsentRecord (version and time of each agreement), Intake (one per patient),
FlagReview and DoctorVisit (what people did about red flags).

Revision ID: 0005_consent
Revises: 0004_clinic
Create Date: 2026-11-27 04:41:10.258777
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.models.types


revision: str = "0005_consent"
down_revision: str | None = "0004_clinic"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "consentrecord",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("version", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("locale", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("agreed_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", app.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["patient_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("consentrecord", schema=None) as batch_op:
        batch_op.create_index(
            "ix_consentrecord_patient_agreed", ["patient_id", "agreed_at"], unique=False
        )

    op.create_table(
        "doctorvisit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.Column("said_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["patient_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("doctorvisit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_doctorvisit_patient_id"), ["patient_id"], unique=False)

    op.create_table(
        "flagreview",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("flag", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["patient_id"], ["user.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["reviewer_id"], ["user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("flagreview", schema=None) as batch_op:
        batch_op.create_index("ix_flagreview_patient_flag", ["patient_id", "flag"], unique=False)

    op.create_table(
        "intake",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("situations", sa.JSON(), nullable=False),
        sa.Column("frequency_count", sa.Integer(), nullable=False),
        sa.Column("frequency_unit", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("side", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("sites", sa.JSON(), nullable=False),
        sa.Column("accompanying", sa.JSON(), nullable=False),
        sa.Column("history", sa.JSON(), nullable=False),
        sa.Column("history_other", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("medicines", sa.JSON(), nullable=False),
        sa.Column("medicines_other", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("age_band", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("daily_life", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("created_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["patient_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("patient_id"),
    )


def downgrade() -> None:
    op.drop_table("intake")
    with op.batch_alter_table("flagreview", schema=None) as batch_op:
        batch_op.drop_index("ix_flagreview_patient_flag")

    op.drop_table("flagreview")
    with op.batch_alter_table("doctorvisit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_doctorvisit_patient_id"))

    op.drop_table("doctorvisit")
    with op.batch_alter_table("consentrecord", schema=None) as batch_op:
        batch_op.drop_index("ix_consentrecord_patient_agreed")

    op.drop_table("consentrecord")
