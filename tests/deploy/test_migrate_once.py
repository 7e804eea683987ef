"""Migrations once per deploy: replicas that start together do not race on alembic.

The PostgreSQL test holds the migration lock itself, starts two real ``tsuranai
migrate`` processes, sees both wait on it with nothing created yet, then lets go:
one applies every migration, the other finds the schema at head.
"""

from __future__ import annotations

import subprocess
import time

from sqlalchemy import create_engine, inspect, text

from app.migrate import MIGRATION_LOCK_KEY
from tests.deploy.conftest import TSURANAI
from tests.test_migrations import drift

# Generous: two fresh processes import the whole app, on a machine that may be busy.
WAIT_S = 300


def waiting_for_advisory_lock(url: str) -> int:
    engine = create_engine(url)
    with engine.connect() as connection:
        count = connection.execute(
            text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
                "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            )
        ).scalar_one()
    engine.dispose()
    return count


def test_two_migrations_at_once_on_postgres_run_one_after_the_other(
    postgres_url, operator_env, tmp_path
):
    operator_env["TSURANAI_DATABASE_URL"] = postgres_url
    holder = create_engine(postgres_url)
    with holder.connect() as connection, connection.begin():
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        migrators = [
            subprocess.Popen(
                [TSURANAI, "migrate"],
                env=operator_env,
                cwd=tmp_path,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        deadline = time.monotonic() + WAIT_S
        while waiting_for_advisory_lock(postgres_url) < 2:
            assert time.monotonic() < deadline, "the migrators never queued on the lock"
            assert all(m.poll() is None for m in migrators), [m.communicate() for m in migrators]
            time.sleep(0.2)
        assert "alembic_version" not in inspect(connection).get_table_names()
    holder.dispose()

    outputs = [migrator.communicate(timeout=WAIT_S) for migrator in migrators]
    for migrator, (stdout, stderr) in zip(migrators, outputs, strict=True):
        assert migrator.returncode == 0, stderr
        assert "Another migration is running; waiting for it to finish." in stdout
        assert "Database is up to date." in stdout
    assert drift(postgres_url) == []
    engine = create_engine(postgres_url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
    engine.dispose()


def test_two_migrations_at_once_on_sqlite_both_succeed(operator_env, tmp_path):
    migrators = [
        subprocess.Popen(
            [TSURANAI, "migrate"], env=operator_env, cwd=tmp_path, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True,
        )
        for _ in range(2)
    ]  # fmt: skip
    for migrator in migrators:
        _, stderr = migrator.communicate(timeout=WAIT_S)
        assert migrator.returncode == 0, stderr
    assert drift(operator_env["TSURANAI_DATABASE_URL"]) == []
