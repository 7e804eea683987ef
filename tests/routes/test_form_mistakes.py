"""Every HTML form answers a mistake one way (app.forms.rerender): the same form, what
was typed, a message per field, 422."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import form, html

ROUTES = Path(__file__).resolve().parents[2] / "app" / "routes"


def test_no_page_handler_builds_its_own_422():
    own = [
        f"{path.relative_to(ROUTES)}:{number}"
        for path in ROUTES.rglob("*.py")
        if "api" not in path.relative_to(ROUTES).parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"status(_code)?=422", line)
    ]
    assert own == []


def test_a_mistake_in_the_cramp_form_keeps_what_was_typed(patient_client):
    response = patient_client.post(
        "/patient/diary/cramps",
        data=form(patient_client, when="earlier", at="", note="右足のふくらはぎ", severity="12"),
    )
    assert response.status_code == 422
    page = html(response)
    assert page.select_one("textarea[name=note]").get_text() == "右足のふくらはぎ"
    assert page.select("[aria-invalid=true]")
