"""ASGI middleware: security and cache headers, a first guess at language, the
request's day, body limits, and the CSRF check. Pure ASGI, so nothing here reads a
body it does not have to, and context variables reach the handlers."""

from __future__ import annotations

import json
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl

from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.requests import Request

from app import asgi_body, errors, i18n
from app.clock import request_day
from app.config import Settings
from app.forms import NUL_MESSAGE
from app.security import LOCALE_COOKIE, csrf_protect
from app.templating import locale_of

# Nothing a patient or a clinic sends comes near this; anything bigger is refused
# before it is read, so it costs neither memory nor a database connection.
MAX_BODY_BYTES = 1024 * 1024
STATIC_PREFIX = "/static/"

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class SecurityHeaders:
    def __init__(self, app, *, hsts: bool) -> None:
        self.app = app
        self.headers = [
            (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"same-origin"),
            (b"x-frame-options", b"DENY"),
            (b"cross-origin-opener-policy", b"same-origin"),
            (
                b"permissions-policy",
                b"camera=(), microphone=(), geolocation=(), payment=(), screen-wake-lock=(self)",
            ),
        ]
        if hsts:
            self.headers.append(
                (b"strict-transport-security", b"max-age=63072000; includeSubDomains")
            )

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        # Health data must not stay in a shared cache or the back/forward cache after
        # sign-out: every answer but a static file is no-store unless it says otherwise.
        dynamic = not scope["path"].startswith(STATIC_PREFIX)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in self.headers if n not in present]
                if dynamic and b"cache-control" not in present:
                    extra.append((b"cache-control", b"no-store"))
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class GuessLocale:
    """Sets ``request.state.locale`` before any handler runs, from the language switch's
    cookie or Accept-Language; signing in refines it with the user's own setting."""

    def __init__(self, app, *, default: str) -> None:
        self.app = app
        self.default = default

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            headers = dict(scope.get("headers") or [])
            cookie = SimpleCookie()
            try:
                cookie.load(headers.get(b"cookie", b"").decode("latin-1"))
            except Exception:
                cookie = SimpleCookie()
            chosen = cookie.get(LOCALE_COOKIE)
            scope.setdefault("state", {})["locale"] = i18n.choose_locale(
                user_setting=None,
                cookie=chosen.value if chosen else None,
                accept_language=headers.get(b"accept-language", b"").decode("latin-1"),
                default=self.default,
            )
        await self.app(scope, receive, send)


class RequestDay:
    """Sets ``app.clock.request_day`` from the app's clock for the whole request, so
    that a date parameter can be checked against "today" (app.routes.params)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = request_day.set(scope["app"].state.clock().date())
        try:
            await self.app(scope, receive, send)
        finally:
            request_day.reset(token)


async def answer_error(scope, send, status: int, **texts: str) -> None:
    """The app's own translated error answer (page or JSON), from outside the app."""
    scope = {**scope}
    scope.setdefault("router", scope["app"].router)
    request = Request(scope, _no_body)
    response = errors.error_response(request, status, **texts)
    await response(scope, _no_body, send)


async def _no_body():
    return {"type": "http.request", "body": b"", "more_body": False}


class BodyTooLarge(HTTPException):
    def __init__(self) -> None:
        super().__init__(status_code=413)


