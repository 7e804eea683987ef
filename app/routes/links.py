"""Pages that hand out a one-time link: a patient's invitation, a practitioner's
first sign-in, a password reset. Issued by a practitioner or by the admin, each the
same way: a name and an optional e-mail in, the link and its QR code out."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from fastapi import Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel
from sqlmodel import Session

from app import forms
from app.services import invites
from app.services.errors import InvalidInput
from app.templating import render


class PersonForm(BaseModel):
    """Who the link is for."""

    name: str = ""
    email: str = ""


def show_link(request: Request, issued: invites.Issued, *, route: str, **context) -> HTMLResponse:
    """The page with a freshly issued link: the only time its token is shown."""
    url = str(request.url_for(route, token=issued.token))
    return render(
        request,
        "practitioner/link.html",
        {"issued": issued, "url": url, "qr": invites.qr_svg(url), **context},
    )


def issue_for_person(
    request: Request,
    session: Session,
    form: Mapping[str, object],
    *,
    issue: Callable[[str, str], invites.Issued],
    route: str,
    kind: str,
    mistakes: Callable[[Mapping[str, object], Mapping[str, object]], HTMLResponse],
) -> HTMLResponse:
    """Issue a link for the person the form names and show it; or, when the service
    finds mistakes (it checks the name and e-mail), ``mistakes(values, errors)``
    with nothing stored."""
    parsed = forms.validate(PersonForm, form)
    try:
        issued = issue(
            parsed.data.name if parsed.ok else "", parsed.data.email if parsed.ok else ""
        )
    except InvalidInput as invalid:
        session.rollback()
        return mistakes(parsed.values, invalid.errors)
    return show_link(request, issued, route=route, kind=kind)
