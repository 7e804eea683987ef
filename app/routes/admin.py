"""Pages for the clinic admin, under /admin: practitioner accounts, care links,
deactivation, reset links, and the audit trail."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel

from app import forms
from app.db import SessionDep
from app.deps import CurrentAdmin, NowDep, PasswordsDep, require_role
from app.models import AuditAction, Role
from app.routes import links
from app.routes.params import EntityId, LocalDate
from app.services import audit, clinic_admin, invites
from app.services.errors import InvalidInput
from app.templating import render

router = APIRouter(prefix="/admin", dependencies=[Depends(require_role(Role.ADMIN))])


class AuditQuery(BaseModel):
    actor: Annotated[EntityId | None, forms.Blank] = None
    patient: Annotated[EntityId | None, forms.Blank] = None
    action: Annotated[AuditAction | None, forms.Blank] = None
    since: Annotated[LocalDate | None, forms.Blank] = None
    until: Annotated[LocalDate | None, forms.Blank] = None
    page: Annotated[EntityId | None, forms.Blank] = None


PEOPLE = "admin/people.html"


def _context(session, admin, **extra) -> dict:
    return {
        "people": clinic_admin.people(session, actor=admin),
        "values": {},
        "errors": {},
        **extra,
    }


def _people(request, session, admin, **extra):
    return render(request, PEOPLE, _context(session, admin, **extra))


def _home(request: Request, anchor: str = "") -> RedirectResponse:
    url = request.url_for("admin.home").path
    return RedirectResponse(f"{url}#{anchor}" if anchor else url, status_code=303)


@router.get("", name="admin.home")
def show_people(request: Request, session: SessionDep, admin: CurrentAdmin):
    return _people(request, session, admin)


@router.post("/practitioners", name="admin.create_practitioner")
def create_practitioner(
    request: Request,
    session: SessionDep,
    admin: CurrentAdmin,
    passwords: PasswordsDep,
    now: NowDep,
    form: forms.FormDataDep,
):
    return links.issue_for_person(
        request,
        session,
        form,
        issue=lambda name, email: clinic_admin.create_practitioner(
            session, actor=admin, passwords=passwords, name=name, email=email, now=now
        ),
        route="invites.reset",
        kind="setup",
        # The account gets a placeholder password; its message is not the admin's to fix.
        mistakes=lambda values, errors: forms.rerender(
            request,
            PEOPLE,
            _context(session, admin),
            values=values,
            errors={k: v for k, v in errors.items() if k != "password"},
        ),
    )


@router.post("/patients/{patient_id}/practitioners", name="admin.set_practitioners")
def set_practitioners(
    request: Request,
    session: SessionDep,
    admin: CurrentAdmin,
    now: NowDep,
    patient_id: EntityId,
    form: forms.FormDataDep,
):
    chosen = set()
    for value in form.getlist("practitioner"):
        if isinstance(value, str) and value.isdigit() and len(value) < 12:
            chosen.add(int(value))
    try:
        clinic_admin.set_practitioners(
            session, actor=admin, patient_id=patient_id, practitioner_ids=chosen, now=now
        )
    except InvalidInput as invalid:
        session.rollback()
        return forms.rerender(
            request,
            PEOPLE,
            _context(session, admin),
            values={},
            errors=invalid.errors,
            prefix="link_",
        )
    return _home(request, f"patient-{patient_id}")


@router.post("/users/{user_id}/active", name="admin.set_active")
def set_active(
    request: Request,
    session: SessionDep,
    admin: CurrentAdmin,
    now: NowDep,
    user_id: EntityId,
    form: forms.FormDataDep,
):
    try:
        clinic_admin.set_active(
            session, actor=admin, user_id=user_id, active=form.get("active") == "true", now=now
        )
    except InvalidInput as invalid:
        session.rollback()
        return forms.rerender(
            request,
            PEOPLE,
            _context(session, admin),
            values={},
            errors=invalid.errors,
            prefix="active_",
        )
    return _home(request)


@router.post("/users/{user_id}/reset-link", name="admin.reset_link")
def issue_reset_link(
    request: Request, session: SessionDep, admin: CurrentAdmin, now: NowDep, user_id: EntityId
):
    issued = invites.issue_reset(session, actor=admin, user_id=user_id, now=now)
    return links.show_link(request, issued, route="invites.reset", kind="reset")


@router.get("/audit", name="admin.audit")
def show_audit(request: Request, session: SessionDep, admin: CurrentAdmin):
    parsed = forms.validate(AuditQuery, request.query_params)
    query = parsed.data if parsed.ok else AuditQuery()
    zone = ZoneInfo(request.app.state.settings.default_time_zone)

    def start_of(day) -> datetime | None:
        return datetime.combine(day, time(0), zone) if day else None

    where = audit.AuditFilter(
        actor_id=query.actor,
        patient_id=query.patient,
        action=query.action,
        since=start_of(query.since),
        until=start_of(query.until + timedelta(days=1)) if query.until else None,
    )
    found = audit.browse(session, actor=admin, where=where, page=query.page or 1)
    context = {
        "found": found,
        "values": parsed.values,
        "errors": parsed.errors,
        "actions": list(AuditAction),
        "people": clinic_admin.people(session, actor=admin),
        "zone": zone,
    }
    return render(request, "admin/audit.html", context, status_code=200 if parsed.ok else 422)
