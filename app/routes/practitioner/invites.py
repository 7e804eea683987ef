"""Inviting a patient (a one-time link and its QR code) and issuing a password reset
link for a patient in the practitioner's care."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel

from app import forms
from app.db import SessionDep
from app.deps import CurrentPractitioner, NowDep
from app.routes.params import EntityId
from app.services import invites
from app.services.errors import InvalidInput
from app.templating import render

router = APIRouter()


class InviteForm(BaseModel):
    name: str = ""
    email: str = ""


def show_link(request: Request, issued: invites.Issued, *, route: str, **context):
    """The page with a freshly issued link: the only time its token is shown."""
    url = str(request.url_for(route, token=issued.token))
    return render(
        request,
        "practitioner/link.html",
        {"issued": issued, "url": url, "qr": invites.qr_svg(url), **context},
    )


@router.get("/invite", name="practitioner.invite")
def show_invite(request: Request, practitioner: CurrentPractitioner):
    return render(request, "practitioner/invite.html", {"values": {}, "errors": {}})


@router.post("/invite", name="practitioner.create_invite")
def create_invite(
    request: Request,
    session: SessionDep,
    practitioner: CurrentPractitioner,
    now: NowDep,
    form: forms.FormDataDep,
):
    parsed = forms.validate(InviteForm, form)
    try:
        issued = invites.invite_patient(
            session,
            actor=practitioner,
            name=parsed.data.name if parsed.ok else "",
            email=parsed.data.email if parsed.ok else "",
            now=now,
        )
    except InvalidInput as invalid:
        session.rollback()
        return forms.rerender(
            request, "practitioner/invite.html", {}, values=parsed.values, errors=invalid.errors
        )
    return show_link(request, issued, route="invites.welcome", kind="invite")


@router.post("/patients/{patient_id}/reset-link", name="practitioner.reset_link")
def issue_reset_link(
    request: Request,
    session: SessionDep,
    practitioner: CurrentPractitioner,
    now: NowDep,
    patient_id: EntityId,
):
    issued = invites.issue_reset(session, actor=practitioner, user_id=patient_id, now=now)
    return show_link(request, issued, route="invites.reset", kind="reset", patient_id=patient_id)