class LimitBody:
    """413 for a body over ``max_bytes``: at once when Content-Length says so, and as
    soon as a streamed (chunked) body passes the limit otherwise.

    Whoever reads too far gets BodyTooLarge: inside FastAPI it is an HTTPException,
    answered by app.errors; raised while a middleware reads (the CSRF check reads
    forms), it arrives here and is answered the same way.
    """

    def __init__(self, app, *, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            status = 400 if not declared.isdigit() else 413
            await answer_error(scope, send, status)
            return
        received = 0
        started = False

        async def counted_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge
            return message

        async def watched_send(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except BodyTooLarge:
            if started:
                raise
            await answer_error(scope, send, 413)


_FORM_BODIES = (b"application/x-www-form-urlencoded", b"multipart/form-data")
_TEXT_BODIES = (*_FORM_BODIES, b"application/json")


class RejectNul:
    """422 for a NUL character in the query or in any text field of a form or JSON
    body, before a handler sees it: PostgreSQL cannot store it in text, so it would
    fail at the database after the rest of the work was done.

    The body is read here (LimitBody, further out, bounds it) and replayed to the app.
    Tsuranai takes no file uploads, so a NUL anywhere in a multipart body is in text.

    An HTML form (outside ``/api/``) passes through: ``app.forms.read_form`` takes the
    NUL out and the handler shows the form again with the message and what was typed
    (a handler reading such a field raw gets a bare 422 instead, see app.forms).
    """

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        fields = _nul_fields_in_query(scope.get("query_string", b""))
        content_type = dict(scope.get("headers") or []).get(b"content-type", b"")
        media_type = content_type.split(b";", 1)[0].strip().lower()
        is_json = media_type == b"application/json" or media_type.endswith(b"+json")
        html_form = media_type in _FORM_BODIES and not scope["path"].startswith("/api/")
        if not fields and not html_form and (is_json or media_type in _TEXT_BODIES):
            body = await asgi_body.read_body(receive)
            fields = _nul_fields_in_body(body, media_type, is_json=is_json)
            receive = asgi_body.replay(body, receive)
        if fields:
            await _refuse_nul(scope, send, fields)
            return
        await self.app(scope, receive, send)


def _nul_fields_in_query(query: bytes) -> list[str]:
    if b"%00" not in query and b"\x00" not in query:
        return []
    pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True, encoding="latin-1")
    return [key.replace("\x00", "") for key, value in pairs if "\x00" in key + value]


def _nul_fields_in_body(body: bytes, media_type: bytes, *, is_json: bool) -> list[str]:
    if is_json:
        # JSON cannot carry a raw NUL inside a string, only the escape \u0000.
        if b"\\u0000" not in body:
            return []
        try:
            return list(_nul_paths(json.loads(body), ""))
        except ValueError:  # not JSON: the app answers that itself
            return []
    if media_type == b"multipart/form-data":
        return ["__all__"] if b"\x00" in body else []
    return _nul_fields_in_query(body)


def _nul_paths(value, path: str):
    if isinstance(value, str):
        if "\x00" in value:
            yield path or "__all__"
    elif isinstance(value, dict):
        for key, item in value.items():
            inner = f"{path}.{key}" if path else str(key)
            if "\x00" in key:
                yield path or "__all__"
            yield from _nul_paths(item, inner.replace("\x00", ""))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nul_paths(item, f"{path}.{index}" if path else str(index))


async def _refuse_nul(scope, send, fields: list[str]) -> None:
    scope = {**scope}
    scope.setdefault("router", scope["app"].router)
    request = Request(scope, _no_body)
    if not errors.is_api(request):
        await answer_error(scope, send, 422, detail=NUL_MESSAGE)
        return
    locale = locale_of(request)
    message = i18n.gettext(locale, NUL_MESSAGE)
    response = JSONResponse(
        {
            "error": i18n.gettext(locale, errors.TITLES[422]),
            "fields": [{"field": name, "message": message} for name in dict.fromkeys(fields)],
        },
        status_code=422,
    )
    await response(scope, _no_body, send)


class CsrfMiddleware:
    def __init__(self, app, *, settings: Settings) -> None:
        self.app = csrf_protect(app, settings, self._refuse, self._malformed)

    async def __call__(self, scope, receive, send):
        await self.app(scope, receive, send)

    @staticmethod
    async def _refuse(scope, send, _reason) -> None:
        await answer_error(
            scope, send, 403, title=errors.FORM_EXPIRED_TITLE, detail=errors.FORM_EXPIRED_DETAIL
        )

    @staticmethod
    async def _malformed(scope, send) -> None:
        await answer_error(scope, send, 400)
