"""Reminder settings and this device's push subscription, over HTTP."""

from __future__ import annotations

from tests.conftest import form, html, htmx_headers
from tests.push_service import PushDevice

ENDPOINT = "https://push.example.test/send/abc"


def _subscribe(client, device=None):
    device = device or PushDevice(endpoint=ENDPOINT)
    return client.post(
        "/api/v1/push/subscriptions",
        json={
            "endpoint": device.endpoint,
            "keys": {"p256dh": device.p256dh, "auth": device.auth_b64},
        },
        headers=htmx_headers(client),
    )


def test_page_offers_to_turn_on_reminders_without_asking_yet(patient_client):
    page = html(patient_client.get("/patient/settings/app"))
    assert page.select_one(".reminders-status").get_text(strip=True) == "リマインダーはオフです。"
    button = page.select_one("#push-panel [data-role=on]")
    assert button.get_text(strip=True) == "この端末でリマインダーをオンにする"
    # The permission prompt belongs to reminders.js, after a tap: nothing runs on load.
    assert page.find("script", src=lambda s: s and "reminders.js" in s)


def test_key_is_a_p256_public_key(patient_client):
    from tests.push_service import unb64url

    key = patient_client.get("/api/v1/push/key").json()["application_server_key"]
    raw = unb64url(key)
    assert len(raw) == 65
    assert raw[0] == 4
    assert patient_client.get("/api/v1/push/key").json()["application_server_key"] == key


def test_subscribing_turns_reminders_on_once_per_device(patient_client):
    assert _subscribe(patient_client).json() == {"devices": 1}
    assert _subscribe(patient_client).json() == {"devices": 1}
    page = html(patient_client.get("/patient/settings/app"))
    assert (
        page.select_one(".reminders-status").get_text(strip=True)
        == "1台の端末でリマインダーがオンです。"
    )
    response = patient_client.post(
        "/api/v1/push/unsubscribe",
        json={"endpoint": ENDPOINT},
        headers=htmx_headers(patient_client),
    )
    assert response.status_code == 204
    page = html(patient_client.get("/patient/settings/app"))
    assert page.select_one(".reminders-status").get_text(strip=True) == "リマインダーはオフです。"


def test_a_bad_subscription_is_a_translated_422(patient_client):
    response = patient_client.post(
        "/api/v1/push/subscriptions",
        json={"endpoint": "http://evil.example/x", "keys": {"p256dh": "x", "auth": "y"}},
        headers=htmx_headers(patient_client),
    )
    assert response.status_code == 422
    fields = {f["field"] for f in response.json()["fields"]}
    assert fields == {"endpoint", "p256dh", "auth"}


def test_practitioners_cannot_subscribe(practitioner_client):
    assert _subscribe(practitioner_client).status_code == 403


def test_reminder_choices_are_saved(patient_client):
    response = patient_client.post(
        "/patient/settings/reminders",
        data=form(patient_client, routines=["toe_stretch", "water"], water_per_day="5",
                  quiet_start="22:00", quiet_end="07:00"),
        follow_redirects=False,
    )  # fmt: skip
    assert response.status_code == 303
    page = html(patient_client.get(response.headers["location"]))
    assert page.select_one("#remind-toe_stretch").has_attr("checked")
    assert not page.select_one("#remind-foot_bath").has_attr("checked")
    assert page.select_one("#field-water_per_day option[selected]")["value"] == "5"
    assert page.select_one("#field-quiet_start")["value"] == "22:00"


def test_half_given_quiet_hours_are_refused_with_what_was_typed(patient_client):
    response = patient_client.post(
        "/patient/settings/reminders",
        data=form(patient_client, routines=["water"], water_per_day="4", quiet_start="22:00"),
    )
    assert response.status_code == 422
    page = html(response)
    assert "開始と終了の両方" in page.select_one("#error-quiet_end").get_text()
    assert page.select_one("#field-quiet_start")["value"] == "22:00"
    assert page.select_one("#remind-water").has_attr("checked")
    assert not page.select_one("#remind-toe_stretch").has_attr("checked")
