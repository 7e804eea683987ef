"""The course of care: its goal and the next visit, set by the practitioner and
shown on the patient's home screen."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam
from sqlmodel import Session, select

from app.i18n import N_
from app.models import AuditAction, CareCourse, User
from app.services import access, accounts, audit
from app.services.errors import InvalidInput

MAX_GOAL_LENGTH = 300


def course_of(session: Session, *, actor: User, patient_id: int) -> CareCourse | None:
    """The patient's course of care, if a practitioner has set one: for the patient's
    home screen and their practitioner's page."""
    patient = access.patient_for(session, actor=actor, patient_id=patient_id)
    return _row(session, patient_id=patient.id)


# Built once: constructing a statement costs more than SQLite takes to run it.
_ROW = select(CareCourse).where(CareCourse.patient_id == bindparam("patient_id"))


def _row(session: Session, *, patient_id: int) -> CareCourse | None:
    return session.exec(_ROW, params={"patient_id": patient_id}).first()


def set_course(
    session: Session,
    *,
    actor: User,
    patient_id: int,
    goal: str,
    next_visit: date | None,
    now: datetime,
) -> CareCourse:
    """Set the goal and next visit; a next visit before the patient's today is refused."""
    patient = access.patient_in_care(session, actor=actor, patient_id=patient_id)
    profile = accounts.profile_of(session, patient=patient)
    today = now.astimezone(ZoneInfo(profile.time_zone)).date()
    goal = goal.strip()
    errors = {}
    if len(goal) > MAX_GOAL_LENGTH:
        errors["goal"] = N_("Keep the goal under 300 characters.")
    if next_visit is not None and next_visit < today:
        errors["next_visit"] = N_("Choose a date from today on.")
    if errors:
        raise InvalidInput(errors)
    course = _row(session, patient_id=patient.id) or CareCourse(
        patient_id=patient.id, updated_at=now
    )
    course.goal = goal
    course.next_visit = next_visit
    course.updated_by_id = actor.id
    course.updated_at = now
    session.add(course)
    audit.record(
        session,
        actor=actor,
        action=AuditAction.CHANGE_PLAN,
        now=now,
        patient_id=patient.id,
        detail="course",
    )
    session.commit()
    return course
