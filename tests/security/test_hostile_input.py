"""Hostile text in every free-text field, typed through the real forms by each role,
then read back through every role's pages and exports: it must stay inert.

- HTML: escaped, so BeautifulSoup finds no injected element or attribute (no script,
  nothing htmx would act on), while the text itself is still shown.
- CSV (alone or inside a ZIP): no cell starts like a formula.
- Over-long text: refused with a translated 422 that keeps what was typed, and nothing
  stored; each field's limit is the one its model or service states.
"""

from __future__ import annotations

import csv
import io
import uuid
import zipfile
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlmodel import select

from app.models import CareCourse, CrampEvent, FlagReview, Intake, OneTimeLink, PracticeNote, User
from app.services.accounts import link_care
from app.services.exports import FORMULA_STARTS
from tests import factories
from tests.conftest import form, html, sign_in

PAYLOADS = {
    "script": "<script>alert(1)</script>",
    "htmx": '"><b hx-get="/x" hx-trigger="load">x</b>',
    "formula": '=HYPERLINK("http://evil","x")',
}
# Diabetes in the history raises a red flag, so the practitioner has one to review.
INTAKE = {
    **factories.QUIET_INTAKE,
    "bedtime": "23:00",
    "wake_time": "07:00",
    "history": "diabetes",
}


@dataclass(frozen=True)
class TextField:
    """A free-text field: who types it where, and what else the form needs."""

    name: str
    role: str  # "patient", "carer" or "admin"
    url: str  # {patient} is the patient's id
    field: str
    limit: int
    extra: tuple[tuple[str, str], ...] = ()
    error_id: str = ""  # the message's element id, when not error-<field>

    def data(self, value: str) -> dict:
        fields = dict(self.extra)
        if self.field == "client_id":  # not a text field; never used as one
            raise AssertionError
        if "client_id" in fields:
            fields["client_id"] = str(uuid.uuid4())
        return {**fields, self.field: value}


FIELDS = [
    TextField(
        "cramp note",
        "patient",
        "/patient/diary/cramps",
        "note",
        500,
        (("when", "now"), ("severity", "5"), ("client_id", "")),
    ),
    TextField(
        "intake: other conditions",
        "patient",
        "/patient/intake",
        "history_other",
        200,
        tuple(INTAKE.items()),
    ),
    TextField(
        "intake: other medicines",
        "patient",
        "/patient/intake",
        "medicines_other",
        200,
        tuple(INTAKE.items()),
    ),
    TextField("practitioner note", "carer", "/practitioner/patients/{patient}/notes", "body", 2000),
    TextField(
        "course goal",
        "carer",
        "/practitioner/patients/{patient}/course",
        "goal",
        300,
        (("next_visit", ""),),
    ),
    TextField(
        "flag review note",
        "carer",
        "/practitioner/patients/{patient}/flags/review",
        "note",
        1000,
        (("flag", "history"),),
        error_id="error-note-history",
    ),
    TextField("invited patient's name", "carer", "/practitioner/invite", "name", 100),
    TextField(
        "practitioner's name (admin)",
        "admin",
        "/admin/practitioners",
        "name",
        100,
        (("email", "new.practitioner@example.test"),),
    ),
]


@pytest.fixture
def people(app, session, passwords):
    patient = factories.make_patient(session, passwords, intake_answers={"history": ["diabetes"]})
    carer = factories.make_practitioner(session, passwords)
    link_care(session, practitioner_id=carer.id, patient_id=patient.id, now=factories.NOW)
    admin = factories.make_admin(session, passwords)
    session.commit()
    return {"patient": patient, "carer": carer, "admin": admin}


@pytest.fixture
def browsers(app, people):
    opened = {}
    for role, user in people.items():
        client = TestClient(app, raise_server_exceptions=False).__enter__()
        opened[role] = sign_in(client, user)
    yield opened
    for client in opened.values():
        client.__exit__(None, None, None)


def tagged(payload: str, field: TextField) -> str:
    """The payload, and a tag that tells which field it came from."""
    return f"{payload} [{field.name}]"


