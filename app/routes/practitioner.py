"""Pages for practitioners, under /practitioner."""

from fastapi import APIRouter, Depends, Request

from app.db import SessionDep
from app.deps import CurrentPractitioner, get_practitioner
from app.services import accounts
from app.templating import render

router = APIRouter(prefix="/practitioner", dependencies=[Depends(get_practitioner)])


@router.get("", name="practitioner.home")
def show_patients(request: Request, session: SessionDep, practitioner: CurrentPractitioner):
    patients = accounts.patients_of(session, practitioner=practitioner)
    return render(request, "practitioner/home.html", {"patients": patients})
