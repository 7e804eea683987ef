"""caseload digest: each patient's stored dashboard figures, and the version they follow

The practitioner's dashboard keeps each patient's figures in ``caseloaddigest`` with
the moment they stop holding; ``patientprofile.figures_version`` is bumped by every
change to what they read (app.models.caseload), so a stored row from an older
version is ignored.

Revision ID: 0010_caseload_digest
Revises: 0009_caseload
Create Date: 2026-11-27 10:34:17
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.models.types

revision: str = "0010_caseload_digest"
down_revision: str | None = "0009_caseload"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "caseloaddigest",
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("computed_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("valid_until", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_activity", sa.Date(), nullable=True),
        sa.Column("days_silent", sa.Integer(), nullable=False),
        sa.Column("silent_nights", sa.Integer(), nullable=False),
        sa.Column("adherence_7", sa.Integer(), nullable=True),
        sa.Column("adherence_30", sa.Integer(), nullable=True),
        sa.Column("cramp_nights_7", sa.Integer(), nullable=False),
        sa.Column("cramp_nights_before", sa.Integer(), nullable=False),
        sa.Column("unrecorded_7", sa.Integer(), nullable=False),
        sa.Column("red_flags", sa.JSON(), nullable=False),
        sa.Column("attention", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["patient_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("patient_id"),
    )
    with op.batch_alter_table("patientprofile", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("figures_version", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("patientprofile", schema=None) as batch_op:
        batch_op.drop_column("figures_version")
    op.drop_table("caseloaddigest")
