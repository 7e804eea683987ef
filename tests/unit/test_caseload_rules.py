"""Caseload figures, one rule per test (app/domain/caseload.py).

The caseload computes adherence from per-day sums instead of replaying each day, and
finds nights from cached sleep windows: every shortcut is checked here against the
rule it stands for (app.domain.adherence.adherence, app.domain.nights.night_of).
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.domain import caseload as rules
from app.domain.adherence import adherence, counts
from app.domain.caseload import Attention, NightIndex, Trend, attention_reasons, trend
from app.domain.catalogue import CATALOGUE, Routine, default_plan
from app.domain.nights import last_night, night_of
from app.domain.rhythm import Rhythm
from app.domain.schedule import Dose, Frequency, plan_in_force

# One bit per routine but water, as the database sums them (app.services.caseload).
BITS = {key.value: 1 << i for i, key in enumerate(CATALOGUE) if key is not Routine.WATER}
TOKYO = ZoneInfo("Asia/Tokyo")
NEW_YORK = ZoneInfo("America/New_York")
JOINED = date(2026, 9, 3)  # a Thursday


def done_log(days: dict[date, tuple[int, int]]) -> dict[str, dict[date, int]]:
    """The per-day sums as the adherence rule's log of completions."""
    log: dict[str, dict[date, int]] = defaultdict(dict)
    for day, (mask, glasses) in days.items():
        for routine, bit in BITS.items():
            if mask & bit:
                log[routine][day] = 1
        if glasses:
            log[Routine.WATER.value][day] = glasses
    return log


def random_frequency(rng: random.Random) -> Frequency:
    kind = rng.choice(["daily", "weekdays", "weekly"])
    if kind == "daily":
        return Frequency.daily()
    if kind == "weekdays":
        return Frequency.on(*rng.sample(range(1, 8), rng.randint(1, 6)))
    low = rng.randint(1, 7)
    return Frequency.per_week(low, rng.randint(low, 7))


def scenario(seed: int):
    """A plan that changes a few times, a diary of what was done, and some windows."""
    rng = random.Random(seed)
    joined = JOINED + timedelta(days=rng.randrange(7))
    versions = default_plan(joined)
    taken = {(v.routine, v.effective_from) for v in versions}
    for _ in range(rng.randint(1, 6)):
        base = rng.choice(versions)
        when = joined + timedelta(days=rng.randrange(-3, 70))
        if (base.routine, when) in taken:
            continue
        taken.add((base.routine, when))
        versions.append(
            base.replace(
                effective_from=when,
                enabled=rng.random() < 0.8,
                frequency=random_frequency(rng),
                dose=Dose(glasses=rng.choice([None, 1, 3, 8]))
                if base.routine == "water"
                else base.dose,
            )
        )
    days = {}
    for offset in range(-10, 90):
        if rng.random() < 0.8:
            mask = sum(bit for bit in BITS.values() if rng.random() < 0.6)
            days[joined + timedelta(days=offset)] = (mask, rng.randint(0, 9))
    windows = []
    for _ in range(4):
        start = joined + timedelta(days=rng.randrange(-20, 75))
        windows.append((start, start + timedelta(days=rng.randrange(0, 35))))
    return versions, days, windows


@pytest.mark.parametrize("seed", range(40))
def test_window_adherence_is_the_adherence_rule_whatever_the_plan_changes(seed):
    versions, days, windows = scenario(seed)
    got = rules.window_adherence(
        [rules.slim(v) for v in versions], days, windows=windows, bits=BITS
    )
    log = done_log(days)
    expected = [adherence(versions, log, start=s, end=e).ratio for s, e in windows]
    assert got == pytest.approx(expected)


def test_a_weekly_target_is_owed_pro_rata_and_extra_walks_make_up_nothing():
    # Only the walk, 3 days a week; the patient joined on a Thursday (4/7 of 3 owed
    # that week: 1.71, rounded to 2) and walked every day of the next full week.
    plan = [
        v.replace(frequency=Frequency.per_week(3, 5))
        if v.routine == "walk"
        else v.replace(enabled=False)
        for v in default_plan(JOINED)
    ]
    walk = BITS["walk"]
    days = {JOINED + timedelta(days=n): (walk, 0) for n in range(4, 11)}
    (first_week, both) = rules.window_adherence(
        [rules.slim(v) for v in plan],
        days,
        windows=[(JOINED, JOINED + timedelta(days=3)), (JOINED, JOINED + timedelta(days=10))],
        bits=BITS,
    )
    assert first_week == 0.0
    assert both == pytest.approx(3 / 5)


