"""Setting up diary history in tests: cramps and check-ins at fixed Tokyo times."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlmodel import Session

from app.domain.checkins import AnswerFields
from app.domain.cramps import CrampDetails
from app.models import CrampEvent, MorningCheckIn, User
from app.services import checkins as checkin_service
from app.services import cramps as cramp_service


def tokyo(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime(y, mo, d, h, mi, tzinfo=ZoneInfo("Asia/Tokyo")).astimezone(UTC)


def add_cramp(
    session: Session, patient: User, at: datetime, *, now: datetime | None = None, **details
):
    cramp = cramp_service.log_cramp(
        session,
        actor=patient,
        client_id=uuid.uuid4(),
        occurred_at=at,
        details=CrampDetails(**details),
        now=now or at,
    ).entry
    # The service answers a new entry with the row as stored; tests change it through
    # the ORM.
    cramp = session.get(CrampEvent, cramp.id)
    session.commit()  # end the read transaction, so the app under test can write
    return cramp


def add_checkin(
    session: Session,
    patient: User,
    evening: date,
    *,
    had_cramps: bool = False,
    answered_at: datetime,
    **fields,
):
    checkin = checkin_service.answer_checkin(
        session,
        actor=patient,
        evening=evening,
        fields=AnswerFields(had_cramps=had_cramps, **fields),
        now=answered_at,
    ).entry
    checkin = session.get(MorningCheckIn, checkin.id)
    session.commit()
    return checkin
