"""What a client may send: bodies up to 1 MB, text without NUL; and no signed-in
answer stays in a cache."""

from __future__ import annotations

import uuid

import pytest
from sqlmodel import select

from app.middleware import MAX_BODY_BYTES
from app.models import CrampEvent, User
from app.security import CSRF_HEADER
from tests.conftest import csrf_token, form, html

CRAMP = {"occurred_at": "2026-11-24T21:10:00+09:00", "note": "left toes"}


def api_headers(client) -> dict[str, str]:
    return {CSRF_HEADER: csrf_token(client), "Accept-Language": "ja"}


# --- Cache-Control ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/patient/", "/patient/diary", "/patient/settings", "/api/v1/me", "/api/v1/nope"]
)
def test_signed_in_pages_and_api_answers_are_never_stored(patient_client, path):
    assert patient_client.get(path).headers["cache-control"] == "no-store"


def test_a_redirect_after_a_form_and_an_error_page_are_not_stored_either(patient_client):
    response = patient_client.post("/logout", data=form(patient_client), follow_redirects=False)
    assert response.headers["cache-control"] == "no-store"
    assert patient_client.get("/patient/nope").headers["cache-control"] == "no-store"


def test_static_files_keep_their_caching(patient_client):
    response = patient_client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("cache-control", "")


# --- body size ------------------------------------------------------------------------------


def test_a_body_over_1_mb_is_refused_before_it_is_read(patient_client, session):
    note = "x" * (MAX_BODY_BYTES + 1)
    response = patient_client.post(
        "/api/v1/cramps",
        json={**CRAMP, "client_id": str(uuid.uuid4()), "note": note},
        headers=api_headers(patient_client),
    )
    assert response.status_code == 413
    assert response.json()["error"] == "送信された内容が大きすぎます"
    assert session.exec(select(CrampEvent)).all() == []


def test_a_large_form_is_a_translated_413_page(patient_client):
    response = patient_client.post(
        "/patient/diary/cramps", data=form(patient_client, note="x" * (MAX_BODY_BYTES + 1))
    )
    assert response.status_code == 413
    assert "送信された内容が大きすぎます" in html(response).select_one("main").get_text()


def test_a_streamed_body_without_length_is_cut_off_at_the_limit(patient_client, session):
    chunks_sent = 0

    def chunks():
        nonlocal chunks_sent
        yield b'{"note": "'
        for _ in range(4 * MAX_BODY_BYTES // 65536):
            chunks_sent += 1
            yield b"x" * 65536
        yield b'"}'

    response = patient_client.post(
        "/api/v1/cramps",
        content=chunks(),
        headers={**api_headers(patient_client), "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert session.exec(select(CrampEvent)).all() == []


def test_a_body_just_under_the_limit_is_read(patient_client):
    response = patient_client.post(
        "/api/v1/cramps",
        json={**CRAMP, "client_id": str(uuid.uuid4()), "note": "x" * (MAX_BODY_BYTES - 200)},
        headers=api_headers(patient_client),
    )
    assert response.status_code == 422  # the note is too long, which the API says itself


def test_a_nonsense_content_length_is_a_400(patient_client):
    response = patient_client.post(
        "/api/v1/cramps",
        content=b"{}",
        headers={**api_headers(patient_client), "Content-Length": "-1"},
    )
    assert response.status_code == 400


# --- NUL characters -------------------------------------------------------------------------


def test_nul_in_a_json_text_field_is_a_translated_422_and_nothing_is_stored(
    patient_client, session
):
    response = patient_client.post(
        "/api/v1/cramps",
        json={**CRAMP, "client_id": str(uuid.uuid4()), "note": "toes\x00"},
        headers=api_headers(patient_client),
    )
    assert response.status_code == 422
    [problem] = response.json()["fields"]
    assert problem["field"] == "note"
    assert "NUL" in problem["message"]
    assert "使えません" in problem["message"]
    assert session.exec(select(CrampEvent)).all() == []


def test_an_escaped_backslash_before_u0000_is_plain_text_not_nul(patient_client, session):
    response = patient_client.post(
        "/api/v1/cramps",
        content=b'{"client_id": "%s", "occurred_at": "2026-11-24T21:10:00+09:00", '
        b'"note": "C:\\\\u0000"}' % str(uuid.uuid4()).encode(),
        headers={**api_headers(patient_client), "Content-Type": "application/json"},
    )
    assert response.status_code == 201
    assert session.exec(select(CrampEvent)).one().note == "C:\\u0000"


def test_nul_in_a_form_field_is_a_translated_422_page(patient_client, session):
    response = patient_client.post(
        "/patient/diary/cramps",
        data=form(patient_client, client_id=str(uuid.uuid4()), when="now", note="a\x00b"),
    )
    assert response.status_code == 422
    assert "NUL" in html(response).select_one("main").get_text()
    assert session.exec(select(CrampEvent)).all() == []


def test_nul_in_the_settings_form_changes_nothing(patient_client, session, patient):
    response = patient_client.post(
        "/language", data=form(patient_client, locale="en\x00", next="/patient/")
    )
    assert response.status_code == 422
    session.expire_all()
    assert session.get(User, patient.id).locale != "en"


def test_nul_in_the_query_is_a_422(patient_client):
    assert patient_client.get("/patient/diary/entries?after=%00").status_code == 422
