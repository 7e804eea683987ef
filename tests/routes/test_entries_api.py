"""The API the offline queue needs: one idempotency rule for every kind of entry, edit
and delete by client UUID, the batch endpoint, and one error shape."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from app.models import Completion, CrampEvent, DeletedEntry, MorningCheckIn, PlanItem
from app.security import CSRF_HEADER
from tests.conftest import csrf_token, sign_in
from tests.diary_helpers import tokyo


@pytest.fixture
def api(patient_client, clock):
    clock.set(tokyo(2026, 11, 25, 7, 30))
    patient_client.headers[CSRF_HEADER] = csrf_token(patient_client)
    return patient_client


def rows(session, model):
    session.expire_all()
    found = list(session.exec(select(model)).all())
    session.commit()
    return found


def item_id(session, user, routine: str) -> int:
    found = session.exec(
        select(PlanItem.id).where(PlanItem.patient_id == user.id, PlanItem.routine == routine)
    ).first()
    session.commit()
    return found


def cramp(**fields):
    return {"client_id": str(uuid.uuid4()), "occurred_at": "2026-11-25T03:10:00+09:00", **fields}


def checkin(**fields):
    return {
        "client_id": str(uuid.uuid4()),
        "night_of": "2026-11-24",
        "answer": "no_cramps",
        **fields,
    }


def completion(item: int, **fields):
    return {"client_id": str(uuid.uuid4()), "plan_item_id": item, "day": "2026-11-24", **fields}


def is_error_shape(body: dict) -> bool:
    return set(body) == {"error", "fields"} and isinstance(body["fields"], list)


# --- the one rule, for each kind ---------------------------------------------------------


@pytest.fixture
def kinds(session, patient):
    """For each kind: its endpoint, a body, and the same body changed."""
    water = item_id(session, patient, "water")
    stretch = item_id(session, patient, "toe_stretch")
    first, second = cramp(severity=4), checkin()
    glass, done = completion(water), completion(stretch, sets=2)
    return {
        "cramp": ("/api/v1/cramps", first, {**first, "severity": 5}),
        "checkin": ("/api/v1/checkins", second, {**second, "answer": "cramps"}),
        "routine": ("/api/v1/completions", done, {**done, "sets": 3}),
        "water": ("/api/v1/completions", glass, {**glass, "day": "2026-11-23"}),
    }


@pytest.mark.parametrize("kind", ["cramp", "checkin", "routine", "water"])
def test_new_repeat_conflict_and_gone_answer_alike_for_every_kind(api, kinds, kind):
    path, body, changed = kinds[kind]
    created = api.post(path, json=body)
    assert created.status_code == 201
    repeat = api.post(path, json=body)
    assert (repeat.status_code, repeat.json()) == (200, created.json())
    conflict = api.post(path, json=changed)
    assert conflict.status_code == 409
    assert is_error_shape(conflict.json())
    assert conflict.json()["error"] == "この記録IDは、別の内容の記録ですでに使われています"
    deleted = api.delete(f"{path}/{body['client_id']}")
    assert deleted.status_code == 204
    gone = api.post(path, json=body)
    assert gone.status_code == 410
    assert gone.json() == {"error": "この記録は削除されています", "fields": []}
    assert api.delete(f"{path}/{body['client_id']}").status_code == 410


@pytest.mark.parametrize("kind", ["checkin", "routine", "water"])
def test_a_retry_after_its_day_has_closed_answers_with_the_entry_it_made(api, kinds, clock, kind):
    """The offline queue may send a retry days later: the entry it made is the answer,
    not the refusal a new entry for that closed day gets."""
    path, body, _changed = kinds[kind]
    created = api.post(path, json=body)
    clock.set(tokyo(2026, 12, 5, 7, 30))  # ten days on: 24 November is closed
    retry = api.post(path, json=body)
    assert (retry.status_code, retry.json()) == (200, created.json())
    new = api.post(path, json={**body, "client_id": str(uuid.uuid4())})
    assert new.status_code == 422


def test_a_cramp_is_changed_and_deleted_by_its_uuid(api, session):
    body = cramp(foot="left", severity=4)
    api.post("/api/v1/cramps", json=body)
    changed = api.patch(f"/api/v1/cramps/{body['client_id']}", json={"severity": 8, "note": "痛"})
    assert changed.status_code == 200
    assert (changed.json()["foot"], changed.json()["severity"]) == ("left", 8)
    # A retry of the creating request after an edit does not undo the edit.
    assert api.post("/api/v1/cramps", json=body).json()["severity"] == 8
    assert api.delete(f"/api/v1/cramps/{body['client_id']}").status_code == 204
    assert rows(session, CrampEvent) == []
    [tombstone] = rows(session, DeletedEntry)
    assert (tombstone.kind, str(tombstone.client_id)) == ("cramp", body["client_id"])


def test_a_bad_change_is_422_and_changes_nothing(api, session):
    body = cramp(severity=4)
    api.post("/api/v1/cramps", json=body)
    response = api.patch(f"/api/v1/cramps/{body['client_id']}", json={"severity": 11})
    assert response.status_code == 422
    assert response.json()["fields"][0]["field"] == "severity"
    assert rows(session, CrampEvent)[0].severity == 4


def test_a_check_in_is_changed_and_deleted_by_its_uuid(api, session):
    body = checkin()
    api.post("/api/v1/checkins", json=body)
    path = f"/api/v1/checkins/{body['client_id']}"
    changed = api.patch(path, json={"answer": "cramps", "cramp_count": 2})
    assert (changed.status_code, changed.json()["cramp_count"]) == (200, 2)
    assert api.delete(path).status_code == 204
    assert rows(session, MorningCheckIn) == []


def test_unknown_uuids_and_another_patients_entries_are_404(api, session, passwords):
    from tests.diary_helpers import add_cramp
    from tests.factories import make_patient

    theirs = add_cramp(session, make_patient(session, passwords), tokyo(2026, 11, 25, 3, 0))
    for path in (f"/api/v1/cramps/{theirs.client_id}", f"/api/v1/cramps/{uuid.uuid4()}"):
        assert api.patch(path, json={"severity": 1}).status_code == 404
        response = api.delete(path)
        assert response.status_code == 404
        assert is_error_shape(response.json())
    assert api.delete(f"/api/v1/checkins/{uuid.uuid4()}").status_code == 404
    assert api.delete(f"/api/v1/completions/{uuid.uuid4()}").status_code == 404
    assert len(rows(session, CrampEvent)) == 1


def test_a_glass_of_water_is_undone_by_its_uuid(api, session, patient):
    water = item_id(session, patient, "water")
    glasses = [completion(water) for _ in range(2)]
    for glass in glasses:
        api.post("/api/v1/completions", json=glass)
    assert api.delete(f"/api/v1/completions/{glasses[0]['client_id']}").status_code == 204
    assert [str(c.client_id) for c in rows(session, Completion)] == [glasses[1]["client_id"]]


# --- the batch ---------------------------------------------------------------------------


def test_a_batch_answers_each_entry_and_one_bad_entry_sinks_nothing(api, session, patient):
    water = item_id(session, patient, "water")
    made = cramp(severity=3)
    entries = [
        {"kind": "cramp", "op": "create", "client_id": made["client_id"], "body": made},
        {
            "kind": "cramp",
            "op": "create",
            "client_id": str(uuid.uuid4()),
            "body": cramp(severity=99),
        },
        {"kind": "cramp", "op": "update", "client_id": made["client_id"], "body": {"severity": 6}},
        {"kind": "checkin", "op": "create", **_split(checkin())},
        {"kind": "completion", "op": "create", **_split(completion(water))},
        {"kind": "completion", "op": "update", "client_id": str(uuid.uuid4()), "body": {}},
        {"kind": "cramp", "op": "delete", "client_id": str(uuid.uuid4())},
        {"kind": "cramp", "op": "create", "client_id": made["client_id"], "body": made},
    ]
    response = api.post("/api/v1/batch", json={"entries": entries})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["status"] for r in results] == [201, 422, 200, 201, 201, 422, 404, 200]
    assert results[1]["body"]["fields"][0]["field"] == "severity"
    assert results[2]["body"]["severity"] == 6
    assert results[5]["body"]["fields"][0]["field"] == "op"
    assert all(is_error_shape(results[i]["body"]) for i in (1, 5, 6))
    assert [r["client_id"] for r in results] == [e["client_id"] for e in entries]
    assert len(rows(session, CrampEvent)) == 1
    assert len(rows(session, MorningCheckIn)) == 1
    assert len(rows(session, Completion)) == 1


def test_a_batch_sent_twice_changes_nothing_the_second_time(api, session):
    entries = [{"kind": "cramp", "op": "create", **_split(cramp())} for _ in range(3)]
    first = api.post("/api/v1/batch", json={"entries": entries}).json()["results"]
    again = api.post("/api/v1/batch", json={"entries": entries}).json()["results"]
    assert [r["status"] for r in first] == [201, 201, 201]
    assert [r["status"] for r in again] == [200, 200, 200]
    assert [r["body"] for r in again] == [r["body"] for r in first]
    assert len(rows(session, CrampEvent)) == 3


def test_a_batch_takes_at_most_100_entries(api, session):
    entries = [{"kind": "cramp", "op": "create", **_split(cramp())} for _ in range(101)]
    response = api.post("/api/v1/batch", json={"entries": entries})
    assert response.status_code == 422
    assert response.json()["fields"][0]["field"] == "entries"
    assert rows(session, CrampEvent) == []


def _split(body: dict) -> dict:
    rest = dict(body)
    return {"client_id": rest.pop("client_id"), "body": rest}


# --- one error shape ----------------------------------------------------------------------


def test_every_api_error_has_the_same_translated_shape(app, api, practitioner):
    stranger = TestClient(app)
    answers = {
        401: stranger.get("/api/v1/cramps?start=2026-11-01&end=2026-11-30"),
        403: sign_in(TestClient(app), practitioner).get(
            "/api/v1/cramps?start=2026-11-01&end=2026-11-30"
        ),
        404: api.get("/api/v1/nothing-here"),
        405: api.put("/api/v1/cramps"),
        413: api.post(
            "/api/v1/batch",
            content=b"{" + b" " * 1_100_000 + b"}",
            headers={"Content-Type": "application/json"},
        ),
        422: api.get("/api/v1/cramps?start=yesterday&end=2026-11-30"),
    }
    for status, response in answers.items():
        assert response.status_code == status, status
        assert is_error_shape(response.json()), status
        assert response.json()["error"], status
    assert answers[422].json()["fields"][0] == {
        "field": "start",
        "message": "2026-11-24 のような形式で日付を入力してください。",
    }


def test_the_schema_documents_every_status_of_the_entry_endpoints(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in ("/api/v1/cramps", "/api/v1/checkins", "/api/v1/completions"):
        assert {"200", "201", "409", "410", "422"} <= set(paths[path]["post"]["responses"])
        assert {"204", "404", "410"} <= set(paths[path + "/{client_id}"]["delete"]["responses"])
    for path in ("/api/v1/cramps/{client_id}", "/api/v1/checkins/{client_id}"):
        assert {"200", "404", "410", "422"} <= set(paths[path]["patch"]["responses"])
    assert "/api/v1/batch" in paths
