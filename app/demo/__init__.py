"""The demo clinic: accounts first, then each area's history, all deterministic.

Each seeder takes the session, the clinic built so far and the clinic's "today",
and adds its own data. Add yours to SEEDERS; order matters only where one area's
history reads another's (plans before the diary that relates to them).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, select

from app.demo import accounts, casenotes, diary, onboarding, plan
from app.demo.accounts import DEMO_PASSWORD, DemoClinic
from app.models import User
from app.security import Passwords

Seeder = Callable[[Session, DemoClinic, date, random.Random], None]

# Consent comes first: no health data is stored before it (issue 10).
SEEDERS: list[Seeder] = [onboarding.seed, plan.seed, diary.seed, casenotes.seed]


def is_empty(session: Session) -> bool:
    return session.exec(select(func.count()).select_from(User)).one() == 0


def is_loaded(session: Session) -> bool:
    email = accounts.logins()[0][1]
    return session.exec(select(User).where(User.email == email)).first() is not None


def load(
    session: Session, *, passwords: Passwords, now: datetime, time_zone: str = "Asia/Tokyo"
) -> DemoClinic:
    """Create the demo clinic as of ``now`` (the app's clock); its history ends on the
    clinic's today in ``time_zone``. Same input, same clinic: the generator is seeded."""
    rng = random.Random(20261124)  # noqa: S311 - demo data, not security
    today = now.astimezone(ZoneInfo(time_zone)).date()
    clinic = accounts.create_people(session, passwords=passwords, now=now)
    for seeder in SEEDERS:
        seeder(session, clinic, today, rng)
    return clinic


__all__ = ["DEMO_PASSWORD", "SEEDERS", "DemoClinic", "is_empty", "is_loaded", "load"]
