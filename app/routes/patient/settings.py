"""The patient's settings: bedtime, wake time, time zone, language, optional routines."""

from __future__ import annotations

from datetime import time

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel

from app import forms
from app.db import SessionDep
from app.deps import CurrentPatient, NowDep
from app.services import preferences, zones
from app.services.errors import InvalidInput
from app.templating import locale_of, render

router = APIRouter()


class SettingsForm(BaseModel):
    bedtime: time
    wake_time: time
    time_zone: str
    locale: str
    optional: list[str] = []


def _page(request, current, values, errors, *, saved=False):
    context = {
        "saved": saved,
        "zones": preferences.zone_choices(),
        # Issue 11: common zones first, named in the page's language.
        "zone_options": zones.zone_options(locale_of(request), request.app.state.clock()),
        "optional_routines": current.optional,
    }
    if errors:
        return forms.rerender(
            request,
            "patient/settings.html",
            context,
            values=values,
            errors=errors,
            block="settings_form",
        )
    context.update(values=values, errors={})
    return render(request, "patient/settings.html", context, block="settings_form")


def _current(request, session, patient, now):
    return preferences.settings_of(session, actor=patient, now=now, locale=locale_of(request))


@router.get("/settings", name="patient.settings")
def show_settings(
    request: Request,
    session: SessionDep,
    patient: CurrentPatient,
    now: NowDep,
    saved: bool = False,
):
    current = _current(request, session, patient, now)
    values = {
        "bedtime": current.bedtime.strftime("%H:%M"),
        "wake_time": current.wake_time.strftime("%H:%M"),
        "time_zone": current.time_zone,
        "locale": current.locale,
        "optional": [o.routine for o in current.optional if o.enabled],
    }
    return _page(request, current, values, {}, saved=saved)


@router.post("/settings", name="patient.save_settings")
def save_settings(
    request: Request,
    session: SessionDep,
    patient: CurrentPatient,
    now: NowDep,
    form: forms.FormDataDep,
):
    result = forms.validate(SettingsForm, form, lists=("optional",))
    errors = result.errors
    if result.ok:
        data = result.data
        try:
            preferences.save_settings(
                session,
                actor=patient,
                bedtime=data.bedtime,
                wake_time=data.wake_time,
                time_zone=data.time_zone,
                locale=data.locale,
                optional=set(data.optional),
                now=now,
            )
        except InvalidInput as invalid:
            session.rollback()
            errors = invalid.errors
        else:
            # A full page load either way: a new language changes the whole page.
            target = request.url_for("patient.settings").path + "?saved=1"
            return RedirectResponse(target, status_code=303)
    values = {**result.values, "optional": result.values.get("optional") or []}
    current = _current(request, session, patient, now)
    return _page(request, current, values, errors)
