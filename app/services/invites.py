"""One-time links: invitations for new patients and password reset links.

The token is random (256 bits), only its SHA-256 is stored, it is valid for seven
days and good for one use. Using one happens inside a single writing transaction
that marks it used, so two browsers opening the same link cannot both succeed.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

import segno
from markupsafe import Markup
from sqlalchemy import delete
from sqlmodel import Session, select

from app.config import Settings
from app.i18n import N_
from app.models import AuditAction, OneTimeLink, Role, TokenPurpose, User, UserSession
from app.security import Passwords, token_digest
from app.services import access, accounts, audit, auth
from app.services.errors import InvalidInput, NotAllowed, NotFound

VALID_FOR = timedelta(days=7)


class Unusable(StrEnum):
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"


class LinkUnusable(Exception):
    def __init__(self, reason: Unusable) -> None:
        super().__init__(reason.value)
        self.reason = reason


@dataclass(frozen=True)
class Issued:
    link: OneTimeLink
    token: str  # shown once, to the person who issued it; never stored


def _issue(
    session: Session,
    *,
    purpose: TokenPurpose,
    actor: User | None,
    now: datetime,
    user_id: int | None = None,
    name: str = "",
    email: str = "",
) -> Issued:
    token = secrets.token_urlsafe(32)
    link = OneTimeLink(
        purpose=purpose,
        token_hash=token_digest(token),
        created_by_id=actor.id if actor else None,
        created_at=now,
        expires_at=now + VALID_FOR,
        user_id=user_id,
        name=name,
        email=email,
    )
    session.add(link)
    return Issued(link, token)


def invite_patient(
    session: Session, *, actor: User, name: str, email: str, now: datetime
) -> Issued:
    """A practitioner invites a new patient by name (e-mail optional); the patient
    will be in their care once they use the link."""
    if actor.role is not Role.PRACTITIONER or not actor.is_active:
        raise NotAllowed(actor.role)
    name, email = name.strip(), accounts.normalise_email(email)
    errors = {}
    if not name:
        errors["name"] = N_("Enter the patient's name.")
    elif len(name) > 100:
        errors["name"] = N_("Use at most 100 characters.")
    if email and ("@" not in email or len(email) > 254):
        errors["email"] = N_("Enter a valid e-mail address.")
    if errors:
        raise InvalidInput(errors)
    issued = _issue(
        session, purpose=TokenPurpose.INVITE, actor=actor, now=now, name=name, email=email
    )
    audit.record(session, actor=actor, action=AuditAction.INVITE, now=now, detail=name)
    session.commit()
    return issued


def issue_reset(session: Session, *, actor: User | None, user_id: int, now: datetime) -> Issued:
    """A password reset link for an account: a practitioner for a patient in their
    care, the clinic admin for anyone, the command line (no actor) for anyone."""
    if actor is None or actor.role is Role.ADMIN:
        if actor is not None and not actor.is_active:
            raise NotAllowed(actor.role)
        target = session.get(User, user_id)
        if target is None:
            raise NotFound("user")
    else:
        target = access.patient_for(
            session, actor=actor, patient_id=user_id, purpose=access.Purpose.ACCOUNT
        )
    issued = _issue(session, purpose=TokenPurpose.RESET, actor=actor, now=now, user_id=target.id)
    if actor is not None:
        audit.record(
            session,
            actor=actor,
            action=AuditAction.ISSUE_RESET,
            now=now,
            patient_id=target.id if target.role is Role.PATIENT else None,
            detail=target.email,
        )
    session.commit()
    return issued


def link_for(session: Session, *, token: str, purpose: TokenPurpose, now: datetime) -> OneTimeLink:
    """The link behind ``token`` if it can still be used; LinkUnusable says why not."""
    link = None
    if token and len(token) <= 100:
        link = session.exec(
            select(OneTimeLink).where(
                OneTimeLink.token_hash == token_digest(token), OneTimeLink.purpose == purpose
            )
        ).first()
    if link is None:
        raise LinkUnusable(Unusable.UNKNOWN)
    if link.used_at is not None:
        raise LinkUnusable(Unusable.USED)
    if link.expires_at <= now:
        raise LinkUnusable(Unusable.EXPIRED)
    return link


def _password_errors(password: str, confirm: str) -> dict[str, str]:
    if problem := accounts.password_problem(password):
        return {"password": problem}
    if password != confirm:
        return {"confirm_password": N_("The two passwords do not match.")}
    return {}


def accept_invite(
    session: Session,
    *,
    settings: Settings,
    passwords: Passwords,
    token: str,
    email: str,
    password: str,
    confirm_password: str,
    client_address: str,
    user_agent: str,
    now: datetime,
) -> auth.SignedIn:
    """Create the invited patient's account (with the default plan), put them in the
    inviting practitioner's care, use up the link and sign them in."""
    link = link_for(session, token=token, purpose=TokenPurpose.INVITE, now=now)
    errors = _password_errors(password, confirm_password)
    if errors:
        raise InvalidInput(errors)
    link.used_at = now
    session.add(link)
    try:
        patient = accounts.create_user(
            session,
            passwords=passwords,
            email=email,
            name=link.name,
            role=Role.PATIENT,
            password=password,
            now=now,
        )
    except InvalidInput:
        session.rollback()
        raise
    link = session.get(OneTimeLink, link.id)
    link.user_id = patient.id
    session.add(link)
    session.commit()
    if link.created_by_id is not None:
        accounts.link_care(
            session, practitioner_id=link.created_by_id, patient_id=patient.id, now=now
        )
    return auth.sign_in(
        session,
        settings=settings,
        passwords=passwords,
        email=patient.email,
        password=password,
        client_address=client_address,
        user_agent=user_agent,
        now=now,
    )


def reset_password(
    session: Session,
    *,
    settings: Settings,
    passwords: Passwords,
    token: str,
    password: str,
    confirm_password: str,
    client_address: str,
    user_agent: str,
    now: datetime,
) -> auth.SignedIn:
    """Set a new password from a reset link: every device is signed out, then this
    one is signed in."""
    link = link_for(session, token=token, purpose=TokenPurpose.RESET, now=now)
    errors = _password_errors(password, confirm_password)
    if errors:
        raise InvalidInput(errors)
    user = session.get(User, link.user_id)
    if user is None or not user.is_active:
        raise LinkUnusable(Unusable.UNKNOWN)
    link.used_at = now
    user.password_hash = passwords.hash(password)
    session.add_all([link, user])
    session.exec(delete(UserSession).where(UserSession.user_id == user.id))
    session.commit()
    return auth.sign_in(
        session,
        settings=settings,
        passwords=passwords,
        email=user.email,
        password=password,
        client_address=client_address,
        user_agent=user_agent,
        now=now,
    )


def qr_svg(url: str) -> Markup:
    """The link as a QR code, an inline SVG (attributes only, no style: the CSP holds),
    dark on a light quiet zone so phones read it in dark mode too."""
    code = segno.make(url, error="m")
    svg = code.svg_inline(scale=5, dark="#111", light="#fff", svgclass="qr", title="QR")
    return Markup(svg)  # noqa: S704 - segno's own SVG; the URL is data inside it, escaped
