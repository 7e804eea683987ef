"""Static files: compressed on the wire, cached for a year when the URL names their hash."""

from __future__ import annotations

import gzip
import re

from app.static_files import IMMUTABLE
from app.templating import STATIC_DIR
from tests.conftest import html

GZIP = {"accept-encoding": "gzip"}


def asset_urls(page) -> list[str]:
    soup = html(page)
    found = {tag.get("href") or tag.get("src") for tag in soup.select("link[href], script[src]")}
    found |= {use.get("href") for use in soup.select("use[href]")}
    return sorted({url.split("#")[0] for url in found if url and url.startswith("/static/")})


def test_assets_named_by_their_hash_are_immutable_and_gzipped(patient_client):
    urls = asset_urls(patient_client.get("/patient/"))
    assert any(url.startswith("/static/js/htmx") for url in urls)
    for url in urls:
        response = patient_client.get(url, headers=GZIP)
        assert response.status_code == 200, url
        assert response.headers["cache-control"] == IMMUTABLE, url
        path = STATIC_DIR / re.sub(r"^/static/|\?.*$", "", url)
        if path.suffix in {".css", ".js", ".svg"}:
            assert response.headers["content-encoding"] == "gzip", url
            assert response.headers["vary"] == "Accept-Encoding"
        assert response.content == path.read_bytes(), url


def test_the_compressed_bytes_on_the_wire_are_gzip(client):
    response = client.get("/static/css/app.css", headers=GZIP)
    with client.stream("GET", "/static/css/app.css", headers=GZIP) as raw:
        wire = b"".join(raw.iter_raw())
    assert gzip.decompress(wire) == (STATIC_DIR / "css/app.css").read_bytes()
    assert len(wire) < len(response.content) / 2


def test_an_unversioned_or_stale_url_is_revalidated_not_kept(client):
    for url in ("/static/css/app.css", "/static/css/app.css?v=000000000000"):
        response = client.get(url, headers={"accept-encoding": "identity"})
        assert response.headers["cache-control"] == "no-cache"
        assert "content-encoding" not in response.headers  # not asked for
        again = client.get(url, headers={"if-none-match": response.headers["etag"]})
        assert again.status_code == 304


def test_a_missing_asset_is_404(client):
    assert client.get("/static/css/nothing-here.css?v=abc", headers=GZIP).status_code == 404


def test_a_first_visit_to_the_home_screen_moves_under_60_kb(patient_client):
    page = patient_client.get("/patient/", headers=GZIP)
    total = page.num_bytes_downloaded
    for url in asset_urls(page):
        with patient_client.stream("GET", url, headers=GZIP) as response:
            response.read()
            total += response.num_bytes_downloaded
    assert total < 60 * 1024, total


def test_templates_are_compiled_once_outside_development(app):
    # Checking every template file's date on each request costs a stat per include.
    assert app.state.templates.env.auto_reload is False
