"""Secrets and their checks: password hashing, session tokens, CSRF protection."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from asgi_csrf import asgi_csrf

from app import csrf_masking
from app.config import Settings

SESSION_COOKIE = "tsuranai_session"
CSRF_COOKIE = "csrftoken"
CSRF_FIELD = "csrftoken"
CSRF_HEADER = "x-csrftoken"
LOCALE_COOKIE = "tsuranai_lang"
DEVICE_COOKIE = "tsuranai_device"

# Hashed once at start-up and verified against for unknown accounts, so that a
# wrong e-mail costs as much time as a wrong password and timing reveals nothing.
_DUMMY_PASSWORD = "not-a-real-password"  # noqa: S105


class Passwords:
    """argon2id hashing with the configured cost."""

    def __init__(self, settings: Settings) -> None:
        self._hasher = PasswordHasher(
            time_cost=settings.password_time_cost,
            memory_cost=settings.password_memory_kib,
            parallelism=1 if settings.password_memory_kib < 1024 else 4,
            type=Type.ID,
        )
        self._dummy_hash = self._hasher.hash(_DUMMY_PASSWORD)

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash or self._dummy_hash, password) and (
                password_hash is not None
            )
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def known_device_token(secret: str, user_id: int) -> str:
    """A mark this browser keeps after signing in, so that an attack on the account
    from elsewhere does not lock it out here. It names no account: only the server,
    knowing whose sign-in it checks, can tell it belongs to that account."""
    nonce = secrets.token_urlsafe(12)
    return f"{nonce}.{_device_mac(secret, user_id, nonce)}"


def is_known_device(secret: str, user_id: int, token: str | None) -> bool:
    if not token or len(token) > 100 or "." not in token:
        return False
    nonce, _, mac = token.partition(".")
    return hmac.compare_digest(mac, _device_mac(secret, user_id, nonce))


def _device_mac(secret: str, user_id: int, nonce: str) -> str:
    message = f"known-device:{user_id}:{nonce}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def csrf_protect(app, settings: Settings, on_failure, on_malformed):
    """Wrap an ASGI app with double-submit CSRF protection (asgi-csrf).

    Forms carry the token in a hidden field, htmx in a header set once on <body>.
    Sign-in is protected even without cookies, against login CSRF. Pages carry the
    token masked afresh in every response (app.csrf_masking: BREACH), unmasked here
    before asgi-csrf compares it with the cookie.
    """
    protected = asgi_csrf(
        _masking(_restore_headers(app)),
        signing_secret=settings.resolved_secret_key(),
        cookie_name=CSRF_COOKIE,
        http_header=CSRF_HEADER,
        always_protect={"/login"},
        cookie_secure=settings.secure_cookies,
        send_csrf_failed=on_failure,
    )

    async def guarded(scope, receive, send):
        if scope["type"] != "http":
            await protected(scope, receive, send)
            return
        # asgi-csrf trusts a multipart header to carry a boundary; without one it
        # would crash. Such a request is malformed whoever sent it.
        original = scope.get("headers") or []
        content_type = dict(original).get(b"content-type", b"")
        if content_type.startswith(b"multipart/form-data") and b"boundary=" not in content_type:
            await on_malformed(scope, send)
            return
        try:
            checked, receive = await csrf_masking.headers_for_check(
                _hide_bearer_from_cookie_sessions(scope),
                receive,
                header=CSRF_HEADER.encode(),
                field=CSRF_FIELD,
                cookie=CSRF_COOKIE,
            )
        except UnicodeDecodeError:
            # A form body that is not UTF-8 cannot carry a valid token.
            await on_malformed(scope, send)
            return
        # asgi-csrf sees the headers to check; the app gets the ones sent.
        await protected({**scope, "headers": checked, _ORIGINAL_HEADERS: original}, receive, send)

    return guarded


# asgi-csrf lets any request with "Authorization: Bearer ..." through unchecked,
# assuming token auth. Tsuranai signs people in with a cookie only, so such a header
# must never excuse a request that carries the cookie: while asgi-csrf checks a
# request with cookies it does not see the header, and the app gets it back after.
_ORIGINAL_HEADERS = "tsuranai.original_headers"


def _hide_bearer_from_cookie_sessions(scope):
    headers = scope.get("headers") or []
    names = {name.lower() for name, _ in headers}
    if b"cookie" not in names or b"authorization" not in names:
        return scope
    return {**scope, "headers": [(n, v) for n, v in headers if n.lower() != b"authorization"]}


def _masking(app):
    async def masking(scope, receive, send):
        await app(csrf_masking.masking_getter(scope), receive, send)

    return masking


def _restore_headers(app):
    async def restored(scope, receive, send):
        if _ORIGINAL_HEADERS in scope:
            scope = {**scope, "headers": scope[_ORIGINAL_HEADERS]}
            del scope[_ORIGINAL_HEADERS]
        await app(scope, receive, send)

    return restored
