"""The reliability tests' live server runs on the test's database, SQLite or PostgreSQL.

(The browser journeys' ``live_server`` in tests/e2e serves a SQLite copy only.)
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.clock import TravellingClock
from tests.conftest import settings_for
from tests.e2e.fixtures import LiveServer, serving_in_thread


@pytest.fixture
def live_server(database_url: str) -> Iterator[LiveServer]:
    with serving_in_thread(settings_for(database_url), TravellingClock()) as server:
        yield server
