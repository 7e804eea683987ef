"""The diary's JSON API, as the offline queue will use it."""

from __future__ import annotations

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from app.models import CrampEvent, MorningCheckIn
from app.security import CSRF_HEADER
from tests.conftest import csrf_token
from tests.diary_helpers import tokyo
from tests.routes.test_home_queries import profile_read
from tests.statements import reads, statements_sent

KEY = "5f0c8f7e-1d2b-4c3a-9e8f-7a6b5c4d3e2f"
CRAMP = {
    "client_id": KEY,
    "occurred_at": "2026-11-25T03:10:00+09:00",
    "foot": "left",
    "sites": ["toes", "sole"],
    "severity": 7,
}


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


def test_create_a_cramp_and_read_where_it_belongs(api, session):
    response = api.post("/api/v1/cramps", json=CRAMP)
    assert response.status_code == 201
    body = response.json()
    assert body["night_of"] == "2026-11-24"
    assert body["local_date"] == "2026-11-25"
    assert body["zone"] == "Asia/Tokyo"
    assert body["occurred_at"] == "2026-11-24T18:10:00Z"
    assert len(rows(session, CrampEvent)) == 1


def test_sending_it_again_returns_the_same_and_stores_nothing(api, session):
    first = api.post("/api/v1/cramps", json=CRAMP).json()
    again = api.post("/api/v1/cramps", json={**CRAMP, "sites": ["sole", "toes"]})
    assert again.status_code == 200
    assert again.json() == first
    assert len(rows(session, CrampEvent)) == 1


def test_the_same_uuid_with_a_different_body_is_refused(api, session):
    api.post("/api/v1/cramps", json=CRAMP)
    response = api.post("/api/v1/cramps", json={**CRAMP, "severity": 3})
    assert response.status_code == 409
    assert response.json()["error"]
    assert rows(session, CrampEvent)[0].severity == 7


def test_a_deleted_entry_sent_again_is_gone_not_recreated(api, session):
    created = api.post("/api/v1/cramps", json=CRAMP).json()
    api.post(f"/patient/diary/cramps/{created['id']}/delete", data={"csrftoken": csrf_token(api)})
    response = api.post("/api/v1/cramps", json=CRAMP)
    assert response.status_code == 410
    assert api.get("/api/v1/cramps?start=2026-11-01&end=2026-11-30").json() == {"items": []}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"severity": 11}, "severity"),
        ({"severity": -1}, "severity"),
        ({"foot": "middle"}, "foot"),
        ({"sites": ["knee"]}, "sites"),
        ({"situation": "dancing"}, "situation"),
        ({"note": "あ" * 501}, "note"),
        ({"occurred_at": "2026-11-25T07:40:00+09:00"}, "occurred_at"),  # 10 min ahead
        ({"occurred_at": "2026-09-20T03:00:00+09:00"}, "occurred_at"),  # 66 days back
        ({"occurred_at": "2026-11-25T03:10:00"}, "occurred_at"),  # no offset
        ({"duration": "under_30s", "duration_minutes": 3}, "duration_minutes"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_bad_cramps_are_422_with_a_translated_message_and_nothing_stored(
    api, session, change, field
):
    response = api.post(
        "/api/v1/cramps", json={**CRAMP, **change}, headers={"Accept-Language": "ja"}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "入力内容の一部を読み取れませんでした"
    problems = {p["field"]: p["message"] for p in body["fields"]}
    assert field in problems
    assert not problems[field].isascii()
    assert rows(session, CrampEvent) == []


def test_errors_follow_the_language_asked_for(api):
    body = api.post(
        "/api/v1/cramps", json={**CRAMP, "severity": 12}, headers={"Accept-Language": "en"}
    ).json()
    assert body["fields"] == [{"field": "severity", "message": "Enter 10 or less."}]


def test_listing_by_local_date_range(api):
    api.post("/api/v1/cramps", json=CRAMP)
    api.post(
        "/api/v1/cramps",
        json={
            **CRAMP,
            "client_id": "7d1e6f0a-2b3c-4d5e-8f90-a1b2c3d4e5f6",
            "occurred_at": "2026-11-20T14:00:00+09:00",
        },
    )
    listed = api.get("/api/v1/cramps?start=2026-11-25&end=2026-11-25").json()["items"]
    assert [i["client_id"] for i in listed] == [KEY]
    both = api.get("/api/v1/cramps?start=2026-11-01&end=2026-11-30").json()["items"]
    assert [i["local_date"] for i in both] == ["2026-11-20", "2026-11-25"]


@pytest.mark.parametrize(
    "query",
    ["start=2026-11-30&end=2026-11-01", "start=2025-01-01&end=2026-11-30", "start=yesterday&end=x"],
)
def test_bad_ranges_are_422(api, query):
    assert api.get(f"/api/v1/cramps?{query}").status_code == 422


def test_another_patients_cramps_are_never_listed(api, session, passwords):
    from tests.conftest import sign_in
    from tests.factories import make_patient

    api.post("/api/v1/cramps", json=CRAMP)
    other = make_patient(session, passwords)
    session.commit()
    sign_in(api, other)
    assert api.get("/api/v1/cramps?start=2026-11-01&end=2026-11-30").json() == {"items": []}
    # The same client UUID is theirs to use, too.
    api.headers[CSRF_HEADER] = csrf_token(api)
    assert api.post("/api/v1/cramps", json=CRAMP).status_code == 201


CHECKIN = {
    "client_id": KEY,
    "night_of": "2026-11-24",
    "answer": "no_cramps",
    "sleep_disturbance": 0,
}


def test_check_in_create_repeat_and_conflict(api, session):
    assert api.post("/api/v1/checkins", json=CHECKIN).status_code == 201
    again = api.post("/api/v1/checkins", json=CHECKIN)
    assert again.status_code == 200
    assert again.json()["answer"] == "no_cramps"
    clash = api.post("/api/v1/checkins", json={**CHECKIN, "answer": "cramps"})
    assert clash.status_code == 409
    assert len(rows(session, MorningCheckIn)) == 1


def test_a_second_device_changes_the_nights_answer(api, session):
    api.post("/api/v1/checkins", json=CHECKIN)
    other = {
        **CHECKIN,
        "client_id": "0e9d8c7b-6a5f-4e3d-9c2b-1a0f9e8d7c6b",
        "answer": "cramps",
        "cramp_count": 2,
        "worst_severity": 5,
    }
    response = api.post("/api/v1/checkins", json=other)
    assert response.status_code == 200
    assert response.json()["cramp_count"] == 2
    [row] = rows(session, MorningCheckIn)
    assert row.had_cramps


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"answer": "fine"}, "answer"),
        ({"worst_severity": 11, "answer": "cramps"}, "worst_severity"),
        ({"cramp_count": 2}, "answer"),  # a count only goes with "cramps"
        ({"night_of": "2026-11-20"}, "night_of"),  # that night's check-in has closed
        ({"answered_at": "2026-11-25T09:00:00+09:00"}, "answered_at"),  # in the future
    ],
)
def test_bad_check_ins_are_422(api, session, change, field):
    response = api.post("/api/v1/checkins", json={**CHECKIN, **change})
    assert response.status_code == 422
    assert field in {p["field"] for p in response.json()["fields"]}
    assert rows(session, MorningCheckIn) == []


