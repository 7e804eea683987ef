"""The patient's data and privacy page: consent, a download of everything, and erasure.

Reachable before consent and after withdrawal: the rights stay when collection stops.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from app import forms
from app.db import SessionDep
from app.deps import CurrentPatient, NowDep, PasswordsDep
from app.routes.patient.onboarding import local_zone
from app.security import SESSION_COOKIE
from app.services import consent, rights
from app.services.errors import InvalidInput
from app.templating import render

router = APIRouter()


@router.get("/my-data", name="rights.page")
def show_rights(request: Request, session: SessionDep, patient: CurrentPatient):
    context = {
        "state": consent.state_of(session, actor=patient),
        "zone": local_zone(session, patient),
    }
    return render(request, "patient/onboarding/rights.html", context)


@router.get("/my-data/export.zip", name="rights.export")
def export_data(session: SessionDep, patient: CurrentPatient, now: NowDep):
    filename, body = rights.export_zip(session, actor=patient, patient_id=patient.id, now=now)
    return Response(
        body,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _confirm_page(request, *, errors=None, values=None, status=200):
    context = {"errors": errors or {}, "values": values or {}}
    return render(request, "patient/onboarding/delete.html", context, status_code=status)


@router.get("/my-data/delete", name="rights.confirm_delete")
def confirm_delete(request: Request, patient: CurrentPatient):
    return _confirm_page(request)


@router.post("/my-data/delete", name="rights.delete")
def delete_account(
    request: Request,
    session: SessionDep,
    patient: CurrentPatient,
    passwords: PasswordsDep,
    now: NowDep,
    form: forms.FormDataDep,
):
    confirmed = form.get("confirm") == "yes"
    password = str(form.get("password") or "")
    try:
        rights.delete_account(
            session,
            actor=patient,
            confirmed=confirmed,
            password_ok=passwords.verify(patient.password_hash, password),
            now=now,
        )
    except InvalidInput as invalid:
        session.rollback()
        values = {"confirm": "yes" if confirmed else ""}
        return forms.rerender(
            request, "patient/onboarding/delete.html", {}, values=values, errors=invalid.errors
        )
    response = RedirectResponse(request.url_for("info.deleted").path, status_code=303)
    response.delete_cookie(
        SESSION_COOKIE,
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.secure_cookies,
    )
    return response
