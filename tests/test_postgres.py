"""The same code on PostgreSQL: migrations without drift, and a real sign-in.

Runs when TSURANAI_TEST_POSTGRES_URL points at a server whose role may create
databases (``.ci/run`` starts one); TSURANAI_REQUIRE_POSTGRES=1 makes its absence
a failure instead of a skip.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.db import write_session
from app.main import create_app
from app.migrate import upgrade
from tests import factories
from tests.conftest import settings_for, sign_in
from tests.test_migrations import drift

pytestmark = pytest.mark.postgres


@pytest.fixture
def postgres_url() -> Iterator[str]:
    admin_url = os.environ.get("TSURANAI_TEST_POSTGRES_URL")
    if not admin_url:
        if os.environ.get("TSURANAI_REQUIRE_POSTGRES") == "1":
            pytest.fail("TSURANAI_TEST_POSTGRES_URL is not set")
        pytest.skip("no PostgreSQL configured (TSURANAI_TEST_POSTGRES_URL)")
    name = f"tsuranai_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def test_migrations_build_the_models_schema_on_postgres(postgres_url):
    upgrade(postgres_url)
    assert drift(postgres_url) == []


def test_a_patient_signs_in_and_out_on_postgres(postgres_url):
    upgrade(postgres_url)
    app = create_app(settings_for(postgres_url), clock=factories.FixedClock())
    with write_session(app.state.engine) as session:
        patient = factories.make_patient(session, app.state.passwords, name="佐藤 花子")
    with TestClient(app) as client:
        sign_in(client, patient)
        page = client.get("/patient/")
        assert page.status_code == 200
        assert "佐藤 花子" in page.text
        assert client.get("/healthz").json() == {"status": "ok"}
    app.state.engine.dispose()
