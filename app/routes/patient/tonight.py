"""The patient's home screen ("Tonight" / "Today"), guided routines, and ticking them off.

Every form here works without JavaScript: a plain POST answers 303 to the home
screen; under htmx the same POST answers with the ``tonight`` block.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel

from app import forms
from app.db import SessionDep
from app.deps import CurrentPatient, CurrentProfile, NowDep
from app.i18n import N_
from app.routes.params import EntityId, LocalDate
from app.services import completions, course, due_soon, red_flags, tonight
from app.services import diary as diary_service
from app.services.errors import InvalidInput
from app.templating import is_fragment_request, render

router = APIRouter()

HOME = "patient/home.html"
GUIDE = "patient/guide.html"


class CompletionForm(BaseModel):
    client_id: uuid.UUID
    day: LocalDate
    # Which page the form is on, so that a mistake is shown where it was made.
    view: Literal["home", "guide"] = "home"
    # Integer fields accept any number here; the service owns the limits.
    sets: Annotated[int | None, forms.Blank] = None
    minutes: Annotated[int | None, forms.Blank] = None
    reps: Annotated[int | None, forms.Blank] = None


class UndoForm(BaseModel):
    day: LocalDate


def _home(request, session, patient, profile, now, *, errors=None, error_item=None):
    plan = tonight.tonight_for(session, actor=patient, patient_id=patient.id, now=now)
    context = {
        "plan": plan,
        "error_item": error_item,
        "new_id": uuid.uuid4,
        # Issue 11: what is due in the next half hour, at the top.
        "due_soon": due_soon.due_soon_for(session, actor=patient, patient_id=patient.id, now=now),
        # The diary's "Cramp now" button and morning check-in (issue 4).
        "diary_home": diary_service.home_cards(
            session, actor=patient, patient_id=patient.id, now=now
        ),
        # The goal and next visit the practitioner set (issue 9).
        "course": course.course_of(session, actor=patient, patient_id=patient.id),
        # A calm "see a doctor" banner while a red flag holds (issue 10).
        "guidance": red_flags.guidance_for(session, actor=patient, now=now),
    }
    if errors:
        # A one-tap button has nothing typed to put back.
        return forms.rerender(request, HOME, context, values={}, errors=errors, block="tonight")
    context.update(values={}, errors={})
    return render(request, HOME, context, block="tonight")


def _guide(request, session, patient, profile, now, item_id, *, values=None, errors=None):
    guide = tonight.guide_for(
        session, actor=patient, patient_id=patient.id, item_id=item_id, now=now
    )
    context = {
        "guide": guide,
        "client_id": (values or {}).get("client_id") or uuid.uuid4(),
    }
    if errors:
        return forms.rerender(
            request, GUIDE, context, values=values or {}, errors=errors, block="record_form"
        )
    context.update(values={}, errors={})
    return render(request, GUIDE, context, block="record_form")


def _done(request: Request, session, patient, profile, now):
    if is_fragment_request(request):
        return _home(request, session, patient, profile, now)
    return RedirectResponse(request.url_for("patient.home").path, status_code=303)


@router.get("/", name="patient.home")
def show_tonight(
    request: Request,
    session: SessionDep,
    patient: CurrentPatient,
    profile: CurrentProfile,
    now: NowDep,
):
    return _home(request, session, patient, profile, now)


@router.get("/plan-items/{item_id}/guide", name="patient.guide")
def show_guide(
    request: Request,
    session: SessionDep,
    patient: CurrentPatient,
    profile: CurrentProfile,
    now: NowDep,
    item_id: EntityId,
):
    return _guide(request, session, patient, profile, now, item_id)


@router.post("/plan-items/{item_id}/completions", name="patient.record_completion")
def record_completion(
    request: Request,
    session: SessionDep,
    patient: CurrentPatient,
    profile: CurrentProfile,
    now: NowDep,
    item_id: EntityId,
    form: forms.FormDataDep,
):
    result = forms.validate(CompletionForm, form)
    errors = result.errors
    if result.ok:
        data = result.data
        try:
            completions.record_completion(
                session,
                actor=patient,
                item_id=item_id,
                client_id=data.client_id,
                day=data.day,
                now=now,
                values={"sets": data.sets, "minutes": data.minutes, "reps": data.reps},
            )
        except InvalidInput as invalid:
            errors = invalid.errors
        else:
            return _done(request, session, patient, profile, now)
    if result.values.get("view") == "guide":
        return _guide(
            request,
            session,
            patient,
            profile,
            now,
            item_id,
            values=result.values,
            errors=errors,
        )
    return _home(
        request,
        session,
        patient,
        profile,
        now,
        errors=_for_one_tap(errors),
        error_item=item_id,
    )


@router.post("/plan-items/{item_id}/undo", name="patient.undo_completion")
def undo_completion(
    request: Request,
    session: SessionDep,
    patient: CurrentPatient,
    profile: CurrentProfile,
    now: NowDep,
    item_id: EntityId,
    form: forms.FormDataDep,
):
    result = forms.validate(UndoForm, form)
    errors = result.errors
    if result.ok:
        try:
            completions.undo_completion(
                session,
                actor=patient,
                item_id=item_id,
                day=result.data.day,
                now=now,
            )
        except InvalidInput as invalid:
            errors = invalid.errors
        else:
            return _done(request, session, patient, profile, now)
    return _home(
        request,
        session,
        patient,
        profile,
        now,
        errors=_for_one_tap(errors),
        error_item=item_id,
    )


def _for_one_tap(errors: dict) -> dict:
    """A one-tap button has no fields to point at: one message for the routine."""
    message = next(iter(errors.values()), None) or N_("That could not be saved.")
    return {"item": message}
