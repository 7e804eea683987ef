"""The home screen on a phone: the first visit moves under 60 KB on the wire, and once
the service worker holds the app shell, opening the app again fetches only the page
itself (issue 12, part 9). `make audit` weighs the demo clinic's patient the same way;
tests/routes/test_static_assets.py weighs that patient's first visit in every run."""

from __future__ import annotations

import pytest

from bench.run import sign_in
from scripts.audit_weight import FIRST_VISIT_LIMIT, html_only, measure
from tests import factories

pytestmark = pytest.mark.browser


def test_a_repeat_visit_fetches_only_the_page(live_server, browser):
    with live_server.session() as db:
        patient = factories.make_patient(
            db, live_server.app.state.passwords, now=live_server.clock()
        )
    cookies = sign_in(live_server.url, patient.email, factories.PASSWORD)
    weight = measure(browser, live_server.url, cookies)
    home = f"{live_server.url}/patient/"
    # The first visit loaded the page and its assets; the worker then cached the shell.
    assert home in weight.first.urls()
    assert weight.first.total < FIRST_VISIT_LIMIT, weight.first.total
    assert any("/static/css/app.css" in url for url in weight.install.urls())
    assert html_only(weight.repeat, live_server.url), weight.repeat.urls()
