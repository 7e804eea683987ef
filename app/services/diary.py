"""What the home screen needs from the diary: the "Cramp now" form and the check-in card.

The home handler calls :func:`home_cards` and passes the result to the template as
``diary_home``; ``patient/_cramp_now.html`` and ``patient/_morning_checkin.html``
read it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from app.models import User
from app.services.checkins import CheckinCard, checkin_card


@dataclass(frozen=True)
class DiaryHome:
    # A fresh UUID per page: tapping twice (or resending the form) logs one cramp.
    cramp_client_id: uuid.UUID
    checkin: CheckinCard | None


def home_cards(session: Session, *, actor: User, patient_id: int, now: datetime) -> DiaryHome:
    return DiaryHome(
        cramp_client_id=uuid.uuid4(),
        checkin=checkin_card(session, actor=actor, patient_id=patient_id, now=now),
    )
