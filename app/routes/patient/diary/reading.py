"""Reading the diary back: month calendar, one night, the entry list, 12 months, insights."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request

from app.db import SessionDep
from app.deps import CurrentPatient, CurrentProfile, NowDep
from app.domain import cramps as rules
from app.routes.params import LocalDate, is_sane_date
from app.services import insights as insight_service
from app.services import timeline
from app.templating import render

# Pages, not API: kept out of the OpenAPI schema.
router = APIRouter(include_in_schema=False)


def _month(text: str | None, today: date) -> date:
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        first = date(year, month, 1)
    except ValueError:
        return today.replace(day=1)
    return first if is_sane_date(first, today) else today.replace(day=1)


@router.get("/diary", name="diary.timeline")
def show_timeline(
    request: Request,
    session: SessionDep,
    patient: CurrentPatient,
    profile: CurrentProfile,
    now: NowDep,
    month: str | None = None,
    deleted: bool = False,
):
    today = now.astimezone(ZoneInfo(profile.time_zone)).date()
    view = timeline.month_view(
        session, actor=patient, patient_id=patient.id, month=_month(month, today), now=now
    )
    page = timeline.entry_page(session, actor=patient, patient_id=patient.id, cursor=None)
    return render(
        request,
        "patient/diary/timeline.html",
        {"view": view, "page": page, "deleted": deleted},
        block="diary_calendar",
    )


@router.get("/diary/entries", name="diary.entries")
def show_entries(
    request: Request,
    session: SessionDep,
    patient: CurrentPatient,
    profile: CurrentProfile,
    after: str | None = None,
):
    page = timeline.entry_page(session, actor=patient, patient_id=patient.id, cursor=after)
    return render(request, "patient/diary/entries.html", {"page": page}, block="entry_items")


@router.get("/diary/nights/{evening}", name="diary.night")
def show_night(
    request: Request,
    session: SessionDep,
    patient: CurrentPatient,
    profile: CurrentProfile,
    now: NowDep,
    evening: LocalDate,
):
    detail = timeline.night_detail(
        session, actor=patient, patient_id=patient.id, evening=evening, now=now
    )
    return render(request, "patient/diary/night.html", {"detail": detail}, block="night_detail")


@router.get("/diary/year", name="diary.year")
def show_year(
    request: Request,
    session: SessionDep,
    patient: CurrentPatient,
    profile: CurrentProfile,
    now: NowDep,
):
    months = timeline.year_overview(session, actor=patient, patient_id=patient.id, now=now)
    return render(request, "patient/diary/year.html", {"months": months})


@router.get("/diary/insights", name="diary.insights")
def show_insights(
    request: Request,
    session: SessionDep,
    patient: CurrentPatient,
    profile: CurrentProfile,
    now: NowDep,
):
    insights = insight_service.insights_for(session, actor=patient, patient_id=patient.id, now=now)
    return render(
        request,
        "patient/diary/insights.html",
        {"insights": insights, "situations": rules.SITUATION_LABELS},
    )
