"""The CSRF token is masked afresh in every response (BREACH), and every masked copy is
accepted; anything that does not unmask to the cookie's token is refused as a wrong
token is, never with a 500."""

from __future__ import annotations

import string
import uuid

import pytest
from fastapi import Request
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import select

from app.csrf_masking import mask, unmask
from app.models import CrampEvent, UserSession
from app.security import CSRF_FIELD, CSRF_HEADER
from tests.conftest import csrf_token, html

FORM_EXPIRED = "フォームを送信できませんでした"


def a_cramp() -> dict:
    return {
        "client_id": str(uuid.uuid4()),
        "occurred_at": "2026-11-24T21:10:00+09:00",  # before the fixed clock
        "foot": "left",
        "sites": ["toes"],
        "severity": 5,
    }


def tokens_on(page) -> list[str]:
    """Every copy of the token a page carries: hidden fields and htmx's header."""
    soup = html(page)
    found = [field["value"] for field in soup.select(f"input[name={CSRF_FIELD}]")]
    header = soup.body["hx-headers:inherited"]
    found.append(header.split('"')[3])
    return found


@pytest.fixture
def echo(app):
    seen: list[str] = []

    @app.post("/test-echo")
    async def echo_route(request: Request):
        seen.append((await request.body()).decode())
        return {}

    return seen


def test_every_response_carries_the_token_masked_differently(patient_client):
    cookie = csrf_token(patient_client)
    pages = [tokens_on(patient_client.get("/patient/")) for _ in range(3)]
    for copies in pages:
        assert len(copies) >= 2
        assert len(set(copies)) == 1  # one mask per response: repeats compress away
        assert cookie not in copies
        assert unmask(copies[0]) == cookie
    assert len({copies[0] for copies in pages}) == 3


def test_each_masked_token_is_accepted_in_a_form_and_in_the_header(patient_client, echo):
    for _ in range(3):
        masked = tokens_on(patient_client.get("/patient/"))[0]
        as_field = patient_client.post("/test-echo", data={CSRF_FIELD: masked, "note": "x"})
        assert as_field.status_code == 200
        as_header = patient_client.post("/test-echo", headers={CSRF_HEADER: masked})
        assert as_header.status_code == 200
    # The form reaches the app as it was sent.
    assert f"{CSRF_FIELD}={masked}&note=x" in echo


def test_a_masked_token_is_accepted_in_a_multipart_form(patient_client, echo):
    masked = tokens_on(patient_client.get("/patient/"))[0]
    response = patient_client.post(
        "/test-echo", data={CSRF_FIELD: masked}, files={"f": ("a.txt", b"x")}
    )
    assert response.status_code == 200
    # In the middle: the last base64 character may carry only padding bits, so changing
    # it can leave the token's bytes as they were (a flaky test, not a forgery).
    tampered = _spoilt(masked)["tampered"]
    refused = patient_client.post(
        "/test-echo", data={CSRF_FIELD: tampered}, files={"f": ("a.txt", b"x")}
    )
    assert refused.status_code == 403


def test_the_json_api_takes_the_masked_token_from_the_page(patient_client, session):
    masked = tokens_on(patient_client.get("/patient/"))[0]
    response = patient_client.post("/api/v1/cramps", json=a_cramp(), headers={CSRF_HEADER: masked})
    assert response.status_code == 201
    assert len(session.exec(select(CrampEvent)).all()) == 1


def _spoilt(masked: str) -> dict[str, str]:
    middle = len(masked) // 2
    flipped = "A" if masked[middle] != "A" else "B"
    return {
        "tampered": masked[:middle] + flipped + masked[middle + 1 :],
        "truncated": masked[:-4],
        "one character short": masked[:-1],
        "not base64": "!!!!" + masked[4:],
        "with padding": masked + "=",
        "empty": "",
        "another token masked": mask("forged.token-value"),
        "huge": "A" * 5000,
        "not ascii": "トークン" * 10,
    }


SPOILT = list(_spoilt(mask("x" * 50)))


@pytest.mark.parametrize("how", SPOILT)
def test_a_spoilt_token_in_a_form_is_refused_with_the_usual_message(patient_client, session, how):
    masked = tokens_on(patient_client.get("/patient/"))[0]
    response = patient_client.post("/logout", data={CSRF_FIELD: _spoilt(masked)[how]})
    assert response.status_code == 403
    assert FORM_EXPIRED in response.text
    assert len(session.exec(select(UserSession)).all()) == 1  # still signed in


@pytest.mark.parametrize("how", SPOILT)
def test_a_spoilt_token_in_the_header_is_refused_and_stores_nothing(patient_client, session, how):
    masked = tokens_on(patient_client.get("/patient/"))[0]
    headers = {CSRF_HEADER: _spoilt(masked)[how].encode()}
    response = patient_client.post("/api/v1/cramps", json=a_cramp(), headers=headers)
    assert response.status_code == 403
    assert response.json()["error"] == FORM_EXPIRED
    assert session.exec(select(CrampEvent)).all() == []


def test_the_cookie_token_itself_is_still_accepted(patient_client, echo):
    # As Django does: it is the cookie's own value, which no page shows.
    response = patient_client.post("/test-echo", data={CSRF_FIELD: csrf_token(patient_client)})
    assert response.status_code == 200
    # In a multipart form too (asgi-csrf's own multipart parsing used to answer 500).
    multipart = patient_client.post(
        "/test-echo", data={CSRF_FIELD: csrf_token(patient_client)}, files={"f": ("a", b"x")}
    )
    assert multipart.status_code == 200


TOKEN_CHARS = string.ascii_letters + string.digits + "-_."


@given(st.text(TOKEN_CHARS, min_size=8, max_size=120))
def test_masking_round_trips_and_never_shows_the_token(token):
    masked = mask(token)
    assert unmask(masked) == token
    assert "." not in masked


@given(st.text(max_size=300))
def test_unmasking_anything_never_raises(value):
    result = unmask(value)
    assert result is None or isinstance(result, str)
