"""/api/v1/completions: idempotent recording for the offline queue, and listing."""

from __future__ import annotations

import uuid

import pytest
from sqlmodel import select

from app.models import Completion, PlanItem
from app.security import CSRF_HEADER
from tests.conftest import csrf_token


@pytest.fixture
def api(patient_client):
    patient_client.headers[CSRF_HEADER] = csrf_token(patient_client)
    return patient_client


def item_id(session, user, routine: str) -> int:
    found = session.exec(
        select(PlanItem.id).where(PlanItem.patient_id == user.id, PlanItem.routine == routine)
    ).first()
    session.rollback()
    return found


def stored(session, user) -> list[Completion]:
    rows = list(session.exec(select(Completion).where(Completion.patient_id == user.id)))
    session.rollback()
    return rows


def body(item: int, **fields):
    return {"client_id": str(uuid.uuid4()), "plan_item_id": item, "day": "2026-11-24", **fields}


def test_create_then_repeat_is_201_then_200_with_one_row(api, session, patient):
    sent = body(item_id(session, patient, "toe_stretch"), sets=2)
    first = api.post("/api/v1/completions", json=sent)
    again = api.post("/api/v1/completions", json=sent)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["sets"] == 2
    assert again.json()["id"] == first.json()["id"]
    assert len(stored(session, patient)) == 1


def test_listing_returns_the_days_completions(api, session, patient):
    water = item_id(session, patient, "water")
    for _ in range(2):
        api.post("/api/v1/completions", json=body(water))
    listed = api.get("/api/v1/completions", params={"start": "2026-11-24", "end": "2026-11-24"})
    assert [(c["routine"], c["slot"], c["glasses"]) for c in listed.json()["items"]] == [
        ("water", 0, 1),
        ("water", 1, 1),
    ]


def test_another_patients_item_is_404(api, session, other_patient):
    response = api.post(
        "/api/v1/completions", json=body(item_id(session, other_patient, "toe_stretch"))
    )
    assert response.status_code == 404
    assert stored(session, other_patient) == []


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"sets": 50}, "sets"),
        ({"day": "2030-01-01"}, "day"),
        ({"day": "tomorrow"}, "day"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_mistakes_are_422_with_a_translated_message_and_store_nothing(
    api, session, patient, fields, field
):
    response = api.post(
        "/api/v1/completions", json=body(item_id(session, patient, "toe_stretch"), **fields)
    )
    assert response.status_code == 422
    problems = {p["field"]: p["message"] for p in response.json()["fields"]}
    assert field in problems
    assert problems[field].isascii() is False  # Japanese, the patient's language
    assert stored(session, patient) == []


def test_without_the_csrf_header_nothing_is_stored(patient_client, session, patient):
    response = patient_client.post(
        "/api/v1/completions", json=body(item_id(session, patient, "toe_stretch"))
    )
    assert response.status_code == 403
    assert stored(session, patient) == []


def test_the_schema_describes_the_endpoint(client):
    schema = client.get("/api/openapi.json").json()
    assert "/api/v1/completions" in schema["paths"]
    assert "CompletionIn" in schema["components"]["schemas"]
