"""habits: a stored snapshot of each patient's habit strength

HabitSnapshot carries every routine's strength to a settled day, so the home screen
no longer replays the patient's whole history on each view.

Revision ID: 0006_habits
Revises: 0005_consent
Create Date: 2026-11-27 04:56:19.468785
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.models.types


revision: str = "0006_habits"
down_revision: str | None = "0005_consent"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "habitsnapshot",
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("plan_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("habits", sa.JSON(), nullable=False),
        sa.Column("computed_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["patient_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("patient_id"),
    )


def downgrade() -> None:
    op.drop_table("habitsnapshot")
