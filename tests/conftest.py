"""Fixtures: a fresh migrated database and a fresh app for every test.

On SQLite, migrations run once per test process into a template file, which each
test copies; on PostgreSQL (tests/databases.py) each test process migrates its own
database once and each test starts from empty tables. Nothing is shared between
tests, so ``pytest -n auto`` is safe.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from sqlmodel import Session

from app.config import Environment, Settings
from app.db import write_session
from app.main import create_app
from app.migrate import upgrade
from app.models import User
from app.security import CSRF_COOKIE, CSRF_FIELD, CSRF_HEADER, Passwords
from tests import databases, factories
from tests.databases import postgres_database as postgres_database
from tests.databases import postgres_emptier as postgres_emptier

pytest_plugins = ["tests.e2e.fixtures", "tests.shifted_clock"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "sqlite_only: about SQLite itself (pragmas, its write lock); not run on PostgreSQL",
    )
    databases.postgres_admin_url()  # a required server that does not answer stops the run here


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    databases.parametrize(metafunc)


# Property tests judge rules, not speed: a loaded CI machine must not fail them on
# time. CI also fixes the examples, so a red run can be replayed exactly.
hypothesis_settings.register_profile(
    "tsuranai",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=os.environ.get("CI") == "true",
)
# `make mutation` selects this one (--hypothesis-profile=mutation): the same few
# examples on every run (each surviving mutant runs the property tests again), and no
# example database, so a verdict never depends on what an earlier mutant left behind.
hypothesis_settings.register_profile(
    "mutation",
    parent=hypothesis_settings.get_profile("tsuranai"),
    derandomize=True,
    database=None,
    max_examples=25,
)
hypothesis_settings.load_profile("tsuranai")


def settings_for(database_url: str, **overrides) -> Settings:
    values = {
        "environment": Environment.TEST,
        "database_url": database_url,
        "secret_key": "test-secret-key-that-is-long-enough-0123456789",
        # Cheapest argon2id: tests check behaviour, not hashing cost.
        "password_time_cost": 1,
        "password_memory_kib": 8,
        "sqlite_busy_timeout_ms": 5000,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def db_backend(request) -> str:
    """ "sqlite" or "postgres": the backend this run of the test uses (see tests/databases.py)."""
    return request.param


@pytest.fixture
def database_url(db_backend: str, request, tmp_path: Path) -> str:
    if db_backend == "postgres":
        emptier = request.getfixturevalue("postgres_emptier")
        emptier.empty()
        return emptier.url
    path = tmp_path / "tsuranai.db"
    shutil.copyfile(request.getfixturevalue("migrated_template"), path)
    return f"sqlite:///{path}"


@pytest.fixture
def settings(database_url: str) -> Settings:
    return settings_for(database_url)


@pytest.fixture
def clock() -> factories.FixedClock:
    return factories.FixedClock()


@pytest.fixture
def app(settings: Settings, clock) -> Iterator[FastAPI]:
    application = create_app(settings, clock=clock)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def passwords(app: FastAPI) -> Passwords:
    return app.state.passwords


@pytest.fixture
def session(app: FastAPI) -> Iterator[Session]:
    with write_session(app.state.engine) as db:
        yield db


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def csrf_token(client: TestClient) -> str:
    """The CSRF token a browser would hold after loading any page."""
    if CSRF_COOKIE not in client.cookies:
        client.get("/login")
    return client.cookies[CSRF_COOKIE]


def form(client: TestClient, **fields) -> dict:
    """Form fields plus the hidden CSRF field, as a real form would send them."""
    return {CSRF_FIELD: csrf_token(client), **fields}


def htmx_headers(client: TestClient) -> dict[str, str]:
    """Headers htmx sends for a fragment request, CSRF header included."""
    return {"HX-Request": "true", CSRF_HEADER: csrf_token(client)}


def sign_in(client: TestClient, user: User, password: str = factories.PASSWORD) -> TestClient:
    response = client.post(
        "/login",
        data=form(client, email=user.email, password=password),
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return client


def html(response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


@pytest.fixture
def patient(session, passwords) -> User:
    return factories.make_patient(session, passwords)


@pytest.fixture
def other_patient(session, passwords) -> User:
    return factories.make_patient(session, passwords)


@pytest.fixture
def practitioner(session, passwords) -> User:
    return factories.make_practitioner(session, passwords)


@pytest.fixture
def admin(session, passwords) -> User:
    return factories.make_admin(session, passwords)


@pytest.fixture
def patient_client(client, patient) -> TestClient:
    return sign_in(client, patient)


@pytest.fixture
def practitioner_client(client, practitioner) -> TestClient:
    return sign_in(client, practitioner)
