"""Red flags, one rule per test (app/domain/red_flags.py): what each flag names as its
evidence (a practitioner's review covers exactly that), and the edges of its window."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from app.domain import red_flags as rf
from app.domain.checkins import MorningAnswer
from app.domain.cramps import CrampDetails, LoggedCramp, Site, Situation, Symptom
from app.domain.intake import DailyLife, FrequencyUnit
from tests.unit.test_red_flags import NOW, TODAY, cramp, days_ago, intake, night_cramp, record

NEW_YORK = ZoneInfo("America/New_York")
# 05:00 on the 25th in Tokyo, still the 24th in UTC.
EARLY = datetime(2026, 11, 24, 20, 0, tzinfo=UTC)


def high(evening: date) -> MorningAnswer:
    return MorningAnswer(evening, True, 1, 5, sleep_disturbance=9)


def said_cramps(evening: date) -> MorningAnswer:
    return MorningAnswer(evening, had_cramps=True, cramp_count=1)


# --- what each flag names as evidence ---------------------------------------------


def test_frequent_names_its_cramps_checkins_and_the_intake_frequency():
    cramps = [night_cramp(1, days_ago(1)), night_cramp(2, days_ago(2))]
    answers = [said_cramps(days_ago(4))]
    answered = intake(frequency_count=4, frequency_unit=FrequencyUnit.WEEK)
    flag = rf.frequent(record(cramps, answers, answered), NOW)
    assert flag.evidence.keys == {
        "cramp:1",
        "cramp:2",
        f"checkin:{days_ago(4)}",
        "intake:frequency",
    }


def test_daytime_names_its_cramps_and_the_intake_situations_each_on_its_own():
    cramps = [cramp(1, f"{days_ago(1)}T15:00"), cramp(2, f"{days_ago(2)}T15:00")]
    by_cramps = rf.daytime(record(cramps), NOW)
    assert by_cramps.evidence.keys == {"cramp:1", "cramp:2"}
    answered = intake(situations=frozenset({Situation.AFTER_EXERCISE}))
    by_intake = rf.daytime(record(cramps[:1], answers=answered), NOW)
    assert by_intake.evidence.keys == {"intake:situations"}


def test_spreading_names_its_cramps_and_the_intake_sites():
    cramps = [night_cramp(1, days_ago(3), sites={Site.CALF})]
    flag = rf.spreading(record(cramps, answers=intake(sites=frozenset({Site.SOLE}))), NOW)
    assert flag.evidence.keys == {"cramp:1", "intake:sites"}
    assert rf.spreading(record(cramps), NOW).evidence.keys == {"cramp:1"}


def test_accompanied_names_its_cramps_and_the_intake_symptoms():
    cramps = [night_cramp(1, days_ago(3), symptoms={Symptom.NUMBNESS})]
    assert rf.accompanied(record(cramps), NOW).evidence.keys == {"cramp:1"}
    answered = intake(accompanying=frozenset({Symptom.SWELLING}))
    assert rf.accompanied(record(answers=answered), NOW).evidence.keys == {"intake:accompanying"}


def test_daily_life_names_its_nights_and_the_intake_answer_each_on_its_own():
    nights = [high(days_ago(d)) for d in (1, 2, 3)]
    by_nights = rf.daily_life(record(checkins=nights), NOW)
    assert by_nights.evidence.keys == {f"checkin:{days_ago(d)}" for d in (1, 2, 3)}
    answered = intake(daily_life=DailyLife.A_LOT)
    by_intake = rf.daily_life(record(checkins=nights[:2], answers=answered), NOW)
    assert by_intake.evidence.keys == {"intake:daily_life"}


# --- the edges of each window ------------------------------------------------------


def test_a_cramp_logged_at_this_very_moment_counts():
    now_cramp = LoggedCramp(9, NOW, ZoneInfo("Asia/Tokyo"), CrampDetails())  # tonight
    cramps = [now_cramp, night_cramp(1, days_ago(1))]
    # Tonight's cramp counts for today: three days with the one two nights ago.
    assert rf.frequent(record([*cramps, night_cramp(2, days_ago(2))]), NOW) is not None
    assert rf.frequent(record(cramps), NOW) is None
    spreading = LoggedCramp(9, NOW, ZoneInfo("Asia/Tokyo"), CrampDetails(sites={Site.CALF}))
    assert rf.spreading(record([spreading]), NOW).evidence.keys == {"cramp:9"}


def test_frequent_names_tonights_cramp_in_its_evidence():
    # Tonight's cramp counts for today, the last day of the window: the practitioner
    # reviewing the flag sees it among the cramps that raised it.
    tonight = LoggedCramp(9, NOW, ZoneInfo("Asia/Tokyo"), CrampDetails())
    cramps = [tonight, night_cramp(1, days_ago(1)), night_cramp(2, days_ago(2))]
    flag = rf.frequent(record(cramps), NOW)
    assert flag.evidence.keys == {"cramp:9", "cramp:1", "cramp:2"}


def test_frequent_counts_checkins_from_the_first_day_of_the_window_to_today():
    answers = [said_cramps(days_ago(6)), said_cramps(TODAY)]
    assert rf.frequent(record([night_cramp(1, days_ago(3))], answers), NOW) is not None
    late = [said_cramps(days_ago(7)), said_cramps(TODAY)]
    assert rf.frequent(record([night_cramp(1, days_ago(3))], late), NOW) is None


def test_frequent_and_daily_life_count_days_in_the_patients_zone():
    # At 05:00 on the 25th in Tokyo the window is the 19th to the 25th (UTC: the 24th).
    answers = [said_cramps(date(2026, 11, d)) for d in (18, 20, 21)]
    assert rf.frequent(record(checkins=answers), EARLY) is None
    answers = [said_cramps(date(2026, 11, d)) for d in (19, 20, 21)]
    assert rf.frequent(record(checkins=answers), EARLY) is not None
    nights = [high(date(2026, 11, d)) for d in (10, 20, 21)]
    assert rf.daily_life(record(checkins=nights), EARLY) is None
    nights = [high(date(2026, 11, d)) for d in (11, 20, 21)]
    assert rf.daily_life(record(checkins=nights), EARLY) is not None


def test_a_daytime_cramp_counts_for_its_date_where_it_was_logged():
    # 19:30 on the 17th in New York (00:30 UTC on the 18th) is before that evening's
    # sleep window, a daytime cramp of the 17th: outside the 7 days from the 18th.
    abroad = LoggedCramp(
        5, datetime(2026, 11, 17, 19, 30, tzinfo=NEW_YORK).astimezone(UTC), NEW_YORK
    )
    cramps = [abroad, night_cramp(1, days_ago(1)), night_cramp(2, days_ago(2))]
    assert rf.frequent(record(cramps), NOW) is None


def test_daily_life_counts_the_nights_from_14_days_ago_to_today():
    assert rf.daily_life(record(checkins=[high(days_ago(d)) for d in (1, 2, 14)]), NOW)
    assert rf.daily_life(record(checkins=[high(days_ago(d)) for d in (0, 1, 2)]), NOW)
    assert rf.daily_life(record(checkins=[high(days_ago(d)) for d in (1, 2, 15)]), NOW) is None
