"""Turning failures into answers: translated pages for people, JSON under /api/.

Every error under /api/ has one shape, whatever its status:
``{"error": <translated title>, "fields": [{"field": ..., "message": <translated>}]}``
(``fields`` is empty unless particular fields were wrong). Nothing here ever
shows a stack trace or SQL; unexpected errors are logged with their traceback
and answered with a calm, generic page.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.routing import iter_route_contexts
from starlette.exceptions import HTTPException as StarletteHTTPException

from app import i18n
from app.deps import SignInRequired
from app.forms import field_errors
from app.i18n import N_, Message
from app.services.consent import ConsentRequired, IntakeRequired
from app.services.errors import NotAllowed, NotFound
from app.templating import is_fragment_request, locale_of, render

log = logging.getLogger("tsuranai")

TITLES = {
    400: N_("That request could not be read"),
    401: N_("Please sign in"),
    403: N_("This page is not for your account"),
    404: N_("Page not found"),
    405: N_("That action is not available here"),
    409: N_("That entry id was already used for a different entry"),
    410: N_("That entry was deleted"),
    413: N_("That is more than we can accept"),
    422: N_("Some of that could not be understood"),
    429: N_("Too many attempts"),
    500: N_("Something went wrong on our side"),
}
DETAILS = {
    400: N_("Please go back and try again."),
    401: N_("Your session has ended. Please sign in again."),
    403: N_("You are signed in, but this page belongs to another kind of account."),
    404: N_("The page may have moved, or the link may be incomplete."),
    405: N_("Please go back and try again."),
    409: N_("Please go back and try again."),
    410: N_("Please go back and try again."),
    413: N_("Please send something smaller."),
    422: N_("Please go back, check what you entered and try again."),
    429: N_("Please wait a while before trying again."),
    500: N_("We have been told about it. Please try again in a moment."),
}


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def api_error_body(
    locale: str,
    status: int,
    *,
    title: str | None = None,
    fields: Mapping[str, str | Message] | None = None,
) -> dict[str, Any]:
    """The one JSON error shape of the API, translated into ``locale``."""
    title = title or TITLES.get(status, TITLES[500] if status >= 500 else TITLES[400])
    return {
        "error": i18n.gettext(locale, title),
        "fields": [
            {"field": name, "message": i18n.translate(locale, message)}
            for name, message in (fields or {}).items()
        ],
    }


def api_error(
    request: Request,
    status: int,
    *,
    title: str | None = None,
    fields: Mapping[str, str | Message] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    return JSONResponse(
        api_error_body(locale_of(request), status, title=title, fields=fields),
        status_code=status,
        headers=headers,
    )


class _RequestErrors:
    """A request's validation errors as forms.field_errors reads them: locations
    without the leading "body", "query" or "path"."""

    def __init__(self, error: RequestValidationError) -> None:
        self._items = [
            {**item, "loc": tuple(item["loc"][1:]) if len(item["loc"]) > 1 else item["loc"]}
            for item in error.errors()
        ]

    def errors(self) -> list[dict[str, Any]]:
        return self._items


FORM_EXPIRED_TITLE = N_("This form could not be sent")
FORM_EXPIRED_DETAIL = N_(
    "For your safety, forms expire. Please go back, reload the page and try again."
)


def error_response(
    request: Request,
    status: int,
    *,
    title: str | None = None,
    detail: str | None = None,
    headers: dict[str, str] | None = None,
):
    title = title or TITLES.get(status, TITLES[500] if status >= 500 else TITLES[400])
    if is_api(request):
        return api_error(request, status, title=title, headers=headers)
    if is_fragment_request(request):
        # htmx swaps error responses too; an error belongs in the page's main area,
        # not inside whatever list or form the request meant to update.
        headers = {**(headers or {}), "HX-Retarget": "#main", "HX-Reswap": "innerHTML"}
    return render(
        request,
        "errors/error.html",
        {"status": status, "title": title, "detail": detail or DETAILS.get(status, DETAILS[400])},
        block="content",
        status_code=status,
        headers=headers,
    )


CONSENT_TITLE = N_("Consent needed")
CONSENT_DETAIL = N_(
    "Nothing was stored: the patient has not agreed to the current consent to store "
    "health data, or has withdrawn it."
)


def _onboarding_step(request: Request, name: str):
    """Send a patient who skipped an onboarding step (by URL, or an old form) to it.
    Nothing of the request was stored; the page says why it is shown."""
    target = request.url_for(name).path + "?required=1"
    if is_fragment_request(request):
        return Response(status_code=200, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


def allowed_methods(request: Request) -> str:
    """Every method the path answers, for a 405's Allow header (RFC 9110). Starlette
    names only the first route that matched the path, but a path such as /api/v1/cramps
    is served by one route per method."""
    path = request.scope.get("path", "")
    methods: set[str] = set()
    for route in iter_route_contexts(request.app.routes):
        pattern = getattr(route, "path_regex", None)
        if pattern is not None and pattern.match(path):
            methods |= route.methods or set()
    return ", ".join(sorted(methods))


def install(app: FastAPI) -> None:
    @app.exception_handler(SignInRequired)
    async def _sign_in(request: Request, _exc: SignInRequired):
        if is_api(request) or request.method not in {"GET", "HEAD"}:
            return error_response(request, 401)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        login = request.url_for("auth.login").path
        return RedirectResponse(f"{login}?next={quote(target)}", status_code=303)

    @app.exception_handler(ConsentRequired)
    async def _consent_required(request: Request, exc: ConsentRequired):
        if is_api(request):
            locale = locale_of(request)
            # The API's one error shape, plus what names the missing consent.
            body = api_error_body(locale, 403, title=CONSENT_TITLE)
            body.update(
                detail=i18n.gettext(locale, CONSENT_DETAIL),
                missing_consent=exc.consent,
                consent_version=exc.version,
                consent_url=request.url_for("onboarding.consent").path,
            )
            return JSONResponse(body, status_code=403)
        return _onboarding_step(request, "onboarding.consent")

    @app.exception_handler(IntakeRequired)
    async def _intake_required(request: Request, _exc: IntakeRequired):
        return _onboarding_step(request, "onboarding.intake")

    @app.exception_handler(NotAllowed)
    async def _not_allowed(request: Request, _exc: NotAllowed):
        return error_response(request, 403)

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, _exc: NotFound):
        return error_response(request, 404)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        headers = getattr(exc, "headers", None)
        if exc.status_code == 405:
            headers = {**(headers or {}), "Allow": allowed_methods(request)}
        return error_response(request, exc.status_code, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        if is_api(request):
            return api_error(request, 422, fields=field_errors(_RequestErrors(exc)))
        return error_response(request, 422)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return error_response(request, 500)
