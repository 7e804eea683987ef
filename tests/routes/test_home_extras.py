"""Home screen extras from issue 11: what is due soon, the first-run welcome, the
habit-strength line, and time zones named for people."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.conftest import form, html, htmx_headers

# 19:10 in Tokyo: the foot bath (19:30) is 20 minutes away.
BEFORE_BATH = datetime(2026, 11, 24, 10, 10, tzinfo=UTC)
NOON = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)


def test_routine_due_within_half_an_hour_stands_at_the_top(patient_client, clock):
    clock.set(BEFORE_BATH)
    page = html(patient_client.get("/patient/"))
    card = page.select_one("#due-soon")
    assert card is not None
    items = [li.get_text(" ", strip=True) for li in card.select("li")]
    assert items == ["19:30 夕方の足湯 20分後"]
    # First thing inside the part of the page that refreshes itself.
    assert page.select_one("#tonight > *")["id"] == "due-soon"


def test_nothing_due_soon_means_no_card(patient_client, clock):
    clock.set(NOON)
    assert html(patient_client.get("/patient/")).select_one("#due-soon") is None


def test_done_routine_leaves_the_coming_up_card(patient_client, clock):
    clock.set(BEFORE_BATH)
    page = html(patient_client.get("/patient/"))
    done = page.select_one("#routine-foot-bath form[action$='/completions']")
    fields = {i["name"]: i["value"] for i in done.select("input[type=hidden]")}
    response = patient_client.post(
        done["action"], data=fields, headers=htmx_headers(patient_client)
    )
    assert response.status_code == 200
    assert html(response).select_one("#due-soon") is None


def test_welcome_is_offered_until_seen_or_skipped(patient_client):
    page = html(patient_client.get("/patient/"))
    assert page.select_one(".welcome-card") is not None
    for step in (1, 2, 3):
        screen = html(patient_client.get(f"/patient/welcome?step={step}"))
        assert screen.select_one(".welcome__step").get_text(strip=True) == f"3中 {step}"
    last = html(patient_client.get("/patient/welcome?step=3"))
    assert last.select_one(".welcome__actions button").get_text(strip=True) == "はじめる"
    response = patient_client.post(
        "/patient/welcome", data=form(patient_client), follow_redirects=False
    )
    assert response.headers["location"] == "/patient/"
    assert html(patient_client.get("/patient/")).select_one(".welcome-card") is None


def test_habit_strength_is_explained_once(patient_client):
    page = html(patient_client.get("/patient/"))
    lines = page.select(".strength-explained")
    assert len(lines) == 1
    assert "習慣の強さ" in lines[0].get_text()


def test_time_zones_are_named_in_japanese_with_common_ones_first(patient_client):
    page = html(patient_client.get("/patient/settings"))
    select = page.select_one("#field-time_zone")
    common, others = select.select("optgroup")
    assert common["label"] == "よく使うタイムゾーン"
    first = common.select("option")[0]
    assert first["value"] == "Asia/Tokyo"
    assert first.get_text(strip=True) == "日本時間 – 東京 (UTC+9)"
    assert first.has_attr("selected")
    new_york = select.select_one("option[value='America/New_York']")
    assert new_york.get_text(strip=True).startswith("アメリカ合衆国（ニューヨーク）時間")
    assert len(others.select("option")) > 300
    values = [o["value"] for o in select.select("option")]
    assert len(values) == len(set(values))
