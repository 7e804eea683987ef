"""The patient's app settings page: night mode, reminders and the calendar feed.
Also the dependency that picks every patient page's theme."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from app import forms
from app.db import SessionDep
from app.deps import CurrentPatient, CurrentProfile, NowDep
from app.services import app_settings, calendar_feed
from app.services.errors import InvalidInput
from app.templating import render

router = APIRouter()

PAGE = "pwa/app_settings.html"


def apply_theme(
    request: Request, session: SessionDep, patient: CurrentPatient, profile: CurrentProfile,
    now: NowDep,
) -> None:  # fmt: skip
    """Night mode for every patient page: base.html reads ``request.state.theme``."""
    request.state.theme = app_settings.theme_of(session, patient=patient, profile=profile, now=now)


def _calendar_urls(request: Request, feed) -> dict | None:
    if feed is None:
        return None
    https = str(request.url_for("pwa.calendar_feed", token=feed.token))
    return {"https": https, "webcal": "webcal://" + https.split("://", 1)[1]}


def _page(request, session, patient, *, values=None, errors=None, saved=None, status=200):
    current = app_settings.app_settings_of(session, patient=patient)
    context = {
        "values": values or {"night_mode": current.night_mode},
        "errors": errors or {},
        "saved": saved,
        "calendar": _calendar_urls(request, calendar_feed.feed_of(session, actor=patient)),
    }
    return render(request, PAGE, context, block="app_settings", status_code=status)


def _back(request: Request, saved: str) -> RedirectResponse:
    return RedirectResponse(
        request.url_for("pwa.settings").path + f"?saved={saved}", status_code=303
    )


@router.get("/settings/app", name="pwa.settings")
def show_app_settings(
    request: Request, session: SessionDep, patient: CurrentPatient, saved: str | None = None
):
    return _page(request, session, patient, saved=saved)


@router.post("/settings/night-mode", name="pwa.save_night_mode")
def save_night_mode(
    request: Request, session: SessionDep, patient: CurrentPatient, form: forms.FormDataDep
):
    mode = str(form.get("night_mode", ""))
    try:
        app_settings.set_night_mode(session, patient=patient, mode=mode)
    except InvalidInput as invalid:
        return _page(
            request, session, patient, values={"night_mode": mode}, errors=invalid.errors,
            status=422,
        )  # fmt: skip
    # A full page load: the new theme changes the whole page.
    return _back(request, "night")


@router.post("/settings/calendar", name="pwa.replace_calendar")
def replace_calendar(request: Request, session: SessionDep, patient: CurrentPatient, now: NowDep):
    calendar_feed.replace_feed(session, actor=patient, now=now)
    return _back(request, "calendar")
