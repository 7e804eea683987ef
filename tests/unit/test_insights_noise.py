"""Insights do not report noise: seeded simulations of patients' diaries.

Each simulated patient has sixty nights. Whether a night has cramps, whether it is
recorded and whether the full evening routine was done are drawn independently,
with a chance of its own for each patient. Under "no real change" the chance of a
cramp night is the same on every night, so any direction the insights name (this
week against last, this month against last, after the full routine against other
nights) is a false alarm.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.domain.checkins import MorningAnswer
from app.domain.cramps import CrampDetails, LoggedCramp
from app.domain.insights import Direction, Insights, compute_insights
from app.domain.nights import build_diary
from app.domain.rhythm import Rhythm

TOKYO = ZoneInfo("Asia/Tokyo")
RHYTHM = Rhythm(time(23, 0), time(7, 0), TOKYO)
LAST = date(2026, 11, 23)
NIGHTS = 60
PATIENTS = 400
ANNOUNCED = (Direction.FEWER, Direction.MORE)


def simulated_patient(
    rng: random.Random,
    *,
    cramp_chance: Callable[[int, float], float] = lambda night, usual: usual,
    record_chance: tuple[float, float] = (0.3, 1.0),
) -> Insights:
    """Night 0 is sixty nights ago, night 59 is ``LAST``."""
    usual = rng.uniform(0.1, 0.9)
    recording = rng.uniform(*record_chance)
    routine = rng.uniform(0.2, 0.8)
    cramps: list[LoggedCramp] = []
    answers: list[MorningAnswer] = []
    full_routine: set[date] = set()
    for night in range(NIGHTS):
        evening = LAST - timedelta(days=NIGHTS - 1 - night)
        had_cramps = rng.random() < cramp_chance(night, usual)
        if rng.random() < routine:
            full_routine.add(evening)
        if rng.random() >= recording:
            continue
        if had_cramps:
            at = datetime.combine(evening + timedelta(days=1), time(3, 0), TOKYO)
            for k in range(rng.choice([1, 1, 1, 2, 3])):
                moment = (at + timedelta(minutes=20 * k)).astimezone(UTC)
                cramps.append(LoggedCramp(len(cramps), moment, TOKYO, CrampDetails()))
        else:
            answers.append(MorningAnswer(evening, had_cramps=False))
    diary = build_diary(
        first=LAST - timedelta(days=NIGHTS - 1),
        last=LAST + timedelta(days=1),
        cramps=cramps,
        answers=answers,
        rhythm=RHYTHM,
    )
    return compute_insights(diary, last_evening=LAST, full_routine_evenings=full_routine)


def test_with_no_real_change_at_most_one_patient_in_ten_is_told_a_direction():
    rng = random.Random(20261124)
    told = 0
    for _ in range(PATIENTS):
        found = simulated_patient(rng)
        directions = (found.week.direction, found.month.direction, found.routine.direction)
        told += any(d in ANNOUNCED for d in directions)
    # Measured: about 6% of patients hear at least one of the three (0.2% week,
    # 3.7% month, 2.3% routine over 1000 patients); before this rule it was 99%.
    assert told / PATIENTS <= 0.10


def test_a_real_large_drop_over_a_month_is_reported_as_fewer():
    # Cramps on 70% of nights for a month, then on 20%; every night recorded.
    rng = random.Random(7)
    halved = 0
    for _ in range(100):
        found = simulated_patient(
            rng,
            cramp_chance=lambda night, usual: 0.7 if night < NIGHTS // 2 else 0.2,
            record_chance=(1.0, 1.0),
        )
        assert found.month.direction is not Direction.MORE
        halved += found.month.direction is Direction.FEWER
    assert halved >= 90


def test_a_real_large_rise_is_reported_as_more():
    rng = random.Random(8)
    rising = [
        simulated_patient(
            rng,
            cramp_chance=lambda night, usual: 0.15 if night < NIGHTS // 2 else 0.75,
            record_chance=(0.9, 1.0),
        ).month.direction
        for _ in range(100)
    ]
    assert Direction.FEWER not in rising
    assert rising.count(Direction.MORE) >= 90
