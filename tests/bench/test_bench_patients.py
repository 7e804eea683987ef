"""The benchmark measures what a patient sees: its seeded patients must be able to use
the app (consent and questionnaire done), or `make bench` would time a redirect."""

from __future__ import annotations

import uuid

from sqlmodel import select
from starlette.testclient import TestClient

from app.models import CrampEvent, User
from app.security import CSRF_HEADER
from bench import bare_app, empty_pages
from bench.history import bench_email, seed_patient
from tests import factories
from tests.conftest import csrf_token, sign_in


def test_the_benchmark_patient_reaches_home_and_logs_a_cramp(app, session, passwords, client):
    seed_patient(
        session, passwords=passwords, password=factories.PASSWORD, days=5, now=factories.NOW
    )
    patient = session.exec(select(User).where(User.email == bench_email(5))).one()
    session.commit()  # the session fixture writes: release SQLite's lock for the app
    sign_in(client, patient)

    home = client.get("/patient/", follow_redirects=False)
    assert home.status_code == 200

    logged = client.post(
        "/api/v1/cramps",
        json={
            "client_id": str(uuid.uuid4()),
            "occurred_at": factories.NOW.isoformat(),
            "foot": "left",
            "sites": ["toes"],
            "severity": 4,
        },
        headers={CSRF_HEADER: csrf_token(client)},
    )
    assert logged.status_code == 201, logged.text
    assert session.exec(select(CrampEvent).where(CrampEvent.patient_id == patient.id)).all()


def test_the_bare_write_stores_the_row_it_answers(database_url, session, patient):
    # bench.run's "bare_write" reference: what bounds the cramp POST's figure. If it
    # stopped storing (or answered an error), the comparison would mean nothing.
    session.commit()
    bare = bare_app.create_app(database_url)
    client_id = uuid.uuid4()
    body = {"client_id": str(client_id), "occurred_at": factories.NOW.isoformat(),
            "foot": "left", "sites": ["toes"], "severity": 4}  # fmt: skip
    with TestClient(bare) as client:
        answered = client.post("/bare/cramps", json=body)
    assert answered.status_code == 201, answered.text
    assert answered.json()["client_id"] == str(client_id)
    stored = session.exec(select(CrampEvent).where(CrampEvent.client_id == client_id)).one()
    assert (stored.patient_id, stored.severity, stored.sites) == (patient.id, 4, ["toes"])


def test_the_empty_pages_stand_behind_the_patient_gates(settings, clock, session, passwords):
    # bench.run's "empty_*_page" references: what bounds every patient page's figure.
    # They must pass the same gates as the home screen (a patient who has not answered
    # the questionnaire is sent to it) and the layout page must render the layout.
    bench_app = empty_pages.create_app(settings, clock=clock)
    onboarded = factories.make_patient(session, passwords, email="onboarded@example.jp")
    not_yet = factories.make_patient(
        session, passwords, email="not-yet@example.jp", answered_intake=False
    )
    session.commit()
    try:
        with TestClient(bench_app) as client:
            sign_in(client, not_yet)
            sent_away = client.get(empty_pages.LAYOUT, follow_redirects=False)
            assert sent_away.status_code == 303
            assert sent_away.headers["location"].startswith("/patient/intake")
        with TestClient(bench_app) as client:
            sign_in(client, onboarded)
            assert client.get(empty_pages.GATES).status_code == 200
            layout = client.get(empty_pages.LAYOUT)
            assert layout.status_code == 200
            assert 'class="site-header"' in layout.text
            assert '<main id="main"' in layout.text
    finally:
        bench_app.state.engine.dispose()
