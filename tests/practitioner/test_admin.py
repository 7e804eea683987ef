"""The clinic admin: practitioner accounts, care links, deactivation, reset links and
the audit trail."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import select

from app.models import AuditAction, AuditEvent, CareLink, Role, User
from tests.conftest import form, html, sign_in


def test_admin_creates_a_practitioner_who_sets_their_own_password(client, admin, session):
    sign_in(client, admin)
    response = client.post(
        "/admin/practitioners", data=form(client, name="小林 誠", email="kobayashi@clinic.test")
    )
    assert response.status_code == 200
    url = html(response).select_one("#one-time-url")["value"]
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    client.cookies.clear()
    new = "my own long password"
    done = client.post(
        path, data=form(client, password=new, confirm_password=new), follow_redirects=False
    )
    assert done.headers["location"] == "/practitioner"
    session.commit()
    user = session.exec(select(User).where(User.email == "kobayashi@clinic.test")).one()
    assert user.role is Role.PRACTITIONER


def test_a_duplicate_address_is_refused(client, admin, practitioner):
    sign_in(client, admin)
    response = client.post(
        "/admin/practitioners", data=form(client, name="Again", email=practitioner.email)
    )
    assert response.status_code == 422
    assert html(response).select_one("#error-email")


def test_admin_links_and_relinks_a_patient(
    client, admin, practitioner, patient, session, passwords
):
    from tests import factories

    other = factories.make_practitioner(session, passwords)
    session.commit()
    sign_in(client, admin)
    url = f"/admin/patients/{patient.id}/practitioners"
    client.post(url, data=form(client, practitioner=str(practitioner.id)))
    client.post(url, data=form(client, practitioner=str(other.id)))
    session.commit()
    links = session.exec(select(CareLink.practitioner_id).where(CareLink.patient_id == patient.id))
    assert links.all() == [other.id]
    actions = [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions == [AuditAction.LINK, AuditAction.UNLINK, AuditAction.LINK]
    session.commit()
    bad = client.post(url, data=form(client, practitioner=str(patient.id)))
    assert bad.status_code == 422


def test_deactivating_ends_the_accounts_sessions_at_once(app, client, admin, practitioner):
    with TestClient(app) as desk:
        sign_in(desk, practitioner)
        assert desk.get("/practitioner").status_code == 200
        sign_in(client, admin)
        client.post(f"/admin/users/{practitioner.id}/active", data=form(client, active="false"))
        assert desk.get("/practitioner", follow_redirects=False).status_code == 303
    page = html(client.get("/admin"))
    assert "badge--on" not in str(page.select_one(f"#user-{practitioner.id}"))


def test_admin_cannot_deactivate_themselves(client, admin):
    sign_in(client, admin)
    response = client.post(f"/admin/users/{admin.id}/active", data=form(client, active="false"))
    assert response.status_code == 422


def test_the_audit_trail_can_be_filtered(client, admin, practitioner, linked_patient, session):
    desk = sign_in(client, practitioner)
    desk.get(f"/practitioner/patients/{linked_patient.id}")
    desk.get("/practitioner")
    client.cookies.clear()
    sign_in(client, admin)
    everything = html(client.get("/admin/audit"))
    assert len(everything.select("table.audit tbody tr")) == 2
    views = html(client.get(f"/admin/audit?action=view_patient&patient={linked_patient.id}"))
    rows = views.select("table.audit tbody tr")
    assert len(rows) == 1
    assert linked_patient.name in rows[0].get_text()
    assert client.get("/admin/audit?since=not-a-date").status_code == 422


def test_a_practitioner_cannot_open_the_admin_pages(practitioner_client):
    assert practitioner_client.get("/admin/audit").status_code == 403
