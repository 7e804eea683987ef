"""Signing in and out, the account page, and the language switch (every role)."""

from __future__ import annotations

import math
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field

from app import forms, i18n
from app.db import SessionDep
from app.deps import CurrentUser, NowDep, OptionalUser, PasswordsDep, get_optional_user
from app.models import Role, User
from app.security import DEVICE_COOKIE, LOCALE_COOKIE, SESSION_COOKIE
from app.services import accounts, auth
from app.services.errors import InvalidInput
from app.templating import render

router = APIRouter(dependencies=[Depends(get_optional_user)])

KNOWN_DEVICE_SECONDS = 400 * 24 * 3600  # the longest browsers keep a cookie

HOME_ROUTE = {
    Role.PATIENT: "patient.home",
    Role.PRACTITIONER: "practitioner.home",
    Role.ADMIN: "admin.home",
}


def home_url(request: Request, user: User) -> str:
    return request.url_for(HOME_ROUTE[user.role]).path


def safe_next(target: str | None) -> str | None:
    """Only same-site paths: an open redirect after sign-in is a phishing tool."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def set_session_cookie(request: Request, response, signed_in: auth.SignedIn) -> None:
    settings = request.app.state.settings
    max_age = int((signed_in.expires_at - request.app.state.clock()).total_seconds())
    response.set_cookie(
        SESSION_COOKIE,
        signed_in.token,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/",
    )
    # Outlives sign-out on purpose: it only tells the login throttle this is a
    # browser the account has used (app.services.auth), it signs nobody in.
    response.set_cookie(
        DEVICE_COOKIE,
        signed_in.device_token,
        max_age=KNOWN_DEVICE_SECONDS,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/login",
    )
    if signed_in.user.locale:
        set_locale_cookie(request, response, signed_in.user.locale)


def set_locale_cookie(request: Request, response, locale: str) -> None:
    response.set_cookie(
        LOCALE_COOKIE,
        locale,
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.secure_cookies,
        path="/",
    )


@router.get("/", name="root")
def show_root(request: Request, user: OptionalUser):
    if user is None:
        return RedirectResponse(request.url_for("auth.login").path, status_code=303)
    return RedirectResponse(home_url(request, user), status_code=303)


@router.get("/login", name="auth.login")
def show_login(request: Request, user: OptionalUser, next: str | None = None):
    if user is not None:
        return RedirectResponse(home_url(request, user), status_code=303)
    return render(
        request, "auth/login.html", {"values": {"next": safe_next(next) or ""}, "errors": {}}
    )


class LoginForm(BaseModel):
    email: str = Field(min_length=1, max_length=254)
    password: str = Field(min_length=1, max_length=200)
    next: str = ""


@router.post("/login", name="auth.login_submit")
def log_in(
    request: Request,
    session: SessionDep,
    passwords: PasswordsDep,
    now: NowDep,
    form: forms.FormDataDep,
):
    result = forms.validate(LoginForm, form)
    values = {k: v for k, v in result.values.items() if k != "password"}
    if not result.ok:
        return forms.rerender(request, "auth/login.html", {}, values=values, errors=result.errors)
    try:
        signed_in = auth.sign_in(
            session,
            settings=request.app.state.settings,
            passwords=passwords,
            email=result.data.email,
            password=result.data.password,
            client_address=request.client.host if request.client else "unknown",
            user_agent=request.headers.get("user-agent", ""),
            now=now,
            previous_token=request.cookies.get(SESSION_COOKIE),
            device_token=request.cookies.get(DEVICE_COOKIE),
        )
    except auth.LoginThrottled as throttled:
        seconds = max(1, math.ceil(throttled.retry_after.total_seconds()))
        return render(
            request,
            "auth/login.html",
            {"values": values, "errors": {}, "throttled": True, "wait_minutes": -(-seconds // 60)},
            status_code=429,
            headers={"Retry-After": str(seconds)},
        )
    except auth.InvalidCredentials:
        return render(
            request,
            "auth/login.html",
            {"values": values, "errors": {}, "failed": True},
            status_code=400,
        )
    target = safe_next(result.data.next) or home_url(request, signed_in.user)
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(request, response, signed_in)
    return response


def _signed_out(request: Request) -> RedirectResponse:
    response = RedirectResponse(request.url_for("auth.login").path, status_code=303)
    response.delete_cookie(
        SESSION_COOKIE,
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.secure_cookies,
    )
    return response


@router.post("/logout", name="auth.logout")
def log_out(request: Request, session: SessionDep):
    auth.sign_out(session, token=request.cookies.get(SESSION_COOKIE))
    return _signed_out(request)


@router.post("/logout/everywhere", name="auth.logout_everywhere")
def log_out_everywhere(request: Request, session: SessionDep, user: CurrentUser):
    auth.sign_out_everywhere(session, user=user)
    return _signed_out(request)


@router.get("/account", name="auth.account")
def show_account(request: Request, user: CurrentUser, saved: bool = False):
    return render(
        request,
        "auth/account.html",
        {"values": {}, "errors": {}, "saved": saved},
        block="password_form",
    )


class PasswordForm(BaseModel):
    current_password: str = ""
    new_password: str = ""
    confirm_password: str = ""


@router.post("/account/password", name="auth.change_password")
def change_password(
    request: Request,
    session: SessionDep,
    passwords: PasswordsDep,
    now: NowDep,
    user: CurrentUser,
    form: forms.FormDataDep,
):
    result = forms.validate(PasswordForm, form)
    try:
        signed_in = auth.change_password(
            session,
            settings=request.app.state.settings,
            passwords=passwords,
            user=user,
            current_password=result.data.current_password,
            new_password=result.data.new_password,
            confirm_password=result.data.confirm_password,
            user_agent=request.headers.get("user-agent", ""),
            now=now,
        )
    except InvalidInput as invalid:
        # Passwords are never sent back into the page.
        return forms.rerender(
            request,
            "auth/account.html",
            {"saved": False},
            values={},
            errors=invalid.errors,
            block="password_form",
        )
    response = RedirectResponse(request.url_for("auth.account").path + "?saved=1", status_code=303)
    set_session_cookie(request, response, signed_in)
    return response


@router.post("/language", name="auth.language")
def switch_language(
    request: Request, session: SessionDep, user: OptionalUser, form: forms.FormDataDep
):
    chosen = i18n.normalise(str(form.get("locale", ""))) or i18n.DEFAULT
    if user is not None:
        accounts.set_locale(session, actor=user, locale=chosen)
    back = safe_next(str(form.get("next", ""))) or request.url_for("root").path
    response = RedirectResponse(back, status_code=303)
    set_locale_cookie(request, response, chosen)
    return response
