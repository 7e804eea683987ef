"""The patient's home screen."""

from fastapi import APIRouter, Request

from app.db import SessionDep
from app.deps import CurrentPatient
from app.services import accounts
from app.templating import render

router = APIRouter()


@router.get("/", name="patient.home")
def show_home(request: Request, session: SessionDep, patient: CurrentPatient):
    profile = accounts.profile_of(session, patient=patient)
    return render(request, "patient/home.html", {"profile": profile})
