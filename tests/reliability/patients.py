"""Simulated patients for the load and crash tests: real HTTP clients logging cramps.

Each patient signs in over HTTP as a phone does and then logs cramps through the
JSON API (``POST /api/v1/cramps``), each with a fresh ``client_id``. Every answer is
kept, so a test can compare what the server acknowledged (201) with what it stored.
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta

import httpx2
from sqlalchemy import func
from sqlmodel import Session, select

from app.models import CrampEvent, User
from app.security import CSRF_COOKIE, CSRF_FIELD, CSRF_HEADER
from tests import factories

TIMEOUT_S = 60  # one answer; a loaded machine is slow, a stopped server never answers
# A phone that waited GIVE_UP_S for a free connection and never sent its cramp.
GAVE_UP = "gave up before sending"


@dataclass
class Tally:
    """What the clients saw: statuses (or errors), and the cramps acknowledged."""

    answers: Counter = field(default_factory=Counter)
    acknowledged: dict[uuid.UUID, dict] = field(default_factory=dict)
    sent: dict[uuid.UUID, dict] = field(default_factory=dict)
    bodies: list[str] = field(default_factory=list)  # of every answer that was not a 201
    sign_in_s: float = 0.0  # how long the patients took to sign in, all together
    # The open-loop load (patients_logging): seconds from each cramp's planned moment to
    # its answer (waiting for a free connection included), how long the load lasted
    # until the last answer, what was offered, and the generator's own CPU time.
    latencies_s: list[float] = field(default_factory=list)
    load_s: float = 0.0
    offered_per_s: float = 0.0
    generator_cpu_s: float = 0.0

    @property
    def server_errors(self) -> int:
        """5xx answers, and requests sent that got no answer (a dropped connection, a
        read timeout). Requests never sent (GAVE_UP) are not the server's errors."""
        return sum(
            n
            for status, n in self.answers.items()
            if status != GAVE_UP and (not isinstance(status, int) or status >= 500)
        )

    @property
    def gave_up(self) -> int:
        return self.answers[GAVE_UP]

    @property
    def answered(self) -> int:
        return sum(n for status, n in self.answers.items() if isinstance(status, int))


def cramp_body(n: int) -> dict:
    """A complete cramp, different for each n, a few minutes before the fixed clock."""
    occurred = factories.NOW - timedelta(minutes=1 + n % 600)
    return {
        "client_id": str(uuid.uuid4()),
        "occurred_at": occurred.isoformat(),
        "severity": 1 + n % 10,
        "foot": ("left", "right", "both")[n % 3],
        "sites": ["toes"],
        "note": f"ログ {n}" + "、足" * (n % 40),
    }


async def sign_in(client: httpx2.AsyncClient, user: User) -> None:
    await client.get("/login", timeout=TIMEOUT_S)
    response = await client.post(
        "/login",
        timeout=TIMEOUT_S,
        data={
            CSRF_FIELD: client.cookies[CSRF_COOKIE],
            "email": user.email,
            "password": factories.PASSWORD,
        },
        follow_redirects=False,
    )
    if response.status_code != 303:
        raise RuntimeError(f"sign-in failed: {response.status_code} {response.text[:300]}")


async def log_cramp(
    client: httpx2.AsyncClient, tally: Tally, n: int, *, scheduled: float | None = None
) -> bool:
    """Log cramp number n; False when no answer came (the connection failed). With
    ``scheduled`` (the event loop's time it was due), its latency is kept."""
    body = cramp_body(n)
    key = uuid.UUID(body["client_id"])
    tally.sent[key] = body
    try:
        response = await client.post(
            "/api/v1/cramps", json=body, headers={CSRF_HEADER: client.cookies[CSRF_COOKIE]}
        )
    except httpx2.PoolTimeout:
        tally.answers[GAVE_UP] += 1
        return False
    except httpx2.HTTPError as error:
        tally.answers[type(error).__name__] += 1
        return False
    if scheduled is not None:
        tally.latencies_s.append(asyncio.get_running_loop().time() - scheduled)
    tally.answers[response.status_code] += 1
    if response.status_code == 201:
        tally.acknowledged[key] = body
    else:
        tally.bodies.append(f"{response.status_code}: {response.text[:300]}")
    return True


# The open-loop load: how many requests may be on the wire at once (the HTTP client's
# pool, shared by every simulated phone), and how long a request may wait for a slot
# before its phone gives up (its outbox would send it again later). A request that was
# sent waits up to TIMEOUT_S for its answer.
CONNECTIONS = 64
GIVE_UP_S = 10.0


def load_timeout() -> httpx2.Timeout:
    return httpx2.Timeout(TIMEOUT_S, pool=GIVE_UP_S)


