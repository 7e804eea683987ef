"""Rendering pages and their htmx fragments from one template.

The fragment rule lives here and nowhere else: a request gets just the named
block when htmx asked for it (``HX-Request``) and it is neither a boosted
navigation nor a history restore, which both need the whole page.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_datetime, format_time
from jinja2 import pass_context
from jinja2_fragments.fastapi import Jinja2Blocks
from starlette.requests import Request
from starlette.responses import HTMLResponse

from app import i18n
from app.security import CSRF_FIELD, CSRF_HEADER

PROJECT_DIR = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = PROJECT_DIR / "templates"
STATIC_DIR = PROJECT_DIR / "static"


def locale_of(request: Request) -> str:
    return getattr(request.state, "locale", i18n.DEFAULT)


def is_fragment_request(request: Request) -> bool:
    headers = request.headers
    return (
        headers.get("hx-request") == "true"
        and headers.get("hx-boosted") != "true"
        and headers.get("hx-history-restore-request") != "true"
    )


@pass_context
def _gettext(context, message: str, **variables) -> str:
    return i18n.gettext(locale_of(context["request"]), message, **variables)


@pass_context
def _ngettext(context, singular: str, plural: str, n: int, **variables) -> str:
    return i18n.ngettext(locale_of(context["request"]), singular, plural, n, **variables)


@pass_context
def _csrf_token(context) -> str:
    # Absent only on the error page for a body too malformed to check.
    return context["request"].scope.get("csrftoken", str)()


@pass_context
def _format_date(context, value: date | datetime, format: str = "medium") -> str:
    return format_date(value, format=format, locale=locale_of(context["request"]))


@pass_context
def _format_time(context, value: time | datetime, format: str = "short") -> str:
    return format_time(value, format=format, locale=locale_of(context["request"]))


@pass_context
def _format_datetime(context, value: datetime, format: str = "medium") -> str:
    tzinfo = getattr(value, "tzinfo", None)
    return format_datetime(
        value, format=format, tzinfo=tzinfo, locale=locale_of(context["request"])
    )


@pass_context
def _url_for(context, name: str, /, **path_params) -> str:
    """A site-relative URL: correct behind any proxy, whatever scheme it speaks."""
    return context["request"].url_for(name, **path_params).path


@pass_context
def _translate(context, message: str) -> str:
    return i18n.translate(locale_of(context["request"]), message)


ROLE_NAMES = {
    "patient": i18n.N_("Patient"),
    "practitioner": i18n.N_("Practitioner"),
    "admin": i18n.N_("Clinic admin"),
}


@lru_cache(maxsize=256)
def _fingerprint(path: str) -> str:
    return hashlib.sha256((STATIC_DIR / path).read_bytes()).hexdigest()[:12]


@pass_context
def _static(context, path: str) -> str:
    """A static file's URL with its content hash, so caches never serve a stale copy."""
    url = context["request"].url_for("static", path=path).path
    return f"{url}?v={_fingerprint(path)}"


def make_templates() -> Jinja2Blocks:
    templates = Jinja2Blocks(directory=str(TEMPLATES_DIR))
    env = templates.env
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)
    env.trim_blocks = True
    env.lstrip_blocks = True
    env.globals.update(
        url_for=_url_for,
        csrf_token=_csrf_token,
        csrf_field=CSRF_FIELD,
        csrf_header=CSRF_HEADER,
        static=_static,
        languages=i18n.LANGUAGE_NAMES,
        role_names=ROLE_NAMES,
    )
    env.filters.update(
        t=_translate, date=_format_date, time=_format_time, datetime=_format_datetime
    )
    return templates


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    block: str | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """Render ``template``, or only ``block`` of it for an htmx fragment request."""
    templates: Jinja2Blocks = request.app.state.templates
    values = {"locale": locale_of(request), "user": getattr(request.state, "user", None)}
    values.update(context or {})
    kwargs: dict[str, Any] = {}
    if block and is_fragment_request(request):
        kwargs["block_name"] = block
    response = templates.TemplateResponse(
        request, template, values, status_code=status_code, headers=headers, **kwargs
    )
    if block:
        response.headers.append("Vary", "HX-Request")
    return response
