"""Habit strength from the stored snapshot agrees with a replay of the whole history."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlmodel import select

from app.domain.strength import strengths
from app.models import Completion, HabitSnapshot, PlanItem
from app.security import CSRF_HEADER
from app.services import completions, habits
from app.services import plan as plan_service
from tests import factories
from tests.conftest import csrf_token, sign_in

TODAY = date(2026, 11, 24)  # the fixed clock's patient day
JOINED = TODAY - timedelta(days=120)


@pytest.fixture
def veteran(session, passwords):
    """A patient who joined four months ago and did the toe stretch most evenings."""
    patient = factories.make_patient(
        session, passwords, now=factories.NOW - timedelta(days=(TODAY - JOINED).days)
    )
    stretch = session.exec(
        select(PlanItem).where(PlanItem.patient_id == patient.id, PlanItem.routine == "toe_stretch")
    ).one()
    for offset in range((TODAY - JOINED).days):
        if offset % 4:
            session.add(
                Completion(
                    patient_id=patient.id,
                    client_id=uuid.uuid4(),
                    routine="toe_stretch",
                    day=JOINED + timedelta(days=offset),
                    plan_item_id=stretch.id,
                    recorded_at=factories.NOW,
                    sets=3,
                )
            )
    session.commit()
    return patient


def replayed(session, patient) -> dict[str, float]:
    versions = plan_service.plan_versions(session, patient_id=patient.id)
    done = habits.done_counts(session, patient_id=patient.id, start=JOINED, end=TODAY)
    return strengths(versions, done, today=TODAY)


def from_snapshot(session, patient) -> dict[str, float]:
    versions = plan_service.plan_versions(session, patient_id=patient.id)
    return habits.habit_strengths(session, patient_id=patient.id, versions=versions, today=TODAY)


def tick_the_foot_bath(client, session, patient) -> None:
    client.headers[CSRF_HEADER] = csrf_token(client)
    bath = session.exec(
        select(PlanItem.id).where(
            PlanItem.patient_id == patient.id, PlanItem.routine == "foot_bath"
        )
    ).one()
    session.rollback()
    response = client.post(
        "/api/v1/completions",
        json={"client_id": str(uuid.uuid4()), "plan_item_id": bath, "day": TODAY.isoformat()},
    )
    assert response.status_code == 201, response.text


def test_recording_a_routine_stores_a_snapshot_of_the_settled_days(client, session, veteran):
    sign_in(client, veteran)
    tick_the_foot_bath(client, session, veteran)
    snapshot = session.get(HabitSnapshot, veteran.id)
    assert snapshot.as_of == TODAY - habits.SETTLED_AFTER
    assert from_snapshot(session, veteran) == pytest.approx(replayed(session, veteran), abs=1e-12)
    assert 0.5 < from_snapshot(session, veteran)["toe_stretch"] < 1


def test_a_snapshot_of_another_plan_is_ignored(client, session, veteran):
    sign_in(client, veteran)
    tick_the_foot_bath(client, session, veteran)
    # The clinic changes the stretch from a day the snapshot already covers.
    versions = plan_service.plan_versions(session, patient_id=veteran.id)
    stretch = next(v for v in versions if v.routine == "toe_stretch")
    plan_service.stage_change(
        session,
        patient_id=veteran.id,
        current=stretch,
        effective_from=TODAY - timedelta(days=60),
        changed_by_id=None,
        now=factories.NOW,
        enabled=False,
    )
    session.commit()
    assert from_snapshot(session, veteran) == pytest.approx(replayed(session, veteran), abs=1e-12)


def test_without_a_snapshot_the_whole_history_is_judged(session, veteran):
    assert session.get(HabitSnapshot, veteran.id) is None
    assert from_snapshot(session, veteran) == replayed(session, veteran)


def test_the_snapshot_lies_before_any_day_that_can_still_change():
    assert timedelta(days=completions.LATE_ENTRY_DAYS) < habits.SETTLED_AFTER


def test_counts_kept_for_the_page_answer_every_window_as_a_fresh_read_would(session, veteran):
    windows = [
        (TODAY - timedelta(days=9), TODAY + timedelta(days=1)),
        (TODAY - timedelta(days=3), TODAY),
        (TODAY, TODAY + timedelta(days=1)),
        (JOINED, TODAY - timedelta(days=40)),  # outside what was read: widens it
        (TODAY - timedelta(days=50), TODAY - timedelta(days=20)),
    ]
    kept = [habits.done_counts(session, patient_id=veteran.id, start=s, end=e) for s, e in windows]
    for (start, end), answer in zip(windows, kept, strict=True):
        session.info.clear()  # nothing remembered: each window read on its own
        assert answer == habits.done_counts(session, patient_id=veteran.id, start=start, end=end)
        assert all(start <= day <= end for days in answer.values() for day in days)
    kept[1].clear()  # a caller changing its copy changes nothing for the next one
    assert habits.done_counts(
        session, patient_id=veteran.id, start=TODAY - timedelta(days=3), end=TODAY
    )


def test_a_completion_recorded_is_in_the_counts_read_after_it(session, veteran):
    yesterday = TODAY - timedelta(days=1)
    before = habits.done_counts(session, patient_id=veteran.id, start=yesterday, end=TODAY)
    bath = session.exec(
        select(PlanItem).where(PlanItem.patient_id == veteran.id, PlanItem.routine == "foot_bath")
    ).first()
    session.add(
        Completion(
            patient_id=veteran.id,
            client_id=uuid.uuid4(),
            routine="foot_bath",
            day=yesterday,
            plan_item_id=bath.id,
            recorded_at=factories.NOW,
        )
    )
    after = habits.done_counts(session, patient_id=veteran.id, start=yesterday, end=TODAY)
    assert "foot_bath" not in before
    assert after["foot_bath"] == {yesterday: 1}
