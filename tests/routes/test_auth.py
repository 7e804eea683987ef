"""Signing in and out: cookies, rotation, revocation, throttling, password change."""

from __future__ import annotations

from datetime import timedelta
from http.cookies import SimpleCookie

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from app.models import LoginAttempt, UserSession
from app.security import SESSION_COOKIE
from tests import factories
from tests.conftest import form, html, settings_for, sign_in


def session_cookie(response) -> SimpleCookie:
    for header in response.headers.get_list("set-cookie"):
        if header.startswith(f"{SESSION_COOKIE}="):
            cookie = SimpleCookie()
            cookie.load(header)
            return cookie[SESSION_COOKIE]
    raise AssertionError("no session cookie set")


def log_in(client, email, password=factories.PASSWORD, **extra):
    return client.post(
        "/login", data=form(client, email=email, password=password, **extra), follow_redirects=False
    )


def test_patient_signs_in_and_lands_on_their_home(client, patient):
    response = log_in(client, patient.email)
    assert response.status_code == 303
    assert response.headers["location"] == "/patient/"
    assert client.get("/patient/").status_code == 200


def test_email_is_matched_whatever_its_case(client, patient):
    assert log_in(client, patient.email.upper()).status_code == 303


@pytest.mark.parametrize(
    ("make", "home"),
    [
        (factories.make_practitioner, "/practitioner"),
        (factories.make_admin, "/admin"),
    ],
)
def test_staff_land_on_their_own_home(client, session, passwords, make, home):
    user = make(session, passwords)
    assert log_in(client, user.email).headers["location"] == home


def test_session_cookie_is_httponly_lax_and_not_secure_by_default(client, patient):
    cookie = session_cookie(log_in(client, patient.email))
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "lax"
    assert not cookie["secure"]
    assert cookie["path"] == "/"


def test_session_cookie_is_secure_when_configured(database_url, clock, passwords, session):
    from app.main import create_app

    app = create_app(settings_for(database_url, secure_cookies=True), clock=clock)
    patient = factories.make_patient(session, passwords)
    with TestClient(app, base_url="https://testserver") as client:
        cookie = session_cookie(log_in(client, patient.email))
    app.state.engine.dispose()
    assert cookie["secure"] is True


