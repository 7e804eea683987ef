"""figures triggers: the database bumps a patient's figures_version on every change

Until now the ORM bumped ``patientprofile.figures_version`` after a flush, and every
patient's on any bulk update or delete; an entry added by a Core statement had to
bump it itself. Triggers do it for every writer, in the same statement's transaction:
any insert, update or delete of a row the dashboard's figures read (its patient's
version), and any change to the profile itself (bedtime, wake time and zone decide
the nights). app.models.caseload lists the tables; a test checks each has them.

SQLite drops a table's triggers when a batch migration copies the table: a later
migration that rebuilds one of these tables must create its triggers again.

Revision ID: 0011_figures_triggers
Revises: 0010_caseload_digest
Create Date: 2026-11-27 22:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011_figures_triggers"
down_revision: str | None = "0010_caseload_digest"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out, not read from app.models: a migration stays what it was when written.
SOURCES = ("crampevent", "morningcheckin", "completion", "planitem", "intake", "flagreview")
BUMP = "UPDATE patientprofile SET figures_version = figures_version + 1"

SQLITE_SOURCE = {
    "insert": f"{BUMP} WHERE user_id = NEW.patient_id;",
    "update": f"{BUMP} WHERE user_id IN (OLD.patient_id, NEW.patient_id);",
    "delete": f"{BUMP} WHERE user_id = OLD.patient_id;",
}

POSTGRES_FUNCTIONS = f"""
CREATE FUNCTION figures_source_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        {BUMP} WHERE user_id = OLD.patient_id;
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.patient_id <> OLD.patient_id) THEN
        {BUMP} WHERE user_id = NEW.patient_id;
    END IF;
    RETURN NULL;
END $$;
CREATE FUNCTION figures_profile_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.figures_version = OLD.figures_version THEN
        NEW.figures_version := OLD.figures_version + 1;
    END IF;
    RETURN NEW;
END $$;
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_FUNCTIONS)
        for table in SOURCES:
            op.execute(
                f"CREATE TRIGGER figures_changed AFTER INSERT OR UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION figures_source_changed()"
            )
        op.execute(
            "CREATE TRIGGER figures_changed BEFORE UPDATE ON patientprofile "
            "FOR EACH ROW EXECUTE FUNCTION figures_profile_changed()"
        )
        return
    for table in SOURCES:
        for event, bump in SQLITE_SOURCE.items():
            op.execute(
                f"CREATE TRIGGER figures_after_{event}_{table} AFTER {event.upper()} ON {table} "
                f"BEGIN {bump} END"
            )
    # The bump itself changes the version, so it does not set this off again.
    op.execute(
        "CREATE TRIGGER figures_after_update_patientprofile AFTER UPDATE ON patientprofile "
        "WHEN NEW.figures_version = OLD.figures_version "
        f"BEGIN {BUMP} WHERE id = NEW.id; END"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in (*SOURCES, "patientprofile"):
            op.execute(f"DROP TRIGGER figures_changed ON {table}")
        op.execute("DROP FUNCTION figures_source_changed()")
        op.execute("DROP FUNCTION figures_profile_changed()")
        return
    for table in SOURCES:
        for event in SQLITE_SOURCE:
            op.execute(f"DROP TRIGGER figures_after_{event}_{table}")
    op.execute("DROP TRIGGER figures_after_update_patientprofile")
