"""Creating people and linking them to their practitioners.

These are building blocks for other services, the CLI and the demo, which decide
who may act before calling them (invites, clinic_admin); no route calls
``create_user``, ``link_care`` or ``profile_of`` directly (a route reaches a
patient's profile through ``access.profile_for``). ``set_locale`` changes the
signed-in user's own account.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.i18n import N_
from app.models import CareLink, PatientProfile, Role, User
from app.security import Passwords
from app.services import access, plan
from app.services.errors import InvalidInput, NotFound

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200
MAX_NAME_LENGTH = 100


def normalise_email(email: str) -> str:
    return email.strip().lower()


def password_problem(password: str) -> str | None:
    """Why a new password is refused, as a message id, or None when it is fine."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return N_("Use at least 10 characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        return N_("Use at most 200 characters.")
    return None


@dataclass(frozen=True)
class NewPatient:
    time_zone: str = "Asia/Tokyo"
    bedtime: time = time(23, 0)
    wake_time: time = time(7, 0)


def create_user(
    session: Session,
    *,
    passwords: Passwords,
    email: str,
    name: str,
    role: Role,
    password: str,
    now: datetime,
    locale: str | None = None,
    patient: NewPatient | None = None,
) -> User:
    """Create an account; a patient also gets a profile with the clinic's defaults.

    ``now`` is the app's clock: it decides the patient's first plan day, so it must
    never come from a column default that reads the wall clock.
    """
    errors: dict[str, str] = {}
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        errors["email"] = N_("Enter a valid e-mail address.")
    if not name.strip():
        errors["name"] = N_("Enter a name.")
    elif len(name.strip()) > MAX_NAME_LENGTH:
        # Refused, not cut short: whoever typed it sees it and chooses what to keep.
        errors["name"] = N_("Use at most 100 characters.")
    if problem := password_problem(password):
        errors["password"] = problem
    if errors:
        raise InvalidInput(errors)
    user = User(
        email=email,
        name=name.strip(),
        role=role,
        password_hash=passwords.hash(password),
        locale=locale,
        created_at=now,
    )
    session.add(user)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise InvalidInput({"email": N_("An account with this e-mail already exists.")}) from None
    if role is Role.PATIENT:
        details = patient or NewPatient()
        profile = PatientProfile(
            user_id=user.id,
            time_zone=details.time_zone,
            bedtime=details.bedtime,
            wake_time=details.wake_time,
        )
        session.add(profile)
        session.flush()
        # Every patient starts with the clinic's default care plan (issue 3).
        plan.start_plan(session, patient=user, profile=profile)
    session.commit()
    return user


def link_care(
    session: Session, *, practitioner_id: int, patient_id: int, now: datetime
) -> CareLink:
    """Let a practitioner care for a patient (idempotent)."""
    practitioner = session.get(User, practitioner_id)
    patient = session.get(User, patient_id)
    if practitioner is None or practitioner.role is not Role.PRACTITIONER:
        raise NotFound("practitioner")
    if patient is None or patient.role is not Role.PATIENT:
        raise NotFound("patient")
    existing = session.exec(
        select(CareLink).where(
            CareLink.practitioner_id == practitioner_id, CareLink.patient_id == patient_id
        )
    ).first()
    if existing:
        return existing
    link = CareLink(practitioner_id=practitioner_id, patient_id=patient_id, created_at=now)
    session.add(link)
    session.commit()
    return link


def profile_of(session: Session, *, patient: User) -> PatientProfile:
    profile = access.stored_profile(session, patient_id=patient.id)
    if profile is None:
        raise NotFound("profile")
    return profile


def set_locale(session: Session, *, actor: User, locale: str | None) -> None:
    """The signed-in user's own language (any role: it is their account, not a record)."""
    actor.locale = locale
    session.add(actor)
    session.commit()
