"""Tonight's prompts: the bedtime glass call-out and the "next" routine."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.tonight import EveningRoutine, call_out_bedtime_glass, next_routine

TOKYO = ZoneInfo("Asia/Tokyo")
NEW_YORK = ZoneInfo("America/New_York")
BED = datetime(2026, 11, 24, 23, 0, tzinfo=TOKYO)


@pytest.mark.parametrize(
    ("planned", "done", "now", "expected"),
    [
        pytest.param(True, False, BED - timedelta(minutes=31), False, id="31 min before: not yet"),
        pytest.param(True, False, BED - timedelta(minutes=30), True, id="30 min before: call"),
        pytest.param(True, False, BED, True, id="at bedtime"),
        pytest.param(
            True, False, BED + timedelta(hours=2), True, id="after bedtime, still undrunk"
        ),
        pytest.param(True, True, BED - timedelta(minutes=10), False, id="already drunk"),
        pytest.param(False, False, BED - timedelta(minutes=10), False, id="not in the plan"),
        pytest.param(
            True, False, (BED - timedelta(minutes=10)).astimezone(UTC), True, id="now in UTC"
        ),
    ],
)
def test_bedtime_glass_is_called_out_from_half_an_hour_before_bed(planned, done, now, expected):
    assert call_out_bedtime_glass(planned=planned, done=done, bedtime=BED, now=now) is expected


def test_bedtime_glass_call_counts_real_minutes_across_a_dst_change():
    # 01:15 EST on 2 Nov 2025 (the second 01:15); 00:50 EDT is 85 real minutes earlier,
    # even though the wall clock says 25 minutes.
    bedtime = datetime(2025, 11, 2, 1, 15, tzinfo=NEW_YORK, fold=1)
    early = datetime(2025, 11, 2, 0, 50, tzinfo=NEW_YORK)
    assert not call_out_bedtime_glass(planned=True, done=False, bedtime=bedtime, now=early)
    late = datetime(2025, 11, 2, 1, 50, tzinfo=NEW_YORK, fold=0)  # 25 real minutes before
    assert call_out_bedtime_glass(planned=True, done=False, bedtime=bedtime, now=late)


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 24, hour, minute, tzinfo=TOKYO)


EVENING = [
    EveningRoutine(1, at(19, 30), done=False),  # foot bath
    EveningRoutine(2, at(22, 30), done=False),  # bedtime glass
    EveningRoutine(3, at(22, 45), done=False),  # toe stretch
]


@pytest.mark.parametrize(
    ("done", "now", "expected"),
    [
        pytest.param(set(), at(18), 1, id="early evening: the first"),
        pytest.param(set(), at(20), 1, id="30 min late is still next"),
        pytest.param(set(), at(20, 1), 2, id="31 min late is skipped"),
        pytest.param({1}, at(19), 2, id="the done one is skipped"),
        pytest.param({1, 2}, at(22, 50), 3, id="the last one"),
        pytest.param({1, 2, 3}, at(22, 50), None, id="all done"),
        pytest.param(set(), at(23, 16), None, id="all long past"),
    ],
)
def test_next_routine_is_the_first_not_done_and_not_long_past(done, now, expected):
    routines = [EveningRoutine(r.item_id, r.at, r.item_id in done) for r in EVENING]
    assert next_routine(routines, now) == expected


def test_a_routine_without_a_time_is_never_next():
    assert next_routine([EveningRoutine(9, None, done=False)], at(20)) is None


@given(
    minutes=st.lists(st.integers(0, 24 * 60), max_size=6),
    done=st.lists(st.booleans(), min_size=6, max_size=6),
    now_minutes=st.integers(0, 24 * 60),
)
def test_the_next_routine_is_undone_and_due_no_more_than_half_an_hour_ago(
    minutes, done, now_minutes
):
    start = at(12)
    routines = [
        EveningRoutine(i, start + timedelta(minutes=m), done[i]) for i, m in enumerate(minutes)
    ]
    now = start + timedelta(minutes=now_minutes)
    chosen = next_routine(routines, now)
    eligible = [r for r in routines if not r.done and r.at >= now - timedelta(minutes=30)]
    assert chosen == (eligible[0].item_id if eligible else None)
