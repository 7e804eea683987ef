"""Night mode: patient pages dim from an hour before bedtime, with a switch."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.conftest import form, html

NOON_TOKYO = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
THREE_AM_TOKYO = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)


def theme(client, path="/patient/") -> str:
    return html(client.get(path)).html["data-theme"]


def test_home_dims_at_three_in_the_morning_and_not_at_noon(patient_client, clock):
    clock.set(THREE_AM_TOKYO)
    page = html(patient_client.get("/patient/"))
    assert page.html["data-theme"] == "night"
    assert page.find("meta", attrs={"name": "theme-color"})["content"] == "#0b0d10"
    clock.set(NOON_TOKYO)
    assert theme(patient_client) == "auto"


def test_switch_keeps_the_screen_bright_or_dim(patient_client, clock):
    clock.set(THREE_AM_TOKYO)
    response = patient_client.post(
        "/patient/settings/night-mode",
        data=form(patient_client, night_mode="off"),
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert theme(patient_client, "/patient/diary") == "light"
    page = html(patient_client.get(response.headers["location"]))
    assert page.select_one("#night-mode-off").has_attr("checked")
    assert page.select_one(".alert--ok") is not None

    patient_client.post("/patient/settings/night-mode", data=form(patient_client, night_mode="on"))
    clock.set(NOON_TOKYO)
    assert theme(patient_client) == "night"


def test_unknown_night_mode_is_refused_and_nothing_changes(patient_client, clock):
    clock.set(NOON_TOKYO)
    response = patient_client.post(
        "/patient/settings/night-mode", data=form(patient_client, night_mode="sepia")
    )
    assert response.status_code == 422
    assert html(response).select_one("#night-mode-auto") is not None
    assert "いずれかを選んでください" in response.text
    assert theme(patient_client) == "auto"


def test_settings_page_links_to_reminders_and_display(patient_client):
    page = html(patient_client.get("/patient/settings"))
    link = page.find("a", href="/patient/settings/app")
    assert link.get_text(strip=True) == "リマインダー・カレンダー・夜間モード"


def test_pages_before_sign_in_follow_the_phone(client):
    assert html(client.get("/login")).html["data-theme"] == "auto"