def test_water_counts_its_glasses_against_the_target_and_no_more():
    plan = [v if v.routine == "water" else v.replace(enabled=False) for v in default_plan(JOINED)]
    days = {JOINED: (0, 3), JOINED + timedelta(days=1): (0, 12)}
    (got,) = rules.window_adherence(
        [rules.slim(v) for v in plan],
        days,
        windows=[(JOINED, JOINED + timedelta(days=1))],
        bits=BITS,
    )
    assert got == pytest.approx((3 / 6 + 1) / 2)


def test_window_adherence_is_none_without_a_plan_or_before_the_patient_joined():
    slim = [rules.slim(v) for v in default_plan(JOINED)]
    before = (JOINED - timedelta(days=9), JOINED - timedelta(days=1))
    assert rules.window_adherence([], {}, windows=[before, before], bits=BITS) == [None, None]
    assert rules.window_adherence(slim, {}, windows=[before, before], bits=BITS) == [None, None]
    after = (JOINED, JOINED + timedelta(days=6))
    assert rules.window_adherence(slim, {}, windows=[before, after], bits=BITS) == [None, 0.0]


def test_a_window_of_the_one_day_the_patient_joined_is_judged():
    slim = [rules.slim(v) for v in default_plan(JOINED)]
    assert rules.window_adherence(slim, {}, windows=[(JOINED, JOINED)], bits=BITS) == [0.0]


def test_weekly_water_counts_the_days_with_any_glass():
    # The practitioner may put water on "3 days a week"; a day with glasses is a day done.
    plan = [
        v.replace(frequency=Frequency.per_week(3))
        if v.routine == "water"
        else v.replace(enabled=False)
        for v in default_plan(JOINED)
    ]
    monday = JOINED + timedelta(days=4)
    days = {monday: (0, 2), monday + timedelta(days=2): (0, 1)}
    window = (monday, monday + timedelta(days=6))
    (got,) = rules.window_adherence(
        [rules.slim(v) for v in plan], days, windows=[window], bits=BITS
    )
    assert got == pytest.approx(2 / 3)
    assert got == adherence(plan, done_log(days), start=window[0], end=window[1]).ratio


def test_window_adherence_is_none_when_nothing_was_due():
    plan = [v.replace(enabled=False) for v in default_plan(JOINED)]
    window = (JOINED, JOINED + timedelta(days=13))
    assert rules.window_adherence(
        [rules.slim(v) for v in plan], {}, windows=[window], bits=BITS
    ) == [None]


def test_slim_keeps_what_adherence_needs():
    for version in default_plan(JOINED):
        slim = rules.slim(version)
        assert slim == rules.PlanVersion(
            routine=version.routine,
            effective_from=version.effective_from,
            counted=counts(version),
            cadence=version.frequency.cadence,
            weekdays=version.frequency.weekdays,
            per_week_min=version.frequency.per_week_min,
            glasses=version.dose.glasses,
        )


@pytest.mark.parametrize("seed", range(10))
def test_in_force_is_the_schedules_plan_in_force(seed):
    versions, _days, _windows = scenario(seed)
    slim = [rules.slim(v) for v in versions]
    for offset in range(-5, 80, 3):
        day = JOINED + timedelta(days=offset)
        expected = {v.routine: v.effective_from for v in plan_in_force(versions, day)}
        assert {v.routine: v.effective_from for v in rules.in_force(slim, day)} == expected


@pytest.mark.parametrize(
    ("recent", "before", "expected"),
    [(3, 2, Trend.MORE), (2, 3, Trend.FEWER), (2, 2, Trend.SAME), (0, 0, Trend.SAME)],
)
def test_trend_compares_recent_nights_with_those_before(recent, before, expected):
    assert trend(recent, before) is expected