async def _patients_logging(
    base_urls: list[str], patients: list[User], *, seconds: float, tally: Tally
) -> None:
    """Open loop: each patient logs a cramp once a second on its own schedule, whether
    or not its earlier cramps have been answered, for ``seconds``; patients are spread
    over the servers in turn and their first cramps over the first second. What is on
    the wire at once is bounded by one connection pool per server (CONNECTIONS)."""
    loop = asyncio.get_running_loop()
    transports = {
        url: httpx2.AsyncHTTPTransport(
            limits=httpx2.Limits(max_connections=CONNECTIONS, max_keepalive_connections=CONNECTIONS)
        )
        for url in dict.fromkeys(base_urls)
    }
    clients = [
        httpx2.AsyncClient(base_url=url, transport=transports[url], timeout=load_timeout())
        for url in (base_urls[i % len(base_urls)] for i in range(len(patients)))
    ]
    try:
        began = time.monotonic()
        await asyncio.gather(*(sign_in(c, p) for c, p in zip(clients, patients, strict=True)))
        tally.sign_in_s = time.monotonic() - began
        sending: list[asyncio.Task] = []
        start = loop.time()
        cpu_before = time.thread_time()  # this thread is the whole generator

        async def patient(index: int, client: httpx2.AsyncClient) -> None:
            offset = index / len(patients)
            tick = 0
            while offset + tick < seconds:
                at = start + offset + tick
                await asyncio.sleep(max(0.0, at - loop.time()))
                n = index * 1_000_000 + tick
                sending.append(asyncio.create_task(log_cramp(client, tally, n, scheduled=at)))
                tick += 1

        await asyncio.gather(*(patient(i, c) for i, c in enumerate(clients)))
        await asyncio.gather(*sending)
        tally.load_s = loop.time() - start
        tally.offered_per_s = len(sending) / seconds
        tally.generator_cpu_s = time.thread_time() - cpu_before
    finally:
        for transport in transports.values():
            await transport.aclose()


def run_async(coroutine):
    """asyncio.run in its own thread: Playwright's sync API (browser tests in the same
    xdist worker) leaves an event loop running in the main thread."""
    with ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(asyncio.run, coroutine).result()


def patients_logging(base_urls: list[str], patients: list[User], *, seconds: float) -> Tally:
    tally = Tally()
    run_async(_patients_logging(base_urls, patients, seconds=seconds, tally=tally))
    return tally


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of values; 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


def stored_cramps(session: Session) -> dict[uuid.UUID, CrampEvent]:
    return {c.client_id: c for c in session.exec(select(CrampEvent))}


def cramp_count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(CrampEvent)).one()


def differences(stored: CrampEvent, sent: dict) -> list[str]:
    """How a stored cramp differs from the body that created it (empty: whole)."""
    expected = {
        "occurred_at": sent["occurred_at"],
        "severity": sent["severity"],
        "foot": sent["foot"],
        "sites": sent["sites"],
        "note": sent["note"],
    }
    actual = {
        "occurred_at": stored.occurred_at.isoformat(),
        "severity": stored.severity,
        "foot": stored.foot.value if stored.foot else None,
        "sites": stored.sites,
        "note": stored.note,
    }
    return [f"{k}: {actual[k]!r} != {v!r}" for k, v in expected.items() if actual[k] != v]


async def _keep_logging(
    base_url: str, cookie_sets: list[dict], tally: Tally, stop: threading.Event
) -> None:
    """Each signed-in patient logs cramps back to back until ``stop`` is set."""
    clients = [
        httpx2.AsyncClient(base_url=base_url, cookies=c, timeout=TIMEOUT_S) for c in cookie_sets
    ]

    async def writer(index: int, client: httpx2.AsyncClient) -> None:
        n = index * 1_000_000
        while not stop.is_set() and await log_cramp(client, tally, n):
            n += 1

    try:
        await asyncio.gather(*(writer(i, c) for i, c in enumerate(clients)))
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))


def keep_logging(base_url: str, cookie_sets: list[dict], tally: Tally) -> Callable[[], None]:
    """Start logging in the background; returns the function that stops it and waits."""
    stop = threading.Event()
    executor = ThreadPoolExecutor(max_workers=1)
    done = executor.submit(asyncio.run, _keep_logging(base_url, cookie_sets, tally, stop))

    def stopped() -> None:
        stop.set()
        done.result(TIMEOUT_S * 2)
        executor.shutdown()

    return stopped


def wait_for_acknowledged(tally: Tally, n: int) -> None:
    """Until the server has acknowledged n cramps in all."""
    deadline = time.monotonic() + TIMEOUT_S
    pause = threading.Event()  # not time.sleep: see tests/e2e/fixtures.py (faketime)
    while len(tally.acknowledged) < n:
        if time.monotonic() > deadline:
            raise AssertionError(
                f"only {len(tally.acknowledged)} of {n} acknowledged: {tally.bodies[:3]}"
            )
        pause.wait(0.01)
