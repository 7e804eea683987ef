"""No id or date a client can send is a 500: every route is probed, so a new route
is covered the day it is added (app/routes/params.py holds the shared types)."""

from __future__ import annotations

import types
import typing
from datetime import date

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient

from app.routes.params import MAX_ID, latest_date
from app.security import CSRF_HEADER
from app.services.accounts import link_care
from tests.conftest import csrf_token, sign_in
from tests.factories import NOW

ABSURD = {
    int: ["99999999999999999999", str(MAX_ID + 1), "-1", "0"],
    date: ["9999-12-31", "0001-01-01", "1999-12-31", "2100-01-01", "2028-11-25"],
}
# A harmless value for the parameters not under test (the fixed clock's day).
FILLER = {int: "1", date: "2026-11-24"}


def _base_type(annotation) -> type | None:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        annotation = args[0] if len(args) == 1 else None
    if typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation if annotation in ABSURD else None


def _params(dependant: Dependant):
    yield from ((field, "path") for field in dependant.path_params)
    yield from ((field, "query") for field in dependant.query_params)
    for sub in dependant.dependencies:
        yield from _params(sub)


def probes(app) -> list[tuple[str, str, str, str]]:
    """(method, url, parameter, value) for every int or date parameter of every route."""
    found = []
    for route in iter_route_contexts(app.routes):
        if not isinstance(route.original_route, APIRoute):
            continue
        params = [
            (field.alias, where, kind)
            for field, where in _params(route.dependant)
            if (kind := _base_type(field.field_info.annotation)) is not None
        ]
        for name, _where, kind in params:
            for value in ABSURD[kind]:
                path = route.path_format
                query = {}
                for other, other_where, other_kind in params:
                    chosen = value if other == name else FILLER[other_kind]
                    if other_where == "path":
                        path = path.replace("{" + other + "}", chosen)
                    else:
                        query[other] = chosen
                for method in sorted(route.methods):
                    found.append((method, path, query, name, value))
    return found


@pytest.fixture
def clients(app, patient, practitioner, admin):
    """One signed-in browser per role, so each route is reached past its role check."""
    opened = []
    for user in (patient, practitioner, admin):
        client = TestClient(app, raise_server_exceptions=False)
        opened.append(sign_in(client.__enter__(), user))
    yield opened
    for client in opened:
        client.__exit__(None, None, None)


def test_the_probe_finds_the_routes_with_ids_and_dates(app):
    probed = {(method, path.split("?")[0]) for method, path, *_ in probes(app)}
    assert ("GET", "/patient/plan-items/99999999999999999999/guide") in probed
    assert ("GET", "/patient/diary/nights/9999-12-31") in probed
    assert ("GET", "/api/v1/cramps") in probed


def test_no_absurd_id_or_date_is_a_server_error_on_any_route(app, clients):
    answered: dict[tuple, list[int]] = {}
    for method, path, query, name, value in probes(app):
        statuses = []
        for client in clients:
            response = client.request(
                method,
                path,
                params=query,
                headers={CSRF_HEADER: csrf_token(client)},
                follow_redirects=False,
            )
            statuses.append(response.status_code)
        answered[(method, path, tuple(query.items()), name, value)] = statuses

    server_errors = {probe: s for probe, s in answered.items() if any(c >= 500 for c in s)}
    assert server_errors == {}
    # Whoever may use the route was told the value is wrong or names nothing.
    unrefused = {probe: s for probe, s in answered.items() if not {404, 422} & set(s)}
    assert unrefused == {}


@pytest.mark.parametrize(
    "url",
    [
        "/patient/plan-items/99999999999999999999/guide",
        "/patient/diary/nights/9999-12-31",
        "/patient/diary/cramps/99999999999999999999",
    ],
)
def test_the_reported_pages_are_a_translated_422_not_a_crash(patient_client, url):
    response = patient_client.get(url)
    assert response.status_code == 422
    assert "text/html" in response.headers["content-type"]


def test_the_reported_api_range_is_a_translated_422(patient_client):
    response = patient_client.get("/api/v1/cramps?start=0001-01-01&end=0001-01-02")
    assert response.status_code == 422
    assert any("2000" in problem["message"] for problem in response.json()["fields"])


def test_a_date_two_years_ahead_is_still_accepted(patient_client, clock):
    today = clock().date()
    assert latest_date(today) == date(2028, 11, 24)
    response = patient_client.get(f"/api/v1/cramps?start={today}&end={latest_date(today)}")
    assert response.status_code in (200, 422)
    if response.status_code == 422:  # only the range rule may refuse it, not the date
        assert [f["field"] for f in response.json()["fields"]] == ["end"]


def test_the_far_future_month_and_a_huge_cursor_fall_back_quietly(patient_client):
    assert patient_client.get("/patient/diary?month=9999-12").status_code == 200
    assert patient_client.get("/patient/diary?month=0001-01").status_code == 200
    cursor = "20261124T000000000000-99999999999999999999"
    assert patient_client.get(f"/patient/diary/entries?after={cursor}").status_code == 200


def test_absurd_ids_and_dates_in_bodies_are_422(patient_client, session):
    headers = {CSRF_HEADER: csrf_token(patient_client)}
    completion = {
        "client_id": "7b1f6a2e-8c1d-4c55-9c8e-0d1b2c3d4e5f",
        "plan_item_id": 10**20,
        "day": "9999-12-31",
    }
    response = patient_client.post("/api/v1/completions", json=completion, headers=headers)
    assert response.status_code == 422
    assert {f["field"] for f in response.json()["fields"]} >= {"plan_item_id", "day"}
    checkin = {"client_id": "7b1f6a2e-8c1d-4c55-9c8e-0d1b2c3d4e50", "night_of": "0001-01-01"}
    response = patient_client.post("/api/v1/checkins", json=checkin, headers=headers)
    assert response.status_code == 422


def test_a_practitioner_asking_for_an_absurd_month_sees_the_current_one(
    practitioner_client, practitioner, patient, session
):
    link_care(session, practitioner_id=practitioner.id, patient_id=patient.id, now=NOW)
    for month in ("9999-12", "0001-01"):
        response = practitioner_client.get(f"/practitioner/patients/{patient.id}?month={month}")
        assert response.status_code == 200
