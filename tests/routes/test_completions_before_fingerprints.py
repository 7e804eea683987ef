"""Completions recorded before migration 0008 have no fingerprint of the request that
made them. A retry of one (the offline queue sending it again) is still a repeat,
judged by what the completion stores; a different body is still a conflict."""

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


def _item(session, patient, routine: str) -> int:
    found = session.exec(
        select(PlanItem.id).where(PlanItem.patient_id == patient.id, PlanItem.routine == routine)
    ).first()
    session.rollback()
    return found


def _recorded_before_0008(api, session, body: dict) -> Completion:
    """Record a completion, then blank its fingerprint as migration 0008 left old rows."""
    assert api.post("/api/v1/completions", json=body).status_code == 201
    row = session.exec(
        select(Completion).where(Completion.client_id == uuid.UUID(body["client_id"]))
    ).one()
    row.created_fingerprint = ""
    session.add(row)
    session.commit()
    return row


@pytest.mark.parametrize("given", [{}, {"sets": 2}], ids=["one tap", "with sets"])
def test_the_retry_of_an_old_completion_answers_200_with_the_stored_entry(
    api, session, patient, given
):
    stretch = _item(session, patient, "toe_stretch")
    body = {"client_id": str(uuid.UUID(int=7)), "plan_item_id": stretch, "day": "2026-11-24"}
    row = _recorded_before_0008(api, session, {**body, **given})
    again = api.post("/api/v1/completions", json={**body, **given})
    assert again.status_code == 200
    assert again.json()["id"] == row.id
    assert len(session.exec(select(Completion)).all()) == 1


def test_an_old_completions_uuid_with_another_body_is_409(api, session, patient):
    stretch = _item(session, patient, "toe_stretch")
    body = {"client_id": str(uuid.UUID(int=8)), "plan_item_id": stretch, "day": "2026-11-24"}
    _recorded_before_0008(api, session, {**body, "sets": 2})
    other_day = api.post("/api/v1/completions", json={**body, "day": "2026-11-23", "sets": 2})
    other_sets = api.post("/api/v1/completions", json={**body, "sets": 3})
    other_routine = api.post(
        "/api/v1/completions", json={**body, "plan_item_id": _item(session, patient, "water")}
    )
    assert (other_day.status_code, other_sets.status_code, other_routine.status_code) == (
        409,
        409,
        409,
    )
    assert len(session.exec(select(Completion)).all()) == 1
