"""One patient's page, notes and course of care, for their practitioner."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel

from app import forms
from app.db import SessionDep
from app.deps import CurrentPractitioner, NowDep
from app.routes.params import EntityId, LocalDate, is_sane_date
from app.routes.practitioner import flags
from app.services import casefile, course, notes
from app.services.errors import InvalidInput
from app.templating import render

router = APIRouter()

PAGE = "practitioner/patient.html"


class NoteForm(BaseModel):
    body: str = ""
    for_referral: bool = False


class CourseForm(BaseModel):
    # The service owns the limit (course.MAX_GOAL_LENGTH): one message for any long goal.
    goal: str = ""
    next_visit: Annotated[LocalDate | None, forms.Blank] = None


def _month(value: str | None) -> date | None:
    try:
        first = date.fromisoformat(f"{value}-01") if value else None
    except ValueError:
        return None
    return first if first is None or is_sane_date(first) else None


def _page(request, session, practitioner, patient_id, now, *, month=None, mistake=None):
    """The patient's page; ``mistake`` is (form prefix, values, errors) for a form sent
    back with what was typed."""
    context = {
        "file": casefile.casefile(
            session, actor=practitioner, patient_id=patient_id, month=month, now=now
        ),
        "note_values": {},
        "note_errors": {},
        "course_values": None,
        "course_errors": {},
    }
    # Red flags with their evidence and review forms (issue 10).
    context.update(flags.flags_context(session, practitioner, patient_id, now))
    if mistake is not None:
        prefix, values, errors = mistake
        return forms.rerender(
            request,
            PAGE,
            context,
            values=values,
            errors=errors,
            block="patient_calendar",
            prefix=prefix,
        )
    return render(request, PAGE, context, block="patient_calendar")


@router.get("/patients/{patient_id}", name="practitioner.patient")
def show_patient(
    request: Request,
    session: SessionDep,
    practitioner: CurrentPractitioner,
    now: NowDep,
    patient_id: EntityId,
    month: str | None = None,
):
    return _page(request, session, practitioner, patient_id, now, month=_month(month))


def _back(request: Request, patient_id: int, anchor: str) -> RedirectResponse:
    url = request.url_for("practitioner.patient", patient_id=patient_id).path
    return RedirectResponse(f"{url}#{anchor}", status_code=303)


@router.post("/patients/{patient_id}/notes", name="practitioner.add_note")
def add_note(
    request: Request,
    session: SessionDep,
    practitioner: CurrentPractitioner,
    now: NowDep,
    patient_id: EntityId,
    form: forms.FormDataDep,
):
    parsed = forms.validate(NoteForm, form)
    try:
        if not parsed.ok:
            raise InvalidInput(parsed.errors)
        notes.add_note(
            session,
            actor=practitioner,
            patient_id=patient_id,
            body=parsed.data.body,
            for_referral=parsed.data.for_referral,
            now=now,
        )
    except InvalidInput as invalid:
        session.rollback()
        return _page(
            request,
            session,
            practitioner,
            patient_id,
            now,
            mistake=("note_", parsed.values, invalid.errors),
        )
    return _back(request, patient_id, "notes")


@router.post("/patients/{patient_id}/course", name="practitioner.set_course")
def set_course(
    request: Request,
    session: SessionDep,
    practitioner: CurrentPractitioner,
    now: NowDep,
    patient_id: EntityId,
    form: forms.FormDataDep,
):
    parsed = forms.validate(CourseForm, form)
    try:
        if not parsed.ok:
            raise InvalidInput(parsed.errors)
        course.set_course(
            session,
            actor=practitioner,
            patient_id=patient_id,
            goal=parsed.data.goal,
            next_visit=parsed.data.next_visit,
            now=now,
        )
    except InvalidInput as invalid:
        session.rollback()
        return _page(
            request,
            session,
            practitioner,
            patient_id,
            now,
            mistake=("course_", parsed.values, invalid.errors),
        )
    return _back(request, patient_id, "course")
