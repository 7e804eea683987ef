"""Each audience has its own routes; everyone else is turned away."""

from __future__ import annotations

import pytest

from app.services.accounts import link_care
from tests import factories
from tests.conftest import html, sign_in
from tests.factories import NOW


@pytest.mark.parametrize("path", ["/patient/", "/practitioner", "/admin", "/account"])
def test_without_a_session_pages_redirect_to_sign_in(client, path):
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/login?next={path}"


def test_without_a_session_the_api_answers_401_json(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/json"
    assert response.json()["error"] == "ログインしてください"


@pytest.mark.parametrize("path", ["/practitioner", "/admin"])
def test_a_patient_cannot_open_staff_pages(patient_client, path):
    response = patient_client.get(path)
    assert response.status_code == 403
    assert html(response).find("h1").get_text() == "このページはお使いのアカウントでは開けません"


@pytest.mark.parametrize("path", ["/patient/", "/admin"])
def test_a_practitioner_cannot_open_patient_or_admin_pages(practitioner_client, path):
    assert practitioner_client.get(path).status_code == 403


def test_an_admin_cannot_open_patient_pages(client, admin):
    sign_in(client, admin)
    assert client.get("/patient/").status_code == 403
    assert client.get("/admin").status_code == 200


def test_a_practitioner_sees_only_the_patients_they_care_for(
    practitioner_client, practitioner, session, passwords
):
    mine = factories.make_patient(session, passwords, name="担当 さん")
    factories.make_patient(session, passwords, name="ほかの 患者")
    link_care(session, practitioner_id=practitioner.id, patient_id=mine.id, now=NOW)
    names = [
        a.get_text(strip=True)
        for a in html(practitioner_client.get("/practitioner")).select("tbody th[scope=row] a")
    ]
    assert names == ["担当 さん"]


def test_api_me_describes_the_signed_in_user(patient_client, patient):
    assert patient_client.get("/api/v1/me").json() == {
        "id": patient.id,
        "name": patient.name,
        "role": "patient",
        "locale": None,
    }


def test_root_sends_each_role_home(client, patient):
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"
    sign_in(client, patient)
    assert client.get("/", follow_redirects=False).headers["location"] == "/patient/"
