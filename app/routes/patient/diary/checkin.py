"""The morning check-in: "How was last night?", on its own page and as the home card."""

from __future__ import annotations

import uuid
from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from app import forms
from app.db import SessionDep
from app.deps import CurrentPatient, CurrentProfile, NowDep
from app.domain.checkins import parse_answer
from app.forms import FormDataDep
from app.i18n import N_, Message
from app.routes.patient.diary.cramps import form_values, local_path
from app.services.checkins import CheckinCard, answer_checkin, checkin_card
from app.services.diary import DiaryHome
from app.services.errors import InvalidInput, field_messages
from app.templating import is_fragment_request, render

# Pages, not API: kept out of the OpenAPI schema.
router = APIRouter(include_in_schema=False)


def _checkin_page(request: Request, card: CheckinCard | None, *, values=None, errors=None):
    context = {"diary_home": DiaryHome(cramp_client_id=uuid.uuid4(), checkin=card)}
    template = "patient/diary/checkin.html"
    if errors:
        return forms.rerender(
            request,
            template,
            context,
            values=values or {},
            errors=errors,
            block="morning_checkin",
            prefix="checkin_",
        )
    context.update(checkin_values={}, checkin_errors={})
    return render(request, template, context, block="morning_checkin")


@router.get("/diary/checkin", name="diary.checkin")
def show_checkin(
    request: Request,
    session: SessionDep,
    patient: CurrentPatient,
    profile: CurrentProfile,
    now: NowDep,
):
    card = checkin_card(session, actor=patient, patient_id=patient.id, now=now)
    return _checkin_page(request, card)


@router.post("/diary/checkin", name="diary.answer_checkin")
def answer(
    request: Request,
    session: SessionDep,
    patient: CurrentPatient,
    profile: CurrentProfile,
    now: NowDep,
    form: FormDataDep,
):
    values = form_values(form)
    fields, problems = parse_answer(values)
    errors = field_messages(problems)
    try:
        evening = date.fromisoformat(str(values.get("evening") or ""))
    except ValueError:
        evening = None
        errors.setdefault("answer", Message(N_("This form has expired; please try again.")))
    errors.update(forms.nul_errors(form))
    if not errors:
        try:
            answer_checkin(
                session,
                actor=patient,
                evening=evening,
                fields=fields,
                now=now,
            )
        except InvalidInput as problem:
            errors = {"answer": next(iter(problem.errors.values()))}
    card = checkin_card(session, actor=patient, patient_id=patient.id, now=now)
    if errors:
        if card is None and evening is not None:
            card = CheckinCard(evening, None)
        return _checkin_page(request, card, values=values, errors=errors)
    if not is_fragment_request(request):
        fallback = request.url_for("diary.checkin").path
        return RedirectResponse(local_path(values.get("next"), fallback), status_code=303)
    return _checkin_page(request, card)
