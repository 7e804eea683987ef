"""The demo diary tells the stories the insights and timeline are meant to show."""

from __future__ import annotations

import shutil
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import func, select

from app import demo
from app.db import make_engine, write_session
from app.domain.cramps import Site
from app.domain.insights import Direction
from app.models import CrampEvent, MorningCheckIn, User
from app.services import accounts, timeline
from app.services.insights import insights_for

TODAY = date(2026, 11, 24)
# The morning of TODAY in Tokyo, after every demo patient's wake time.
NOW = datetime.combine(TODAY, time(11, 0), ZoneInfo("Asia/Tokyo"))


@pytest.fixture
def clinic(session, passwords):
    return demo.load(session, passwords=passwords, now=NOW)


def patient(clinic, persona):
    return next(p for p in clinic.patients if clinic.persona_of(p) == persona)


def insights(session, user):
    accounts.profile_of(session, patient=user)
    return insights_for(session, actor=user, patient_id=user.id, now=NOW)


def test_the_improving_patient_has_fewer_cramp_nights_lately(session, clinic):
    found = insights(session, patient(clinic, "improving"))
    assert found.month.direction is Direction.FEWER
    assert found.month.recent.recorded_nights >= 20


def test_nights_after_the_full_routine_go_better_for_the_improving_patient(session, clinic):
    routine = insights(session, patient(clinic, "improving")).routine
    assert routine.enough_data
    assert routine.direction is Direction.FEWER


def test_the_rare_recorder_leaves_most_nights_without_a_record(session, clinic):
    found = insights(session, patient(clinic, "rare-recorder"))
    assert found.month.recent.unrecorded_nights > found.month.recent.recorded_nights


def test_the_spreading_patient_has_daytime_cramps_reaching_the_calf(session, clinic):
    user = patient(clinic, "spreading")
    accounts.profile_of(session, patient=user)
    diary = timeline.load_diary(
        session, actor=user, patient_id=user.id, first=TODAY - timedelta(days=30), last=TODAY
    )
    daytime = [c for cs in diary.daytime.values() for c in cs]
    assert len(daytime) >= 3
    assert any(Site.CALF in c.details.sites for c in daytime)


def test_last_nights_check_in_is_left_open_for_the_demo(session, clinic):
    evening = TODAY - timedelta(days=1)
    answered = session.exec(
        select(func.count()).select_from(MorningCheckIn).where(MorningCheckIn.night_of == evening)
    ).one()
    assert answered == 0


def test_no_demo_cramp_lies_in_the_future_or_beyond_90_days(session, clinic):
    first, last = session.exec(
        select(func.min(CrampEvent.occurred_at), func.max(CrampEvent.occurred_at))
    ).one()
    assert last <= NOW
    assert first >= NOW - timedelta(days=93)


def diary_digest(session) -> list[tuple]:
    rows = session.exec(
        select(User.email, CrampEvent.occurred_at, CrampEvent.severity, CrampEvent.sites)
        .join(User, User.id == CrampEvent.patient_id)
        .order_by(User.email, CrampEvent.occurred_at)
    ).all()
    checkins = session.exec(
        select(User.email, MorningCheckIn.night_of, MorningCheckIn.had_cramps)
        .join(User, User.id == MorningCheckIn.patient_id)
        .order_by(User.email, MorningCheckIn.night_of)
    ).all()
    return [tuple(r) for r in rows] + [tuple(c) for c in checkins]


def test_the_demo_diary_is_the_same_every_time(
    session, passwords, clinic, tmp_path, migrated_template
):
    other = tmp_path / "again.db"
    shutil.copyfile(migrated_template, other)
    engine = make_engine(f"sqlite:///{other}")
    try:
        with write_session(engine) as again:
            demo.load(again, passwords=passwords, now=NOW)
            assert diary_digest(again) == diary_digest(session)
    finally:
        engine.dispose()
