"""Pages go out gzip-compressed (their CSRF token masked per response, see
test_csrf_masking.py); a page showing another lasting secret does not."""

from __future__ import annotations

import gzip

from app.csrf_masking import unmask
from app.templating import STATIC_DIR
from tests.conftest import csrf_token, form, html

GZIP = {"accept-encoding": "gzip"}


def raw_body(client, url: str, headers: dict) -> tuple[bytes, dict]:
    with client.stream("GET", url, headers=headers) as response:
        return b"".join(response.iter_raw()), dict(response.headers)


def test_a_signed_in_page_is_compressed_and_still_never_stored(patient_client):
    wire, headers = raw_body(patient_client, "/patient/", GZIP)
    assert headers["content-encoding"] == "gzip"
    assert headers["cache-control"] == "no-store"
    vary = {part.strip().lower() for part in headers["vary"].split(",")}
    assert {"accept-encoding", "hx-request", "cookie"} <= vary
    page = gzip.decompress(wire).decode()
    assert "<html" in page
    assert len(wire) < len(page.encode()) / 3
    # The token inside is this response's mask of the cookie's token.
    token = html(patient_client.get("/patient/")).select_one("input[name=csrftoken]")["value"]
    assert unmask(token) == csrf_token(patient_client)


def test_nothing_is_compressed_for_a_browser_that_does_not_ask(patient_client):
    response = patient_client.get("/patient/", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in response.headers
    assert "<html" in response.text


def test_an_htmx_fragment_and_the_json_api_are_compressed_too(patient_client):
    fragment = patient_client.get(
        "/patient/diary", headers={**GZIP, "HX-Request": "true", "HX-Target": "main"}
    )
    assert fragment.status_code == 200
    assert fragment.headers["content-encoding"] == "gzip"
    assert "<html" not in fragment.text
    openapi = patient_client.get("/api/openapi.json", headers=GZIP)
    assert openapi.headers["content-encoding"] == "gzip"


def test_the_service_worker_is_compressed_and_keeps_its_own_headers(client):
    response = client.get("/sw.js", headers=GZIP)
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["service-worker-allowed"] == "/"
    assert response.headers["cache-control"] == "no-cache"
    assert "importScripts" in response.text


def test_static_files_are_compressed_once_not_twice(client):
    wire, headers = raw_body(client, "/static/js/pwa.js", GZIP)
    assert headers["content-encoding"] == "gzip"
    assert gzip.decompress(wire) == (STATIC_DIR / "js/pwa.js").read_bytes()


def test_the_page_with_the_calendar_address_is_not_compressed(patient_client):
    # A lasting secret, not masked like the CSRF token: BREACH could read it.
    patient_client.post("/patient/settings/calendar", data=form(patient_client))
    response = patient_client.get("/patient/settings/app", headers=GZIP)
    assert html(response).select_one("#calendar-url")["value"].startswith("http")
    assert "content-encoding" not in response.headers
    # Says so to a proxy in front too (Caddy's encode honours no-transform).
    assert response.headers["cache-control"] == "no-store, no-transform"
    refused = patient_client.post(
        "/patient/settings/reminders",
        data=form(patient_client, water_per_day="many"),
        headers=GZIP,
    )
    assert refused.status_code == 422
    assert "content-encoding" not in refused.headers
    assert refused.headers["cache-control"] == "no-store, no-transform"
