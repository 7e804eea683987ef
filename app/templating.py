"""Rendering pages and their htmx fragments from one template.

The fragment rule lives here and nowhere else: a request gets just the named
block when htmx asked for it (``HX-Request``) and it is neither a boosted
navigation nor a history restore, which both need the whole page.
"""

from __future__ import annotations

from datetime import date, datetime, time
from functools import lru_cache
from typing import Any

from babel.dates import format_date, format_datetime, format_time
from jinja2 import pass_context
from jinja2_fragments.fastapi import Jinja2Blocks
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse

from app import i18n
from app.domain.catalogue import ROUTINE_NAMES
from app.resources import STATIC_DIR as STATIC_DIR
from app.resources import TEMPLATES_DIR as TEMPLATES_DIR
from app.security import CSRF_FIELD, CSRF_HEADER
from app.static_files import fingerprint


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


@lru_cache(maxsize=len(i18n.SUPPORTED))
def _bound_gettext(locale: str) -> dict[str, Any]:
    """gettext and ngettext already bound to one language's catalog.

    ``render`` puts them in each page's context, where they take precedence over the
    environment's callables: a page translates a few hundred strings, and looking the
    request's language up again for each one was a fifth of the page's cost. They
    format exactly as Jinja's "newstyle" callables do (escape, then ``%``).
    """
    catalog = i18n.translations(locale)

    def gettext(message: str, /, **variables) -> str:
        text = catalog.gettext(message)
        # The catalog is our own text, trusted as Jinja trusts it; values are escaped.
        if not variables and "%" not in text:
            return Markup(text)  # noqa: S704 - most messages: nothing to format
        return Markup(text) % variables  # noqa: S704

    def ngettext(singular: str, plural: str, n: int, /, **variables) -> str:
        variables.setdefault("num", n)
        return Markup(catalog.ngettext(singular, plural, n)) % variables  # noqa: S704

    # "_" too: Jinja's own alias would look "gettext" up again on every call.
    return {"gettext": gettext, "_": gettext, "ngettext": ngettext}


@lru_cache(maxsize=len(i18n.SUPPORTED))
def _routine_names(locale: str) -> dict[str, str]:
    """Every routine's name in one language (app.domain.catalogue.ROUTINE_NAMES), made
    once per language: a page names each routine several times."""
    gettext = _bound_gettext(locale)["gettext"]
    return {routine.value: gettext(message) for routine, message in ROUTINE_NAMES.items()}


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


class RoutePaths:
    """Route paths, each built once: Starlette's url_path_for walks the whole route
    table on every call, and a page asks for dozens of URLs."""

    def __init__(self, router) -> None:
        self._router = router
        self._cache: dict[tuple, str] = {}

    def path(self, name: str, params: dict[str, Any]) -> str:
        key = (name, *sorted(params.items()))
        found = self._cache.get(key)
        if found is None:
            found = str(self._router.url_path_for(name, **params))
            # Ids in paths are bounded by what one clinic has; the cap is a guard.
            if len(self._cache) < 20_000:
                self._cache[key] = found
        return found


def path_for(request: Request, name: str, /, **path_params) -> str:
    """A site-relative URL: correct behind any proxy, whatever scheme it speaks."""
    paths: RoutePaths | None = getattr(request.app.state, "route_paths", None)
    if paths is None:
        return request.url_for(name, **path_params).path
    return request.scope.get("root_path", "") + paths.path(name, path_params)


@pass_context
def _url_for(context, name: str, /, **path_params) -> str:
    return path_for(context["request"], name, **path_params)


@pass_context
def _translate(context, message: str) -> str:
    return i18n.translate(locale_of(context["request"]), message)


ROLE_NAMES = {
    "patient": i18n.N_("Patient"),
    "practitioner": i18n.N_("Practitioner"),
    "admin": i18n.N_("Clinic admin"),
}


@pass_context
def _static(context, path: str) -> str:
    """A static file's URL with its content hash, so caches never serve a stale copy."""
    return f"{path_for(context['request'], 'static', path=path)}?v={fingerprint(STATIC_DIR, path)}"


def make_templates(*, auto_reload: bool = False) -> Jinja2Blocks:
    """The app's templates. ``auto_reload`` (development) re-reads a template when its
    file changes; elsewhere each template is compiled once and its files never stat'ed
    again on a request."""
    templates = Jinja2Blocks(directory=str(TEMPLATES_DIR))
    env = templates.env
    env.auto_reload = auto_reload
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
        routine_names_in=_routine_names,
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
    locale = locale_of(request)
    values = {"locale": locale, "user": getattr(request.state, "user", None)}
    if template.endswith(".html"):  # autoescaped, as the bound callables assume
        values.update(_bound_gettext(locale))
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
