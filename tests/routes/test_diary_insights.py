"""The insights page: the trials' outcome first, and directions only when chance is cleared."""

from __future__ import annotations

from datetime import date, timedelta

from tests.conftest import html
from tests.diary_helpers import add_checkin, tokyo


def history_of_weeks(session, patient, clock, *, before: list[bool], recent: list[bool | None]):
    """Check-ins for the 14 nights up to the 24th: ``before`` the 7 nights from the 11th,
    ``recent`` the 7 from the 18th; True a night with two cramps, False cramp-free,
    None no record."""
    first = date(2026, 11, 11)
    for offset, had in enumerate([*before, *recent]):
        evening = first + timedelta(days=offset)
        if had is None:
            continue
        morning = evening + timedelta(days=1)
        add_checkin(
            session,
            patient,
            evening,
            had_cramps=had,
            cramp_count=2 if had else None,
            answered_at=tokyo(morning.year, morning.month, morning.day, 7, 30),
        )
    clock.set(tokyo(2026, 11, 25, 8, 0))


def test_insights_lead_with_cramp_nights_and_cramps_per_week(
    patient_client, session, patient, clock
):
    history_of_weeks(session, patient, clock, before=[True] * 7, recent=[False] * 7)
    page = html(patient_client.get("/patient/diary/insights"))
    lead = page.select_one("#outcome-title").find_parent("section")
    # The lead card comes before every comparison.
    assert page.select("section.insight")[0] is lead
    text = lead.get_text(" ", strip=True)
    assert "1週間あたり約3.5夜つり、つった回数は約7.0回" in text
    assert "28夜のうち、つった夜7、つらなかった夜7、記録のない夜14" in text
    rows = [[c.get_text(strip=True) for c in tr.select("td")] for tr in lead.select("tbody tr")]
    assert rows == [
        ["0", "0", "7", "0"],
        ["7", "14", "0", "0"],
        ["0", "0", "0", "7"],
        ["0", "0", "0", "7"],
    ]


def test_a_clear_weekly_change_is_named_and_a_thin_month_is_not(
    patient_client, session, patient, clock
):
    history_of_weeks(session, patient, clock, before=[True] * 7, recent=[False] * 7)
    page = html(patient_client.get("/patient/diary/insights"))
    week = page.select_one("#trend-7").find_parent("section")
    assert week.select_one(".insight__verdict")["data-direction"] == "fewer"
    assert "偶然とは考えにくい差" in week.get_text()
    assert "フィッシャーの正確確率検定、p < 0.001" in week.get_text()
    month = page.select_one("#trend-30").find_parent("section")
    assert month.select_one(".insight__verdict")["data-direction"] == "not_enough_records"
    assert "それぞれ5夜以上の記録が必要です。いまは14夜と0夜です" in month.get_text()
    # Every figure shows the nights without a record beside it.
    assert "記録のない夜 16" in month.get_text()
    assert "記録のない夜 30" in month.get_text()


def test_a_small_gap_is_no_clear_difference_in_english(patient_client, session, patient, clock):
    history_of_weeks(
        session,
        patient,
        clock,
        before=[True, True, True, True, False, False, None],
        recent=[True, True, True, False, False, False, None],
    )
    page = html(patient_client.get("/patient/diary/insights", headers={"Accept-Language": "en"}))
    week = page.select_one("#trend-7").find_parent("section")
    assert week.select_one(".insight__verdict")["data-direction"] == "no_clear_difference"
    assert "No clear difference" in week.get_text()
    assert "fewer" not in week.select_one(".insight__verdict").get_text().lower()
