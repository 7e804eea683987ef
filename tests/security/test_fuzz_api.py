"""Schemathesis against the app's own OpenAPI document, signed in as a patient and as a
practitioner: no answer is a server error, and every answer is one the document
describes (status, content type, body). The examples are fixed (derandomized), so a
red run replays exactly; the bound keeps both roles under a minute on two cores.

The document describes the JSON API and /healthz; pages are left out of it on purpose
(app/main.py), and are covered by tests/security/test_access_matrix.py and
test_hostile_input.py instead.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.python.asgi import ASGIClient

from app.main import create_app
from app.security import CSRF_HEADER
from tests.conftest import csrf_token, settings_for, sign_in

SEED = 20261124
EXAMPLES_PER_OPERATION = 25

CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": SEED,
        "generation": {
            "max-examples": EXAMPLES_PER_OPERATION,
            "deterministic": True,
            "database": "none",
            # The app refuses U+0000 in any text before a handler runs (app.middleware
            # RejectNul, tests/routes/test_request_limits.py): PostgreSQL cannot store it.
            "allow-x00": False,
        },
        "operations": [
            {
                # A diary entry's date must fall in a window that moves with *today*
                # (cramps up to 60 days back, a check-in on its morning, completions 7
                # days back, ranges from 2000 to two years ahead, end not before start):
                # rules a static schema cannot state. They are answered with the
                # documented, translated 422; anything else is still held to the schema.
                "include-name-regex": (
                    r"^(GET|POST|PATCH) /api/v1/(cramps|checkins|completions)(/\{client_id\})?$"
                ),
                "checks": {
                    "positive_data_acceptance": {
                        "expected-statuses": ["2xx", "401", "403", "404", "409", "410", "422"]
                    }
                },
            },
        ],
    }
)


@pytest.fixture(params=["patient", "practitioner"])
def role(request) -> str:
    return request.param


@pytest.fixture
def signed_in(app, client, role, patient, practitioner) -> ASGIClient:
    """A requests session (Schemathesis's transport) holding the role's session cookie
    and CSRF token, the way the offline queue sends them from a signed-in page."""
    sign_in(client, {"patient": patient, "practitioner": practitioner}[role])
    browser = ASGIClient(app)
    for name, value in client.cookies.items():
        browser.cookies.set(name, value)
    browser.headers[CSRF_HEADER] = csrf_token(client)
    return browser


# The document as the app serves it. Collection needs it before any fixture exists; an
# app that is never started reads no database, so this touches nothing.
schema = schemathesis.openapi.from_dict(
    create_app(settings_for("sqlite:////nonexistent/never-opened.db")).openapi(), config=CONFIG
)


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_every_api_answer_matches_the_schema_and_none_is_a_server_error(case, app, signed_in):
    case.call_and_validate(app=app, session=signed_in)


def test_the_document_describes_the_api_and_no_page(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {p for p in paths if not p.startswith("/api/v1/")} == {"/healthz"}
    for path, operations in paths.items():
        if path == "/healthz":
            continue
        for method, operation in operations.items():
            declared = set(operation["responses"])
            assert {"400", "401", "403", "413", "422"} <= declared, (method, path)
            assert "HTTPValidationError" not in str(operation), (method, path)


def test_a_405_names_every_method_the_path_answers(patient_client):
    # Found by the fuzzer: Starlette named only the first route's method, though
    # /api/v1/cramps is served by a GET route and a POST route.
    headers = {CSRF_HEADER: csrf_token(patient_client)}
    response = patient_client.request("OPTIONS", "/api/v1/cramps", headers=headers)
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
    url = "/api/v1/cramps/7b1f6a2e-8c1d-4c55-9c8e-0d1b2c3d4e5f"
    response = patient_client.put(url, headers=headers)
    assert response.status_code == 405
    assert response.headers["allow"] == "DELETE, PATCH"
    assert response.json()["error"]
