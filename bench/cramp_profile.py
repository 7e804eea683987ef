"""Where the CPU time of one cramp POST goes, in the app itself (no HTTP server).

    .venv/bin/python -m bench.cramp_profile [--requests 400] [--top 25]

The load test (tests/reliability/test_load.py) reports what a cramp costs a uvicorn
worker in all; this splits the app's part by function. The app is called through
httpx's ASGI transport on a throw-away SQLite database, with a patient of 90 days of
history. Handlers normally run in a thread pool that cProfile does not see, so here
they run inline on the profiled thread: the same work, one thread.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import pstats
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

import anyio.to_thread
import httpx2

from app.clock import SystemClock
from app.config import Environment, Settings
from app.db import make_engine, write_session
from app.main import create_app
from app.migrate import upgrade
from app.security import CSRF_COOKIE, CSRF_FIELD, CSRF_HEADER, Passwords
from bench.history import bench_email, seed_patient
from bench.run import PASSWORD, SERVER_SETTINGS

DAYS = 90


async def _inline(func, *args, **_options):
    return func(*args)


def settings_for(database_url: str) -> Settings:
    return Settings(
        _env_file=None,
        environment=Environment.TEST,
        database_url=database_url,
        secret_key=SERVER_SETTINGS["TSURANAI_SECRET_KEY"],
        password_time_cost=1,
        password_memory_kib=8,
    )


def seed_database(url: str) -> None:
    """A new SQLite database at ``url`` with the benchmark patient of DAYS days."""
    upgrade(url)
    engine = make_engine(url)
    with write_session(engine) as session:
        seed_patient(
            session,
            passwords=Passwords(settings_for(url)),
            password=PASSWORD,
            days=DAYS,
            now=SystemClock()(),
        )
    engine.dispose()


async def post_cramps(app, n: int, profiler: cProfile.Profile) -> tuple[float, float]:
    transport = httpx2.ASGITransport(app=app)
    async with httpx2.AsyncClient(transport=transport, base_url="http://bench") as client:
        await client.get("/login")
        signed_in = await client.post(
            "/login",
            data={
                CSRF_FIELD: client.cookies[CSRF_COOKIE],
                "email": bench_email(DAYS),
                "password": PASSWORD,
            },
        )
        assert signed_in.status_code in (200, 303), signed_in.status_code
        headers = {CSRF_HEADER: client.cookies[CSRF_COOKIE]}
        now = SystemClock()()
        bodies = [
            {
                "client_id": str(uuid.uuid4()),
                "occurred_at": (now - timedelta(minutes=1 + i % 600)).isoformat(),
                "foot": "left",
                "sites": ["toes"],
                "severity": 4,
            }
            for i in range(n)
        ]
        cpu, wall = time.process_time(), time.perf_counter()
        profiler.enable()
        for body in bodies:
            response = await client.post("/api/v1/cramps", json=body, headers=headers)
            assert response.status_code == 201, response.text
        profiler.disable()
        return time.process_time() - cpu, time.perf_counter() - wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    anyio.to_thread.run_sync = _inline  # the handlers on the profiled thread
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{Path(scratch) / 'profile.db'}"
        seed_database(url)
        app = create_app(settings_for(url))
        profiler = cProfile.Profile(time.process_time)  # CPU, not waiting
        cpu, wall = asyncio.run(post_cramps(app, args.requests, profiler))
        app.state.engine.dispose()
    print(
        f"{args.requests} cramp POSTs in the app (profiled, so slower than served): "
        f"{1000 * cpu / args.requests:.1f} ms CPU each, {1000 * wall / args.requests:.1f} ms wall"
    )
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    # The app's own functions by CPU time including what they call, then every
    # function by its own CPU time (a coroutine counts once per resumption).
    stats.sort_stats("cumulative").print_stats(r"/app/", args.top)
    stats.sort_stats("tottime").print_stats(args.top)
    print(out.getvalue())


if __name__ == "__main__":
    main()
