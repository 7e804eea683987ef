"""The schedule engine: patient days, occurrences, plan versions and weekly goals."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.domain.catalogue import CATALOGUE, Routine, default_plan
from app.domain.rhythm import Rhythm
from app.domain.schedule import (
    Anchor,
    Cadence,
    Dose,
    Frequency,
    PartOfDay,
    PlannedRoutine,
    When,
    day_at,
    day_bounds,
    occurrences_on,
    part_of_day,
    plan_in_force,
    week_of,
    weekly_goals,
)
from tests.properties import examples

TOKYO = ZoneInfo("Asia/Tokyo")
NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
USUAL = Rhythm(time(23, 0), time(7, 0), TOKYO)
JOINED = date(2026, 1, 1)
PLAN = default_plan(JOINED)


def local(zone: ZoneInfo, y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=zone)


def listed(rhythm: Rhythm, day: date, plan=PLAN) -> list[tuple[str, str]]:
    return [(o.routine, o.at.strftime("%m-%d %H:%M")) for o in occurrences_on(rhythm, plan, day)]


def with_enabled(plan, *routines: Routine):
    return [v.replace(enabled=True) if v.routine in routines else v for v in plan]


# --- the default evening -------------------------------------------------------


def test_default_evening_is_listed_in_the_order_it_is_lived():
    assert listed(USUAL, date(2026, 11, 24)) == [
        ("water", "11-24 07:00"),
        ("desk_break", "11-24 07:00"),
        ("warm_feet", "11-24 07:00"),
        ("foot_bath", "11-24 19:30"),
        ("bedtime_glass", "11-24 22:30"),
        ("sole_massage", "11-24 22:40"),
        ("toe_stretch", "11-24 22:45"),
    ]


def test_weekday_only_desk_break_is_not_scheduled_at_the_weekend():
    saturday = date(2026, 11, 28)
    assert "desk_break" not in [r for r, _ in listed(USUAL, saturday)]


def test_weekly_walk_is_never_scheduled_on_a_particular_day():
    for offset in range(7):
        day = date(2026, 11, 23) + timedelta(days=offset)
        assert "walk" not in [r for r, _ in listed(USUAL, day)]


def test_optional_routines_switched_off_by_default_are_not_listed():
    routines = [r for r, _ in listed(USUAL, date(2026, 11, 24))]
    assert "calf_stretch" not in routines
    assert "waking_stretch" not in routines


def test_switched_on_waking_stretch_opens_the_day_and_calf_stretch_follows_toes():
    plan = with_enabled(PLAN, Routine.CALF_STRETCH, Routine.WAKING_STRETCH)
    rows = listed(USUAL, date(2026, 11, 24), plan)
    assert rows[0] == ("waking_stretch", "11-24 07:00")
    assert rows[-2:] == [("toe_stretch", "11-24 22:45"), ("calf_stretch", "11-24 22:50")]


# --- bedtime after midnight, early wake ---------------------------------------------


def test_bedtime_after_midnight_keeps_the_evening_on_the_day_before():
    night_owl = Rhythm(time(1, 0), time(8, 30), TOKYO)
    rows = dict(listed(night_owl, date(2026, 11, 24)))
    assert rows["foot_bath"] == "11-24 19:30"
    assert rows["bedtime_glass"] == "11-25 00:30"
    assert rows["toe_stretch"] == "11-25 00:45"


def test_early_riser_gets_the_evening_before_an_early_bedtime():
    early = Rhythm(time(21, 30), time(5, 0), TOKYO)
    rows = dict(listed(early, date(2026, 11, 24)))
    assert rows["water"] == "11-24 05:00"
    assert rows["toe_stretch"] == "11-24 21:15"


@pytest.mark.parametrize(
    ("rhythm", "moment", "expected"),
    [
        pytest.param(USUAL, local(TOKYO, 2026, 11, 25, 2, 59), date(2026, 11, 24), id="02:59"),
        pytest.param(USUAL, local(TOKYO, 2026, 11, 25, 3, 0), date(2026, 11, 25), id="03:00"),
        pytest.param(USUAL, local(TOKYO, 2026, 11, 24, 22, 30), date(2026, 11, 24), id="22:30"),
        pytest.param(
            Rhythm(time(1, 0), time(8, 30), TOKYO),
            local(TOKYO, 2026, 11, 25, 4, 0),
            date(2026, 11, 24),
            id="owl at 04:00 is still tonight",
        ),
        pytest.param(
            Rhythm(time(21, 30), time(5, 0), TOKYO),
            local(TOKYO, 2026, 11, 25, 1, 30),
            date(2026, 11, 25),
            id="early riser at 01:30 is already tomorrow",
        ),
    ],
)
def test_the_day_turns_over_halfway_through_the_night(rhythm, moment, expected):
    assert day_at(rhythm, moment) == expected


def test_patient_awake_early_can_see_the_morning_stretch_of_the_new_day():
    plan = with_enabled(PLAN, Routine.WAKING_STRETCH)
    woke_early = local(TOKYO, 2026, 11, 25, 5, 30)  # wake time is 07:00
    today = day_at(USUAL, woke_early)
    assert today == date(2026, 11, 25)
    assert occurrences_on(USUAL, plan, today)[0].routine == "waking_stretch"


@pytest.mark.parametrize(
    ("moment", "part"),
    [
        (local(TOKYO, 2026, 11, 24, 8, 0), PartOfDay.MORNING),
        (local(TOKYO, 2026, 11, 24, 14, 0), PartOfDay.DAYTIME),
        (local(TOKYO, 2026, 11, 24, 18, 0), PartOfDay.EVENING),
        (local(TOKYO, 2026, 11, 24, 22, 30), PartOfDay.EVENING),
        (local(TOKYO, 2026, 11, 25, 0, 30), PartOfDay.NIGHT),
    ],
)
def test_part_of_day_follows_the_patients_own_rhythm(moment, part):
    assert part_of_day(USUAL, day_at(USUAL, moment), moment) == part


# --- DST and changing zones --------------------------------------------------------


def test_new_york_spring_forward_keeps_wall_times_and_shortens_the_day():
    rhythm = Rhythm(time(23, 0), time(7, 0), NEW_YORK)
    day = date(2026, 3, 7)  # clocks jump 02:00 → 03:00 on the morning of the 8th
    start, end = day_bounds(rhythm, day)
    # The night is an hour shorter; the turnover halfway through it moves by half that.
    assert end - start == timedelta(hours=23, minutes=30)
    assert dict(listed(rhythm, day))["toe_stretch"] == "03-07 22:45"
    assert dict(listed(rhythm, date(2026, 3, 8)))["toe_stretch"] == "03-08 22:45"


def test_london_fall_back_night_is_an_hour_longer_and_still_ordered():
    rhythm = Rhythm(time(0, 30), time(6, 30), LONDON)
    day = date(2026, 10, 24)  # clocks go 02:00 → 01:00 on the morning of the 25th
    start, end = day_bounds(rhythm, day)
    assert end - start == timedelta(hours=24, minutes=30)
    rows = occurrences_on(rhythm, PLAN, day)
    assert [o.at_utc for o in rows] == sorted(o.at_utc for o in rows)
    stretch = next(o for o in rows if o.routine == "toe_stretch")
    assert stretch.at.strftime("%H:%M") == "00:15"


def test_fixed_time_skipped_by_spring_forward_moves_forward_like_an_alarm():
    rhythm = Rhythm(time(4, 0), time(11, 0), NEW_YORK)
    plan = [
        PlannedRoutine(
            "foot_bath", JOINED, True, When.at_time(time(2, 30)), Frequency.daily(), Dose()
        )
    ]
    (occurrence,) = occurrences_on(rhythm, plan, date(2026, 3, 7))
    assert occurrence.at.strftime("%m-%d %H:%M") == "03-08 03:30"


def test_patient_who_moves_to_london_gets_the_same_wall_times_in_the_new_zone():
    in_tokyo = Rhythm(time(23, 0), time(7, 0), TOKYO)
    in_london = Rhythm(time(23, 0), time(7, 0), LONDON)
    day = date(2026, 11, 24)
    tokyo_rows, london_rows = (occurrences_on(r, PLAN, day) for r in (in_tokyo, in_london))
    assert [o.at.strftime("%H:%M") for o in tokyo_rows] == [
        o.at.strftime("%H:%M") for o in london_rows
    ]
    assert london_rows[-1].at_utc - tokyo_rows[-1].at_utc == timedelta(hours=9)
    # 22:00 Tokyo is 13:00 in London: the evening there has not begun.
    moment = datetime(2026, 11, 24, 13, 0, tzinfo=UTC)
    assert part_of_day(in_tokyo, day_at(in_tokyo, moment), moment) == PartOfDay.EVENING
    assert part_of_day(in_london, day_at(in_london, moment), moment) == PartOfDay.DAYTIME


# --- plan versions -------------------------------------------------------------------


def test_plan_change_applies_from_its_day_and_earlier_days_keep_the_old_plan():
    stretch = next(v for v in PLAN if v.routine == "toe_stretch")
    change = stretch.replace(effective_from=date(2026, 11, 20), dose=Dose(sets=5, hold_seconds=5))
    plan = [*PLAN, change]

    def sets_on(day):
        return next(v for v in plan_in_force(plan, day) if v.routine == "toe_stretch").dose.sets

    assert sets_on(date(2026, 11, 19)) == 3
    assert sets_on(date(2026, 11, 20)) == 5
    assert sets_on(date(2026, 12, 1)) == 5


def test_switching_a_routine_off_removes_it_from_that_day_on():
    bath = next(v for v in PLAN if v.routine == "foot_bath")
    plan = [*PLAN, bath.replace(effective_from=date(2026, 11, 24), enabled=False)]
    assert "foot_bath" in dict(listed(USUAL, date(2026, 11, 23), plan))
    assert "foot_bath" not in dict(listed(USUAL, date(2026, 11, 24), plan))


def test_two_versions_of_a_routine_on_the_same_day_are_refused():
    with pytest.raises(ValueError, match="same day"):
        plan_in_force([*PLAN, PLAN[0].replace(enabled=False)], JOINED)


def test_days_before_the_first_version_use_the_plan_the_patient_started_with():
    assert plan_in_force(PLAN, date(2025, 6, 1)) == plan_in_force(PLAN, JOINED)


# --- weekly goals --------------------------------------------------------------------


def test_weekly_walk_reports_progress_against_two_to_three_days():
    tuesday = date(2026, 11, 24)
    done = {"walk": [date(2026, 11, 22), date(2026, 11, 23)]}  # Sunday before, then Monday
    (goal,) = weekly_goals(PLAN, tuesday, done)
    assert (goal.week_start, goal.week_end) == (date(2026, 11, 23), date(2026, 11, 29))
    assert (goal.done_days, goal.target_min, goal.target_max) == (1, 2, 3)
    assert not goal.met
    assert not goal.done_today


def test_weeks_run_monday_to_sunday():
    assert week_of(date(2026, 11, 29)) == (date(2026, 11, 23), date(2026, 11, 29))
    assert week_of(date(2026, 11, 30)) == (date(2026, 11, 30), date(2026, 12, 6))


def test_every_catalogue_routine_has_a_valid_default():
    plan = default_plan(JOINED)
    assert {v.routine for v in plan} == set(CATALOGUE)
    assert {v.when.anchor for v in plan} == set(Anchor)


# --- properties ----------------------------------------------------------------------

ZONES = [
    "Asia/Tokyo",
    "America/New_York",
    "Europe/London",
    "Australia/Lord_Howe",  # a half-hour DST shift
    "Pacific/Chatham",
    "America/Sao_Paulo",
    "UTC",
]
times = st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45, 59]))
# Around the DST changes of both hemispheres, and a quiet stretch.
days = st.one_of(
    st.dates(date(2026, 3, 1), date(2026, 4, 10)),
    st.dates(date(2026, 9, 20), date(2026, 11, 10)),
    st.dates(date(2026, 6, 1), date(2026, 6, 30)),
)
whens = st.one_of(
    st.builds(When, st.just(Anchor.BEDTIME), st.integers(-720, 720)),
    st.builds(When, st.just(Anchor.WAKE), st.integers(-720, 720)),
    st.builds(lambda t: When(Anchor.FIXED, at=t), times),
    st.just(When.during_the_day()),
)
frequencies = st.one_of(
    st.just(Frequency.daily()),
    st.builds(lambda ds: Frequency.on(*ds), st.sets(st.integers(1, 7), min_size=1).map(sorted)),
    st.just(Frequency.per_week(2, 3)),
)


@st.composite
def plans(draw):
    routines = draw(st.lists(st.sampled_from(list(Routine)), min_size=1, max_size=8, unique=True))
    versions = []
    for index, routine in enumerate(routines):
        starts = draw(st.lists(days, max_size=2, unique=True))
        for start in [date(2026, 1, 1), *starts]:
            versions.append(
                PlannedRoutine(
                    routine=routine,
                    effective_from=start,
                    enabled=draw(st.booleans()),
                    when=draw(whens),
                    frequency=draw(frequencies),
                    dose=Dose(),
                    order=draw(st.integers(0, 3)) if index % 2 else 0,
                )
            )
    return versions


rhythms = st.builds(Rhythm, times, times, st.sampled_from(ZONES).map(ZoneInfo))


@settings(max_examples=examples(300), deadline=None)
@given(rhythm=rhythms, plan=plans(), day=days)
# Lord Howe falls back half an hour at 02:00 on 5 April 2026: 01:30 happens twice.
@example(
    rhythm=Rhythm(time(0), time(19), ZoneInfo("Australia/Lord_Howe")),
    plan=[
        PlannedRoutine(
            routine=Routine.FOOT_BATH,
            effective_from=date(2026, 1, 1),
            enabled=True,
            when=When(Anchor.WAKE, 390),
            frequency=Frequency(cadence=Cadence.DAILY),
            dose=Dose(),
            order=0,
        )
    ],
    day=date(2026, 4, 4),
)
def test_every_occurrence_falls_inside_the_day_it_is_listed_for(rhythm, plan, day):
    start, end = day_bounds(rhythm, day)
    for occurrence in occurrences_on(rhythm, plan, day):
        assert start <= occurrence.at_utc < end
        assert day_at(rhythm, occurrence.at_utc) == day
        # Not `at == at_utc`: by PEP 495 a wall time repeated by a DST fall-back
        # never compares equal across zones, even when it is the same instant.
        assert occurrence.at.astimezone(UTC) == occurrence.at_utc
        assert occurrence.at.tzinfo == rhythm.zone
        if occurrence.until_utc is not None:
            assert occurrence.at_utc <= occurrence.until_utc < end


@settings(max_examples=examples(300), deadline=None)
@given(rhythm=rhythms, plan=plans(), day=days, shuffle=st.randoms(use_true_random=False))
def test_order_is_stable_and_no_routine_is_listed_twice(rhythm, plan, day, shuffle):
    first = occurrences_on(rhythm, plan, day)
    shuffled = list(plan)
    shuffle.shuffle(shuffled)
    again = occurrences_on(rhythm, shuffled, day)
    assert [(o.routine, o.at_utc) for o in first] == [(o.routine, o.at_utc) for o in again]
    assert [o.sort_key for o in first] == sorted(o.sort_key for o in first)
    routines = [o.routine for o in first]
    assert len(routines) == len(set(routines))


@settings(max_examples=examples(300), deadline=None)
@given(rhythm=rhythms, day=days)
def test_patient_days_tile_time_with_no_gap_or_overlap(rhythm, day):
    start, end = day_bounds(rhythm, day)
    assert start < end
    assert day_bounds(rhythm, day + timedelta(days=1))[0] == end
    assert day_at(rhythm, start) == day
    assert day_at(rhythm, end - timedelta(microseconds=1)) == day


@settings(max_examples=examples(200), deadline=None)
@given(
    bedtime=times,
    wake=times,
    zones=st.tuples(st.sampled_from(ZONES), st.sampled_from(ZONES)),
    day=days,
)
def test_after_a_change_of_zone_every_occurrence_is_inside_its_day_in_the_new_zone(
    bedtime, wake, zones, day
):
    before, after = (Rhythm(bedtime, wake, ZoneInfo(z)) for z in zones)
    for rhythm in (before, after):
        start, end = day_bounds(rhythm, day)
        rows = occurrences_on(rhythm, PLAN, day)
        assert all(start <= o.at_utc < end for o in rows)
    # The same routines are due; their order may differ when a DST change moves the
    # day's boundary past a fixed-time routine (seen: bedtime 08:00, London, 24 Oct).
    assert sorted(o.routine for o in occurrences_on(before, PLAN, day)) == sorted(
        o.routine for o in occurrences_on(after, PLAN, day)
    )
