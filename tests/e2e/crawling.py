"""Visit every page of the app in a real browser, as each role, and audit each one.

The demo clinic (the data `make run` shows) is loaded once per test worker into a
database file that each test copies, so every page has something on it: charts,
red flags, a caseload, an audit log. Pages are found by following same-origin
links from a role's start page, plus the pages only a form or a token reaches.

On every page the audit records what the browser reported: Content-Security-Policy
violations (the `securitypolicyviolation` event, from an init script, so nothing is
missed between a navigation and our first look), console errors and uncaught
exceptions; and, where asked, axe-core's serious and critical violations.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

from app import demo
from app.clock import TravellingClock
from app.db import write_session
from app.demo.accounts import DOMAIN
from app.main import create_app
from app.models import TokenPurpose
from app.services import invites
from tests import factories
from tests.e2e import accessibility
from tests.e2e.fixtures import PHONE, LiveServer, serving_in_thread

# Reported through a binding the init script calls; the page cannot fake a
# console message into it and it survives every navigation.
CSP_LISTENER = """
document.addEventListener('securitypolicyviolation', (event) => {
  window.__tsuranaiCsp(JSON.stringify({
    directive: event.violatedDirective,
    blocked: event.blockedURI,
    source: event.sourceFile,
    line: event.lineNumber,
    sample: event.sample,
  }));
});
"""

# Never followed: downloads, machine-readable answers, and anything outside the pages.
NOT_PAGES = re.compile(r"(\.csv|\.ics|\.json|\.js|\.webmanifest|\.zip)$|^/static/|^/api/(?!docs$)")
# Ids, dates and tokens collapse so that one page template is visited a few times,
# not once for each of a year's nights.
ID_LIKE = re.compile(r"/(\d+|\d{4}-\d{2}(-\d{2})?|[A-Za-z0-9_-]{20,})(?=/|$)")
PER_SHAPE = 2
# Pages that draw themselves after load (Swagger UI): what to wait for before the audit.
READY = {"/api/docs": ".opblock"}

ROLES = {
    "patient": f"sato@{DOMAIN}",
    "practitioner": f"kimura@{DOMAIN}",
    "admin": f"admin@{DOMAIN}",
    "signed-out": None,
}
START = {
    "patient": "/patient/",
    "practitioner": "/practitioner",
    "admin": "/admin",
    "signed-out": "/login",
}


@dataclass
class Finding:
    url: str
    kind: str  # "csp", "console", "pageerror", "axe", "status"
    detail: str

    def __str__(self) -> str:
        return f"{self.kind} on {self.url}: {self.detail}"


@dataclass
class CrawlReport:
    visited: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    themes: set[str] = field(default_factory=set)

    def of_kind(self, *kinds: str) -> list[str]:
        return [str(f) for f in self.findings if f.kind in kinds]


def demo_database(directory: Path, migrated_template: Path) -> Path:
    """The demo clinic as of the tests' fixed instant, in a database file."""
    path = directory / "demo.db"
    shutil.copyfile(migrated_template, path)
    application = create_app(_settings(path), clock=TravellingClock(factories.NOW))
    with write_session(application.state.engine) as session:
        demo.load(session, passwords=application.state.passwords, now=factories.NOW)
    application.state.engine.dispose()
    return path


def _settings(path: Path):
    from tests.conftest import settings_for

    return settings_for(f"sqlite:///{path}")


@contextmanager
def serve(path: Path) -> Iterator[LiveServer]:
    with serving_in_thread(_settings(path), TravellingClock(factories.NOW)) as server:
        yield server


def shape(path_and_query: str) -> str:
    path, _, query = path_and_query.partition("?")
    names = sorted({part.split("=", 1)[0] for part in query.split("&") if part})
    return ID_LIKE.sub("/{x}", path) + ("?" + "&".join(names) if names else "")


def issue_token(server: LiveServer, purpose: TokenPurpose) -> str:
    """A fresh invitation or reset token, made the way the clinic makes them."""
    with server.session() as session:
        practitioner = _user(session, ROLES["practitioner"])
        if purpose is TokenPurpose.INVITE:
            issued = invites.invite_patient(
                session, actor=practitioner, name="新井 玲奈", email="", now=server.clock()
            )
        else:
            patient = _user(session, ROLES["patient"])
            issued = invites.issue_reset(
                session, actor=practitioner, user_id=patient.id, now=server.clock()
            )
        return issued.token


