"""ASGI middleware: security headers on every response, and a first guess at language."""

from __future__ import annotations

from http.cookies import SimpleCookie

from app import i18n
from app.security import LOCALE_COOKIE

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

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in self.headers if n not in present]
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