@pytest.mark.parametrize(
    ("red_flags", "seven", "thirty", "silent", "expected"),
    [
        (0, 0.7, 1.0, 0, (Attention.ADHERENCE_DROP,)),  # exactly 30 points down
        (0, 0.71, 1.0, 0, ()),  # 29 points down
        (0, 0.702, 1.0, 0, ()),  # 29.8 points down
        (0, 0.2, 0.5, 2, (Attention.ADHERENCE_DROP,)),
        (0, 1.0, 0.5, 0, ()),  # up, not down
        (0, None, 1.0, 0, ()),
        (0, 0.0, None, 0, ()),
        (1, 0.9, 0.9, 0, (Attention.RED_FLAG,)),
        (2, None, None, 0, (Attention.RED_FLAG,)),
        (0, None, None, 3, (Attention.SILENT,)),
        (0, None, None, 2, ()),
        (3, 0.1, 0.9, 7, (Attention.RED_FLAG, Attention.ADHERENCE_DROP, Attention.SILENT)),
    ],
)
def test_a_patient_needs_attention_for_a_red_flag_a_30_point_drop_or_3_silent_nights(
    red_flags, seven, thirty, silent, expected
):
    got = attention_reasons(
        red_flags=red_flags, adherence_7=seven, adherence_30=thirty, silent_nights=silent
    )
    assert got == expected


# --- which night a cramp belongs to ------------------------------------------------

RHYTHMS = [
    Rhythm(time(23, 0), time(7, 0), TOKYO),
    Rhythm(time(1, 30), time(9, 0), TOKYO),  # bedtime after midnight
    Rhythm(time(20, 0), time(16, 0), TOKYO),  # little waking time: windows overlap
    Rhythm(time(22, 0), time(6, 0), NEW_YORK),  # the DST change of 1 November
]


@pytest.mark.parametrize("rhythm", RHYTHMS, ids=lambda r: f"{r.bedtime}-{r.wake_time}-{r.zone}")
def test_the_night_index_finds_the_same_night_as_the_rule(rhythm):
    first, last = date(2026, 10, 29), date(2026, 11, 4)
    index = NightIndex(first, last)
    # Every ten minutes of the dates first..last, the first one included: with little
    # waking time its first hours lie in the night of an evening before it.
    start = datetime.combine(first, time(0, 0), rhythm.zone)
    for step in range(0, 7 * 24 * 60, 10):
        moment = (start + timedelta(minutes=step)).astimezone(UTC)
        assert index.night(moment, rhythm, rhythm.zone) == night_of(moment, rhythm), moment
    for evening in index.evenings[2:]:
        # The exact edges of each window: the start is in, the end is out.
        for edge in rhythm.sleep_window(evening):
            assert index.night(edge, rhythm, rhythm.zone) == night_of(edge, rhythm), edge


def test_the_night_index_reads_a_cramp_in_the_zone_it_was_recorded_in():
    rhythm = Rhythm(time(23, 0), time(7, 0), TOKYO)
    index = NightIndex(date(2026, 11, 1), date(2026, 11, 5))
    # 19:30 in New York, before its sleep window; 09:30 the next day in Tokyo, in it.
    moment = datetime(2026, 11, 3, 19, 30, tzinfo=NEW_YORK)
    assert index.night(moment, rhythm, NEW_YORK) is None
    assert index.night(moment, rhythm, TOKYO) == date(2026, 11, 3)


def test_the_night_index_works_out_each_rhythms_windows_once_for_every_evening():
    index = NightIndex(date(2026, 11, 1), date(2026, 11, 5))
    # Two evenings before the first date: a night can start that far back.
    assert index.evenings == [date(2026, 10, 30), date(2026, 10, 31)] + [
        date(2026, 11, d) for d in range(1, 6)
    ]
    moment = datetime(2026, 11, 3, 18, 0, tzinfo=UTC)
    for rhythm in RHYTHMS[:2] * 2:
        index.night(moment, rhythm, rhythm.zone)
    assert set(index.windows) == set(RHYTHMS[:2])
    assert all(len(windows) == 7 for windows in index.windows.values())


def test_the_night_index_last_night_is_the_rules_and_is_kept():
    index = NightIndex(date(2026, 11, 1), date(2026, 11, 5))
    rhythm = RHYTHMS[0]
    for hour in range(24):
        now = datetime(2026, 11, 4, hour, 0, tzinfo=TOKYO)
        assert index.last_night(now, rhythm) == last_night(now, rhythm)
        assert index.last[(rhythm, now)] == last_night(now, rhythm)
