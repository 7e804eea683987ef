"""The patient's app settings page: night mode, reminders and the calendar feed.
Also the dependency that picks every patient page's theme."""

from __future__ import annotations

from datetime import time
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel

from app import forms
from app.compression import keep_uncompressed
from app.db import SessionDep
from app.deps import CurrentPatient, CurrentProfile, NowDep, known_or_asked
from app.services import app_settings, calendar_feed, reminders, reminders_settings
from app.services.errors import InvalidInput
from app.templating import render

router = APIRouter()

PAGE = "pwa/app_settings.html"


async def apply_theme(
    request: Request, session: SessionDep, patient: CurrentPatient, profile: CurrentProfile,
    now: NowDep,
) -> None:  # fmt: skip
    """Night mode for every patient page (base.html reads ``request.state.theme``),
    and whether the first-run welcome is still to be offered (home.html). The session
    lookup brought the settings along; the thread pool only when it did not."""
    current = await known_or_asked(
        app_settings.known_settings(session, actor=patient),
        app_settings.app_settings_of, session, actor=patient,
    )  # fmt: skip
    request.state.theme = app_settings.theme_for_settings(current, profile=profile, now=now)
    request.state.welcome_pending = not current.welcome_done


def _calendar_urls(request: Request, feed) -> dict | None:
    if feed is None:
        return None
    https = str(request.url_for("pwa.calendar_feed", token=feed.token))
    return {"https": https, "webcal": "webcal://" + https.split("://", 1)[1]}


def _reminder_values(session, patient) -> dict:
    row = reminders_settings.settings_of(session, actor=patient)
    muted = reminders_settings.muted_of(row)
    return {
        "routines": [r for r in reminders_settings.REMINDABLE if r not in muted],
        "quiet_start": row.quiet_start.strftime("%H:%M") if row.quiet_start else "",
        "quiet_end": row.quiet_end.strftime("%H:%M") if row.quiet_end else "",
        "water_per_day": str(row.water_per_day),
    }


def _page(request, session, patient, *, values=None, errors=None, saved=None):
    current = app_settings.app_settings_of(session, actor=patient)
    reminder_row = reminders_settings.settings_of(session, actor=patient)
    context = {
        "reminders_on": reminder_row.enabled,
        "devices": reminders.device_count(session, actor=patient),
        "remindable": reminders_settings.REMINDABLE,
        "saved": saved,
        "calendar": _calendar_urls(request, calendar_feed.feed_of(session, actor=patient)),
    }
    # The calendar address is a lasting secret: no compression, against BREACH.
    if errors:
        return keep_uncompressed(
            forms.rerender(
                request, PAGE, context, values=values or {}, errors=errors, block="app_settings"
            )
        )
    context.update(
        values={"night_mode": current.night_mode, **_reminder_values(session, patient)},
        errors={},
    )
    return keep_uncompressed(render(request, PAGE, context, block="app_settings"))


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
        app_settings.set_night_mode(session, actor=patient, mode=mode)
    except InvalidInput as invalid:
        return _page(request, session, patient, values={"night_mode": mode}, errors=invalid.errors)
    # A full page load: the new theme changes the whole page.
    return _back(request, "night")


@router.post("/settings/calendar", name="pwa.replace_calendar")
def replace_calendar(request: Request, session: SessionDep, patient: CurrentPatient, now: NowDep):
    calendar_feed.replace_feed(session, actor=patient, now=now)
    return _back(request, "calendar")


class ReminderForm(BaseModel):
    routines: list[str] = []
    quiet_start: Annotated[time | None, forms.Blank] = None
    quiet_end: Annotated[time | None, forms.Blank] = None
    water_per_day: int = 3


@router.post("/settings/reminders", name="pwa.save_reminders")
def save_reminders(
    request: Request, session: SessionDep, patient: CurrentPatient, form: forms.FormDataDep
):
    result = forms.validate(ReminderForm, form, lists=("routines",))
    errors = result.errors
    if result.ok:
        data = result.data
        try:
            reminders_settings.save_settings(
                session, actor=patient, routines=set(data.routines), quiet_start=data.quiet_start,
                quiet_end=data.quiet_end, water_per_day=data.water_per_day,
            )  # fmt: skip
        except InvalidInput as invalid:
            session.rollback()
            errors = invalid.errors
        else:
            return _back(request, "reminders")
    current = app_settings.app_settings_of(session, actor=patient)
    values = {
        "night_mode": current.night_mode,
        **result.values,
        "routines": result.values.get("routines") or [],
    }
    return _page(request, session, patient, values=values, errors=errors)


@router.post("/settings/reminders/pause", name="pwa.pause_reminders")
def pause_reminders(request: Request, session: SessionDep, patient: CurrentPatient):
    """Turn reminders off on every device (the devices stay subscribed)."""
    reminders_settings.set_enabled(session, actor=patient, enabled=False)
    return _back(request, "paused")


@router.get("/welcome", name="pwa.welcome")
def show_welcome(request: Request, step: Annotated[int, Query(ge=1, le=3)] = 1):
    return render(request, "pwa/welcome.html", {"step": step})


@router.post("/welcome", name="pwa.finish_welcome")
def finish_welcome(request: Request, session: SessionDep, patient: CurrentPatient):
    app_settings.finish_welcome(session, actor=patient)
    return RedirectResponse(request.url_for("patient.home").path, status_code=303)
