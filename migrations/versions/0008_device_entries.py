"""device entries: tombstones for every kind, and completion fingerprints

One rule for entries made on a device (app.services.device_entries): deleted
entries of every kind leave a DeletedEntry tombstone, so cramps no longer keep
their own erased rows; completions keep the fingerprint of the request that
created them, so the same UUID with another body can be refused.

Revision ID: 0008_device_entries
Revises: 0007_pwa
Create Date: 2026-11-27 04:38:09.135036
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.models.types

revision: str = "0008_device_entries"
down_revision: str | None = "0007_pwa"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "deletedentry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_fingerprint", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False
        ),
        sa.Column("deleted_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["patient_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "patient_id", "kind", "client_id", name="uq_deletedentry_patient_kind_client"
        ),
    )
    # Completions recorded before this revision have no fingerprint: a retry of one of
    # them is judged by its stored fields instead (completions.record_completion).
    with op.batch_alter_table("completion", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "created_fingerprint",
                sqlmodel.sql.sqltypes.AutoString(length=64),
                nullable=False,
                server_default="",
            )
        )
    with op.batch_alter_table("completion", schema=None) as batch_op:
        batch_op.alter_column("created_fingerprint", server_default=None)

    # Cramp tombstones move to the shared table.
    op.execute(
        "INSERT INTO deletedentry (patient_id, kind, client_id, created_fingerprint, deleted_at) "
        "SELECT patient_id, 'cramp', client_id, created_fingerprint, deleted_at "
        "FROM crampevent WHERE deleted_at IS NOT NULL"
    )
    op.execute("DELETE FROM crampevent WHERE deleted_at IS NOT NULL")
    with op.batch_alter_table("crampevent", schema=None) as batch_op:
        batch_op.drop_column("deleted_at")


def downgrade() -> None:
    # Tombstones are dropped: a downgraded app would accept a deleted entry again.
    with op.batch_alter_table("crampevent", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("deleted_at", app.models.types.UTCDateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("completion", schema=None) as batch_op:
        batch_op.drop_column("created_fingerprint")
    op.drop_table("deletedentry")