def _user(session, email: str):
    from sqlmodel import select

    from app.models import User

    return session.exec(select(User).where(User.email == email)).one()


# Pages that no link reaches: the targets of forms, links sent by QR, error pages.
# Each is a path, or a function that takes the page through a form and calls
# ``audit(name)`` on each page it reaches.
Visit = str | Callable[..., None]


def _submit(page, selector: str) -> None:
    page.locator(selector).click()
    page.wait_for_load_state()


def _invitation(page, server: LiveServer, audit) -> None:
    page.goto(f"{server.url}/practitioner/invite")
    _submit(page, "form[action$='/invite'] [type=submit]")
    audit("invitation form with a mistake")
    page.locator("form[action$='/invite'] input[name='name']").fill("新井 玲奈")
    _submit(page, "form[action$='/invite'] [type=submit]")
    audit("invitation link (after the form)")


def _wrong_password(page, server: LiveServer, audit) -> None:
    page.goto(f"{server.url}/login")
    page.locator("input[name=email]").fill(ROLES["patient"])
    page.locator("input[name=password]").fill("not the password")
    _submit(page, "form[action='/login'] [type=submit]")
    audit("sign-in with a wrong password")


def _new_patient(page, server: LiveServer, audit) -> None:
    """From the invitation link through consent and the questionnaire, with a mistake
    on each form on the way, to the first home screen."""
    page.goto(f"{server.url}/welcome/{issue_token(server, TokenPurpose.INVITE)}")
    audit("invitation welcome")
    page.locator("input[name=email]").fill("arai@example.test")
    page.locator("input[name=password]").fill(demo.DEMO_PASSWORD)
    _submit(page, "main form [type=submit]")
    audit("invitation welcome with a mistake")
    page.locator("input[name=password]").fill(demo.DEMO_PASSWORD)
    page.locator("input[name=confirm_password]").fill(demo.DEMO_PASSWORD)
    _submit(page, "main form [type=submit]")
    audit("consent, first time")
    _submit(page, "#give-consent")
    audit("consent with a mistake")
    page.locator("#field-agree").check()
    _submit(page, "#give-consent")
    audit("intake questionnaire, first time")
    _submit(page, "#save-intake")
    audit("intake questionnaire with mistakes")
    for name, value in (
        ("situations", "asleep"),
        ("frequency_unit", "week"),
        ("side", "left"),
        ("sites", "toes"),
        ("age_band", "50s"),
        ("daily_life", "not_at_all"),
    ):
        page.locator(f"label.chip:has(input[name={name}][value='{value}'])").click()
    page.locator("#field-frequency_count").fill("1")
    _submit(page, "#save-intake")
    audit("first home screen")


def _reset(page, server: LiveServer, audit) -> None:
    page.goto(f"{server.url}/reset/{issue_token(server, TokenPurpose.RESET)}")
    audit("password reset")


KNOWN: dict[str, list[Visit]] = {
    "patient": [
        "/patient/diary/cramps/new",
        "/patient/diary/checkin",
        "/patient/diary/year",
        "/patient/diary/insights",
        "/patient/settings/app",
        "/patient/welcome",
        "/patient/guidance",
        "/patient/consent",
        "/patient/intake",
        "/patient/my-data",
        "/patient/my-data/delete",
        "/account",
        "/privacy",
        "/about",
        "/offline",
        "/api/docs",
    ],
    "practitioner": ["/practitioner/invite", _invitation, "/account", "/privacy"],
    "admin": ["/admin/audit", "/account"],
    "signed-out": [
        "/login",
        "/offline",
        "/privacy",
        "/about",
        "/goodbye",
        _wrong_password,
        _reset,
        _new_patient,
    ],
}
# Error pages, visited on purpose with the status they must answer.
ERROR_PAGES = {"/no-such-page": 404, "/reset/not-a-token": 404}


