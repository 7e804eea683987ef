"""Static files: compressed on the wire, cached for a year when the URL names their hash."""

from __future__ import annotations

import gzip
import re

from sqlmodel import select

from app import demo
from app.demo import DEMO_PASSWORD
from app.demo.accounts import DOMAIN
from app.models import User
from app.static_files import IMMUTABLE
from app.templating import STATIC_DIR
from scripts.audit_weight import FIRST_VISIT_LIMIT
from tests.conftest import html, sign_in

GZIP = {"accept-encoding": "gzip"}


def asset_urls(page, skip: str | None = None) -> list[str]:
    soup = html(page)
    for tag in soup.select(skip) if skip else ():
        tag.decompose()
    tags = soup.select("link[href], script[src], img[src]")
    found = {tag.get("href") or tag.get("src") for tag in tags}
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


def on_the_wire(response) -> int:
    """Status line, headers and the body as sent (compressed or not), as HTTP/1.1 moves
    them; uvicorn's own date and server headers are added by estimate."""
    head = len(f"HTTP/1.1 {response.status_code} {response.reason_phrase}\r\n") + 2
    head += sum(len(name) + len(value) + 4 for name, value in response.headers.raw)
    return head + len("date: Fri, 27 Nov 2026 10:00:00 GMT\r\nserver: uvicorn\r\n")


def test_a_first_visit_to_the_home_screen_moves_under_60_kb(client, session, passwords, clock):
    # The demo clinic's improving patient, as `make audit` weighs (scripts/audit_weight.py
    # in a real browser): three months of history on the home screen.
    demo.load(session, passwords=passwords, now=clock())
    sato = session.exec(select(User).where(User.email == f"sato@{DOMAIN}")).one()
    session.commit()
    sign_in(client, sato, DEMO_PASSWORD)
    page = client.get("/patient/", headers=GZIP)
    assert page.headers["content-encoding"] == "gzip"
    assert page.headers["cache-control"] == "no-store"
    total = on_the_wire(page) + page.num_bytes_downloaded
    # A browser fetches the touch icon only when the app is added to the home screen.
    for url in asset_urls(page, skip="link[rel=apple-touch-icon]"):
        with client.stream("GET", url, headers=GZIP) as response:
            response.read()
            total += on_the_wire(response) + response.num_bytes_downloaded
    assert total < FIRST_VISIT_LIMIT, f"{total / 1024:.1f} KB"


def test_templates_are_compiled_once_outside_development(app):
    # Checking every template file's date on each request costs a stat per include.
    assert app.state.templates.env.auto_reload is False