def plant(browsers, people, payload: str) -> list[str]:
    """Type the payload into every field; answer the one-time links the practitioner
    and the admin were given (their pages greet the person by the typed name)."""
    links = []
    for text_field in FIELDS:
        client = browsers[text_field.role]
        url = text_field.url.format(patient=people["patient"].id)
        data = text_field.data(tagged(payload, text_field))
        if text_field.field == "medicines_other":  # one intake form holds both texts
            continue
        if text_field.field == "history_other":
            data["medicines_other"] = tagged(payload, FIELDS[2])
        response = client.post(url, data=form(client, **data), follow_redirects=False)
        assert response.status_code in (200, 303), (text_field.name, response.text[:500])
        if link := html(response).select_one("#one-time-url"):
            links.append(urlsplit(link["value"]).path)
    return links


def pages(people) -> dict[str, list[str]]:
    patient = people["patient"].id
    return {
        "patient": [
            "/patient/",
            "/patient/diary",
            "/patient/diary/entries",
            "/patient/diary/nights/2026-11-24",
            "/patient/intake",
            "/patient/guidance",
            "/patient/my-data",
        ],
        "carer": [
            "/practitioner",
            f"/practitioner/patients/{patient}",
            f"/practitioner/patients/{patient}/summary",
            f"/practitioner/patients/{patient}/flags",
            f"/practitioner/patients/{patient}/plan",
            "/practitioner/invite",
        ],
        "admin": ["/admin", "/admin/audit"],
    }


def exports(people) -> dict[str, list[str]]:
    patient = people["patient"].id
    return {
        "patient": ["/patient/my-data/export.zip"],
        "carer": [
            f"/practitioner/patients/{patient}/export.csv",
            "/practitioner/export.csv",
            f"/practitioner/patients/{patient}/export.zip",
        ],
        "admin": [f"/admin/patients/{patient}/export.zip"],
    }


def injected(page: BeautifulSoup) -> list[str]:
    """Whatever the payloads could have put into the document as markup."""
    found = []
    for script in page.find_all("script"):
        src = script.get("src") or ""
        if not src.startswith("/static/") or "alert" in script.get_text():
            found.append(str(script)[:200])
    found += [str(tag)[:200] for tag in page.find_all(attrs={"hx-get": "/x"})]
    found += [str(tag)[:200] for tag in page.find_all(attrs={"hx-trigger": "load"})]
    return found


def shown(page: BeautifulSoup) -> str:
    """The page's text and its attribute values: where typed text may be shown."""
    values = [
        value
        for tag in page.find_all(True)
        for value in tag.attrs.values()
        if isinstance(value, str)
    ]
    return page.get_text() + "\n".join(values)


def csv_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for cell in row]


def formula_cells(cells: list[str]) -> list[str]:
    def is_number(cell: str) -> bool:
        return cell[1:].replace(".", "", 1).isdigit()

    return [cell for cell in cells if cell.startswith(FORMULA_STARTS) and not is_number(cell)]


@pytest.mark.parametrize("kind", sorted(PAYLOADS))
def test_hostile_text_is_inert_on_every_page_and_in_every_export(browsers, people, session, kind):
    payload = PAYLOADS[kind]
    links = plant(browsers, people, payload)
    assert len(links) == 2  # the invitation, and the new practitioner's first sign-in

    seen = ""
    for url in links:
        with TestClient(browsers["patient"].app) as stranger:
            page = html(stranger.get(url))
        assert injected(page) == [], url
        seen += shown(page)
    for role, urls in pages(people).items():
        for url in urls:
            response = browsers[role].get(url)
            assert response.status_code == 200, (role, url)
            page = html(response)
            assert injected(page) == [], (role, url)
            seen += shown(page)
    cramp = session.exec(select(CrampEvent)).first()
    session.commit()
    page = html(browsers["patient"].get(f"/patient/diary/cramps/{cramp.id}"))
    assert injected(page) == []
    seen += shown(page)
    unseen = [f.name for f in FIELDS if tagged(payload, f) not in seen]
    assert unseen == [], "typed text should still be shown, as text"

    exported = ""
    for role, urls in exports(people).items():
        for url in urls:
            response = browsers[role].get(url)
            assert response.status_code == 200, (role, url)
            if url.endswith(".csv"):
                cells = csv_cells(response.content.decode("utf-8-sig"))
                assert formula_cells(cells) == [], url
                exported += "\n".join(cells)
                continue
            with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
                for name in archive.namelist():
                    text = archive.read(name).decode("utf-8-sig")
                    exported += text
                    if name.endswith(".csv"):
                        assert formula_cells(csv_cells(text)) == [], (url, name)
                    if name.endswith((".html", ".htm")):
                        assert injected(BeautifulSoup(text, "html.parser")) == [], (url, name)
    assert tagged(payload, FIELDS[0]) in exported.replace("'=", "=")


