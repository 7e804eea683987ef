"""Red flags on a patient's page, the practitioner's review of them, and the patient's
data for a disclosure request. Every call goes through the access rule."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from app import forms
from app.db import SessionDep
from app.deps import CurrentPractitioner, NowDep
from app.models import AuditAction
from app.routes.params import EntityId
from app.routes.patient.guidance import LABELS
from app.services import audit, intake, red_flags, rights
from app.services.errors import InvalidInput
from app.templating import render

router = APIRouter()

PARTIAL = "practitioner/_flags.html"


def flags_context(session, practitioner, patient_id, now, *, errors=None, values=None) -> dict:
    """What ``practitioner/_flags.html`` needs; the patient page includes it."""
    return {
        "patient_id": patient_id,
        "patient_flags": red_flags.flags_for(
            session, actor=practitioner, patient_id=patient_id, now=now
        ),
        "intake": intake.intake_for(session, actor=practitioner, patient_id=patient_id),
        "labels": LABELS,
        "flag_errors": errors or {},
        "flag_values": values or {},
    }


def _flags(
    request, session, practitioner, patient_id, now, *, errors=None, values=None, status=200
):
    context = flags_context(session, practitioner, patient_id, now, errors=errors, values=values)
    return render(request, PARTIAL, context, block="patient_flags", status_code=status)


@router.get("/patients/{patient_id}/flags", name="practitioner.flags")
def show_flags(
    request: Request,
    session: SessionDep,
    practitioner: CurrentPractitioner,
    now: NowDep,
    patient_id: EntityId,
):
    response = _flags(request, session, practitioner, patient_id, now)
    audit.record_now(
        session,
        actor=practitioner,
        action=AuditAction.VIEW_PATIENT,
        now=now,
        patient_id=patient_id,
        detail="red flags",
    )
    return response


@router.post("/patients/{patient_id}/flags/review", name="practitioner.review_flag")
def review_flag(
    request: Request,
    session: SessionDep,
    practitioner: CurrentPractitioner,
    now: NowDep,
    patient_id: EntityId,
    form: forms.FormDataDep,
):
    typed = forms.values_of(form)
    flag_id = str(typed.get("flag") or "")
    note = str(typed.get("note") or "")
    try:
        if nul := forms.nul_errors(form):
            raise InvalidInput(nul)
        red_flags.review_flag(
            session, actor=practitioner, patient_id=patient_id, flag_id=flag_id, note=note, now=now
        )
    except InvalidInput as invalid:
        session.rollback()
        context = flags_context(session, practitioner, patient_id, now)
        return forms.rerender(
            request,
            PARTIAL,
            context,
            values={flag_id: note},
            errors={flag_id: invalid.errors},
            block="patient_flags",
            prefix="flag_",
        )
    if request.headers.get("HX-Request") == "true":
        return _flags(request, session, practitioner, patient_id, now)
    url = request.url_for("practitioner.patient", patient_id=patient_id).path
    return RedirectResponse(f"{url}#patient-flags", status_code=303)


@router.get("/patients/{patient_id}/export.zip", name="practitioner.disclosure_export")
def export_patient(
    session: SessionDep, practitioner: CurrentPractitioner, now: NowDep, patient_id: EntityId
):
    """All of the patient's data, for a disclosure request (APPI); audited."""
    filename, body = rights.export_zip(session, actor=practitioner, patient_id=patient_id, now=now)
    return Response(
        body,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
