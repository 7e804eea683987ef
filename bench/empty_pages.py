"""The app with two pages that show nothing, for what bounds a page's speed.

Both sit behind the patient router's own gates (the session lookup, consent and the
questionnaire, the theme), under every middleware of the app. ``/patient/bench-gates``
answers a constant; ``/patient/bench-layout`` renders the app's layout (base.html:
head, navigation, language switch, notices) around no content. Whatever a patient
page shows costs more than these: ``make bench`` sets them beside the home screen,
and ``bench.instructions`` counts them. Served only by the benchmarks.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, DictLoader

from app.config import Settings
from app.main import create_app as create_real_app
from app.routes.patient import router as patient_router
from app.templating import render

GATES = "/patient/bench-gates"
LAYOUT = "/patient/bench-layout"
_EMPTY = "bench/empty.html"


def _empty_layout(request: Request) -> HTMLResponse:
    return render(request, _EMPTY)


def _constant() -> HTMLResponse:
    return HTMLResponse("<p>ok</p>")


def create_app(settings: Settings | None = None, **options) -> FastAPI:
    app = create_real_app(settings, **options)
    env = app.state.templates.env
    env.loader = ChoiceLoader([DictLoader({_EMPTY: '{% extends "base.html" %}'}), env.loader])
    pages = APIRouter(dependencies=patient_router.dependencies)
    pages.add_api_route(GATES, _constant, methods=["GET"])
    pages.add_api_route(LAYOUT, _empty_layout, methods=["GET"])
    app.include_router(pages)
    return app
