"""The audit trail: who viewed, exported or changed which patient's data, and when.

Rows are only ever added here (the model refuses updates and deletes), and every
practitioner page or export that shows a patient's data adds one in the same
transaction as the request, so a view is never shown without being recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from app.models import AuditAction, AuditEvent, Role, User
from app.services.errors import NotAllowed

PAGE_SIZE = 100


def record(
    session: Session,
    *,
    actor: User,
    action: AuditAction,
    now: datetime,
    patient_id: int | None = None,
    detail: str = "",
) -> None:
    """Add one audit row; it is committed with the caller's transaction."""
    session.add(
        AuditEvent(
            at=now,
            actor_id=actor.id,
            actor_name=actor.name,
            patient_id=patient_id,
            action=action,
            detail=detail[:200],
        )
    )


def record_now(
    session: Session,
    *,
    actor: User,
    action: AuditAction,
    now: datetime,
    patient_id: int | None = None,
    detail: str = "",
) -> None:
    """Add one audit row and commit it (for reads, which have nothing else to commit)."""
    record(session, actor=actor, action=action, now=now, patient_id=patient_id, detail=detail)
    session.commit()


@dataclass(frozen=True)
class AuditFilter:
    actor_id: int | None = None
    patient_id: int | None = None
    action: AuditAction | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    patient_name: str | None


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    total: int
    page: int
    pages: int


def browse(session: Session, *, actor: User, where: AuditFilter, page: int = 1) -> AuditPage:
    """The trail, newest first, filtered; for the clinic admin only."""
    if actor.role is not Role.ADMIN or not actor.is_active:
        raise NotAllowed(actor.role)
    conditions = []
    if where.actor_id is not None:
        conditions.append(AuditEvent.actor_id == where.actor_id)
    if where.patient_id is not None:
        conditions.append(AuditEvent.patient_id == where.patient_id)
    if where.action is not None:
        conditions.append(AuditEvent.action == where.action)
    if where.since is not None:
        conditions.append(AuditEvent.at >= where.since)
    if where.until is not None:
        conditions.append(AuditEvent.at < where.until)
    total = session.exec(select(func.count()).select_from(AuditEvent).where(*conditions)).one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    rows = session.exec(
        select(AuditEvent, User.name)
        .outerjoin(User, User.id == AuditEvent.patient_id)
        .where(*conditions)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    return AuditPage(
        rows=[AuditRow(event, name) for event, name in rows], total=total, page=page, pages=pages
    )
