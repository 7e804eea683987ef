"""Plans, completions, the evening summary for the diary, and settings, over a real DB."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlmodel import select

from app.models import Completion, PlanItem
from app.services import accounts, completions, preferences, routines, tonight
from app.services import plan as plan_service
from app.services.device_entries import ClientIdConflict, EntryGone
from app.services.errors import InvalidInput, NotFound
from tests import factories

TODAY = date(2026, 11, 24)  # the fixed clock's patient day (22:00 in Tokyo)
NOW = factories.NOW


def start_plan_on(session, patient, day: date) -> None:
    """Move a test patient's default plan back, as if they had joined on ``day``."""
    for row in session.exec(select(PlanItem).where(PlanItem.patient_id == patient.id)):
        row.effective_from = day
        session.add(row)
    session.commit()


def item_id(session, patient, routine: str) -> int:
    return session.exec(
        select(PlanItem.id).where(PlanItem.patient_id == patient.id, PlanItem.routine == routine)
    ).first()


def record(session, patient, routine: str, day: date = TODAY, client_id=None, **values):
    return completions.record_completion(
        session,
        actor=patient,
        item_id=item_id(session, patient, routine),
        client_id=client_id or uuid.uuid4(),
        day=day,
        now=NOW,
        values=values or None,
    )


def stored(session, patient) -> list[Completion]:
    return list(session.exec(select(Completion).where(Completion.patient_id == patient.id)))


# --- the default plan -----------------------------------------------------------------


def test_a_new_patient_gets_the_clinics_default_plan(session, patient):
    versions = plan_service.plan_versions(session, patient_id=patient.id)
    by_routine = {v.routine: v for v in versions}
    assert set(by_routine) == {
        "foot_bath",
        "bedtime_glass",
        "sole_massage",
        "toe_stretch",
        "calf_stretch",
        "waking_stretch",
        "water",
        "walk",
        "desk_break",
        "warm_feet",
    }
    assert by_routine["toe_stretch"].dose.sets == 3
    assert not by_routine["calf_stretch"].enabled
    assert len({v.effective_from for v in versions}) == 1


@pytest.mark.parametrize(
    ("created", "first_day"),
    [
        # 22:00 in Tokyo on the 1st: the plan starts that evening.
        (datetime(2021, 3, 1, 13, 0, tzinfo=UTC), date(2021, 3, 1)),
        # 02:00 in Tokyo on the 2nd is still the patient day of the 1st.
        (datetime(2031, 3, 1, 17, 0, tzinfo=UTC), date(2031, 3, 1)),
    ],
)
def test_the_first_plan_day_comes_from_the_apps_clock_not_the_wall_clock(
    session, passwords, created, first_day
):
    newcomer = factories.make_patient(session, passwords, now=created)
    versions = plan_service.plan_versions(session, patient_id=newcomer.id)
    assert {v.effective_from for v in versions} == {first_day}
    assert newcomer.created_at == created


def test_staff_accounts_get_no_plan(session, practitioner):
    assert plan_service.plan_versions(session, patient_id=practitioner.id) == []


# --- recording ------------------------------------------------------------------------


def test_repeating_a_submission_with_the_same_uuid_changes_nothing(session, patient):
    client_id = uuid.uuid4()
    first = record(session, patient, "toe_stretch", client_id=client_id, sets=2)
    again = record(session, patient, "toe_stretch", client_id=client_id, sets=2)
    assert first.created
    assert not again.created
    assert again.entry.id == first.entry.id
    assert [(c.routine, c.sets) for c in stored(session, patient)] == [("toe_stretch", 2)]


def test_the_same_uuid_with_another_body_is_refused(session, patient):
    client_id = uuid.uuid4()
    record(session, patient, "toe_stretch", client_id=client_id, sets=2)
    with pytest.raises(ClientIdConflict):
        record(session, patient, "toe_stretch", client_id=client_id, sets=3)
    assert [(c.routine, c.sets) for c in stored(session, patient)] == [("toe_stretch", 2)]


def test_an_undone_glass_cannot_come_back_and_leaves_its_number_free(session, patient):
    glasses = [uuid.uuid4() for _ in range(3)]
    for key in glasses:
        record(session, patient, "water", client_id=key)
    completions.delete_completion(session, actor=patient, client_id=glasses[1], now=NOW)
    with pytest.raises(EntryGone):
        record(session, patient, "water", client_id=glasses[1])
    record(session, patient, "water")
    assert [c.slot for c in stored(session, patient)] == [0, 2, 3]


def test_another_patients_completion_cannot_be_undone(session, patient, other_patient):
    key = uuid.uuid4()
    record(session, other_patient, "water", client_id=key)
    with pytest.raises(NotFound):
        completions.delete_completion(session, actor=patient, client_id=key, now=NOW)
    assert len(stored(session, other_patient)) == 1


