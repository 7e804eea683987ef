"""Login throttling: slow for whoever guesses, never a lock-out of the owner's phone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from app.security import DEVICE_COOKIE, SESSION_COOKIE
from app.services.auth import LONGEST_DELAY
from tests import factories
from tests.conftest import form

STRANGER = "203.0.113.66"
OWNER_PHONE = "198.51.100.7"


@pytest.fixture
def browser(app):
    """A browser at a given address; closed after the test."""
    opened: list[TestClient] = []

    def at(address: str) -> TestClient:
        client = TestClient(app, raise_server_exceptions=False, client=(address, 40000))
        opened.append(client.__enter__())
        return client

    yield at
    for client in opened:
        client.__exit__(None, None, None)


def log_in(client, email, password=factories.PASSWORD):
    return client.post(
        "/login", data=form(client, email=email, password=password), follow_redirects=False
    )


def guess_until_throttled(client, email, clock, *, tries: int) -> list[int]:
    """Wrong passwords as fast as allowed; the waits the server asked for."""
    waits = []
    for _ in range(tries):
        response = log_in(client, email, "wrong password")
        while response.status_code == 429:
            wait = int(response.headers["retry-after"])
            waits.append(wait)
            clock.set(clock() + timedelta(seconds=wait))
            response = log_in(client, email, "wrong password")
        assert response.status_code == 400
    return waits


def test_repeated_failures_from_one_address_wait_longer_each_time(browser, patient, clock):
    stranger = browser(STRANGER)
    for _ in range(3):
        assert log_in(stranger, patient.email, "wrong password").status_code == 400

    waits = guess_until_throttled(stranger, patient.email, clock, tries=8)

    assert waits == [1, 2, 4, 8, 16, 32, 64, 128]
    refused = log_in(stranger, patient.email)  # the right password waits its turn too
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "256"
    assert "5分ほど待ってから" in refused.text
    assert SESSION_COOKIE not in stranger.cookies


def test_the_wait_grows_to_fifteen_minutes_and_no_further(browser, patient, clock):
    stranger = browser(STRANGER)
    waits = guess_until_throttled(stranger, patient.email, clock, tries=16)
    assert max(waits) == LONGEST_DELAY.total_seconds() == 900
    assert waits[-3:] == [900, 900, 900]


def test_a_stranger_guessing_all_night_never_locks_the_owner_out(browser, patient, clock):
    stranger, phone = browser(STRANGER), browser(OWNER_PHONE)
    started = clock()

    guess_until_throttled(stranger, patient.email, clock, tries=100)

    # 100 guesses took the stranger most of a day instead of a minute ...
    assert clock() - started > timedelta(hours=20)
    # ... and the owner, on their phone's own address, signs in at once.
    assert log_in(phone, patient.email).status_code == 303


def test_a_success_starts_the_count_again(browser, patient, clock):
    phone = browser(OWNER_PHONE)
    for _ in range(3):
        log_in(phone, patient.email, "wrong password")
    assert log_in(phone, patient.email, "wrong password").status_code == 429
    clock.set(clock() + timedelta(seconds=1))
    assert log_in(phone, patient.email).status_code == 303
    for _ in range(3):
        assert log_in(phone, patient.email, "wrong password").status_code == 400


def test_an_attack_from_many_addresses_locks_only_unknown_browsers(app, browser, patient, clock):
    app.state.settings.login_attempts_per_account_hour = 5
    phone = browser(OWNER_PHONE)
    assert log_in(phone, patient.email).status_code == 303  # the owner's phone, before
    phone.cookies.delete(SESSION_COOKIE)
    assert DEVICE_COOKIE in phone.cookies

    for n in range(5):
        log_in(browser(f"203.0.113.{n}"), patient.email, "wrong password")

    assert log_in(browser("192.0.2.1"), patient.email).status_code == 429
    # The phone is known by its cookie wherever it is now ...
    phone_elsewhere = browser("192.0.2.2")
    phone_elsewhere.cookies.set(DEVICE_COOKIE, phone.cookies[DEVICE_COOKIE], path="/login")
    assert log_in(phone_elsewhere, patient.email).status_code == 303
    # ... and a browser at an address the account signed in from lately gets in too.
    assert log_in(browser(OWNER_PHONE), patient.email).status_code == 303
    # An hour after the attack, anybody may try again.
    clock.set(clock() + timedelta(hours=1, seconds=1))
    assert log_in(browser("192.0.2.1"), patient.email).status_code == 303


def test_a_browser_known_to_one_account_is_a_stranger_to_another(
    app, browser, patient, other_patient
):
    app.state.settings.login_attempts_per_account_hour = 2
    phone = browser(OWNER_PHONE)
    assert log_in(phone, patient.email).status_code == 303
    for n in range(2):
        log_in(browser(f"203.0.113.{n}"), other_patient.email, "wrong password")

    shared = browser("192.0.2.3")
    shared.cookies.set(DEVICE_COOKIE, phone.cookies[DEVICE_COOKIE], path="/login")
    assert log_in(shared, other_patient.email).status_code == 429


def test_a_forged_device_cookie_is_no_excuse(app, browser, patient):
    app.state.settings.login_attempts_per_account_hour = 1
    log_in(browser(STRANGER), patient.email, "wrong password")
    forger = browser("192.0.2.4")
    forger.cookies.set(DEVICE_COOKIE, "nonce.0123456789abcdef", path="/login")
    assert log_in(forger, patient.email).status_code == 429


def test_the_device_cookie_is_only_sent_to_the_sign_in_page(browser, patient):
    phone = browser(OWNER_PHONE)
    response = log_in(phone, patient.email)
    [header] = [h for h in response.headers.get_list("set-cookie") if h.startswith(DEVICE_COOKIE)]
    assert "Path=/login" in header
    assert "HttpOnly" in header
