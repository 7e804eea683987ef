"""Until when an answer worked out now still holds by the clock alone: the red flags
(app.domain.red_flags.steady_until) and the dates a caseload row is judged on
(app.domain.caseload.steady_until). The dashboard stores figures until then, so it
must never be late; and it is not needlessly early: at that moment something moves."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain import caseload as rules
from app.domain import red_flags as rf
from app.domain.checkins import MorningAnswer
from app.domain.cramps import CrampDetails, LoggedCramp, Site, Situation, Symptom
from app.domain.nights import last_night
from app.domain.rhythm import Rhythm

NOW = datetime(2027, 3, 20, 0, 0, tzinfo=UTC)
ZONES = [ZoneInfo(z) for z in ("Asia/Tokyo", "Europe/London", "Australia/Lord_Howe")]

rhythms = st.builds(
    Rhythm,
    bedtime=st.sampled_from([time(21, 0), time(23, 0), time(0, 30), time(2, 0)]),
    wake_time=st.sampled_from([time(5, 30), time(7, 0), time(9, 0), time(10, 30)]),
    zone=st.sampled_from(ZONES),
)
moments = st.integers(min_value=0, max_value=20 * 24 * 60).map(
    lambda minutes: NOW + timedelta(minutes=minutes)
)
details = st.builds(
    CrampDetails,
    sites=st.frozensets(st.sampled_from([Site.TOES, Site.TOES, Site.CALF]), max_size=2),
    situation=st.sampled_from([None, Situation.AFTER_EXERCISE]),
    symptoms=st.frozensets(st.sampled_from(list(Symptom)), max_size=1),
)


@st.composite
def records(draw):
    rhythm = draw(rhythms)
    cramps = [
        LoggedCramp(
            n,
            NOW + timedelta(minutes=draw(st.integers(-40 * 24 * 60, 24 * 24 * 60))),
            draw(st.sampled_from(ZONES)),
            draw(details),
        )
        for n in range(draw(st.integers(0, 8)))
    ]
    answers = [
        MorningAnswer(
            (NOW + timedelta(days=draw(st.integers(-20, 20)))).date(),
            True,
            1,
            5,
            sleep_disturbance=draw(st.sampled_from([None, 3, 8])),
        )
        for _ in range(draw(st.integers(0, 6)))
    ]
    return rf.PatientRecord(cramps, answers, None, rhythm)


def _later(now: datetime, until: datetime, fraction: float) -> datetime:
    return now + (until - now - timedelta(microseconds=1)) * fraction


@settings(max_examples=150, deadline=None)
@given(records(), moments, st.floats(0, 1))
def test_red_flags_hold_until_steady_until(record, now, fraction):
    until = rf.steady_until(record, now=now)
    assert until > now
    flags = rf.red_flags(record, now=now)
    assert rf.red_flags(record, now=_later(now, until, fraction)) == flags
    assert rf.red_flags(record, now=until - timedelta(microseconds=1)) == flags


def test_a_flag_goes_exactly_when_its_cramp_leaves_the_window():
    tokyo = ZoneInfo("Asia/Tokyo")
    at = datetime(2027, 3, 1, 6, 0, tzinfo=UTC)  # 15:00 in Tokyo, awake
    calf = LoggedCramp(1, at, tokyo, CrampDetails(sites=frozenset({Site.CALF})))
    record = rf.PatientRecord([calf], [], None, Rhythm(time(23, 0), time(7, 0), tokyo))
    now = at + timedelta(days=27, hours=20)
    until = rf.steady_until(record, now=now)
    assert until == at + timedelta(days=rf.RECENT_DAYS, microseconds=1)
    assert rf.red_flags(record, now=until - timedelta(microseconds=1))
    assert not rf.red_flags(record, now=until)


@settings(max_examples=300, deadline=None)
@given(rhythms, moments, st.floats(0, 1))
def test_a_rows_dates_hold_until_steady_until_and_move_then(rhythm, now, fraction):
    until = rules.steady_until(now, rhythm)
    assert until > now

    def dates(moment):
        return moment.astimezone(rhythm.zone).date(), last_night(moment, rhythm)

    assert dates(_later(now, until, fraction)) == dates(now)
    assert dates(until - timedelta(microseconds=1)) == dates(now)
    assert dates(until) != dates(now)
