"""Pages anyone may read, signed in or not: the privacy notice, what the app is and is
not, and the goodbye after an account is erased."""

from fastapi import APIRouter, Request

from app.deps import OptionalUser
from app.services import consent
from app.templating import render

router = APIRouter()


@router.get("/privacy", name="info.privacy")
def show_privacy(request: Request, user: OptionalUser):
    return render(request, "info/privacy.html", {"version": consent.VERSION})


@router.get("/about", name="info.about")
def show_about(request: Request, user: OptionalUser):
    return render(request, "info/about.html", {})


@router.get("/goodbye", name="info.deleted")
def show_deleted(request: Request, user: OptionalUser):
    return render(request, "info/deleted.html", {})
