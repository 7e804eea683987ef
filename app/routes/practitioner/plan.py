"""The plan editor for one patient: each routine on or off, its time, dose and
frequency, changed from a chosen date."""

from __future__ import annotations

from datetime import time
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel

from app import forms
from app.db import SessionDep
from app.deps import CurrentPractitioner, NowDep
from app.domain.schedule import Cadence
from app.routes.params import EntityId, LocalDate
from app.services import plan_editor
from app.services.errors import InvalidInput
from app.templating import render

router = APIRouter()

Optional = Annotated[int | None, forms.Blank]


class RoutineForm(BaseModel):
    effective_from: LocalDate
    enabled: bool = False
    at_time: Annotated[time | None, forms.Blank] = None
    offset_minutes: Optional = None
    cadence: Annotated[Cadence | None, forms.Blank] = None
    weekdays: list[int] = []
    per_week_min: Optional = None
    per_week_max: Optional = None
    sets: Optional = None
    hold_seconds: Optional = None
    rest_seconds: Optional = None
    reps: Optional = None
    minutes: Optional = None
    massage_minutes: Optional = None
    glasses: Optional = None


PAGE = "practitioner/plan.html"


def _context(session, practitioner, patient_id, now, **extra) -> dict:
    editor = plan_editor.plan_editor(session, actor=practitioner, patient_id=patient_id, now=now)
    return {"editor": editor, "errors": {}, "values": {}, "failed": None, "saved": None, **extra}


def _page(request, session, practitioner, patient_id, now, **extra):
    return render(request, PAGE, _context(session, practitioner, patient_id, now, **extra))


@router.get("/patients/{patient_id}/plan", name="practitioner.plan")
def show_plan(
    request: Request,
    session: SessionDep,
    practitioner: CurrentPractitioner,
    now: NowDep,
    patient_id: EntityId,
    saved: str | None = None,
):
    return _page(request, session, practitioner, patient_id, now, saved=saved)


@router.post("/patients/{patient_id}/plan/{routine}", name="practitioner.change_routine")
def change_routine(
    request: Request,
    session: SessionDep,
    practitioner: CurrentPractitioner,
    now: NowDep,
    patient_id: EntityId,
    routine: str,
    form: forms.FormDataDep,
):
    parsed = forms.validate(RoutineForm, form, lists=("weekdays",))
    try:
        if not parsed.ok:
            raise InvalidInput(parsed.errors)
        data = parsed.data
        plan_editor.change_routine(
            session,
            actor=practitioner,
            patient_id=patient_id,
            routine=routine,
            change=plan_editor.RoutineChange(
                effective_from=data.effective_from,
                enabled=data.enabled,
                at_time=data.at_time,
                offset_minutes=data.offset_minutes,
                cadence=data.cadence,
                weekdays=frozenset(d for d in data.weekdays if 1 <= d <= 7),
                per_week_min=data.per_week_min,
                per_week_max=data.per_week_max,
                dose={name: getattr(data, name) for name in plan_editor.DOSE_LIMITS},
            ),
            now=now,
        )
    except InvalidInput as invalid:
        session.rollback()
        context = _context(session, practitioner, patient_id, now, failed=routine)
        return forms.rerender(request, PAGE, context, values=parsed.values, errors=invalid.errors)
    url = request.url_for("practitioner.plan", patient_id=patient_id).path
    return RedirectResponse(f"{url}?saved={routine}#routine-{routine}", status_code=303)
