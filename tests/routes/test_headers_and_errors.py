"""Security headers on every response; calm, translated errors that leak nothing."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from tests.conftest import html, settings_for


@pytest.mark.parametrize("path", ["/login", "/nope", "/static/css/app.css", "/healthz"])
def test_every_response_carries_the_security_headers(client, path):
    headers = client.get(path).headers
    csp = headers["content-security-policy"]
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert "strict-transport-security" not in headers


def test_a_refused_csrf_check_also_carries_the_headers(patient_client):
    response = patient_client.post("/logout")
    assert response.status_code == 403
    assert "content-security-policy" in response.headers


def test_hsts_is_sent_when_secure_cookies_are_on(database_url, clock):
    from app.main import create_app

    app = create_app(settings_for(database_url, secure_cookies=True), clock=clock)
    with TestClient(app) as client:
        assert "max-age=" in client.get("/login").headers["strict-transport-security"]
    app.state.engine.dispose()


def test_pages_have_no_inline_scripts_or_styles(patient_client):
    page = html(patient_client.get("/patient/"))
    assert all(script.has_attr("src") for script in page.find_all("script"))
    assert page.find("style") is None
    assert page.select("[style]") == []
    assert [a for tag in page.find_all(True) for a in tag.attrs if a.startswith("on")] == []


def test_htmx_is_vendored_with_its_version_and_checksum(client):
    import hashlib
    from pathlib import Path

    static = Path(__file__).resolve().parents[2] / "static"
    recorded = dict(
        reversed(line.split()) for line in (static / "VENDORED.sha256").read_text().splitlines()
    )
    vendored = static / "js" / "htmx-4.0.1.min.js"
    assert hashlib.sha256(vendored.read_bytes()).hexdigest() == recorded[vendored.name]
    src = html(client.get("/login")).select_one("script[src*=htmx]")["src"]
    assert src.startswith("/static/js/htmx-4.0.1.min.js?v=")
    assert client.get(src).status_code == 200


def test_unknown_page_is_a_translated_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert html(response).find("h1").get_text() == "ページが見つかりません"


def test_unknown_api_path_is_json(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json()["error"] == "ページが見つかりません"


def test_unexpected_errors_show_a_calm_page_without_internals(app, client):
    def explode():
        raise RuntimeError("SELECT secret FROM patients -- Traceback")

    app.add_api_route("/explode", explode)
    response = client.get("/explode")
    assert response.status_code == 500
    assert "SELECT" not in response.text
    assert "Traceback" not in response.text
    assert html(response).find("h1").get_text() == "システム側で問題が起きました"


def test_wrong_method_is_a_page_not_a_crash(client):
    assert client.put("/healthz").status_code == 405
    assert client.delete("/login").status_code in {403, 405}


def test_health_is_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_health_is_503_when_the_database_does_not_answer(app, client):
    app.state.engine = create_engine(
        "postgresql+psycopg://nobody@127.0.0.1:1/none", connect_args={"connect_timeout": 1}
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


def test_an_error_under_htmx_replaces_the_main_area_not_the_swap_target(patient_client):
    response = patient_client.get("/patient/no-such-thing", headers={"HX-Request": "true"})
    assert response.status_code == 404
    assert response.headers["hx-retarget"] == "#main"
    assert response.headers["hx-reswap"] == "innerHTML"
    assert "<html" not in response.text
    assert html(response).find("h1").get_text() == "ページが見つかりません"
