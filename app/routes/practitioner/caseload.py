"""The practitioner's caseload: one row per patient they care for."""

from fastapi import APIRouter, Request

from app.db import SessionDep
from app.deps import CurrentPractitioner
from app.services import accounts
from app.templating import render

router = APIRouter()


@router.get("", name="practitioner.home")
def show_caseload(request: Request, session: SessionDep, practitioner: CurrentPractitioner):
    patients = accounts.patients_of(session, practitioner=practitioner)
    return render(request, "practitioner/home.html", {"patients": patients})
