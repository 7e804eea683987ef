"""Installable app: the manifest, icons, the service worker and the offline page."""

from __future__ import annotations

import json
import struct

import pytest

from tests.conftest import html


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_manifest_is_japanese_standalone_with_icons_and_shortcuts(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/manifest+json")
    manifest = json.loads(response.text)
    assert manifest["name"] == "つらない — 夜の足指のつり対策"
    assert manifest["short_name"] == "つらない"
    assert manifest["lang"] == "ja"
    assert manifest["display"] == "standalone"
    assert manifest["start_url"].startswith("/")
    assert manifest["theme_color"] == "#2f6f8f"
    assert manifest["background_color"]
    sizes = {(i["sizes"], i.get("purpose", "any")) for i in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    names = [s["name"] for s in manifest["shortcuts"]]
    assert names == ["いま、つった", "今夜"]
    assert all(s["url"].startswith("/patient/") for s in manifest["shortcuts"])


def test_manifest_follows_the_browser_language(client):
    response = client.get("/manifest.webmanifest", headers={"Accept-Language": "en"})
    manifest = json.loads(response.text)
    assert manifest["short_name"] == "Tsuranai"
    assert [s["name"] for s in manifest["shortcuts"]] == ["Cramp now", "Tonight"]


def test_every_icon_in_the_manifest_is_a_png_of_its_stated_size(client):
    manifest = json.loads(client.get("/manifest.webmanifest").text)
    icons = list(manifest["icons"])
    for shortcut in manifest["shortcuts"]:
        icons.extend(shortcut["icons"])
    for icon in icons:
        response = client.get(icon["src"])
        assert response.status_code == 200, icon["src"]
        assert response.headers["content-type"] == "image/png"
        width, height = _png_size(response.content)
        assert f"{width}x{height}" == icon["sizes"]


@pytest.mark.parametrize("path", ["/login", "/offline"])
def test_public_pages_link_the_manifest_and_ios_tags(client, path):
    page = html(client.get(path))
    assert page.find("link", rel="manifest")["href"] == "/manifest.webmanifest"
    assert page.find("meta", attrs={"name": "apple-mobile-web-app-capable"})["content"] == "yes"
    assert page.find("meta", attrs={"name": "apple-mobile-web-app-title"})["content"] == "つらない"
    touch = page.find("link", rel="apple-touch-icon")["href"].split("?")[0]
    data = client.get(touch).content
    assert _png_size(data) == (180, 180)


@pytest.mark.parametrize("path", ["/patient/", "/patient/settings", "/patient/diary"])
def test_patient_pages_link_the_manifest_and_carry_the_install_hint(patient_client, path):
    page = html(patient_client.get(path))
    assert page.find("link", rel="manifest") is not None
    hint = page.find(id="install-hint")
    assert hint is not None
    assert hint.has_attr("hidden")
    assert "ホーム画面に追加" in hint.get_text()


def test_service_worker_is_served_from_the_root_with_its_shell(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["service-worker-allowed"] == "/"
    assert "no-cache" in response.headers["cache-control"]
    text = response.text
    assert "const SHELL = []" not in text
    shell_line = next(line for line in text.splitlines() if line.startswith("const SHELL = "))
    shell = json.loads(shell_line.removeprefix("const SHELL = ").removesuffix(";"))
    urls = {entry["url"] for entry in shell}
    assert "/offline" in urls
    assert "/static/css/app.css" in urls
    # Every shell file exists, so installing the worker cannot fail on a 404.
    for entry in shell:
        assert client.get(entry["url"]).status_code == 200, entry["url"]
        assert entry["revision"]


def test_service_worker_version_is_stable_between_requests(client):
    assert client.get("/sw.js").text == client.get("/sw.js").text


def test_offline_page_says_there_is_no_connection(client):
    page = html(client.get("/offline"))
    assert page.find("h1").get_text(strip=True) == "インターネットにつながっていません"


def test_workbox_and_idb_are_vendored_with_versions_and_checksums():
    import hashlib
    from pathlib import Path

    js = Path(__file__).resolve().parents[2] / "static" / "js"
    recorded = dict(
        reversed(line.split()) for line in (js.parent / "VENDORED.sha256").read_text().splitlines()
    )
    vendored = [
        "idb-8.0.4.umd.js",
        *(f"workbox-v7.4.1/{p.name}" for p in js.glob("workbox-v7.4.1/*.js")),
    ]
    assert "workbox-v7.4.1/workbox-sw.js" in vendored
    for name in vendored:
        assert hashlib.sha256((js / name).read_bytes()).hexdigest() == recorded[name], name