def test_a_second_done_for_the_same_evening_is_not_a_second_row(session, patient):
    record(session, patient, "foot_bath")
    second = record(session, patient, "foot_bath")
    assert not second.created
    assert len(stored(session, patient)) == 1


def test_one_tap_records_the_planned_dose(session, patient):
    record(session, patient, "walk")
    (row,) = stored(session, patient)
    assert (row.minutes, row.reps, row.sets) == (10, 30, None)


def test_each_glass_of_water_is_its_own_row(session, patient):
    for _ in range(3):
        record(session, patient, "water")
    assert [c.slot for c in stored(session, patient)] == [0, 1, 2]


def test_more_than_twenty_glasses_a_day_is_refused(session, patient):
    for _ in range(20):
        record(session, patient, "water")
    with pytest.raises(InvalidInput) as refused:
        record(session, patient, "water")
    assert "glasses" in refused.value.errors
    assert len(stored(session, patient)) == 20


@pytest.mark.parametrize(
    ("day", "field"),
    [
        pytest.param(TODAY + timedelta(days=1), "day", id="tomorrow"),
        pytest.param(date(2027, 6, 1), "day", id="far future"),
        pytest.param(TODAY - timedelta(days=8), "day", id="too long ago"),
    ],
)
def test_days_outside_the_window_are_refused_and_nothing_is_stored(session, patient, day, field):
    with pytest.raises(InvalidInput) as refused:
        record(session, patient, "toe_stretch", day=day)
    assert field in refused.value.errors
    assert stored(session, patient) == []


def test_a_forgotten_routine_from_last_week_can_still_be_ticked(session, patient):
    assert record(session, patient, "toe_stretch", day=TODAY - timedelta(days=7)).created


@pytest.mark.parametrize(
    ("routine", "values", "field"),
    [
        ("toe_stretch", {"sets": 0}, "sets"),
        ("toe_stretch", {"sets": 99}, "sets"),
        ("foot_bath", {"minutes": 600}, "minutes"),
        ("walk", {"reps": -3}, "reps"),
    ],
)
def test_values_out_of_range_are_refused(session, patient, routine, values, field):
    with pytest.raises(InvalidInput) as refused:
        record(session, patient, routine, **values)
    assert field in refused.value.errors
    assert stored(session, patient) == []


def test_another_patients_item_is_not_found(session, patient, other_patient):
    with pytest.raises(NotFound):
        completions.record_completion(
            session,
            actor=patient,
            item_id=item_id(session, other_patient, "toe_stretch"),
            client_id=uuid.uuid4(),
            day=TODAY,
            now=NOW,
        )
    assert stored(session, other_patient) == []


def test_a_routine_switched_off_cannot_be_ticked(session, patient):
    with pytest.raises(InvalidInput):
        record(session, patient, "calf_stretch")


# --- undo -----------------------------------------------------------------------------


def test_undo_takes_back_todays_done(session, patient):
    record(session, patient, "toe_stretch")
    accounts.profile_of(session, patient=patient)
    assert completions.undo_completion(
        session,
        actor=patient,
        item_id=item_id(session, patient, "toe_stretch"),
        day=TODAY,
        now=NOW,
    )
    assert stored(session, patient) == []


def test_undo_of_water_removes_only_the_last_glass(session, patient):
    for _ in range(3):
        record(session, patient, "water")
    completions.undo_completion(
        session,
        actor=patient,
        item_id=item_id(session, patient, "water"),
        day=TODAY,
        now=NOW,
    )
    assert [c.slot for c in stored(session, patient)] == [0, 1]


def test_yesterday_cannot_be_undone(session, patient):
    record(session, patient, "toe_stretch", day=TODAY - timedelta(days=1))
    with pytest.raises(InvalidInput):
        completions.undo_completion(
            session,
            actor=patient,
            item_id=item_id(session, patient, "toe_stretch"),
            day=TODAY - timedelta(days=1),
            now=NOW,
        )
    assert len(stored(session, patient)) == 1


# --- the home screen's data -----------------------------------------------------------


def test_tonight_lists_the_evening_in_order_with_what_is_done(session, patient):
    record(session, patient, "sole_massage")
    for _ in range(2):
        record(session, patient, "water")
    plan = tonight.tonight_for(
        session,
        actor=patient,
        patient_id=patient.id,
        now=NOW,
    )
    assert plan.day == TODAY
    assert plan.is_evening
    assert [i.routine for i in plan.evening] == [
        "foot_bath",
        "bedtime_glass",
        "sole_massage",
        "toe_stretch",
    ]
    assert [bool(i.done) for i in plan.evening] == [False, False, True, False]
    assert plan.hydration.glasses == 2
    assert plan.hydration.target == 6
    assert [w.goal.target_max for w in plan.weekly] == [3]


