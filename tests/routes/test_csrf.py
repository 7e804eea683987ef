"""Every unsafe request needs the CSRF token; without it nothing changes."""

from __future__ import annotations

import json
import uuid

from fastapi import Request
from sqlmodel import select

from app.csrf_masking import unmask
from app.models import CrampEvent, UserSession
from app.security import CSRF_HEADER
from tests import factories
from tests.conftest import csrf_token, html


def test_a_form_post_without_the_token_is_refused_and_changes_nothing(patient_client, session):
    response = patient_client.post("/logout")
    assert response.status_code == 403
    assert "フォームを送信できませんでした" in response.text
    assert len(session.exec(select(UserSession)).all()) == 1
    assert patient_client.get("/patient/").status_code == 200


def test_a_password_change_with_a_wrong_token_changes_nothing(patient_client, patient, session):
    before = patient.password_hash
    response = patient_client.post(
        "/account/password",
        data={
            "csrftoken": "forged",
            "current_password": factories.PASSWORD,
            "new_password": "attacker's password",
            "confirm_password": "attacker's password",
        },
    )
    assert response.status_code == 403
    session.refresh(patient)
    assert patient.password_hash == before


def test_htmx_requests_send_the_token_in_a_header(patient_client):
    response = patient_client.post(
        "/logout",
        headers={CSRF_HEADER: csrf_token(patient_client), "HX-Request": "true"},
        follow_redirects=False,
    )
    assert response.status_code == 303


def test_the_token_header_is_set_once_on_body_for_htmx(patient_client):
    body = html(patient_client.get("/patient/")).body
    header = json.loads(body["hx-headers:inherited"])
    # Masked for this response (tests/routes/test_csrf_masking.py).
    assert unmask(header[CSRF_HEADER]) == csrf_token(patient_client)


def test_sign_in_is_protected_even_without_cookies(app, patient):
    from fastapi.testclient import TestClient

    fresh = TestClient(app)
    response = fresh.post("/login", data={"email": patient.email, "password": factories.PASSWORD})
    assert response.status_code == 403


def test_a_multipart_body_without_boundary_is_a_clean_400(patient_client):
    response = patient_client.post(
        "/logout", content=b"x", headers={"content-type": "multipart/form-data"}
    )
    assert response.status_code == 400


def test_a_form_body_that_is_not_utf8_is_a_clean_400(patient_client):
    response = patient_client.post(
        "/logout",
        content=b"csrftoken=\xff\xfe",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 400


def test_api_writes_need_the_header_too(patient_client):
    response = patient_client.post("/api/v1/me", json={})
    assert response.status_code == 403


def test_a_bearer_header_does_not_excuse_a_cookie_session_from_the_check(patient_client, session):
    response = patient_client.post("/logout", headers={"Authorization": "Bearer anything"})
    assert response.status_code == 403
    assert len(session.exec(select(UserSession)).all()) == 1


def test_a_bearer_header_does_not_excuse_an_api_write_either(patient_client, session):
    cramp = {"client_id": str(uuid.uuid4()), "occurred_at": "2026-11-25T03:10:00+09:00"}
    response = patient_client.post(
        "/api/v1/cramps", json=cramp, headers={"Authorization": "Bearer anything"}
    )
    assert response.status_code == 403
    assert session.exec(select(CrampEvent)).all() == []


def test_the_app_still_sees_the_authorization_header_after_a_passed_check(app, patient_client):
    seen: list[str | None] = []

    @app.post("/test-echo-authorization")
    def echo(request: Request):
        seen.append(request.headers.get("authorization"))
        return {}

    response = patient_client.post(
        "/test-echo-authorization",
        headers={CSRF_HEADER: csrf_token(patient_client), "Authorization": "Bearer x"},
    )
    assert response.status_code == 200
    assert seen == ["Bearer x"]
