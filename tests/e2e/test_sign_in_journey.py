"""A patient and a practitioner sign in on a phone, in a real browser."""

from __future__ import annotations

import pytest

from tests import factories
from tests.e2e.fixtures import screenshot

pytestmark = pytest.mark.browser


def sign_in_in_browser(page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("パスワード").fill(factories.PASSWORD)
    page.get_by_role("button", name="ログイン").click()


def test_patient_signs_in_on_a_phone_and_lands_on_home(live_server, phone):
    with live_server.session() as db:
        patient = factories.make_patient(
            db, live_server.app.state.passwords, now=live_server.clock(), name="佐藤 花子"
        )
    sign_in_in_browser(phone, live_server.url, patient.email)
    phone.wait_for_url(f"{live_server.url}/patient/")
    assert phone.get_by_role("link", name="ホーム").get_attribute("aria-current") == "page"
    assert "佐藤 花子" in phone.content()
    # Nothing may overflow sideways on a 390 px wide phone.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "patient-home-390x844")
    assert phone.js_errors == []


def test_practitioner_signs_in_and_sees_their_patients(live_server, phone):
    with live_server.session() as db:
        passwords = live_server.app.state.passwords
        practitioner = factories.make_practitioner(
            db, passwords, now=live_server.clock(), name="木村 亮"
        )
        patient = factories.make_patient(db, passwords, now=live_server.clock(), name="鈴木 一郎")
        from app.services.accounts import link_care

        link_care(
            db, practitioner_id=practitioner.id, patient_id=patient.id, now=live_server.clock()
        )
    sign_in_in_browser(phone, live_server.url, practitioner.email)
    phone.wait_for_url(f"{live_server.url}/practitioner")
    assert phone.get_by_role("link", name="鈴木 一郎").is_visible()
    screenshot(phone, "practitioner-home-390x844")
    assert phone.js_errors == []


def test_wrong_password_shows_a_translated_error_and_keeps_the_email(live_server, phone):
    with live_server.session() as db:
        patient = factories.make_patient(
            db, live_server.app.state.passwords, now=live_server.clock()
        )
    phone.goto(f"{live_server.url}/login")
    phone.get_by_label("メールアドレス").fill(patient.email)
    phone.get_by_label("パスワード").fill("wrong password")
    phone.get_by_role("button", name="ログイン").click()
    assert phone.get_by_role("alert").inner_text() == (
        "メールアドレスまたはパスワードが正しくありません。"
    )
    assert phone.get_by_label("メールアドレス").input_value() == patient.email
