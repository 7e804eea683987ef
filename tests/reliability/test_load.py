"""Real server processes under real load, on SQLite and on PostgreSQL.

- Two app processes on one database: what a clinic that outgrows one process runs.
- 200 patients logging a cramp once a second against 2 uvicorn workers, open loop
  (tests/reliability/patients.py): no server errors, no "database is locked", and
  every acknowledged cramp stored, nothing else. It prints the offered and achieved
  rates, latency percentiles and the CPU time a cramp costs the server and the load
  generator, which share the machine's cores.

``make test`` runs the load for LOAD_SECONDS (5 s); ``make proof`` runs the issue's
full 30 s (``TSURANAI_LOAD_SECONDS=30``). Figures print with ``-s``.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import httpx2
import pytest
from sqlmodel import Session

from app.db import make_engine, write_session
from app.models import User
from app.security import CSRF_COOKIE, CSRF_HEADER, Passwords
from tests import factories
from tests.conftest import settings_for
from tests.reliability.patients import (
    CONNECTIONS,
    GAVE_UP,
    Tally,
    cramp_body,
    cramp_count,
    differences,
    patients_logging,
    percentile,
    stored_cramps,
)
from tests.reliability.served import Server
from tests.reliability.test_concurrency import signed_in_cookies

# TSURANAI_LOAD_PATIENTS offers another rate (one cramp a second per patient), to find
# what a machine does serve.
PATIENTS = int(os.environ.get("TSURANAI_LOAD_PATIENTS", "200"))
LOAD_SECONDS = float(os.environ.get("TSURANAI_LOAD_SECONDS", "5"))
# With TSURANAI_LOAD_STRICT=1 (`make proof`) the load test also fails when the
# machine did not keep up with the offered rate; `make test` checks correctness only
# (a shared 2-core machine may not serve 200 cramps a second) and prints the figures.
STRICT = os.environ.get("TSURANAI_LOAD_STRICT") == "1"
NIGHT = {"start": date(2026, 11, 1).isoformat(), "end": date(2026, 11, 30).isoformat()}


@pytest.fixture
def servers(tmp_path):
    started: list[Server] = []

    def start(database_url: str, *, workers: int = 1) -> Server:
        log = tmp_path / f"server-{len(started)}.log"
        started.append(Server(database_url, log, workers=workers))
        return started[-1].start()

    yield start
    for server in started:
        server.stop()


def make_patients(database_url: str, n: int) -> list[User]:
    engine = make_engine(database_url)
    try:
        with write_session(engine) as session:
            passwords = Passwords(settings_for(database_url))
            return [factories.make_patient(session, passwords) for _ in range(n)]
    finally:
        engine.dispose()


@contextmanager
def reading(database_url: str) -> Iterator[Session]:
    """A session of the test's own, opened after the servers wrote."""
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            yield session
    finally:
        engine.dispose()


def listed(server: Server, cookies: dict) -> list[str]:
    with httpx2.Client(base_url=server.url, cookies=cookies, timeout=30) as client:
        response = client.get("/api/v1/cramps", params=NIGHT)
    assert response.status_code == 200, response.text
    return [item["client_id"] for item in response.json()["items"]]


def test_two_app_processes_serve_one_database(database_url, servers):
    first, second = servers(database_url), servers(database_url)
    [patient] = make_patients(database_url, 1)
    # Signed in on one process, the session works on the other: it lives in the database.
    cookies = signed_in_cookies(first.url, patient)
    sent = []
    for n, server in enumerate([first, second, first, second]):
        body = cramp_body(n)
        with httpx2.Client(base_url=server.url, cookies=cookies, timeout=30) as client:
            response = client.post(
                "/api/v1/cramps", json=body, headers={CSRF_HEADER: cookies[CSRF_COOKIE]}
            )
        assert response.status_code == 201, response.text
        sent.append(uuid.UUID(body["client_id"]))

    # Many patients at once, spread over both processes.
    tally = patients_logging([first.url, second.url], make_patients(database_url, 20), seconds=2)

    assert listed(first, cookies) == listed(second, cookies)
    assert sorted(listed(first, cookies)) == sorted(str(s) for s in sent)
    assert tally.server_errors == 0, tally.bodies[:5]
    assert set(tally.answers) == {201}, tally.answers
    with reading(database_url) as db:
        assert set(stored_cramps(db)) == set(tally.acknowledged) | set(sent)
    assert first.problems() == []
    assert second.problems() == []


