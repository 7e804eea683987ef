"""kill -9 of the server in the middle of a write burst loses nothing it acknowledged.

Each round: patients log cramps as fast as the server answers; once it has
acknowledged some, after a pause that differs per round, the server process is
killed with SIGKILL (no shutdown, no rollback, nothing flushed). Then it is started
again and the database must hold every acknowledged cramp, whole (each field as
sent), nothing that was never sent, and pass SQLite's ``PRAGMA integrity_check``.
A cramp whose answer was lost in the kill may or may not be there, but only whole.

``make test`` runs CRASH_ROUNDS (5) rounds; ``make proof`` the issue's 20
(``TSURANAI_CRASH_ROUNDS=20``).
"""

from __future__ import annotations

import asyncio
import os
import random
import sqlite3
import uuid

import httpx2
from sqlalchemy.engine import make_url

from app.security import CSRF_COOKIE, CSRF_HEADER
from tests.reliability.patients import (
    Tally,
    cramp_body,
    differences,
    log_cramp,
    run_async,
    stored_cramps,
)
from tests.reliability.served import Server
from tests.reliability.test_concurrency import signed_in_cookies
from tests.reliability.test_load import make_patients, reading

CRASH_ROUNDS = int(os.environ.get("TSURANAI_CRASH_ROUNDS", "5"))
WRITERS = 8  # patients writing at once in the burst
ACKNOWLEDGED_BEFORE_KILL = 10


async def _burst_then_kill(
    server: Server, cookie_sets: list[dict], tally: Tally, *, pause: float, first: int
) -> None:
    clients = [httpx2.AsyncClient(base_url=server.url, cookies=c, timeout=30) for c in cookie_sets]

    async def writer(index: int, client: httpx2.AsyncClient) -> None:
        n = first + index * 100_000
        while await log_cramp(client, tally, n):  # until the server is gone
            n += 1

    try:
        writers = [asyncio.ensure_future(writer(i, c)) for i, c in enumerate(clients)]
        enough = len(tally.acknowledged) + ACKNOWLEDGED_BEFORE_KILL
        while len(tally.acknowledged) < enough:
            if all(w.done() for w in writers):
                raise RuntimeError(f"the burst ended before the kill: {tally.bodies[:3]}")
            await asyncio.sleep(0.01)
        await asyncio.sleep(pause)
        await asyncio.to_thread(server.kill)
        await asyncio.gather(*writers)
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))


def integrity(database_url: str) -> str:
    """SQLite's own verdict on the file; PostgreSQL has no single equivalent (its WAL
    makes a killed client harmless to the files) and answers "ok"."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return "ok"
    connection = sqlite3.connect(url.database)
    try:
        return "\n".join(row[0] for row in connection.execute("PRAGMA integrity_check"))
    finally:
        connection.close()


def test_kill_9_during_a_write_burst_loses_nothing_acknowledged(database_url, db_backend, tmp_path):
    rng = random.Random(20261127)  # the same pauses every run
    patients = make_patients(database_url, WRITERS)
    server = Server(database_url, tmp_path / "server.log").start()
    cookie_sets = [signed_in_cookies(server.url, p) for p in patients]
    tally = Tally()
    kills = []
    try:
        for round_ in range(CRASH_ROUNDS):
            before = len(tally.acknowledged)
            pause = rng.uniform(0.0, 0.3)
            run_async(
                _burst_then_kill(server, cookie_sets, tally, pause=pause, first=round_ * 10**7)
            )
            kills.append(len(tally.acknowledged) - before)
            server.start()  # the same port, the same database: a restart

            assert integrity(database_url) == "ok", f"round {round_}"
            with reading(database_url) as db:
                stored = stored_cramps(db)
            missing = set(tally.acknowledged) - set(stored)
            assert not missing, f"round {round_}: {len(missing)} acknowledged cramps lost"
            assert set(stored) <= set(tally.sent), f"round {round_}: a cramp nobody sent"
            broken = {k: d for k, s in stored.items() if (d := differences(s, tally.sent[k]))}
            assert broken == {}, f"round {round_}: half-written cramps"
            # The restarted server takes writes at once, the signed-in patients included.
            cookies = cookie_sets[round_ % WRITERS]
            with httpx2.Client(base_url=server.url, cookies=cookies, timeout=30) as client:
                body = cramp_body(round_)
                headers = {CSRF_HEADER: cookies[CSRF_COOKIE]}
                response = client.post("/api/v1/cramps", json=body, headers=headers)
            assert response.status_code == 201, response.text
            tally.sent[uuid.UUID(body["client_id"])] = body
            tally.acknowledged[uuid.UUID(body["client_id"])] = body
    finally:
        server.stop()
    print(
        f"\ncrash {db_backend}: {CRASH_ROUNDS} kills, acknowledged before each kill {kills}, "
        f"{len(tally.acknowledged)} acknowledged in all, every one kept"
    )
    # Server errors before the kill would be a fault of their own.
    assert not [b for b in tally.bodies if b.startswith("5")]
    assert server.problems() == []
