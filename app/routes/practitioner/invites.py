"""Inviting a patient (a one-time link and its QR code) and issuing a password reset
link for a patient in the practitioner's care."""

from __future__ import annotations

from fastapi import APIRouter, Request

from app import forms
from app.db import SessionDep
from app.deps import CurrentPractitioner, NowDep
from app.routes import links
from app.routes.params import EntityId
from app.services import invites
from app.templating import render

router = APIRouter()


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
    return links.issue_for_person(
        request,
        session,
        form,
        issue=lambda name, email: invites.invite_patient(
            session, actor=practitioner, name=name, email=email, now=now
        ),
        route="invites.welcome",
        kind="invite",
        mistakes=lambda values, errors: forms.rerender(
            request, "practitioner/invite.html", {}, values=values, errors=errors
        ),
    )


@router.post("/patients/{patient_id}/reset-link", name="practitioner.reset_link")
def issue_reset_link(
    request: Request,
    session: SessionDep,
    practitioner: CurrentPractitioner,
    now: NowDep,
    patient_id: EntityId,
):
    issued = invites.issue_reset(session, actor=practitioner, user_id=patient_id, now=now)
    return links.show_link(
        request, issued, route="invites.reset", kind="reset", patient_id=patient_id
    )
