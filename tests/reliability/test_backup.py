"""A backup taken while patients write restores to a working app.

SQLite: ``tsuranai backup`` (the operator's command, in its own process) copies the
database of a running server while patients log cramps. PostgreSQL: the command
points at pg_dump, and the README's ``pg_dump -Fc`` / ``pg_restore`` pair is run
the same way. Then a fresh server is started on the restored copy: a patient signs
in and sees the cramps acknowledged before the backup began, each whole.
"""

from __future__ import annotations

import shutil
import sqlite3
import stat
import subprocess
import sys
import uuid
from pathlib import Path

import httpx2
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.security import CSRF_COOKIE, CSRF_HEADER
from tests.databases import postgres_admin_url
from tests.reliability.patients import (
    Tally,
    cramp_body,
    differences,
    keep_logging,
    stored_cramps,
    wait_for_acknowledged,
)
from tests.reliability.served import Server, server_env
from tests.reliability.test_concurrency import signed_in_cookies
from tests.reliability.test_load import NIGHT, make_patients, reading

TSURANAI = str(Path(sys.executable).parent / "tsuranai")
WRITERS = 4


def tsuranai_backup(database_url: str, destination: Path) -> subprocess.CompletedProcess:
    env = server_env(database_url) | {"TSURANAI_DEFAULT_LOCALE": "en"}
    return subprocess.run(
        [TSURANAI, "backup", str(destination)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=destination.parent,
    )


def libpq(url: str) -> str:
    """The URL as pg_dump and pg_restore take it (no "+psycopg")."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def back_up_and_restore(database_url: str, tmp_path: Path) -> str:
    """Back up the live database the way the README says; the restored copy's URL."""
    if make_url(database_url).get_backend_name() == "sqlite":
        result = tsuranai_backup(database_url, tmp_path / "nightly.db")
        assert result.returncode == 0, result.stderr
        copy = tmp_path / "nightly.db"
        assert result.stdout.startswith(f"Backed up to {copy} (")
        assert stat.S_IMODE(copy.stat().st_mode) == 0o600  # health data: the owner's only
        connection = sqlite3.connect(copy)
        try:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        finally:
            connection.close()
        # Restoring is putting the file in place of the database (README, "Restore").
        restored = tmp_path / "restored" / "tsuranai.db"
        restored.parent.mkdir()
        shutil.copyfile(copy, restored)
        return f"sqlite:///{restored}"

    refused = tsuranai_backup(database_url, tmp_path / "nightly.db")
    assert refused.returncode == 1
    assert "pg_dump -Fc" in refused.stderr
    dump = tmp_path / "tsuranai.dump"
    subprocess.run(
        ["pg_dump", "-Fc", "-f", str(dump), "-d", libpq(database_url)], check=True, timeout=120
    )
    name = f"tsuranai_restored_{uuid.uuid4().hex[:8]}"
    admin = create_engine(postgres_admin_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    restored = make_url(database_url).set(database=name).render_as_string(hide_password=False)
    subprocess.run(
        ["pg_restore", "--no-owner", "-d", libpq(restored), str(dump)], check=True, timeout=120
    )
    return restored


def drop_restored(url: str) -> None:
    if make_url(url).get_backend_name() == "sqlite":
        return
    admin = create_engine(postgres_admin_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


def test_a_backup_taken_during_writes_restores_to_a_working_app(database_url, tmp_path):
    patients = make_patients(database_url, WRITERS)
    server = Server(database_url, tmp_path / "server.log").start()
    tally = Tally()
    restored_url = None
    try:
        cookie_sets = [signed_in_cookies(server.url, p) for p in patients]
        stop = keep_logging(server.url, cookie_sets, tally)
        try:
            wait_for_acknowledged(tally, 20)
            before = set(tally.acknowledged)
            restored_url = back_up_and_restore(database_url, tmp_path)
            # The writers went on while the copy was taken, and afterwards.
            wait_for_acknowledged(tally, len(tally.acknowledged) + 20)
        finally:
            stop()
        assert tally.server_errors == 0, tally.bodies[:3]
        assert server.problems() == []

        with reading(restored_url) as db:
            copied = stored_cramps(db)
        assert before <= set(copied)
        assert set(copied) <= set(tally.sent)
        assert {k: d for k, c in copied.items() if (d := differences(c, tally.sent[k]))} == {}

        # A fresh app on the restored copy: sign in, see the data, keep writing.
        fresh = Server(restored_url, tmp_path / "restored.log").start()
        try:
            patient = patients[0]
            cookies = signed_in_cookies(fresh.url, patient)
            with httpx2.Client(base_url=fresh.url, cookies=cookies, timeout=30) as client:
                home = client.get("/patient/")
                listed = client.get("/api/v1/cramps", params=NIGHT)
                body = cramp_body(1)
                added = client.post(
                    "/api/v1/cramps", json=body, headers={CSRF_HEADER: cookies[CSRF_COOKIE]}
                )
            assert home.status_code == 200
            assert patient.name in home.text
            assert listed.status_code == 200
            mine = {uuid.UUID(item["client_id"]) for item in listed.json()["items"]}
            assert mine == {k for k, c in copied.items() if c.patient_id == patient.id}
            assert mine  # the patient's cramps came back, not only an empty shell
            assert added.status_code == 201, added.text
            assert fresh.problems() == []
        finally:
            fresh.stop()
    finally:
        server.stop()
        if restored_url:
            drop_restored(restored_url)