def test_check_ins_listed_by_night(api):
    api.post("/api/v1/checkins", json=CHECKIN)
    items = api.get("/api/v1/checkins?start=2026-11-24&end=2026-11-24").json()["items"]
    assert [i["night_of"] for i in items] == ["2026-11-24"]


def test_the_api_needs_a_session(client):
    response = client.get("/api/v1/cramps?start=2026-11-01&end=2026-11-30")
    assert response.status_code == 401
    assert response.json()["error"]


def test_the_api_is_for_patients_only(practitioner_client):
    assert (
        practitioner_client.get("/api/v1/cramps?start=2026-11-01&end=2026-11-30").status_code == 403
    )


def test_openapi_describes_the_diary_api(client):
    schema = client.get("/api/openapi.json").json()
    create = schema["paths"]["/api/v1/cramps"]["post"]
    assert {"200", "201", "409", "410", "422"} <= set(create["responses"])
    assert "/api/v1/checkins" in schema["paths"]
    props = schema["components"]["schemas"]["CrampIn"]["properties"]
    assert props["severity"]["anyOf"][0]["maximum"] == 10
    assert not any(p.startswith("/patient/diary") for p in schema["paths"])


def test_logging_a_cramp_asks_each_question_once(api, app):
    with statements_sent(app.state.engine) as statements:
        assert api.post("/api/v1/cramps", json=CRAMP).status_code == 201
    selects = reads(statements)
    # The session with the profile and the consent; whether the UUID is taken or was
    # deleted is asked by the INSERT itself.
    assert len(selects) == 1
    assert "usersession" in selects[0]
    assert profile_read(selects[0])
    assert "consentrecord" in selects[0]
    assert "FROM crampevent" not in selects[0]
    (insert,) = [s for s in statements if s.lstrip().upper().startswith("INSERT")]
    assert "INTO crampevent" in insert
    assert "deletedentry" in insert


def test_the_database_is_let_go_before_the_answer_is_sent(api, app):
    """A phone slow to read its answer holds neither a database connection nor, on
    SQLite, the writers' turn while it reads: the session closes when the handler has
    its answer, before the answer goes out."""
    gate = app.state.db_gate
    free = gate.slots.value
    held = []

    async def watched(scope, receive, send):
        async def watching(message):
            if message["type"] == "http.response.start":
                writing = gate.writer is not None and gate.writer.locked()
                held.append((message["status"], writing, gate.slots.value))
            await send(message)

        await app(scope, receive, watching)

    slow_reader = TestClient(
        watched, base_url=str(api.base_url), cookies=api.cookies, headers=api.headers
    )
    slow_reader.post("/api/v1/cramps", json=CRAMP)
    slow_reader.get("/api/v1/cramps", params={"start": "2026-11-24", "end": "2026-11-25"})
    assert held == [(201, False, free), (200, False, free)]
