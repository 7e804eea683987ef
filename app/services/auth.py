"""Signing in and out: throttled password checks and revocable device sessions.

No patient's record is read here: ``change_password`` and ``sign_out_everywhere``
take the ``user`` the session cookie names and act on that account only, whatever
its role, so there is no patient id to check against ``access``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, func
from sqlmodel import Session, col, select

from app.config import Settings
from app.i18n import N_
from app.models import (
    AppSettings,
    ConsentRecord,
    Intake,
    LoginAttempt,
    PatientProfile,
    Role,
    User,
    UserSession,
)
from app.security import (
    Passwords,
    is_known_device,
    known_device_token,
    new_session_token,
    token_digest,
)
from app.services import access, app_settings, consent, intake
from app.services.accounts import normalise_email, password_problem
from app.services.errors import InvalidInput

THROTTLE_WINDOW = timedelta(hours=1)
# A sign-in that worked from an address is remembered this long: that address is
# then the owner's, and an attack on the account from elsewhere does not lock it.
KNOWN_ADDRESS_FOR = timedelta(days=30)
# From one address to one account, a few mistakes are free; after that each further
# try waits twice as long as the one before, up to this. Failures are remembered a
# day for it, so the wait does not shrink back while somebody keeps guessing.
FREE_FAILURES = 3
LONGEST_DELAY = timedelta(minutes=15)
FAILURE_MEMORY = timedelta(days=1)


class LoginThrottled(Exception):
    """Too many failed sign-ins: try again after ``retry_after``."""

    def __init__(self, retry_after: timedelta) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


class InvalidCredentials(Exception):
    """Unknown account or wrong password: deliberately the same error."""


@dataclass(frozen=True)
class SignedIn:
    user: User
    token: str
    expires_at: datetime
    # Set as a cookie: marks this browser as one the account has signed in from.
    device_token: str


def session_lifetime(settings: Settings, role: Role) -> timedelta:
    """Patients keep their own phone signed in for weeks; staff screens for a shift."""
    if role is Role.PATIENT:
        return timedelta(days=settings.patient_session_days)
    return timedelta(hours=settings.staff_session_hours)


def _failures(*where):
    return (
        select(
            func.count(), func.min(LoginAttempt.attempted_at), func.max(LoginAttempt.attempted_at)
        )
        .select_from(LoginAttempt)
        .where(~col(LoginAttempt.succeeded), *where)
    )


def _wait_before_trying(
    session: Session, *, settings: Settings, email: str, address: str, known: bool, now: datetime
) -> timedelta | None:
    """How long this try must wait, if at all. Only failures count.

    - One address and one account: after FREE_FAILURES failures in a row, each try
      waits twice as long as the last (1 s, 2 s, 4 s … up to LONGEST_DELAY), so
      guessing is slow, and nobody else is affected.
    - One account from anywhere: ``login_attempts_per_account_hour`` failures lock
      it, but only for browsers and addresses it has not signed in from before, so a
      stranger who knows the e-mail cannot lock its owner out of their own phone.
    - One address across accounts: ``login_attempts_per_address_hour`` failures
      (somebody trying a list of e-mails), again not for a known browser or address.
    """
    since = now - THROTTLE_WINDOW
    recent = LoginAttempt.attempted_at >= since
    last_success = session.exec(
        select(func.max(LoginAttempt.attempted_at)).where(
            LoginAttempt.email == email,
            LoginAttempt.client_address == address,
            col(LoginAttempt.succeeded),
        )
    ).one()
    remembered = now - FAILURE_MEMORY
    in_a_row = LoginAttempt.attempted_at > max(remembered, last_success or remembered)
    failed, _, last = session.exec(
        _failures(LoginAttempt.email == email, LoginAttempt.client_address == address, in_a_row)
    ).one()
    if failed >= FREE_FAILURES:
        doublings = min(failed - FREE_FAILURES, 20)  # 2**20 s is past LONGEST_DELAY
        delay = min(timedelta(seconds=2**doublings), LONGEST_DELAY)
        if now < last + delay:
            return last + delay - now
    if known:
        return None
    for where, limit in (
        (LoginAttempt.email == email, settings.login_attempts_per_account_hour),
        (LoginAttempt.client_address == address, settings.login_attempts_per_address_hour),
    ):
        failed, oldest, _ = session.exec(_failures(where, recent)).one()
        if failed >= limit:
            return oldest + THROTTLE_WINDOW - now
    return None


def _is_known(
    session: Session,
    *,
    settings: Settings,
    user: User | None,
    email: str,
    address: str,
    device_token: str | None,
    now: datetime,
) -> bool:
    """Has the account signed in from this browser, or lately from this address?"""
    if user is not None and is_known_device(settings.resolved_secret_key(), user.id, device_token):
        return True
    return (
        session.exec(
            select(LoginAttempt.id).where(
                LoginAttempt.email == email,
                LoginAttempt.client_address == address,
                col(LoginAttempt.succeeded),
                LoginAttempt.attempted_at >= now - KNOWN_ADDRESS_FOR,
            )
        ).first()
        is not None
    )


def _forget_old_attempts(session: Session, now: datetime) -> None:
    session.exec(
        delete(LoginAttempt).where(
            LoginAttempt.attempted_at < now - FAILURE_MEMORY, ~col(LoginAttempt.succeeded)
        )
    )
    session.exec(delete(LoginAttempt).where(LoginAttempt.attempted_at < now - KNOWN_ADDRESS_FOR))


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
    device_token: str | None = None,
) -> SignedIn:
    """Check a password and open a new device session.

    Failed tries are throttled (see _wait_before_trying); the attempts live in the
    database, so every app process counts the same ones. A throttled try is not
    counted and its password is not checked. Any session the browser already had
    is ended: the token is rotated at sign-in.
    """
    email = normalise_email(email)[:254]
    address = client_address[:64]
    _forget_old_attempts(session, now)
    user = session.exec(select(User).where(User.email == email)).first()
    known = _is_known(
        session,
        settings=settings,
        user=user,
        email=email,
        address=address,
        device_token=device_token,
        now=now,
    )
    wait = _wait_before_trying(
        session, settings=settings, email=email, address=address, known=known, now=now
    )
    if wait is not None:
        session.commit()
        raise LoginThrottled(wait)
    ok = passwords.verify(user.password_hash if user else None, password)
    ok = ok and user is not None and user.is_active
    session.add(LoginAttempt(email=email, client_address=address, attempted_at=now, succeeded=ok))
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
    device = known_device_token(settings.resolved_secret_key(), user.id)
    return SignedIn(user=user, token=token, expires_at=expires_at, device_token=device)


# Built once: every request runs it, and constructing a statement costs more than
# SQLite takes to run it. What nearly every patient request asks next comes along
# (each is at most one row per patient): the profile (the plan), the latest consent
# (the pages' onboarding gate, the API's consent gate), whether the questionnaire is
# answered (the pages' onboarding gate) and the app settings (every page's theme).
# Each would otherwise be a query of its own and, for a gate, a hop to the thread
# pool. Only the questionnaire's id: its answers are JSON, dearer to load than the
# one query of the few pages that read them.
_BY_TOKEN = (
    select(User, PatientProfile, ConsentRecord, Intake.id, AppSettings)
    .join(UserSession, UserSession.user_id == User.id)
    .outerjoin(PatientProfile, PatientProfile.user_id == User.id)
    .outerjoin(ConsentRecord, ConsentRecord.id == consent.LATEST_ID)
    .outerjoin(Intake, Intake.patient_id == User.id)
    .outerjoin(AppSettings, AppSettings.patient_id == User.id)
    .where(
        UserSession.token_hash == bindparam("token_hash"),
        UserSession.expires_at > bindparam("now"),
        User.is_active,
    )
)


def user_for_token(session: Session, *, token: str | None, now: datetime) -> User | None:
    """The active user a session cookie belongs to, if it is still valid."""
    if not token or len(token) > 100:
        return None
    found = session.exec(_BY_TOKEN, params={"token_hash": token_digest(token), "now": now}).first()
    if found is None:
        return None
    user, profile, latest_consent, intake_id, preferences = found
    if user.role is Role.PATIENT:
        access.remember_profile(session, patient_id=user.id, profile=profile)
        consent.remember_latest(session, patient_id=user.id, record=latest_consent)
        intake.remember_answered(session, patient_id=user.id, answered=intake_id is not None)
        app_settings.remember_row(session, patient_id=user.id, row=preferences)
    return user


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
