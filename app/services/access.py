"""Who may see a patient: the one rule every service that touches patient data calls.

Health data is special-care personal information (APPI 要配慮個人情報), so the rule is
narrow: a patient sees their own record; a practitioner sees the patients they have
a care link to; the clinic admin sees a patient only for account tasks (links,
reset links, a disclosure export), never to browse their diary. Anything else is
NotFound, so that probing ids tells a stranger nothing about who exists.

``stored_profile`` and ``remember_profile`` take a patient id without an actor: they
are internal helpers for services that have already applied the rule.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from enum import StrEnum
from typing import TypeVar

from sqlalchemy import Select, bindparam, exists, false, select
from sqlmodel import Session

from app.models import CareLink, PatientProfile, Role, User
from app.services import memo
from app.services.errors import NotAllowed, NotFound

T = TypeVar("T")


class Purpose(StrEnum):
    # Reading or changing the patient's health record: diary, plan, notes, charts.
    CARE = "care"
    # Account work on the patient: care links, reset links, deactivation, and the
    # export a patient may ask for under APPI (a disclosure request).
    ACCOUNT = "account"


def may_see(session: Session, *, actor: User, patient: User, purpose: Purpose) -> bool:
    """Whether ``actor`` may see ``patient`` for ``purpose`` (the rule, stated once)."""
    if patient.role is not Role.PATIENT or not actor.is_active:
        return False
    if actor.role is Role.PATIENT:
        return actor.id == patient.id
    if actor.role is Role.ADMIN:
        return purpose is Purpose.ACCOUNT
    if actor.role is Role.PRACTITIONER:
        if purpose is Purpose.CARE and not patient.is_active:
            return False
        return bool(
            session.scalar(
                select(
                    exists().where(
                        CareLink.practitioner_id == actor.id, CareLink.patient_id == patient.id
                    )
                )
            )
        )
    return False


def patient_for(
    session: Session, *, actor: User, patient_id: int, purpose: Purpose = Purpose.CARE
) -> User:
    """The patient ``patient_id`` if ``actor`` may see them for ``purpose``.

    Raises NotFound otherwise, for a missing id and a forbidden one alike.
    """
    patient = session.get(User, patient_id)
    if patient is None or not may_see(session, actor=actor, patient=patient, purpose=purpose):
        raise NotFound("patient")
    return patient


def patient_in_care(session: Session, *, actor: User, patient_id: int) -> User:
    """The patient for a practitioner's own work on them (notes, plan, course of care,
    flag reviews): the same rule as ``patient_for``, so a stranger gets NotFound; the
    patient themselves may read that work but not write it (NotAllowed)."""
    patient = patient_for(session, actor=actor, patient_id=patient_id)
    if actor.role is not Role.PRACTITIONER:
        raise NotAllowed(actor.role)
    return patient


def visible_patient_ids(actor: User, *, purpose: Purpose = Purpose.CARE) -> Select:
    """A subquery of the patient ids ``actor`` may see, for list queries (dashboards,
    exports) that must not load patients one by one. Same rule as ``may_see``."""
    patients = select(User.id).where(User.role == Role.PATIENT)
    if not actor.is_active:
        return patients.where(false())
    if actor.role is Role.PATIENT:
        return patients.where(User.id == actor.id)
    if actor.role is Role.ADMIN:
        return patients if purpose is Purpose.ACCOUNT else patients.where(false())
    if actor.role is Role.PRACTITIONER:
        linked = patients.join(CareLink, CareLink.patient_id == User.id).where(
            CareLink.practitioner_id == actor.id
        )
        return linked.where(User.is_active) if purpose is Purpose.CARE else linked
    return patients.where(false())


# Built once: constructing a statement costs more than SQLite takes to run it.
_PROFILE = select(PatientProfile).where(PatientProfile.user_id == bindparam("user_id"))


def profile_for(
    session: Session, *, actor: User, patient_id: int, purpose: Purpose = Purpose.CARE
) -> PatientProfile:
    """The profile (zone, bedtime, wake time) of a patient ``actor`` may see; the
    same rule as ``patient_for``, for services that need the patient's rhythm."""
    patient = patient_for(session, actor=actor, patient_id=patient_id, purpose=purpose)
    profile = stored_profile(session, patient_id=patient.id)
    if profile is None:
        raise NotFound("patient")
    return profile


def known_own(
    session: Session,
    *,
    actor: User,
    key: Callable[[int], Hashable],
    answer: Callable[..., T],
) -> T | None:
    """``answer(session, patient_id=...)`` about the acting patient's own data when
    this transaction's memo already holds what it reads under ``key(patient_id)`` (the
    session lookup brought it along); None when it would ask the database. Checks the
    rule first and asks the database nothing (the actor's row is in the session
    already), so a dependency on the event loop can answer without a thread hop."""
    patient = patient_for(session, actor=actor, patient_id=actor.id)
    if not memo.knows(session, key(patient.id)):
        return None
    return answer(session, patient_id=patient.id)


def known_profile(session: Session, *, actor: User) -> PatientProfile | None:
    """``profile_for`` the acting patient's own profile, by ``known_own``."""
    return known_own(session, actor=actor, key=_profile_key, answer=stored_profile)


def stored_profile(session: Session, *, patient_id: int) -> PatientProfile | None:
    """A patient's profile row, read once per transaction (app.services.memo), with no
    access check: for callers that already passed the rule, or hold the patient."""
    return memo.remembered(
        session, _profile_key(patient_id), lambda: session.scalar(_PROFILE, {"user_id": patient_id})
    )


def _profile_key(patient_id: int) -> tuple[str, int]:
    return ("profile", patient_id)


def remember_profile(session: Session, *, patient_id: int, profile: PatientProfile | None) -> None:
    """A patient's profile read together with their session (app.services.auth), so
    that ``stored_profile`` in the same request costs no query of its own."""
    memo.keep(session, _profile_key(patient_id), profile)
