"""Who is asking: the signed-in user, their role, and the request's clock.

Routers declare the role they serve once, with ``dependencies=[...]``; handlers
then take ``CurrentPatient`` (or another alias) to know whose data to scope by.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from app import i18n
from app.db import SAFE_METHODS, SessionDep
from app.models import PatientProfile, Role, User
from app.security import LOCALE_COOKIE, SESSION_COOKIE, Passwords
from app.services import access, auth, consent, intake
from app.services.errors import NotAllowed

# Dependencies that only look at what is already known are ``async``: FastAPI runs a
# plain ``def`` dependency in the thread pool, and each such hop costs more than the
# check itself. Those that read the database stay ``def`` (they would block the loop).
#
# Each dependency names as few others as it can: FastAPI walks a dependency's whole
# tree every time it is named, and consults its cache only after the walk, so a check
# that names ``CurrentUser`` (which names ``OptionalUser``, which names the session)
# pays for the walk again on every route that uses it.


T = TypeVar("T")


class SignInRequired(Exception):
    """No valid session: pages redirect to sign-in, the JSON API answers 401."""


async def get_now(request: Request) -> datetime:
    return request.app.state.clock()


NowDep = Annotated[datetime, Depends(get_now)]


async def get_passwords(request: Request) -> Passwords:
    return request.app.state.passwords


PasswordsDep = Annotated[Passwords, Depends(get_passwords)]


def get_optional_user(request: Request, session: SessionDep) -> User | None:
    """The signed-in user, if any; also settles the request's language."""
    if hasattr(request.state, "user"):
        return request.state.user
    user = auth.user_for_token(
        session, token=request.cookies.get(SESSION_COOKIE), now=request.app.state.clock()
    )
    request.state.user = user
    request.state.locale = i18n.choose_locale(
        user_setting=user.locale if user else None,
        cookie=request.cookies.get(LOCALE_COOKIE),
        accept_language=request.headers.get("accept-language"),
        default=request.app.state.settings.default_locale,
    )
    return user


OptionalUser = Annotated[User | None, Depends(get_optional_user)]


async def get_current_user(user: OptionalUser) -> User:
    return _signed_in(user)


def _signed_in(user: User | None) -> User:
    if user is None:
        raise SignInRequired
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def require_role(*roles: Role):
    """A router dependency that admits only these roles (403 for anyone else)."""

    async def check(user: OptionalUser) -> User:
        if _signed_in(user).role not in roles:
            raise NotAllowed(user.role)
        return user

    return check


async def get_patient(user: OptionalUser) -> User:
    if _signed_in(user).role is not Role.PATIENT:
        raise NotAllowed(user.role)
    return user


async def get_practitioner(user: OptionalUser) -> User:
    if _signed_in(user).role is not Role.PRACTITIONER:
        raise NotAllowed(user.role)
    return user


CurrentPatient = Annotated[User, Depends(get_patient)]
CurrentPractitioner = Annotated[User, Depends(get_practitioner)]
CurrentAdmin = Annotated[User, Depends(require_role(Role.ADMIN))]


async def known_or_asked(known: T | None, ask: Callable[..., T], *args, **kwargs) -> T:
    """``known`` when the request already holds the answer (the session lookup brings
    the patient's profile, consent, questionnaire state and app settings along);
    otherwise ``ask``, in the thread pool, as it reads the database. Lets a dependency
    skip the hop when it has nothing to wait for."""
    if known is not None:
        return known
    return await run_in_threadpool(ask, *args, **kwargs)


async def get_patient_profile(session: SessionDep, patient: CurrentPatient) -> PatientProfile:
    return await known_or_asked(
        access.known_profile(session, actor=patient),
        access.profile_for, session, actor=patient, patient_id=patient.id,
    )  # fmt: skip


CurrentProfile = Annotated[PatientProfile, Depends(get_patient_profile)]


async def require_onboarded(session: SessionDep, patient: CurrentPatient) -> None:
    """The patient router's gate: consent first (nothing about their health is stored
    before it), then the intake questionnaire. Each step's page says why it was shown.
    The session lookup brought both answers along, so the gate goes to the thread pool
    only when it must ask the database."""
    known = consent.known_consent(session, actor=patient)
    if not await known_or_asked(known, consent.has_consented, session, actor=patient):
        raise consent.ConsentRequired
    known = intake.known_answered(session, actor=patient)
    if not await known_or_asked(known, intake.has_answered, session, actor=patient):
        raise consent.IntakeRequired


async def require_consent_to_store(
    request: Request, session: SessionDep, user: CurrentUser
) -> None:
    """The JSON API's gate: a patient's unsafe request stores health data, so it needs
    their consent (403 naming the missing consent). Reading what is already stored
    stays open: it is theirs. The session lookup brought the patient's consent along,
    so the gate goes to the thread pool only when it must ask the database."""
    if user.role is not Role.PATIENT or request.method in SAFE_METHODS:
        return
    known = consent.known_consent(session, actor=user)
    if not await known_or_asked(known, consent.has_consented, session, actor=user):
        raise consent.ConsentRequired
