"""Opening a one-time link: an invitation to join, or a password reset. No sign-in
needed (the link is the credential); a used or expired link gets a clear page."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel

from app import forms
from app.db import SessionDep
from app.deps import NowDep, PasswordsDep, get_optional_user
from app.models import TokenPurpose
from app.routes.auth import home_url, set_session_cookie
from app.services import invites
from app.services.errors import InvalidInput
from app.templating import render

router = APIRouter(dependencies=[Depends(get_optional_user)])

PAGE = "auth/one_time.html"


class WelcomeForm(BaseModel):
    email: str = ""
    password: str = ""
    confirm_password: str = ""


class ResetForm(BaseModel):
    password: str = ""
    confirm_password: str = ""


def _unusable(request: Request, reason: invites.Unusable):
    status = 410 if reason is not invites.Unusable.UNKNOWN else 404
    return render(request, "auth/link_unusable.html", {"reason": reason.value}, status_code=status)


def _show(request, session, now, token, purpose, *, values=None, errors=None):
    """The form, or the page saying why the link cannot be used; with ``errors``, the
    form again with what was typed (422)."""
    try:
        link = invites.link_for(session, token=token, purpose=purpose, now=now)
    except invites.LinkUnusable as unusable:
        return _unusable(request, unusable.reason)
    context = {"purpose": purpose.value, "link": link, "token": token}
    if errors:
        return forms.rerender(request, PAGE, context, values=values or {}, errors=errors)
    return render(request, PAGE, {**context, "values": {"email": link.email}, "errors": {}})


def _signed_in(request: Request, signed_in) -> RedirectResponse:
    response = RedirectResponse(home_url(request, signed_in.user), status_code=303)
    set_session_cookie(request, response, signed_in)
    return response


def _client(request: Request) -> dict:
    return {
        "client_address": request.client.host if request.client else "unknown",
        "user_agent": request.headers.get("user-agent", ""),
    }


@router.get("/welcome/{token}", name="invites.welcome")
def show_welcome(request: Request, session: SessionDep, now: NowDep, token: str):
    return _show(request, session, now, token, TokenPurpose.INVITE)


@router.post("/welcome/{token}", name="invites.accept")
def accept_welcome(
    request: Request,
    session: SessionDep,
    passwords: PasswordsDep,
    now: NowDep,
    token: str,
    form: forms.FormDataDep,
):
    parsed = forms.validate(WelcomeForm, form)
    values = {"email": parsed.values.get("email", "")}
    try:
        signed_in = invites.accept_invite(
            session,
            settings=request.app.state.settings,
            passwords=passwords,
            token=token,
            email=parsed.data.email if parsed.ok else "",
            password=parsed.data.password if parsed.ok else "",
            confirm_password=parsed.data.confirm_password if parsed.ok else "",
            now=now,
            **_client(request),
        )
    except invites.LinkUnusable as unusable:
        return _unusable(request, unusable.reason)
    except InvalidInput as invalid:
        session.rollback()
        return _show(
            request,
            session,
            now,
            token,
            TokenPurpose.INVITE,
            values=values,
            errors=invalid.errors,
        )
    return _signed_in(request, signed_in)


@router.get("/reset/{token}", name="invites.reset")
def show_reset(request: Request, session: SessionDep, now: NowDep, token: str):
    return _show(request, session, now, token, TokenPurpose.RESET)


@router.post("/reset/{token}", name="invites.reset_submit")
def submit_reset(
    request: Request,
    session: SessionDep,
    passwords: PasswordsDep,
    now: NowDep,
    token: str,
    form: forms.FormDataDep,
):
    parsed = forms.validate(ResetForm, form)
    try:
        signed_in = invites.reset_password(
            session,
            settings=request.app.state.settings,
            passwords=passwords,
            token=token,
            password=parsed.data.password if parsed.ok else "",
            confirm_password=parsed.data.confirm_password if parsed.ok else "",
            now=now,
            **_client(request),
        )
    except invites.LinkUnusable as unusable:
        return _unusable(request, unusable.reason)
    except InvalidInput as invalid:
        session.rollback()
        return _show(
            request,
            session,
            now,
            token,
            TokenPurpose.RESET,
            values={},
            errors=invalid.errors,
        )
    return _signed_in(request, signed_in)
