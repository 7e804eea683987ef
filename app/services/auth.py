"""Signing in and out: throttled password checks and revocable device sessions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, select

from app.config import Settings
from app.i18n import N_
from app.models import LoginAttempt, Role, User, UserSession
from app.security import Passwords, new_session_token, token_digest
from app.services.accounts import normalise_email, password_problem
from app.services.errors import InvalidInput

THROTTLE_WINDOW = timedelta(hours=1)


class LoginThrottled(Exception):
    """Too many sign-in attempts for this account or from this address."""


class InvalidCredentials(Exception):
    """Unknown account or wrong password: deliberately the same error."""


@dataclass(frozen=True)
class SignedIn:
    user: User
    token: str
    expires_at: datetime


def session_lifetime(settings: Settings, role: Role) -> timedelta:
    """Patients keep their own phone signed in for weeks; staff screens for a shift."""
    if role is Role.PATIENT:
        return timedelta(days=settings.patient_session_days)
    return timedelta(hours=settings.staff_session_hours)


def _recent_attempts(session: Session, column, value: str, since: datetime) -> int:
    return session.exec(
        select(func.count())
        .select_from(LoginAttempt)
        .where(column == value, LoginAttempt.attempted_at >= since)
    ).one()


def sign_in(
    session: Session,
    *,
    settings: Settings,
    passwords: Passwords,
    email: str,
    password: str,
    client_address: str,
    user_agent: str,
    now: datetime,
    previous_token: str | None = None,
) -> SignedIn:
    """Check a password and open a new device session.

    At most ``login_attempts_per_account_hour`` tries per account and
    ``login_attempts_per_address_hour`` per client address within an hour; the
    attempts live in the database, so every app process counts the same ones.
    Any session the browser already had is ended: the token is rotated at sign-in.
    """
    email = normalise_email(email)[:254]
    since = now - THROTTLE_WINDOW
    session.exec(delete(LoginAttempt).where(LoginAttempt.attempted_at < since))
    if (
        _recent_attempts(session, LoginAttempt.email, email, since)
        >= settings.login_attempts_per_account_hour
        or _recent_attempts(session, LoginAttempt.client_address, client_address, since)
        >= settings.login_attempts_per_address_hour
    ):
        session.commit()
        raise LoginThrottled
    user = session.exec(select(User).where(User.email == email)).first()
    ok = passwords.verify(user.password_hash if user else None, password)
    ok = ok and user is not None and user.is_active
    session.add(
        LoginAttempt(
            email=email, client_address=client_address[:64], attempted_at=now, succeeded=ok
        )
    )
    if not ok:
        session.commit()
        raise InvalidCredentials
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash(password)
        session.add(user)
    if previous_token:
        _end(session, previous_token)
    signed_in = _open_session(session, settings=settings, user=user, user_agent=user_agent, now=now)
    session.commit()
    return signed_in


def _open_session(
    session: Session, *, settings: Settings, user: User, user_agent: str, now: datetime
) -> SignedIn:
    token = new_session_token()
    expires_at = now + session_lifetime(settings, user.role)
    session.add(
        UserSession(
            user_id=user.id,
            token_hash=token_digest(token),
            created_at=now,
            expires_at=expires_at,
            user_agent=user_agent[:200],
        )
    )
    return SignedIn(user=user, token=token, expires_at=expires_at)


def user_for_token(session: Session, *, token: str | None, now: datetime) -> User | None:
    """The active user a session cookie belongs to, if it is still valid."""
    if not token or len(token) > 100:
        return None
    return session.exec(
        select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            UserSession.token_hash == token_digest(token),
            UserSession.expires_at > now,
            User.is_active,
        )
    ).first()


def _end(session: Session, token: str) -> None:
    session.exec(delete(UserSession).where(UserSession.token_hash == token_digest(token)))


def sign_out(session: Session, *, token: str | None) -> None:
    """End this device's session."""
    if token:
        _end(session, token)
        session.commit()


def sign_out_everywhere(session: Session, *, user: User) -> None:
    """End every session of this user, on every device."""
    session.exec(delete(UserSession).where(UserSession.user_id == user.id))
    session.commit()


def change_password(
    session: Session,
    *,
    settings: Settings,
    passwords: Passwords,
    user: User,
    current_password: str,
    new_password: str,
    confirm_password: str,
    user_agent: str,
    now: datetime,
) -> SignedIn:
    """Replace the password after checking the current one.

    Every other device is signed out, and this one gets a fresh token, because a
    password is usually changed when somebody else may know the old one.
    """
    errors: dict[str, str] = {}
    if not passwords.verify(user.password_hash, current_password):
        errors["current_password"] = N_("The current password is not right.")
    if problem := password_problem(new_password):
        errors["new_password"] = problem
    elif new_password != confirm_password:
        errors["confirm_password"] = N_("The two new passwords do not match.")
    if errors:
        raise InvalidInput(errors)
    user.password_hash = passwords.hash(new_password)
    session.add(user)
    session.exec(delete(UserSession).where(UserSession.user_id == user.id))
    signed_in = _open_session(session, settings=settings, user=user, user_agent=user_agent, now=now)
    session.commit()
    return signed_in
