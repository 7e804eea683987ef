"""caseload: an index on completion (patient_id, day, routine)

The practitioner's dashboard sums each patient's recent days of completions from
this index alone, without reading the table.

Revision ID: 0009_caseload
Revises: 0008_device_entries
Create Date: 2026-11-27 05:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009_caseload"
down_revision: str | None = "0008_device_entries"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("completion", schema=None) as batch_op:
        batch_op.create_index(
            "ix_completion_patient_day_routine", ["patient_id", "day", "routine"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("completion", schema=None) as batch_op:
        batch_op.drop_index("ix_completion_patient_day_routine")