def sign_in(page, server: LiveServer, email: str) -> None:
    page.goto(f"{server.url}/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(demo.DEMO_PASSWORD)
    page.locator("form[action='/login'] [type=submit]").click()
    page.wait_for_url(lambda url: not url.endswith("/login"))


def new_context(browser, *, color_scheme: str = "light"):
    context = browser.new_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="ja-JP",
        timezone_id="Asia/Tokyo",
        color_scheme=color_scheme,
    )
    return context


class Auditor:
    """Watches one browser context; `check(page)` audits the page on screen."""

    def __init__(self, context, *, axe: bool) -> None:
        self.report = CrawlReport()
        self.axe = axe
        self._current = ""
        context.expose_binding("__tsuranaiCsp", self._csp)
        context.add_init_script(CSP_LISTENER)

    def _csp(self, source, payload: str) -> None:
        self.report.findings.append(Finding(source["frame"].url, "csp", payload))

    def watch(self, page) -> None:
        page.on("console", lambda message: self._console(page, message))
        page.on("pageerror", lambda exc: self._add("pageerror", str(exc)))

    def _console(self, page, message) -> None:
        if message.type != "error":
            return
        # Chromium logs a document answered 4xx as "Failed to load resource". The
        # document's own status is checked by the crawl (a form's 422, an error page's
        # 404 are meant); a script, stylesheet or image that fails still counts.
        if message.text.startswith("Failed to load resource") and message.location.get("url") in (
            page.url,
            self._current,
        ):
            return
        self._add("console", message.text)

    def _add(self, kind: str, detail: str) -> None:
        self.report.findings.append(Finding(self._current, kind, detail))

    def check(self, page, name: str) -> None:
        self._current = page.url
        # Scripts are deferred and the worker registers after load: let them run, so
        # what they report is counted against this page.
        page.wait_for_load_state("load")
        ready = READY.get(urlsplit(page.url).path)
        if ready:
            page.wait_for_selector(ready)
        page.wait_for_timeout(150)
        self.report.visited.append(name)
        self.report.themes.add(page.evaluate("document.documentElement.dataset.theme || ''"))
        if self.axe:
            for problem in accessibility.violations(page):
                self._add("axe", problem)


def crawl(
    browser,
    server: LiveServer,
    role: str,
    *,
    color_scheme: str = "light",
    axe: bool = False,
    limit: int = 80,
) -> CrawlReport:
    context = new_context(browser, color_scheme=color_scheme)
    auditor = Auditor(context, axe=axe)
    page = context.new_page()
    auditor.watch(page)
    try:
        if ROLES[role]:
            sign_in(page, server, ROLES[role])
        queue = [START[role]]
        seen: set[str] = set()
        shapes: dict[str, int] = {}
        while queue and len(seen) < limit:
            target = queue.pop(0)
            if target in seen or shapes.get(shape(target), 0) >= PER_SHAPE:
                continue
            seen.add(target)
            shapes[shape(target)] = shapes.get(shape(target), 0) + 1
            auditor._current = server.url + target
            response = page.goto(server.url + target)
            if response is None or not response.ok:
                status = response.status if response else "no answer"
                auditor._add("status", f"{target} answered {status}")
                continue
            if "text/html" not in response.headers.get("content-type", ""):
                continue
            auditor.check(page, target)
            queue.extend(_links(page, server.url))
        for visit in KNOWN[role]:
            if isinstance(visit, str):
                if visit in seen:
                    continue
                auditor._current = server.url + visit
                response = page.goto(server.url + visit)
                if response is None or not response.ok:
                    auditor._add("status", f"{visit} answered {response and response.status}")
                    continue
                auditor.check(page, visit)
            else:
                auditor._current = server.url
                visit(page, server, lambda name: auditor.check(page, name))
        for path, status in ERROR_PAGES.items():
            auditor._current = server.url + path
            response = page.goto(server.url + path)
            if response is None or response.status != status:
                auditor._add("status", f"{path} answered {response and response.status}")
            auditor.check(page, path)
    finally:
        context.close()
    return auditor.report


def _links(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]:not([download])", "els => els.map(e => e.href)")
    found = []
    for href in hrefs:
        href, _ = urldefrag(href)
        if not href.startswith(base + "/"):
            continue
        local = href[len(base) :]
        if NOT_PAGES.search(urlsplit(local).path):
            continue
        found.append(local)
    return found