def load_report(tally: Tally, *, backend: str, server_cpu_s: float) -> str:
    answered = tally.answered
    achieved = len(tally.acknowledged) / tally.load_s if tally.load_s else 0.0
    ms = [1000 * s for s in tally.latencies_s]
    per_request = 1000 * server_cpu_s / answered if answered else 0.0
    generator = 1000 * tally.generator_cpu_s / max(1, answered + tally.gave_up)
    # Two cores for both sides: what they could serve if nothing else ran.
    ceiling = 2000 / (per_request + generator) if per_request + generator else 0.0
    lines = [
        f"load {backend}: {PATIENTS} patients, one cramp a second each for {LOAD_SECONDS:g} s "
        f"(open loop), 2 workers, at most {CONNECTIONS} requests on the wire",
        f"  offered {tally.offered_per_s:.0f}/s, acknowledged {achieved:.0f}/s "
        f"({len(tally.acknowledged)} in {tally.load_s:.1f} s), gave up before sending "
        f"{tally.gave_up}, answers {dict(tally.answers)}",
        f"  latency from the planned moment: p50 {percentile(ms, 50):.0f} ms, "
        f"p90 {percentile(ms, 90):.0f} ms, p99 {percentile(ms, 99):.0f} ms, "
        f"max {max(ms, default=0):.0f} ms",
        f"  CPU per cramp: server {per_request:.1f} ms (both workers), load generator "
        f"{generator:.1f} ms: 2 cores serve at most ~{ceiling:.0f}/s "
        f"(load average {os.getloadavg()[0]:.1f} from everything on the machine)",
    ]
    if achieved < 0.95 * tally.offered_per_s or tally.gave_up:
        lines.append(
            f"  SHORT of the target: {achieved:.0f}/s acknowledged of {tally.offered_per_s:.0f}/s"
            " offered"
        )
    return "\n".join(lines)


def test_200_patients_logging_every_second_against_2_workers(database_url, db_backend, servers):
    """(PATIENTS patients: 200 unless TSURANAI_LOAD_PATIENTS says otherwise.)"""
    started = time.monotonic()
    server = servers(database_url, workers=2)
    patients = make_patients(database_url, PATIENTS)
    ready = time.monotonic()

    cpu_before = server.cpu_seconds()
    tally = patients_logging([server.url], patients, seconds=LOAD_SECONDS)
    server_cpu_s = server.cpu_seconds() - cpu_before

    acknowledged = len(tally.acknowledged)
    with reading(database_url) as db:
        stored = stored_cramps(db)
        count = cramp_count(db)
    print(
        "\n"
        + load_report(tally, backend=db_backend, server_cpu_s=server_cpu_s)
        + f"\n  stored {len(stored)}; set-up {ready - started:.1f} s, "
        f"sign-in {tally.sign_in_s:.1f} s"
    )
    assert tally.server_errors == 0, (tally.answers, tally.bodies[:5])
    assert {status for status in tally.answers if status != GAVE_UP} == {201}, (
        tally.answers,
        tally.bodies[:5],
    )
    assert not [b for b in tally.bodies if "locked" in b]
    assert server.problems() == []
    assert count == acknowledged
    assert set(stored) == set(tally.acknowledged)
    assert [differences(stored[k], body) for k, body in tally.acknowledged.items()] == [
        [] for _ in tally.acknowledged
    ]
    if STRICT:
        # `make proof`: the rate, not only its correctness.
        fell_behind = (
            f"the server fell behind: {acknowledged} cramps acknowledged of "
            f"{tally.offered_per_s * LOAD_SECONDS:.0f} offered, {tally.gave_up} never sent "
            "(figures above)"
        )
        assert tally.gave_up == 0, fell_behind
        assert acknowledged >= 0.95 * tally.offered_per_s * LOAD_SECONDS, fell_behind
