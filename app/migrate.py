"""Applying migrations from code (CLI, tests, start-up) with the app's own settings.

Several app containers may start at once against one database, so the upgrade
runs under a database-wide lock: on PostgreSQL a transaction-level advisory lock
taken in the migration's own transaction, on SQLite the write lock that
``BEGIN IMMEDIATE`` takes. Whoever comes second waits, then finds the schema
already at head and does nothing. DDL is transactional on both, so a failed
migration leaves the schema as it was.
"""

from __future__ import annotations

from collections.abc import Callable

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, text

from app.db import make_engine, writer
from app.resources import ALEMBIC_INI, MIGRATIONS_DIR

# pg_advisory_xact_lock key: the bytes of "tsuranai" as a (positive) bigint.
MIGRATION_LOCK_KEY = int.from_bytes(b"tsuranai", "big")
# A second SQLite migrator queues on the write lock for this long before giving up.
SQLITE_WAIT_MS = 120_000


def alembic_config(database_url: str) -> Config:
    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, *, on_wait: Callable[[], None] | None = None) -> None:
    """Bring the database to the newest schema, one migrator at a time.

    ``on_wait`` is called once when another migration holds the lock.
    """
    engine = make_engine(database_url, busy_timeout_ms=SQLITE_WAIT_MS, pool_size=1)
    try:
        with writer(engine).connect() as connection, connection.begin():
            if connection.dialect.name == "postgresql":
                _lock_postgres(connection, on_wait)
            config = alembic_config(database_url)
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    finally:
        engine.dispose()


def _lock_postgres(connection: Connection, on_wait: Callable[[], None] | None) -> None:
    key = {"key": MIGRATION_LOCK_KEY}
    if connection.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), key).scalar():
        return
    if on_wait is not None:
        on_wait()
    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), key)