def test_patients_stay_signed_in_for_30_days_staff_for_12_hours(
    client, patient, practitioner, clock
):
    assert int(session_cookie(log_in(client, patient.email))["max-age"]) == 30 * 24 * 3600
    client.cookies.clear()
    assert int(session_cookie(log_in(client, practitioner.email))["max-age"]) == 12 * 3600
    clock.set(clock() + timedelta(hours=12, seconds=1))
    response = client.get("/practitioner", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


def test_patient_session_ends_after_30_days(patient_client, clock):
    clock.set(clock() + timedelta(days=29))
    assert patient_client.get("/patient/").status_code == 200
    clock.set(clock() + timedelta(days=1, seconds=1))
    assert patient_client.get("/patient/", follow_redirects=False).status_code == 303


def test_signing_in_rotates_the_session_token(client, patient, session):
    first = log_in(client, patient.email).cookies[SESSION_COOKIE]
    second = log_in(client, patient.email).cookies[SESSION_COOKIE]
    assert first != second
    # The token the browser had before is no longer valid anywhere.
    stale = TestClient(client.app)
    stale.cookies.set(SESSION_COOKIE, first)
    assert stale.get("/patient/", follow_redirects=False).status_code == 303
    assert len(session.exec(select(UserSession)).all()) == 1


def test_only_a_hash_of_the_token_is_stored(client, patient, session):
    token = log_in(client, patient.email).cookies[SESSION_COOKIE]
    stored = session.exec(select(UserSession)).one()
    assert stored.token_hash != token
    assert len(stored.token_hash) == 64


def test_wrong_password_and_unknown_account_get_the_same_answer(client, patient):
    wrong = log_in(client, patient.email, "not the password")
    unknown = log_in(client, "nobody@example.test", "not the password")
    assert wrong.status_code == unknown.status_code == 400
    assert (
        html(wrong).select_one("[role=alert]").get_text()
        == html(unknown).select_one("[role=alert]").get_text()
    )
    assert SESSION_COOKIE not in client.cookies


def test_failed_sign_in_keeps_the_email_but_never_the_password(client, patient):
    page = html(log_in(client, patient.email, "not the password"))
    assert page.select_one("#field-email")["value"] == patient.email
    assert not page.select_one("#field-password").has_attr("value")


def test_empty_form_re_renders_with_field_errors(client):
    response = client.post("/login", data=form(client, email="someone@example.test", password=""))
    assert response.status_code == 422
    page = html(response)
    assert page.select_one("#error-password").get_text() == "この項目は必須です。"
    assert page.select_one("#field-email")["value"] == "someone@example.test"


def test_an_account_is_throttled_after_its_hourly_limit(client, patient, app, clock):
    app.state.settings.login_attempts_per_account_hour = 3
    for _ in range(3):
        assert log_in(client, patient.email, "wrong password").status_code == 400
    limited = log_in(client, patient.email)  # even the right password waits
    assert limited.status_code == 429
    assert "ログインの試行が多すぎます" in limited.text
    assert SESSION_COOKIE not in client.cookies
    clock.set(clock() + timedelta(hours=1, seconds=1))
    assert log_in(client, patient.email).status_code == 303


def test_unknown_accounts_are_throttled_like_real_ones(client, app):
    app.state.settings.login_attempts_per_account_hour = 2
    for _ in range(2):
        log_in(client, "ghost@example.test", "x")
    assert log_in(client, "ghost@example.test", "x").status_code == 429


def test_a_client_address_is_throttled_across_accounts(client, app, session, passwords):
    app.state.settings.login_attempts_per_address_hour = 4
    for n in range(4):
        log_in(client, f"guess{n}@example.test", "x")
    patient = factories.make_patient(session, passwords)
    assert log_in(client, patient.email).status_code == 429


def test_failed_attempts_older_than_a_day_are_forgotten(client, patient, session, clock):
    log_in(client, patient.email, "wrong password")
    clock.set(clock() + timedelta(days=1, hours=1))
    log_in(client, patient.email)
    attempts = session.exec(select(LoginAttempt)).all()
    assert [a.succeeded for a in attempts] == [True]


def test_sign_in_returns_to_the_page_that_asked_for_it(client, patient):
    response = client.get("/account", follow_redirects=False)
    assert response.headers["location"] == "/login?next=/account"
    assert log_in(client, patient.email, next="/account").headers["location"] == "/account"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:x"])
def test_sign_in_never_redirects_off_site(client, patient, target):
    assert log_in(client, patient.email, next=target).headers["location"] == "/patient/"


def test_signing_out_ends_the_session_on_the_server(patient_client, session):
    token = patient_client.cookies[SESSION_COOKIE]
    response = patient_client.post("/logout", data=form(patient_client), follow_redirects=False)
    assert response.headers["location"] == "/login"
    assert session.exec(select(UserSession)).all() == []
    replay = TestClient(patient_client.app)
    replay.cookies.set(SESSION_COOKIE, token)
    assert replay.get("/patient/", follow_redirects=False).status_code == 303


def test_sign_out_everywhere_ends_every_device(app, patient):
    phone, tablet = TestClient(app), TestClient(app)
    sign_in(phone, patient)
    sign_in(tablet, patient)
    phone.post("/logout/everywhere", data=form(phone))
    assert tablet.get("/patient/", follow_redirects=False).status_code == 303
    assert phone.get("/patient/", follow_redirects=False).status_code == 303


def test_password_change_signs_out_other_devices_and_keeps_this_one(app, patient):
    phone, tablet = TestClient(app), TestClient(app)
    sign_in(phone, patient)
    sign_in(tablet, patient)
    response = phone.post(
        "/account/password",
        data=form(
            phone,
            current_password=factories.PASSWORD,
            new_password="a new long password",
            confirm_password="a new long password",
        ),
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert phone.get("/patient/").status_code == 200
    assert tablet.get("/patient/", follow_redirects=False).status_code == 303
    phone.cookies.clear()
    assert log_in(phone, patient.email, "a new long password").status_code == 303


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {
                "current_password": "wrong",
                "new_password": "long enough pw",
                "confirm_password": "long enough pw",
            },
            "current_password",
            "現在のパスワードが正しくありません。",
        ),
        (
            {
                "current_password": factories.PASSWORD,
                "new_password": "short",
                "confirm_password": "short",
            },
            "new_password",
            "10文字以上にしてください。",
        ),
        (
            {
                "current_password": factories.PASSWORD,
                "new_password": "long enough pw",
                "confirm_password": "different pw!",
            },
            "confirm_password",
            "新しいパスワードが一致しません。",
        ),
    ],
)
def test_password_change_explains_what_is_wrong_and_changes_nothing(
    patient_client, patient, session, fields, field, message
):
    before = patient.password_hash
    response = patient_client.post("/account/password", data=form(patient_client, **fields))
    assert response.status_code == 422
    assert html(response).select_one(f"#error-{field}").get_text() == message
    session.refresh(patient)
    assert patient.password_hash == before


def test_password_change_under_htmx_returns_only_the_form(patient_client):
    from tests.conftest import htmx_headers

    response = patient_client.post(
        "/account/password",
        headers=htmx_headers(patient_client),
        data={"current_password": "wrong", "new_password": "x", "confirm_password": "x"},
    )
    assert response.status_code == 422
    assert "HX-Request" in response.headers["vary"]
    assert response.text.lstrip().startswith('<section class="card" id="password-form">')