@pytest.mark.parametrize("text_field", FIELDS, ids=[f.name for f in FIELDS])
def test_over_long_text_is_refused_and_kept_in_the_form(browsers, people, session, text_field):
    client = browsers[text_field.role]
    url = text_field.url.format(patient=people["patient"].id)
    long_text = "長" * 4000
    assert text_field.limit < len(long_text)
    before = stored(session)
    response = client.post(
        url,
        data=form(client, **text_field.data(long_text)),
        headers={"Accept-Language": "ja"},
        follow_redirects=False,
    )
    assert response.status_code == 422
    page = html(response)
    message = page.select_one(f"#{text_field.error_id or 'error-' + text_field.field}")
    assert message is not None
    assert str(text_field.limit) in message.get_text()
    kept = page.select_one(f"[name={text_field.field}]")
    assert long_text in (kept.get("value") or kept.get_text())
    session.expire_all()
    assert stored(session) == before


def stored(session) -> dict[str, int]:
    counts = {}
    # Audit rows are left out: a practitioner shown the page again has viewed it.
    for model in (CrampEvent, Intake, PracticeNote, User, CareCourse, FlagReview, OneTimeLink):
        counts[model.__name__] = len(session.exec(select(model)).all())
    session.commit()  # end the read, so the app under test can write
    return counts


@pytest.mark.parametrize("kind", sorted(PAYLOADS))
def test_refused_hostile_text_comes_back_inert_in_the_form(app, browsers, people, kind):
    """Where the payload is not a valid answer (an e-mail address, a count, a search),
    the page that refuses it shows it back as typed, and still inert."""
    payload = PAYLOADS[kind]
    patient = people["patient"].id
    invited = html(
        browsers["carer"].post(
            "/practitioner/invite", data=form(browsers["carer"], name="Hanako", email="")
        )
    )
    welcome = urlsplit(invited.select_one("#one-time-url")["value"]).path
    with TestClient(app, raise_server_exceptions=False) as stranger:
        attempts = {
            "sign-in e-mail": stranger.post(
                "/login", data=form(stranger, email=payload, password="wrong password")
            ),
            "invited patient's own e-mail": stranger.post(
                welcome,
                data=form(stranger, email=payload, password="x" * 12, confirm_password="x" * 12),
            ),
        }
    carer, admin = browsers["carer"], browsers["admin"]
    attempts |= {
        "invitation e-mail": carer.post(
            "/practitioner/invite", data=form(carer, name="Hanako", email=payload)
        ),
        "caseload search": carer.get("/practitioner", params={"q": payload}),
        "new practitioner's e-mail": admin.post(
            "/admin/practitioners", data=form(admin, name="Dr. Sato", email=payload)
        ),
        "intake: how often": browsers["patient"].post(
            "/patient/intake",
            data=form(browsers["patient"], **{**INTAKE, "frequency_count": payload}),
        ),
        "practitioner note of a stranger's id": carer.post(
            f"/practitioner/patients/{patient + 1000}/notes", data=form(carer, body=payload)
        ),
    }
    for name, response in attempts.items():
        assert response.status_code < 500, name
        page = html(response)
        assert injected(page) == [], name
        if response.status_code == 422 or name == "caseload search":
            assert payload in shown(page), name
