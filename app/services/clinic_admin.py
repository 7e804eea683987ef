"""The clinic admin's account work: practitioner accounts, who cares for whom,
deactivating an account (its sessions end at once). Never a patient's diary: the
admin sees patients for account tasks only (access.Purpose.ACCOUNT)."""

from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, select

from app.i18n import N_
from app.models import AuditAction, CareLink, Role, User, UserSession
from app.security import Passwords
from app.services import access, accounts, audit, invites
from app.services.errors import InvalidInput, NotAllowed, NotFound


def _admin(actor: User) -> None:
    if actor.role is not Role.ADMIN or not actor.is_active:
        raise NotAllowed(actor.role)


@dataclass(frozen=True)
class Person:
    user: User
    practitioner_ids: frozenset[int]  # for a patient: who cares for them


@dataclass(frozen=True)
class People:
    practitioners: list[User]
    patients: list[Person]
    admins: list[User]


def people(session: Session, *, actor: User) -> People:
    """Everyone, by role and name, with each patient's practitioners."""
    _admin(actor)
    users = session.exec(select(User).order_by(User.name)).all()
    links: dict[int, set[int]] = defaultdict(set)
    for link in session.exec(select(CareLink)):
        links[link.patient_id].add(link.practitioner_id)
    return People(
        practitioners=[u for u in users if u.role is Role.PRACTITIONER],
        patients=[
            Person(u, frozenset(links.get(u.id, ()))) for u in users if u.role is Role.PATIENT
        ],
        admins=[u for u in users if u.role is Role.ADMIN],
    )


def create_practitioner(
    session: Session, *, actor: User, passwords: Passwords, name: str, email: str, now: datetime
) -> invites.Issued:
    """A practitioner account, with a one-time link (7 days) to choose its password:
    the admin never knows it."""
    _admin(actor)
    user = accounts.create_user(
        session,
        passwords=passwords,
        email=email,
        name=name,
        role=Role.PRACTITIONER,
        password=secrets.token_urlsafe(32),  # replaced through the link
        now=now,
    )
    audit.record(
        session, actor=actor, action=AuditAction.CREATE_ACCOUNT, now=now, detail=user.email
    )
    return invites.issue_reset(session, actor=actor, user_id=user.id, now=now)


def set_practitioners(
    session: Session, *, actor: User, patient_id: int, practitioner_ids: set[int], now: datetime
) -> None:
    """Link a patient to exactly these practitioners (link, re-link or unlink)."""
    _admin(actor)
    patient = access.patient_for(
        session, actor=actor, patient_id=patient_id, purpose=access.Purpose.ACCOUNT
    )
    valid = set(
        session.exec(
            select(User.id).where(User.id.in_(practitioner_ids), User.role == Role.PRACTITIONER)
        )
    )
    if valid != practitioner_ids:
        raise InvalidInput({"practitioners": N_("Choose one of the options.")})
    current = {
        link.practitioner_id: link
        for link in session.exec(select(CareLink).where(CareLink.patient_id == patient.id))
    }
    for practitioner_id in set(current) - practitioner_ids:
        session.delete(current[practitioner_id])
        audit.record(
            session,
            actor=actor,
            action=AuditAction.UNLINK,
            now=now,
            patient_id=patient.id,
            detail=f"practitioner {practitioner_id}",
        )
    for practitioner_id in practitioner_ids - set(current):
        session.add(
            CareLink(practitioner_id=practitioner_id, patient_id=patient.id, created_at=now)
        )
        audit.record(
            session,
            actor=actor,
            action=AuditAction.LINK,
            now=now,
            patient_id=patient.id,
            detail=f"practitioner {practitioner_id}",
        )
    session.commit()


def set_active(session: Session, *, actor: User, user_id: int, active: bool, now: datetime) -> User:
    """Deactivate (every session ends at once) or reactivate an account."""
    _admin(actor)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("user")
    if user.id == actor.id:
        raise InvalidInput({"active": N_("You cannot deactivate your own account.")})
    user.is_active = active
    session.add(user)
    if not active:
        session.exec(delete(UserSession).where(UserSession.user_id == user.id))
    audit.record(
        session,
        actor=actor,
        action=AuditAction.REACTIVATE if active else AuditAction.DEACTIVATE,
        now=now,
        patient_id=user.id if user.role is Role.PATIENT else None,
        detail=user.email,
    )
    session.commit()
    return user
