"""Table tests for the red-flag rules: each raised, not raised, and at its boundary."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.domain import red_flags as rf
from app.domain.checkins import MorningAnswer
from app.domain.cramps import CrampDetails, Foot, LoggedCramp, Site, Situation, Symptom
from app.domain.intake import (
    AgeBand,
    Condition,
    DailyLife,
    FrequencyUnit,
    IntakeAnswers,
)
from app.domain.rhythm import Rhythm

TOKYO = ZoneInfo("Asia/Tokyo")
RHYTHM = Rhythm(time(23, 0), time(7, 0), TOKYO)
# Tuesday 24 November 2026, 22:00 in Tokyo.
NOW = datetime(2026, 11, 24, 13, 0, tzinfo=UTC)
TODAY = date(2026, 11, 24)


def cramp(n: int, local: str, **details) -> LoggedCramp:
    when = datetime.fromisoformat(local).replace(tzinfo=TOKYO)
    for key in ("sites", "symptoms"):
        if key in details:
            details[key] = frozenset(details[key])
    return LoggedCramp(n, when.astimezone(UTC), TOKYO, CrampDetails(**details))


def night_cramp(n: int, evening: date, **details) -> LoggedCramp:
    """A cramp at 03:00 in the night that began on ``evening``."""
    return cramp(n, f"{evening + timedelta(days=1)}T03:00", **details)


def intake(**overrides) -> IntakeAnswers:
    values = {
        "situations": frozenset({Situation.ASLEEP}),
        "frequency_count": 1,
        "frequency_unit": FrequencyUnit.WEEK,
        "side": Foot.LEFT,
        "sites": frozenset({Site.TOES}),
        "age_band": AgeBand.FIFTIES,
        "daily_life": DailyLife.NOT_AT_ALL,
    }
    values.update(overrides)
    return IntakeAnswers(**values)


def record(cramps=(), checkins=(), answers=None) -> rf.PatientRecord:
    return rf.PatientRecord(list(cramps), list(checkins), answers, RHYTHM)


def flag_ids(rec: rf.PatientRecord, now: datetime = NOW) -> set[rf.FlagId]:
    return {f.id for f in rf.red_flags(rec, now=now)}


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


# --- frequent: 3 or more of the last 7 days -----------------------------------------


@pytest.mark.parametrize(
    ("evenings", "raised"),
    [
        ([1, 2, 3], True),  # three nights in a row
        ([1, 3, 6], True),  # boundary: the oldest day of the window still counts
        ([1, 3, 7], False),  # boundary: 7 days ago is outside the 7-day window
        ([1, 2], False),  # two days are not "several"
        ([1, 1, 2], False),  # two cramps on one night count as one day
        ([], False),
    ],
)
def test_frequent_counts_days_with_cramps_in_the_last_seven(evenings, raised):
    cramps = [night_cramp(i, days_ago(d)) for i, d in enumerate(evenings)]
    flag = rf.frequent(record(cramps), NOW)
    assert (flag is not None) is raised
    if raised:
        assert {c.id for c in flag.evidence.cramps} == {c.id for c in cramps}
        assert flag.message == rf.FLAG_MESSAGES[rf.FlagId.FREQUENT]


def test_frequent_counts_a_checkin_that_says_cramps_as_a_day():
    cramps = [night_cramp(1, days_ago(1)), night_cramp(2, days_ago(2))]
    said = MorningAnswer(days_ago(4), had_cramps=True, cramp_count=2)
    quiet = MorningAnswer(days_ago(5), had_cramps=False)
    flag = rf.frequent(record(cramps, [said, quiet]), NOW)
    assert flag is not None
    assert flag.evidence.checkins == (said,)
    assert rf.frequent(record(cramps, [quiet]), NOW) is None


def test_a_daytime_cramp_counts_for_its_calendar_day():
    cramps = [
        cramp(1, f"{days_ago(1)}T15:00"),
        cramp(2, f"{days_ago(2)}T15:00"),
        cramp(3, f"{days_ago(3)}T15:00"),
    ]
    assert rf.frequent(record(cramps), NOW) is not None


@pytest.mark.parametrize(
    ("count", "unit", "raised"),
    [
        (3, FrequencyUnit.WEEK, True),  # boundary
        (2, FrequencyUnit.WEEK, False),
        (13, FrequencyUnit.MONTH, True),  # 13 a month is just over 3 a week
        (12, FrequencyUnit.MONTH, False),
    ],
)
def test_frequent_from_the_intake(count, unit, raised):
    flag = rf.frequent(record(answers=intake(frequency_count=count, frequency_unit=unit)), NOW)
    assert (flag is not None) is raised
    if raised:
        assert flag.evidence.intake == ("frequency",)


# --- daytime ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entries", "raised"),
    [
        # Two cramps outside the sleep window: raised (the boundary count).
        ([("T14:00", 2, {}), ("T16:00", 5, {})], True),
        # One is common (after a long walk): not raised.
        ([("T14:00", 2, {})], False),
        # Inside the sleep window but logged "after exercise": still daytime.
        ([("T14:00", 2, {}), ("T21:30", 3, {"situation": Situation.AFTER_EXERCISE})], True),
        # Night cramps are not daytime cramps.
        ([("T03:00", 2, {}), ("T04:00", 5, {})], False),
        # Boundary: 28 days back is the edge of the window, 29 is out.
        ([("T14:00", 2, {}), ("T23:30", 29, {"situation": Situation.OTHER_DAYTIME})], False),
    ],
)
def test_daytime_cramps(entries, raised):
    cramps = [
        cramp(i, f"{days_ago(ago)}{at}", **details) for i, (at, ago, details) in enumerate(entries)
    ]
    flag = rf.daytime(record(cramps), NOW)
    assert (flag is not None) is raised


def test_daytime_window_edge_counts():
    edge = NOW - timedelta(days=rf.RECENT_DAYS)
    on_edge = LoggedCramp(2, edge, TOKYO, CrampDetails(situation=Situation.AFTER_STANDING))
    just_out = LoggedCramp(
        3, edge - timedelta(minutes=1), TOKYO, CrampDetails(situation=Situation.AFTER_STANDING)
    )
    recent = cramp(1, f"{days_ago(1)}T14:00")
    assert rf.daytime(record([recent, on_edge]), NOW) is not None
    assert rf.daytime(record([recent, just_out]), NOW) is None


@pytest.mark.parametrize(
    ("situations", "raised"),
    [
        ({Situation.ASLEEP, Situation.AFTER_EXERCISE}, True),
        ({Situation.AFTER_SITTING}, True),
        ({Situation.ASLEEP, Situation.ON_WAKING}, False),  # waking is still the night's end
    ],
)
def test_daytime_from_the_intake(situations, raised):
    flag = rf.daytime(record(answers=intake(situations=frozenset(situations))), NOW)
    assert (flag is not None) is raised


# --- spreading -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sites", "raised"),
    [
        ({Site.TOES, Site.CALF}, True),
        ({Site.SOLE}, True),
        ({Site.WHOLE_LEG}, True),
        ({Site.TOES, Site.INSTEP, Site.ANKLE, Site.HEEL}, False),  # boundary: foot only
        (set(), False),
    ],
)
def test_spreading_beyond_the_toes(sites, raised):
    flag = rf.spreading(record([night_cramp(7, days_ago(3), sites=sites)]), NOW)
    assert (flag is not None) is raised
    if raised:
        assert [c.id for c in flag.evidence.cramps] == [7]


def test_spreading_looks_back_28_days_only():
    old = night_cramp(1, days_ago(rf.RECENT_DAYS + 1), sites={Site.CALF})
    assert rf.spreading(record([old]), NOW) is None


@pytest.mark.parametrize(
    ("sites", "raised"), [({Site.TOES, Site.CALF}, True), ({Site.TOES, Site.HEEL}, False)]
)
def test_spreading_from_the_intake(sites, raised):
    flag = rf.spreading(record(answers=intake(sites=frozenset(sites))), NOW)
    assert (flag is not None) is raised


# --- accompanied -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("symptoms", "raised"),
    [
        ({Symptom.NUMBNESS}, True),
        ({Symptom.SWELLING}, True),
        ({Symptom.COLD_FEET}, True),
        ({Symptom.ONE_SIDE_WORSE}, True),
        (set(), False),
    ],
)
def test_accompanied_by_symptoms(symptoms, raised):
    flag = rf.accompanied(record([night_cramp(1, days_ago(2), symptoms=symptoms)]), NOW)
    assert (flag is not None) is raised


def test_accompanied_boundary_is_the_recent_window():
    old = night_cramp(1, days_ago(rf.RECENT_DAYS + 1), symptoms={Symptom.NUMBNESS})
    assert rf.accompanied(record([old]), NOW) is None
    flag = rf.accompanied(record(answers=intake(accompanying=frozenset({Symptom.SWELLING}))), NOW)
    assert flag.evidence.intake == ("accompanying",)
    assert rf.accompanied(record(answers=intake()), NOW) is None


# --- history ---------------------------------------------------------------------------


@pytest.mark.parametrize("condition", list(Condition))
def test_history_each_listed_condition_raises(condition):
    flag = rf.history(record(answers=intake(history=frozenset({condition}))), NOW)
    assert flag is not None
    assert flag.evidence.intake == ("history",)


@pytest.mark.parametrize(
    "answers",
    [
        None,  # no intake yet
        intake(),  # nothing ticked
        intake(history_other="hay fever"),  # boundary: free text alone raises nothing
    ],
)
def test_history_not_raised(answers):
    assert rf.history(record(answers=answers), NOW) is None


# --- daily life ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("daily", "raised"),
    [(DailyLife.A_LOT, True), (DailyLife.A_LITTLE, False), (DailyLife.NOT_AT_ALL, False)],
)
def test_daily_life_from_the_intake(daily, raised):
    flag = rf.daily_life(record(answers=intake(daily_life=daily)), NOW)
    assert (flag is not None) is raised


@pytest.mark.parametrize(
    ("scores", "raised"),
    [
        ([7, 8, 9], True),  # three high nights: the boundary count and score
        ([7, 7, 6], False),  # 6 is not high
        ([9, 9], False),  # two nights are not "repeated"
        ([10, 10, 10, 0], True),
    ],
)
def test_daily_life_from_repeated_high_sleep_disturbance(scores, raised):
    answers = [
        MorningAnswer(days_ago(i + 1), True, 1, 5, sleep_disturbance=score)
        for i, score in enumerate(scores)
    ]
    flag = rf.daily_life(record(checkins=answers), NOW)
    assert (flag is not None) is raised
    if raised:
        assert all(a.sleep_disturbance >= rf.HIGH_DISTURBANCE for a in flag.evidence.checkins)


def test_daily_life_counts_only_the_last_14_nights():
    answers = [
        MorningAnswer(days_ago(d), True, 1, 5, sleep_disturbance=9)
        for d in (1, 2, rf.DISTURBANCE_WINDOW_DAYS + 1)
    ]
    assert rf.daily_life(record(checkins=answers), NOW) is None


# --- all together ----------------------------------------------------------------------


def test_a_quiet_record_raises_nothing():
    cramps = [night_cramp(1, days_ago(2), sites={Site.TOES}, severity=4)]
    assert flag_ids(record(cramps, answers=intake())) == set()


def test_the_spreading_persona_raises_several_flags_with_guidance():
    cramps = [
        night_cramp(1, days_ago(1), sites={Site.TOES, Site.CALF}),
        cramp(2, f"{days_ago(2)}T15:00", sites={Site.SOLE}, symptoms={Symptom.NUMBNESS}),
        cramp(3, f"{days_ago(3)}T11:00"),
    ]
    flags = rf.red_flags(
        record(cramps, answers=intake(history=frozenset({Condition.DIABETES}))), now=NOW
    )
    assert [f.id for f in flags] == [
        rf.FlagId.FREQUENT,
        rf.FlagId.DAYTIME,
        rf.FlagId.SPREADING,
        rf.FlagId.ACCOMPANIED,
        rf.FlagId.HISTORY,
    ]
    assert all(f.clinics and f.checks for f in flags)


def test_future_entries_are_ignored():
    later = cramp(1, "2026-11-25T15:00", sites={Site.CALF})
    assert flag_ids(record([later])) == set()


# --- the patient's banner and the practitioner's review ----------------------------------


def spread() -> list[rf.RedFlag]:
    return rf.red_flags(record([night_cramp(1, days_ago(1), sites={Site.CALF})]), now=NOW)


@pytest.mark.parametrize(
    ("seen_days_ago", "seen_flags", "due"),
    [
        (None, (), True),  # never said
        (29, ("spreading",), False),  # quiet within 30 days
        (30, ("spreading",), True),  # boundary: 30 days on, it shows again
        (5, ("frequent",), True),  # a new flag arose since
    ],
)
def test_banner_after_i_have_seen_a_doctor(seen_days_ago, seen_flags, due):
    seen_at = None if seen_days_ago is None else NOW - timedelta(days=seen_days_ago)
    assert rf.banner_due(spread(), seen_doctor_at=seen_at, seen_flags=seen_flags, now=NOW) is due


def test_no_banner_without_a_flag():
    assert not rf.banner_due([], seen_doctor_at=None, now=NOW)


def test_review_covers_the_evidence_it_saw():
    (flag,) = spread()
    assert rf.needs_review(flag, None)
    assert not rf.needs_review(flag, {"cramp:1"})
    assert not rf.needs_review(flag, {"cramp:1", "cramp:0"})  # aged-out evidence is fine
    assert rf.needs_review(flag, {"cramp:99"})  # new evidence since the review
