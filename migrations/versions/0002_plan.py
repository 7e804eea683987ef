"""plan: plan item versions and completions

PlanItem rows are versions of a patient's routines by effective date; Completion
rows are occurrences done, with a client UUID unique per patient.

Revision ID: 0002_plan
Revises: 0001_foundation
Create Date: 2026-11-24 14:24:31.445438
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.models.types


revision: str = "0002_plan"
down_revision: str | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "planitem",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("routine", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("anchor", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("offset_minutes", sa.Integer(), nullable=False),
        sa.Column("at_time", sa.Time(), nullable=True),
        sa.Column("cadence", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("weekdays", sa.Integer(), nullable=False),
        sa.Column("per_week_min", sa.Integer(), nullable=False),
        sa.Column("per_week_max", sa.Integer(), nullable=False),
        sa.Column("sets", sa.Integer(), nullable=True),
        sa.Column("hold_seconds", sa.Integer(), nullable=True),
        sa.Column("rest_seconds", sa.Integer(), nullable=True),
        sa.Column("reps", sa.Integer(), nullable=True),
        sa.Column("minutes", sa.Integer(), nullable=True),
        sa.Column("massage_minutes", sa.Integer(), nullable=True),
        sa.Column("glasses", sa.Integer(), nullable=True),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["changed_by_id"], ["user.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["patient_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("patient_id", "routine", "effective_from"),
    )
    op.create_table(
        "completion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("routine", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("plan_item_id", sa.Integer(), nullable=True),
        sa.Column("sets", sa.Integer(), nullable=True),
        sa.Column("minutes", sa.Integer(), nullable=True),
        sa.Column("reps", sa.Integer(), nullable=True),
        sa.Column("glasses", sa.Integer(), nullable=True),
        sa.Column("recorded_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["patient_id"], ["user.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["plan_item_id"], ["planitem.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("patient_id", "client_id"),
        sa.UniqueConstraint("patient_id", "routine", "day", "slot"),
    )
    with op.batch_alter_table("completion", schema=None) as batch_op:
        batch_op.create_index("ix_completion_patient_day", ["patient_id", "day"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("completion", schema=None) as batch_op:
        batch_op.drop_index("ix_completion_patient_day")

    op.drop_table("completion")
    op.drop_table("planitem")
