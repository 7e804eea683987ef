"""The API reference opens in a real browser under the site's strict CSP."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.conftest import html
from tests.e2e.fixtures import screenshot

STATIC = Path(__file__).resolve().parents[2] / "static"


@pytest.mark.browser
def test_api_docs_list_the_operations_without_a_csp_violation(live_server, phone):
    phone.goto(f"{live_server.url}/api/docs")

    operations = phone.locator(".opblock-summary-path")
    operations.first.wait_for()
    paths = {p.strip().replace("\u200b", "") for p in operations.all_inner_texts()}
    assert "/api/v1/cramps" in paths
    assert "/api/v1/me" in paths
    screenshot(phone, "api-docs")
    assert phone.js_errors == []


def test_api_docs_load_swagger_ui_from_static_without_inline_script(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    page = html(response)
    assert all(script.has_attr("src") and not script.string for script in page("script"))
    sources = [script["src"] for script in page("script")]
    assert sources[0].startswith("/static/vendor/swagger-ui/swagger-ui-bundle.js?v=")
    assert sources[1].startswith("/static/js/api-docs.js?v=")
    assert not page.select("[style]")
    for url in (*sources, page.select_one("link[rel=stylesheet]")["href"]):
        assert client.get(url).status_code == 200


def test_swagger_ui_is_vendored_with_its_version_and_checksums():
    recorded = dict(
        reversed(line.split()) for line in (STATIC / "VENDORED.sha256").read_text().splitlines()
    )
    for name in ("swagger-ui-bundle.js", "swagger-ui.css"):
        path = f"vendor/swagger-ui/{name}"
        assert hashlib.sha256((STATIC / path).read_bytes()).hexdigest() == recorded[path]
    assert "swagger-ui-dist 5.35.0" in (STATIC / "vendor/swagger-ui/VENDORED").read_text()
