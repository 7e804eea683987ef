"""The databases the suite runs on: a SQLite file per test, and PostgreSQL when it answers.

Every service, route, practitioner and reliability test (and the CLI tests) runs once
per backend; the backend is in the test id (``test_x[sqlite]``, ``test_x[postgres]``).
PostgreSQL joins when ``TSURANAI_TEST_POSTGRES_URL`` names a server whose role may
create databases and that server answers; ``TSURANAI_REQUIRE_POSTGRES=1`` (CI) turns
its absence into a failure instead of a SQLite-only run.

Cost is kept per worker, not per test: each xdist worker creates one throw-away
database when its first PostgreSQL test runs, migrates it once and drops it at the
end; each test then starts from empty tables (see PostgresEmptier).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlmodel import SQLModel

import app.models  # noqa: F401 - registers every table
from app.migrate import upgrade

POSTGRES_URL = "TSURANAI_TEST_POSTGRES_URL"
REQUIRE_POSTGRES = "TSURANAI_REQUIRE_POSTGRES"
BACKENDS = ("sqlite", "postgres")
# Where PostgreSQL runs too (relative to tests/). The browser journeys (tests/e2e),
# the packaging and container tests (tests/deploy) and the pure rules (tests/unit)
# do not depend on the database's dialect and stay on SQLite.
ON_BOTH = ("services", "routes", "practitioner", "reliability", "test_cli.py")
TESTS_DIR = Path(__file__).resolve().parent
# A test that leaves a transaction open must not hang the next one's emptying forever.
LOCK_TIMEOUT = "5s"


@cache
def postgres_admin_url() -> str | None:
    """The configured server's URL when it answers; None for a SQLite-only run."""
    url = os.environ.get(POSTGRES_URL)
    required = os.environ.get(REQUIRE_POSTGRES) == "1"
    if not url:
        if required:
            raise pytest.UsageError(f"{REQUIRE_POSTGRES}=1 but {POSTGRES_URL} is not set")
        return None
    engine = create_engine(url, connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        if required:
            message = f"PostgreSQL at {POSTGRES_URL} does not answer: {error}"
            raise pytest.UsageError(message) from None
        return None
    finally:
        engine.dispose()
    return url


def backends_for(path: Path, *, sqlite_only: bool) -> list[str]:
    relative = path.resolve().relative_to(TESTS_DIR).parts
    if sqlite_only or not relative or relative[0] not in ON_BOTH:
        return ["sqlite"]
    return list(BACKENDS) if postgres_admin_url() else ["sqlite"]


def parametrize(metafunc: pytest.Metafunc) -> None:
    """pytest_generate_tests: one run per backend for every test that uses a database."""
    if "db_backend" not in metafunc.fixturenames:
        return
    sqlite_only = metafunc.definition.get_closest_marker("sqlite_only") is not None
    backends = backends_for(metafunc.definition.path, sqlite_only=sqlite_only)
    metafunc.parametrize("db_backend", backends, indirect=True)


def _database_url(admin_url: str, name: str) -> str:
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """This worker's own migrated PostgreSQL database, dropped when the worker ends."""
    admin_url = postgres_admin_url()
    assert admin_url is not None, "a postgres test ran without a server"
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")  # gw0, gw1...
    name = f"tsuranai_test_{worker}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
        # The app server is not what a test kills, so commits need not wait for the
        # disk: what the suite checks is visibility and order, which this keeps.
        connection.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    url = _database_url(admin_url, name)
    try:
        upgrade(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_emptier(postgres_database: str) -> Iterator[PostgresEmptier]:
    emptier = PostgresEmptier(postgres_database)
    yield emptier
    emptier.dispose()


class PostgresEmptier:
    """Empties every table of the worker's database (the schema stays) between tests.

    DELETE in dependency order and restarted sequences, not TRUNCATE: TRUNCATE makes
    new files for every table and index, 0.4-0.9 s for this schema on a busy 2-core
    machine, against 25 ms for deleting the few rows a test leaves.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_engine(url, isolation_level="AUTOCOMMIT", pool_size=1)
        quote = self.engine.dialect.identifier_preparer.quote
        tables = [quote(table.name) for table in reversed(SQLModel.metadata.sorted_tables)]
        with self.engine.connect() as connection:
            sequences = connection.execute(
                text(
                    "SELECT quote_ident(sequencename) FROM pg_sequences"
                    " WHERE schemaname = current_schema()"
                )
            ).scalars()
            self.statement = "".join(
                [f"DELETE FROM {table};" for table in tables]
                + [f"ALTER SEQUENCE {sequence} RESTART;" for sequence in sequences]
            )

    def empty(self) -> None:
        with self.engine.connect() as connection:
            connection.execute(text(f"SET lock_timeout = '{LOCK_TIMEOUT}'"))
            try:
                connection.exec_driver_sql(self.statement)
            except OperationalError:
                # A connection an earlier test leaked holds a lock: end it, then retry.
                connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                        " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                )
                connection.exec_driver_sql(self.statement)

    def dispose(self) -> None:
        self.engine.dispose()
