"""Exports: one patient's records and the caseload as CSV, and the printable
referral summary."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app import i18n
from app.db import SessionDep
from app.deps import CurrentPractitioner, NowDep
from app.routes.params import EntityId
from app.services import exports, referral
from app.templating import locale_of, render

router = APIRouter()


def _csv(body: str, filename: str) -> Response:
    return Response(
        body.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _translator(request: Request):
    locale = locale_of(request)
    return lambda message: i18n.translate(locale, message)


@router.get("/patients/{patient_id}/export.csv", name="practitioner.export_patient")
def export_patient(
    request: Request,
    session: SessionDep,
    practitioner: CurrentPractitioner,
    now: NowDep,
    patient_id: EntityId,
):
    patient, body = exports.patient_csv(
        session,
        actor=practitioner,
        patient_id=patient_id,
        translate=_translator(request),
        now=now,
    )
    return _csv(body, f"tsuranai-patient-{patient.id}-{now:%Y%m%d}.csv")


@router.get("/export.csv", name="practitioner.export_caseload")
def export_caseload(
    request: Request, session: SessionDep, practitioner: CurrentPractitioner, now: NowDep
):
    body = exports.caseload_csv(
        session, actor=practitioner, translate=_translator(request), now=now
    )
    return _csv(body, f"tsuranai-caseload-{now:%Y%m%d}.csv")


@router.get("/patients/{patient_id}/summary", name="practitioner.summary")
def show_summary(
    request: Request,
    session: SessionDep,
    practitioner: CurrentPractitioner,
    now: NowDep,
    patient_id: EntityId,
    weeks: int = 4,
):
    summary = referral.referral_summary(
        session, actor=practitioner, patient_id=patient_id, weeks=weeks, now=now
    )
    # A summary for a doctor in Japan is in Japanese, whatever the screen's language.
    request.state.locale = "ja"
    return render(request, "practitioner/summary.html", {"s": summary, "periods": referral.PERIODS})
