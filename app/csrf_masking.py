"""The CSRF token as pages carry it: masked afresh for every response, so that pages
can be gzip-compressed without exposing the token to BREACH.

BREACH guesses a secret that every response repeats by reflecting guesses into the
same page and watching the compressed length shrink when a guess matches. A token
that is XORed with a new random pad in every response (Django's defence) never
repeats, so there is nothing to converge on. The cookie keeps the real token
(asgi-csrf's signed value); before asgi-csrf compares, the submitted field or header
is unmasked back to it. An unmasked token is still accepted, as Django does: it is
the cookie's own value, which pages never show.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import re
import secrets
from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qsl

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request

from app import asgi_body

# asgi-csrf keeps the getter of the request's token under this key of the scope.
SCOPE_KEY = "csrftoken"
# A masked token is URL-safe base64 without padding (so never a "."); the cookie's
# signed value always holds a ".": the two cannot be confused.
_MASKED = re.compile(r"[A-Za-z0-9_-]{8,400}")
_SAFE = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_FORMS = (b"application/x-www-form-urlencoded", b"multipart/form-data")


def mask(token: str) -> str:
    """The token XORed with a random pad of its length, pad first, in base64url."""
    raw = token.encode("ascii")
    pad = secrets.token_bytes(len(raw))
    masked = pad + bytes(a ^ b for a, b in zip(pad, raw, strict=True))
    return base64.urlsafe_b64encode(masked).rstrip(b"=").decode("ascii")


def unmask(value: str) -> str | None:
    """The token a masked value carries, or None when ``value`` is not a masked token
    (an unmasked token, or something tampered with, cut short or not base64)."""
    if not _MASKED.fullmatch(value):
        return None
    try:
        masked = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return None
    if not masked or len(masked) % 2:
        return None
    half = len(masked) // 2
    pad, cipher = masked[:half], masked[half:]
    raw = bytes(a ^ b for a, b in zip(pad, cipher, strict=True))
    return raw.decode("ascii") if raw.isascii() else None


def masking_getter(scope):
    """Scope whose token getter hands out the token masked, one mask per response
    (every form on the page carries the same value, which compresses well)."""
    original = scope.get(SCOPE_KEY)
    if original is None:
        return scope
    masked: dict[str, str] = {}

    def get_masked() -> str:
        token = original()  # asgi-csrf notes that the page needs its cookie
        if token not in masked:
            masked[token] = mask(token)
        return masked[token]

    return {**scope, SCOPE_KEY: get_masked}


async def headers_for_check(scope, receive, *, header: bytes, field: str, cookie: str):
    """The request's headers as asgi-csrf should see them, and ``receive`` to read the
    body again: the token the request carries (header or form field), unmasked, in
    ``header``, and a form body's content type left out.

    asgi-csrf compares the header first; without a form type it never parses a body
    itself (its multipart parser fails on current python-multipart, and it cannot
    compare a non-ASCII value: both were 500s), so a wrong token is refused as any
    wrong token is. The app gets the original headers back (app.security).
    """
    headers = list(scope.get("headers") or [])
    if scope["method"] in _SAFE:
        return headers, receive
    named = dict(headers)
    expected = _cookie_value(named.get(b"cookie"), cookie)
    chosen = _token_in(named.get(header, b"").decode("latin-1"))
    media_type = named.get(b"content-type", b"").split(b";", 1)[0].strip().lower()
    is_form = media_type in _FORMS
    if is_form and not _same(chosen, expected):
        body = await asgi_body.read_body(receive)
        receive = asgi_body.replay(body, receive)
        from_form = _token_in(await _form_field(scope, body, media_type, field))
        if chosen is None or _same(from_form, expected):
            chosen = from_form
    kept = [
        (name, value)
        for name, value in headers
        if name.lower() != header and not (is_form and name.lower() == b"content-type")
    ]
    if chosen is not None:
        kept.append((header, chosen.encode("ascii")))
    return kept, receive


def _token_in(value: str | None) -> str | None:
    """The token a submitted value stands for: unmasked, or as sent when it is not
    masked (the cookie's own value); None for nothing, or what cannot be a token."""
    if not value:
        return None
    return unmask(value) or (value if value.isascii() else None)


def _same(token: str | None, expected: str | None) -> bool:
    return token is not None and expected is not None and hmac.compare_digest(token, expected)


def _cookie_value(header: bytes | None, name: str) -> str | None:
    if not header:
        return None
    cookies = SimpleCookie()
    try:
        cookies.load(header.decode("latin-1"))
    except CookieError:
        return None
    morsel = cookies.get(name)
    return morsel.value if morsel is not None and morsel.value.isascii() else None


async def _form_field(scope, body: bytes, media_type: bytes, field: str) -> str | None:
    if media_type == b"application/x-www-form-urlencoded":
        # A body that is not UTF-8 raises UnicodeDecodeError: malformed (app.security).
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
        return next((value for name, value in pairs if name == field), None)
    # Multipart: Starlette's own parser; a broken body is the app's to refuse.
    request = Request(scope, asgi_body.replay(body, _nothing_more))
    try:
        form = await request.form()
    except (MultiPartException, HTTPException, ValueError):
        return None  # not a form it can read: no masked token here
    try:
        value = form.get(field)
        return None if isinstance(value, UploadFile) else value
    finally:
        await form.close()


async def _nothing_more():
    return {"type": "http.disconnect"}
