"""The demo clinic's care plans and 90 days of routines tell each persona's story."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from app import demo
from app.domain.adherence import adherence
from app.models import Completion, PlanItem
from app.services import habits, routines
from app.services import plan as plan_service
from tests.factories import NOW

TODAY = date(2026, 11, 24)


@pytest.fixture
def clinic(session, passwords):
    return demo.load(session, passwords=passwords, now=NOW)


def patients(clinic, persona):
    return [p for p in clinic.patients if clinic.persona_of(p) == persona]


def adherence_of(session, user, first_day: int, last_day: int) -> float:
    """Adherence over days ``first_day``..``last_day`` ago."""
    versions = plan_service.plan_versions(session, patient_id=user.id)
    done = habits.done_counts(
        session, patient_id=user.id, start=TODAY - timedelta(days=120), end=TODAY
    )
    result = adherence(
        versions,
        done,
        start=TODAY - timedelta(days=first_day),
        end=TODAY - timedelta(days=last_day),
    )
    return result.ratio


def test_every_patient_has_a_plan_from_the_day_they_joined(session, clinic):
    for user in clinic.patients:
        versions = plan_service.plan_versions(session, patient_id=user.id)
        joined = min(v.effective_from for v in versions)
        expected = 4 if clinic.persona_of(user) == "new" else 90
        assert joined == TODAY - timedelta(days=expected)


def test_history_spans_ninety_days_and_leaves_today_to_the_visitor(session, clinic):
    for user in clinic.patients:
        days = session.exec(select(Completion.day).where(Completion.patient_id == user.id)).all()
        assert max(days) == TODAY - timedelta(days=1)
        if clinic.persona_of(user) != "new":
            assert min(days) <= TODAY - timedelta(days=88)


def test_adherence_differs_by_persona(session, clinic):
    steady = adherence_of(session, patients(clinic, "steady")[0], 90, 1)
    rare = adherence_of(session, patients(clinic, "rare-recorder")[0], 90, 1)
    assert steady > 0.8
    assert rare < 0.5


def test_the_improving_patient_improves_and_the_lapsed_one_stops(session, clinic):
    improving = patients(clinic, "improving")[0]
    assert adherence_of(session, improving, 30, 1) > adherence_of(session, improving, 90, 61)
    lapsed = patients(clinic, "lapsed")[0]
    assert adherence_of(session, lapsed, 30, 1) < 0.2 < adherence_of(session, lapsed, 90, 61)


def test_practitioners_changes_are_versions_with_who_made_them(session, clinic):
    improving = patients(clinic, "improving")[0]
    rows = session.exec(
        select(PlanItem)
        .where(PlanItem.patient_id == improving.id, PlanItem.routine == "toe_stretch")
        .order_by(PlanItem.effective_from)
    ).all()
    assert [r.sets for r in rows] == [3, 5]
    assert rows[1].changed_by_id in {p.id for p in clinic.practitioners}
    partial = session.exec(
        select(Completion).where(
            Completion.patient_id == improving.id,
            Completion.routine == "toe_stretch",
            Completion.sets < 5,
            Completion.day >= rows[1].effective_from,
        )
    ).all()
    assert partial, "a few stretches stopped a set early"


def test_full_evenings_exist_for_the_diary_to_relate_to(session, clinic):
    steady = patients(clinic, "steady")[0]
    full = routines.evenings_with_full_routine(
        session, actor=steady, patient_id=steady.id, start=TODAY - timedelta(days=30), end=TODAY
    )
    assert 10 <= len(full) <= 30


def test_the_demo_is_the_same_every_time(clinic, session, passwords, tmp_path, migrated_template):
    import shutil

    from app.db import make_engine, write_session

    copy = tmp_path / "again.db"
    shutil.copyfile(migrated_template, copy)
    engine = make_engine(f"sqlite:///{copy}")
    try:
        with write_session(engine) as other:
            demo.load(other, passwords=passwords, now=NOW)
            again = other.exec(
                select(Completion.routine, Completion.day, Completion.slot, Completion.sets)
            ).all()
    finally:
        engine.dispose()
    first = session.exec(
        select(Completion.routine, Completion.day, Completion.slot, Completion.sets)
    ).all()
    assert sorted(first) == sorted(again)