def test_strength_reflects_weeks_of_evenings(session, patient):
    start_plan_on(session, patient, TODAY - timedelta(days=40))
    for offset in range(1, 8):
        record(session, patient, "toe_stretch", day=TODAY - timedelta(days=offset))
    plan = tonight.tonight_for(
        session,
        actor=patient,
        patient_id=patient.id,
        now=NOW,
    )
    strength = {i.routine: i.strength for i in plan.evening}
    assert strength["foot_bath"] == 0
    assert 20 < strength["toe_stretch"] < 40  # a week of evenings after a quiet month


# --- for the diary ----------------------------------------------------------------------


def test_full_evenings_are_those_with_every_evening_routine_done(session, patient):
    full, partial = TODAY - timedelta(days=2), TODAY - timedelta(days=1)
    for routine in ("foot_bath", "bedtime_glass", "sole_massage", "toe_stretch"):
        record(session, patient, routine, day=full)
    record(session, patient, "toe_stretch", day=partial)
    assert routines.evenings_with_full_routine(
        session, actor=patient, patient_id=patient.id, start=TODAY - timedelta(days=6), end=TODAY
    ) == {full}


def test_evening_summary_names_each_routine_due_and_what_was_done(session, patient):
    record(session, patient, "toe_stretch", sets=2)
    summary = routines.evening_summary(session, actor=patient, patient_id=patient.id, evening=TODAY)
    assert [(r.routine, r.done, r.values) for r in summary.routines] == [
        ("foot_bath", False, {}),
        ("bedtime_glass", False, {}),
        ("sole_massage", False, {}),
        ("toe_stretch", True, {"sets": 2}),
    ]
    assert (summary.done_count, summary.due_count, summary.full) == (1, 4, False)


# --- settings -----------------------------------------------------------------------------


def save(session, patient, **changes):
    values = {
        "bedtime": time(23, 0),
        "wake_time": time(7, 0),
        "time_zone": "Asia/Tokyo",
        "locale": "ja",
        "optional": {"desk_break", "warm_feet"},
    }
    values.update(changes)
    preferences.save_settings(
        session,
        actor=patient,
        now=NOW,
        **values,
    )


def test_a_new_bedtime_moves_tonights_schedule_at_once(session, patient):
    save(session, patient, bedtime=time(0, 30))
    plan = tonight.tonight_for(
        session,
        actor=patient,
        patient_id=patient.id,
        now=NOW,
    )
    stretch = next(i for i in plan.evening if i.routine == "toe_stretch")
    assert stretch.at.strftime("%m-%d %H:%M") == "11-25 00:15"


def test_switching_an_optional_routine_on_applies_from_today_only(session, patient):
    start_plan_on(session, patient, TODAY - timedelta(days=10))
    save(session, patient, optional={"calf_stretch", "desk_break", "warm_feet"})
    summary_today = routines.evening_summary(
        session, actor=patient, patient_id=patient.id, evening=TODAY
    )
    summary_before = routines.evening_summary(
        session, actor=patient, patient_id=patient.id, evening=TODAY - timedelta(days=1)
    )
    assert "calf_stretch" in [r.routine for r in summary_today.routines]
    assert "calf_stretch" not in [r.routine for r in summary_before.routines]


def test_switching_twice_on_one_day_keeps_a_single_version_for_that_day(session, patient):
    start_plan_on(session, patient, TODAY - timedelta(days=10))
    save(session, patient, optional={"calf_stretch"})
    save(session, patient, optional=set())
    rows = session.exec(
        select(PlanItem).where(
            PlanItem.patient_id == patient.id, PlanItem.routine == "calf_stretch"
        )
    ).all()
    assert [(r.effective_from, r.enabled) for r in rows] == [
        (TODAY - timedelta(days=10), False),
        (TODAY, False),
    ]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"bedtime": time(23, 0), "wake_time": time(0, 0)}, "wake_time"),
        ({"locale": "klingon"}, "locale"),
        ({"optional": {"toe_stretch"}}, "optional"),
    ],
)
def test_bad_settings_are_refused_and_nothing_changes(session, patient, changes, field):
    with pytest.raises(InvalidInput) as refused:
        save(session, patient, **changes)
    assert field in refused.value.errors
    session.rollback()
    profile = accounts.profile_of(session, patient=patient)
    assert (profile.bedtime, profile.time_zone) == (time(23, 0), "Asia/Tokyo")


def test_moving_to_london_changes_which_day_it_is(session, patient):
    save(session, patient, time_zone="Europe/London")
    # 22:00 in Tokyo is 13:00 in London: daytime, same date.
    plan = tonight.tonight_for(
        session,
        actor=patient,
        patient_id=patient.id,
        now=datetime(2026, 11, 24, 13, 0, tzinfo=UTC),
    )
    assert plan.day == TODAY
    assert not plan.is_evening
    assert plan.evening[-1].at.strftime("%H:%M %Z") == "22:45 GMT"
