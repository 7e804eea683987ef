"""Japanese first, English second: every message translated, the right one chosen."""

from __future__ import annotations

import pytest

from app import i18n
from tests.conftest import form, html, sign_in
from tests.i18n_check import untranslated


def test_every_message_has_a_japanese_translation():
    missing = untranslated("ja")
    assert missing == {}, "\n".join(f"{where}: {msgid!r}" for msgid, where in missing.items())


@pytest.mark.parametrize(
    ("user_setting", "cookie", "accept", "expected"),
    [
        (None, None, None, "ja"),
        (None, None, "en-US,en;q=0.9", "en"),
        (None, None, "fr-FR, en;q=0.5, ja;q=0.8", "ja"),
        (None, None, "de, fr", "ja"),
        (None, "en", "ja", "en"),
        ("ja", "en", "en", "ja"),
        ("en", None, "ja", "en"),
        (None, "klingon", "garbage;;q=x", "ja"),
    ],
)
def test_locale_is_the_users_setting_then_switch_then_browser_then_japanese(
    user_setting, cookie, accept, expected
):
    assert (
        i18n.choose_locale(user_setting=user_setting, cookie=cookie, accept_language=accept)
        == expected
    )


def test_pages_are_japanese_by_default(client):
    page = html(client.get("/login"))
    assert page.html["lang"] == "ja"
    assert page.find("h2").get_text(strip=True) == "ログイン"


def test_browser_asking_for_english_gets_english(client):
    page = html(client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"}))
    assert page.html["lang"] == "en"
    assert page.find("h2").get_text(strip=True) == "Sign in"


def test_every_page_has_a_language_switch(client):
    switch = html(client.get("/login")).select_one("form.lang-switch")
    assert [b["value"] for b in switch.select("button[name=locale]")] == ["ja", "en"]


def test_language_switch_remembers_the_choice_for_a_visitor(client):
    response = client.post(
        "/language", data=form(client, locale="en", next="/login"), follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    assert html(client.get("/login")).html["lang"] == "en"


def test_language_switch_saves_the_signed_in_users_setting(client, patient, session):
    sign_in(client, patient)
    client.post("/language", data=form(client, locale="en", next="/patient/"))
    session.refresh(patient)
    assert patient.locale == "en"
    client.cookies.delete("tsuranai_lang")
    assert html(client.get("/patient/")).html["lang"] == "en"


def test_language_switch_refuses_to_redirect_off_site(client):
    response = client.post(
        "/language",
        data=form(client, locale="ja", next="https://evil.example/"),
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_unknown_language_falls_back_to_japanese(client):
    client.post("/language", data=form(client, locale="xx", next="/login"))
    assert html(client.get("/login")).html["lang"] == "ja"
