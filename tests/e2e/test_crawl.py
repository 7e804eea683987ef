"""Every page, as each role, in real Chromium: no CSP violation, no console error, and
no serious or critical axe-core violation, in each palette the app has (the phone's
light and dark schemes by day, and the patient's night mode in the evening)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests import factories
from tests.e2e.crawling import crawl, demo_database, serve

pytestmark = pytest.mark.browser

# The demo clinic is made as of factories.NOW, 22:00 in Tokyo: night mode's hours for
# patients. Early afternoon the next day the pages follow the phone's scheme.
EVENING = factories.NOW
AFTERNOON = factories.NOW + timedelta(hours=15)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory, migrated_template):
    return demo_database(tmp_path_factory.mktemp("demo"), migrated_template)


@pytest.fixture
def demo_server(tmp_path, demo_template):
    path = tmp_path / "demo.db"
    path.write_bytes(demo_template.read_bytes())
    with serve(path) as server:
        yield server


# Smallest set of pages each role must reach, so a crawl that silently stops early
# (a broken start page, a sign-in that failed) cannot pass.
MUST_VISIT = {
    "patient": {
        "/patient/",
        "/patient/diary",
        "/patient/settings",
        "/patient/my-data",
        "/api/docs",
    },
    "practitioner": {"/practitioner", "/practitioner/invite"},
    "admin": {"/admin", "/admin/audit"},
    "signed-out": {"/login", "/offline", "intake questionnaire, first time", "first home screen"},
}
CASES = [
    *[(role, scheme) for role in MUST_VISIT for scheme in ("light", "dark")],
    ("patient", "night"),
]


@pytest.mark.parametrize(("role", "palette"), CASES)
def test_every_page_is_clean_and_accessible(browser, demo_server, role, palette):
    demo_server.clock.set(EVENING if palette == "night" else AFTERNOON)
    scheme = "dark" if palette == "night" else palette
    report = crawl(browser, demo_server, role, color_scheme=scheme, axe=True)
    assert MUST_VISIT[role] <= set(report.visited), report.visited
    # The palette asked for is the one that was audited.
    assert ("night" in report.themes) is (palette == "night"), report.themes
    problems = report.of_kind("csp", "console", "pageerror", "status", "axe")
    assert problems == [], "\n".join(problems)
