"""Inviting a patient by link and QR code, and password reset links: random, stored
hashed, seven days, one use; a clear page for a used or expired link."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from app.models import AuditAction, AuditEvent, CareLink, OneTimeLink, PlanItem, User
from app.security import token_digest
from tests.conftest import form, html
from tests.factories import NOW, PASSWORD


def _invite(client, name="山田 花子", email=""):
    response = client.post("/practitioner/invite", data=form(client, name=name, email=email))
    assert response.status_code == 200, response.text
    page = html(response)
    url = page.select_one("#one-time-url")["value"]
    return page, url.split("://", 1)[1].split("/", 1)[1]


def test_an_invitation_shows_a_link_and_an_svg_qr_code(practitioner_client, session):
    page, path = _invite(practitioner_client)
    assert path.startswith("welcome/")
    assert page.select_one("svg.qr path")
    assert not page.select("[style]")
    token = path.removeprefix("welcome/")
    session.commit()
    link = session.exec(select(OneTimeLink)).one()
    # Only a digest is stored, and the link lasts seven days.
    assert link.token_hash == token_digest(token) != token
    assert link.expires_at - link.created_at == timedelta(days=7)
    actions = session.exec(select(AuditEvent.action)).all()
    assert AuditAction.INVITE in actions


def test_an_invitation_needs_a_name(practitioner_client):
    response = practitioner_client.post(
        "/practitioner/invite", data=form(practitioner_client, name=" ", email="")
    )
    assert response.status_code == 422
    assert html(response).select_one("#error-name")


def test_opening_the_link_creates_the_patient_in_the_practitioners_care(
    app, client, practitioner, session
):
    from tests.conftest import sign_in

    sign_in(client, practitioner)
    _page, path = _invite(client, email="hanako@example.test")
    client.cookies.clear()
    page = html(client.get(f"/{path}"))
    assert "山田 花子" in page.find("h1").get_text()
    assert page.select_one("#field-email")["value"] == "hanako@example.test"
    response = client.post(
        f"/{path}",
        data=form(
            client, email="hanako@example.test", password=PASSWORD, confirm_password=PASSWORD
        ),
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/patient/"
    session.commit()
    patient = session.exec(select(User).where(User.email == "hanako@example.test")).one()
    assert patient.name == "山田 花子"
    assert session.exec(select(PlanItem).where(PlanItem.patient_id == patient.id)).first()
    assert session.exec(
        select(CareLink).where(
            CareLink.patient_id == patient.id, CareLink.practitioner_id == practitioner.id
        )
    ).one()
    # Used once: the same link now explains itself and creates nothing.
    again = client.get(f"/{path}")
    assert again.status_code == 410
    assert html(again).select_one(".error-page h1")
    assert not html(again).select("form[action^='/welcome']")


def test_a_used_link_cannot_make_a_second_account(client, practitioner, session):
    from tests.conftest import sign_in

    sign_in(client, practitioner)
    _page, path = _invite(client)
    client.cookies.clear()
    fields = {"password": PASSWORD, "confirm_password": PASSWORD}
    client.post(f"/{path}", data=form(client, email="one@example.test", **fields))
    client.cookies.clear()
    response = client.post(f"/{path}", data=form(client, email="two@example.test", **fields))
    assert response.status_code == 410
    session.commit()
    assert session.exec(select(User).where(User.email == "two@example.test")).first() is None


def test_an_expired_link_gets_a_clear_page(client, practitioner, clock):
    from tests.conftest import sign_in

    sign_in(client, practitioner)
    _page, path = _invite(client)
    client.cookies.clear()
    clock.set(NOW + timedelta(days=7, seconds=1))
    response = client.get(f"/{path}")
    assert response.status_code == 410
    assert html(response).find("h1")


def test_an_unknown_link_is_not_found(client):
    assert client.get("/welcome/not-a-real-token").status_code == 404


def test_mismatched_passwords_keep_the_form(client, practitioner):
    from tests.conftest import sign_in

    sign_in(client, practitioner)
    _page, path = _invite(client)
    client.cookies.clear()
    response = client.post(
        f"/{path}",
        data=form(client, email="x@example.test", password=PASSWORD, confirm_password="nope"),
    )
    assert response.status_code == 422
    page = html(response)
    assert page.select_one("#error-confirm_password")
    assert page.select_one("#field-email")["value"] == "x@example.test"


def test_a_reset_link_sets_a_new_password_and_ends_other_sessions(
    client, practitioner, linked_patient, app
):
    from fastapi.testclient import TestClient

    from tests.conftest import sign_in

    with TestClient(app) as phone:
        sign_in(phone, linked_patient)
        assert phone.get("/patient/", follow_redirects=False).status_code == 200
        sign_in(client, practitioner)
        response = client.post(
            f"/practitioner/patients/{linked_patient.id}/reset-link", data=form(client)
        )
        url = html(response).select_one("#one-time-url")["value"]
        path = "/" + url.split("://", 1)[1].split("/", 1)[1]
        assert path.startswith("/reset/")
        client.cookies.clear()
        new = "a brand new password"
        done = client.post(
            path, data=form(client, password=new, confirm_password=new), follow_redirects=False
        )
        assert done.status_code == 303
        # The phone signed in with the old password is signed out.
        assert phone.get("/patient/", follow_redirects=False).status_code == 303
    client.cookies.clear()
    from tests.conftest import sign_in as again

    again(client, linked_patient, password=new)


def test_a_reset_link_for_someone_elses_patient_is_not_found(practitioner_client, other_patient):
    response = practitioner_client.post(
        f"/practitioner/patients/{other_patient.id}/reset-link", data=form(practitioner_client)
    )
    assert response.status_code == 404
