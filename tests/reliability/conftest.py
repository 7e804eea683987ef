"""The reliability tests' live server runs on the test's database, SQLite or PostgreSQL.

(The browser journeys' ``live_server`` in tests/e2e serves a SQLite copy only.)
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

from app.clock import TravellingClock
from app.main import create_app
from tests.conftest import settings_for
from tests.e2e.fixtures import LiveServer, _free_port


@pytest.fixture
def live_server(database_url: str) -> Iterator[LiveServer]:
    clock = TravellingClock()
    application = create_app(settings_for(database_url), clock=clock)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(application, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    pause = threading.Event()  # not time.sleep: see tests/e2e/fixtures.py (faketime)
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("live server did not start")
        pause.wait(0.02)
    yield LiveServer(url=f"http://127.0.0.1:{port}", app=application, clock=clock)
    server.should_exit = True
    thread.join(timeout=10)
    application.state.engine.dispose()
