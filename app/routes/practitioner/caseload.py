"""The practitioner's caseload: one row per patient they care for, sortable and
filterable; the table is also its own htmx fragment."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode

from fastapi import APIRouter, Request

from app.db import SessionDep
from app.deps import CurrentPractitioner, NowDep
from app.services import caseload
from app.templating import render

router = APIRouter()


def _query(request: Request) -> caseload.CaseloadQuery:
    params = request.query_params
    try:
        sort = caseload.SortKey(params.get("sort", caseload.SortKey.NAME.value))
    except ValueError:
        sort = caseload.SortKey.NAME
    page = params.get("page", "1")
    return caseload.CaseloadQuery(
        search=params.get("q", "")[:100],
        attention_only=params.get("attention") == "1",
        sort=sort,
        descending=params.get("desc") == "1",
        # Anything but a page number shows the first page (the service keeps it in range).
        page=int(page) if page.isdigit() and len(page) < 6 else 1,
    )


def query_string(query: caseload.CaseloadQuery, **changes) -> str:
    """The caseload's URL query for ``query`` with ``changes``: what _query reads back.
    A new sort starts again at the first page."""
    q = replace(query, **changes)
    params = {"sort": caseload.SortKey(q.sort).value}
    if q.descending:
        params["desc"] = "1"
    if q.search:
        params["q"] = q.search
    if q.attention_only:
        params["attention"] = "1"
    if q.page and q.page > 1:
        params["page"] = str(q.page)
    return "?" + urlencode(params)


@router.get("", name="practitioner.home")
def show_caseload(
    request: Request, session: SessionDep, practitioner: CurrentPractitioner, now: NowDep
):
    view = caseload.caseload(session, actor=practitioner, now=now, query=_query(request))
    return render(
        request,
        "practitioner/home.html",
        {"view": view, "query_string": query_string},
        block="caseload",
    )
