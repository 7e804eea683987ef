"""The access matrix, generated from the app's routes: every route that takes an id or
a token in its path is called, with the owner's id or token filled in, by everybody
who must not reach the owner's data. Each must be refused (401, 403, 404, or a
signed-out page's 303 to sign-in), and no answer may carry the owner's marker.

A route with a path parameter that ROUTES does not list fails the test: add it, with
who owns it and what to fill in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from sqlmodel import select

from app.models import CrampEvent, User
from app.security import CSRF_HEADER
from tests.conftest import csrf_token
from tests.security.conftest import MARKER, OWNER_EVENING, Clinic

# Who may use a route for the owner's data. Nobody else is ever let through.
OWNER = "the patient themselves"
CARER = "the owner's practitioner"
ADMIN = "the clinic admin"
TOKEN = "whoever holds a live token (the tests send a dead or forged one)"


@dataclass(frozen=True)
class Row:
    owners: tuple[str, ...]
    # What each path parameter is filled with: an attribute of Clinic, or a literal.
    fill: dict[str, str]
    form: dict[str, str] = field(default_factory=dict)
    json: dict | None = None
    # The parameter names no one else's data (a date of one's own diary): a stranger
    # gets their own page, which must still not show the owner's data.
    self_scoped: bool = False


def literal(value: str) -> str:
    return f"={value}"


PATIENT = {"patient_id": "owner.id"}
ROUTES: dict[tuple[str, str], Row] = {
    # Secret links: a forged token, a replaced calendar token.
    ("GET", "/calendar/{token}.ics"): Row((TOKEN,), {"token": "retired_calendar_token"}),
    ("GET", "/welcome/{token}"): Row((TOKEN,), {"token": literal("forged-invite-token-0000")}),
    ("POST", "/welcome/{token}"): Row(
        (TOKEN,),
        {"token": literal("forged-invite-token-0000")},
        form={"password": "a new long password", "password_again": "a new long password"},
    ),
    ("GET", "/reset/{token}"): Row((TOKEN,), {"token": literal("forged-reset-token-0000")}),
    ("POST", "/reset/{token}"): Row(
        (TOKEN,),
        {"token": literal("forged-reset-token-0000")},
        form={"password": "a new long password", "password_again": "a new long password"},
    ),
    # The patient's own pages and API.
    ("GET", "/patient/plan-items/{item_id}/guide"): Row((OWNER,), {"item_id": "plan_item_id"}),
    ("POST", "/patient/plan-items/{item_id}/completions"): Row(
        (OWNER,),
        {"item_id": "plan_item_id"},
        form={"client_id": "0b6f1c1e-6b1c-4a53-9b4e-0c6f1d2e3a4b", "day": "2026-11-24"},
    ),
    ("POST", "/patient/plan-items/{item_id}/undo"): Row(
        (OWNER,), {"item_id": "plan_item_id"}, form={"day": "2026-11-24"}
    ),
    ("GET", "/patient/diary/cramps/{cramp_id}"): Row((OWNER,), {"cramp_id": "cramp_id"}),
    ("POST", "/patient/diary/cramps/{cramp_id}"): Row(
        (OWNER,),
        {"cramp_id": "cramp_id"},
        form={"occurred_at": "2026-11-24T03:00", "severity": "2", "note": "changed"},
    ),
    ("POST", "/patient/diary/cramps/{cramp_id}/delete"): Row((OWNER,), {"cramp_id": "cramp_id"}),
    ("GET", "/patient/diary/nights/{evening}"): Row(
        (OWNER,), {"evening": literal(OWNER_EVENING.isoformat())}, self_scoped=True
    ),
    ("PATCH", "/api/v1/cramps/{client_id}"): Row(
        (OWNER,), {"client_id": "cramp_uuid"}, json={"note": "changed"}
    ),
    ("DELETE", "/api/v1/cramps/{client_id}"): Row((OWNER,), {"client_id": "cramp_uuid"}),
    ("PATCH", "/api/v1/checkins/{client_id}"): Row(
        (OWNER,), {"client_id": "checkin_uuid"}, json={"sleep_disturbance": 1}
    ),
    ("DELETE", "/api/v1/checkins/{client_id}"): Row((OWNER,), {"client_id": "checkin_uuid"}),
    ("DELETE", "/api/v1/completions/{client_id}"): Row((OWNER,), {"client_id": "completion_uuid"}),
    # The owner's practitioner.
    ("GET", "/practitioner/patients/{patient_id}"): Row((CARER,), PATIENT),
    ("POST", "/practitioner/patients/{patient_id}/notes"): Row(
        (CARER,), PATIENT, form={"body": "Stretch more"}
    ),
    ("POST", "/practitioner/patients/{patient_id}/course"): Row(
        (CARER,), PATIENT, form={"goal": "Sleep through", "next_visit": ""}
    ),
    ("GET", "/practitioner/patients/{patient_id}/plan"): Row((CARER,), PATIENT),
    ("POST", "/practitioner/patients/{patient_id}/plan/{routine}"): Row(
        (CARER,),
        {**PATIENT, "routine": literal("toe_stretch")},
        form={"effective_from": "2026-11-26", "enabled": "true"},
    ),
    ("POST", "/practitioner/patients/{patient_id}/reset-link"): Row((CARER,), PATIENT),
    ("GET", "/practitioner/patients/{patient_id}/export.csv"): Row((CARER,), PATIENT),
    ("GET", "/practitioner/patients/{patient_id}/summary"): Row((CARER,), PATIENT),
    ("GET", "/practitioner/patients/{patient_id}/flags"): Row((CARER,), PATIENT),
    ("POST", "/practitioner/patients/{patient_id}/flags/review"): Row(
        (CARER,), PATIENT, form={"flag": "history", "note": "Seen"}
    ),
    ("GET", "/practitioner/patients/{patient_id}/export.zip"): Row((CARER,), PATIENT),
    # The clinic admin's tasks.
    ("POST", "/admin/patients/{patient_id}/practitioners"): Row(
        (ADMIN,), PATIENT, form={"practitioner": "1"}
    ),
    ("POST", "/admin/users/{user_id}/active"): Row(
        (ADMIN,), {"user_id": "owner.id"}, form={"active": "false"}
    ),
    ("POST", "/admin/users/{user_id}/reset-link"): Row((ADMIN,), {"user_id": "owner.id"}),
    ("GET", "/admin/patients/{patient_id}/export.zip"): Row((ADMIN,), PATIENT),
}

REFUSED = {401, 403, 404}


def routes_with_path_parameters(app) -> set[tuple[str, str]]:
    return {
        (method, route.path_format)
        for route in iter_route_contexts(app.routes)
        if isinstance(route.original_route, APIRoute) and "{" in route.path_format
        for method in route.methods
    }


def fill(path: str, row: Row, clinic: Clinic) -> str:
    for name, source in row.fill.items():
        if source.startswith("="):
            value = source[1:]
        else:
            value = clinic
            for part in source.split("."):
                value = getattr(value, part)
        path = path.replace("{" + name + "}", str(value))
    assert "{" not in path, f"fill every parameter of {path}"
    return path


def intruders(row: Row, clinic: Clinic) -> dict[str, User | None]:
    """Everybody who must be refused: the admin only where the task is not theirs."""
    found: dict[str, User | None] = {
        "another patient": clinic.other_patient,
        "a practitioner without a care link": clinic.stranger_practitioner,
        "nobody signed in": None,
    }
    if ADMIN not in row.owners:
        found["the admin"] = clinic.admin
    return found


def call(client, method: str, url: str, row: Row):
    token = csrf_token(client)
    if method in {"GET", "DELETE"}:
        return client.request(method, url, headers={CSRF_HEADER: token}, follow_redirects=False)
    if row.json is not None or url.startswith("/api/"):
        return client.request(
            method, url, json=row.json or {}, headers={CSRF_HEADER: token}, follow_redirects=False
        )
    return client.request(
        method, url, data={"csrftoken": token, **row.form}, follow_redirects=False
    )


def is_refused(response) -> bool:
    if response.status_code in REFUSED:
        return True
    location = response.headers.get("location", "")
    return response.status_code == 303 and location.startswith("/login")


def test_every_route_with_an_id_or_a_token_is_in_the_matrix(app):
    missing = routes_with_path_parameters(app) - set(ROUTES)
    assert not missing, (
        "These routes take an id or a token in their path but the access matrix does not "
        f"list them: {sorted(missing)}. Add each to ROUTES in {__file__} with who owns it "
        "and what to fill in."
    )
    assert not set(ROUTES) - routes_with_path_parameters(app), "ROUTES lists a route gone"


def test_nobody_but_the_owner_reaches_the_owners_data(app, clinic, browser, session):
    clients = {}
    let_through = []
    leaked = []
    calls = 0
    for (method, path), row in sorted(ROUTES.items()):
        url = fill(path, row, clinic)
        for who, user in intruders(row, clinic).items():
            if who not in clients:
                clients[who] = browser(user)
            response = call(clients[who], method, url, row)
            calls += 1
            body = response.content.decode("utf-8", errors="replace")
            if MARKER in body:
                leaked.append((who, method, url, response.status_code))
            if not is_refused(response) and not (
                row.self_scoped and who == "another patient" and response.status_code == 200
            ):
                let_through.append((who, method, url, response.status_code))
    assert leaked == []
    assert let_through == []
    assert calls >= 3 * len(ROUTES)

    # Refused changes changed nothing: the owner's cramp, note and account are intact.
    session.expire_all()
    cramp = session.get(CrampEvent, clinic.cramp_id)
    assert cramp is not None
    assert MARKER in cramp.note
    owner = session.exec(select(User).where(User.id == clinic.owner.id)).one()
    assert owner.is_active


def test_the_owner_and_their_practitioner_do_reach_it(app, clinic, browser):
    """The matrix fills in real ids: those who may see the data get it (GET routes)."""
    as_role = {
        OWNER: browser(clinic.owner),
        CARER: browser(clinic.carer),
        ADMIN: browser(clinic.admin),
    }
    opened = []
    for (method, path), row in sorted(ROUTES.items()):
        if method != "GET" or TOKEN in row.owners:
            continue
        url = fill(path, row, clinic)
        response = as_role[row.owners[0]].get(url, follow_redirects=False)
        opened.append((url, response.status_code))
    assert {status for _, status in opened} == {200}, opened


def test_the_live_calendar_token_opens_the_feed_for_anyone(clinic, browser):
    # The token is the key (a calendar app has no session): the live one works signed out.
    response = browser(None).get(f"/calendar/{clinic.calendar_token}.ics")
    assert response.status_code == 200
    assert "BEGIN:VCALENDAR" in response.text


@pytest.mark.parametrize("token", ["invite_token", "reset_token"])
def test_a_live_link_is_not_refused(clinic, browser, token):
    route = "welcome" if token == "invite_token" else "reset"
    response = browser(None).get(f"/{route}/{getattr(clinic, token)}")
    assert response.status_code == 200
