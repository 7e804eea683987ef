"""The home screen, guided routine pages and ticking routines off, over HTTP."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from app.models import Completion, PlanItem
from tests.conftest import form, html, htmx_headers

# The test's session writes (BEGIN IMMEDIATE on SQLite): each read ends its transaction
# so that the app, in another connection, can write.


def item_id(session, patient, routine: str) -> int:
    found = session.exec(
        select(PlanItem.id).where(PlanItem.patient_id == patient.id, PlanItem.routine == routine)
    ).first()
    session.rollback()
    return found


def stored(session, patient) -> list[Completion]:
    rows = list(session.exec(select(Completion).where(Completion.patient_id == patient.id)))
    session.rollback()
    return rows


def done(client, session, patient, routine, *, headers=None, **fields):
    fields.setdefault("client_id", str(uuid.uuid4()))
    fields.setdefault("day", "2026-11-24")
    return client.post(
        f"/patient/plan-items/{item_id(session, patient, routine)}/completions",
        data=form(client, **fields),
        headers=headers or {},
        follow_redirects=False,
    )


def routine_ids(page, list_id: str) -> list[str]:
    return [li["id"] for li in page.select(f"#{list_id} > li")]


# --- the home screen ----------------------------------------------------------------


def test_evening_home_is_tonight_in_the_order_the_evening_is_lived(patient_client):
    response = patient_client.get("/patient/")
    assert response.status_code == 200
    page = html(response)
    assert page.h1.get_text(strip=True) == "今夜"
    assert routine_ids(page, "evening-list") == [
        "routine-foot-bath",
        "routine-bedtime-glass",
        "routine-sole-massage",
        "routine-toe-stretch",
    ]
    stretch = page.select_one("#routine-toe-stretch")
    assert stretch.select_one("time").get_text() == "22:45"
    assert "5秒 × 3セット" in stretch.get_text()
    assert "ズキッと強い痛み" in stretch.get_text()  # the safety line, with stretches
    assert page.select_one("#water .water__count").get_text(" ", strip=True).startswith("6杯中 0杯")
    assert "今週 0日（目標 2〜3日）" in page.select_one("#routine-walk").get_text()
    assert "HX-Request" in response.headers["vary"]


def test_home_fragment_is_just_the_tonight_block(patient_client):
    response = patient_client.get("/patient/", headers=htmx_headers(patient_client))
    assert response.status_code == 200
    assert "<html" not in response.text
    fragment = html(response)
    assert fragment.select_one("div#tonight") is not None
    assert fragment.select_one("#evening-list") is not None


def test_morning_home_is_today_with_the_day_first(patient_client, clock):
    clock.set(datetime(2026, 11, 24, 23, 30, tzinfo=UTC))  # 08:30 in Tokyo
    page = html(patient_client.get("/patient/"))
    assert page.h1.get_text(strip=True) == "今日"
    headings = [h.get_text(strip=True) for h in page.select("#tonight h2")]
    assert headings.index("日中のケア") < headings.index("今夜のケア")


def test_home_is_english_for_an_english_speaker(client, session, passwords):
    from tests.conftest import sign_in
    from tests.factories import make_patient

    sign_in(client, make_patient(session, passwords, locale="en"))
    page = html(client.get("/patient/"))
    assert page.h1.get_text(strip=True) == "Tonight"
    assert page.select_one("#routine-toe-stretch h3").get_text() == "Bedtime toe stretch"
    assert "10:45" in page.select_one("#routine-toe-stretch time").get_text()


def test_pages_carry_no_inline_script_or_style(patient_client, session, patient):
    for url in (
        "/patient/",
        "/patient/settings",
        f"/patient/plan-items/{item_id(session, patient, 'toe_stretch')}/guide",
    ):
        page = html(patient_client.get(url))
        assert page.select("[style]") == []
        assert all(s.get("src") for s in page.select("script")), url
        assert not [a for tag in page.find_all(True) for a in tag.attrs if a.startswith("hx-on")]


def test_bedtime_glass_is_called_out_in_the_half_hour_before_bed(patient_client, clock):
    assert html(patient_client.get("/patient/")).select_one(".callout") is None  # 22:00
    clock.set(datetime(2026, 11, 24, 13, 35, tzinfo=UTC))  # 22:35
    callout = html(patient_client.get("/patient/")).select_one(".callout")
    assert "寝る前の1杯" in callout.get_text()
    assert callout.select_one("button").get_text(strip=True) == "飲みました"


# --- ticking routines off ---------------------------------------------------------------


def test_one_tap_without_javascript_records_and_redirects_home(patient_client, session, patient):
    response = done(patient_client, session, patient, "toe_stretch")
    assert response.status_code == 303
    assert response.headers["location"] == "/patient/"
    row = html(patient_client.get("/patient/")).select_one("#routine-toe-stretch")
    assert "routine--done" in row["class"]
    assert "できた · 3セット" in row.select_one(".routine__done").get_text(" ", strip=True)
    assert row.select_one("#toggle-toe-stretch").get_text(strip=True) == "取り消す"


def test_one_tap_under_htmx_answers_with_the_updated_block(patient_client, session, patient):
    response = done(
        patient_client, session, patient, "foot_bath", headers=htmx_headers(patient_client)
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    block = html(response)
    assert "routine--done" in block.select_one("#routine-foot-bath")["class"]
    # Four evening routines plus the desk break on a Tuesday.
    assert "5件中 1件できました" in block.select_one(".day-progress").get_text()


def test_the_same_submission_twice_stores_one_row(patient_client, session, patient):
    client_id = str(uuid.uuid4())
    for _ in range(2):
        assert (
            done(patient_client, session, patient, "walk", client_id=client_id).status_code == 303
        )
    assert len(stored(session, patient)) == 1


def test_undo_under_htmx_brings_back_the_done_button(patient_client, session, patient):
    done(patient_client, session, patient, "sole_massage")
    response = patient_client.post(
        f"/patient/plan-items/{item_id(session, patient, 'sole_massage')}/undo",
        data=form(patient_client, day="2026-11-24"),
        headers=htmx_headers(patient_client),
    )
    assert response.status_code == 200
    button = html(response).select_one("#toggle-sole-massage")
    assert button.get_text(strip=True) == "できた"
    assert stored(session, patient) == []


def test_two_glasses_then_undo_leaves_one(patient_client, session, patient):
    for _ in range(2):
        done(patient_client, session, patient, "water")
    page = html(patient_client.get("/patient/"))
    assert page.select_one(".water__count strong").get_text() == "6杯中 2杯"
    assert len(page.select(".glass--full")) == 2
    patient_client.post(
        f"/patient/plan-items/{item_id(session, patient, 'water')}/undo",
        data=form(patient_client, day="2026-11-24"),
    )
    assert len(stored(session, patient)) == 1


# --- bad input -------------------------------------------------------------------------------


def test_unknown_item_is_404_and_stores_nothing(patient_client, session, patient):
    response = patient_client.post(
        "/patient/plan-items/999999/completions",
        data=form(patient_client, client_id=str(uuid.uuid4()), day="2026-11-24"),
    )
    assert response.status_code == 404
    assert stored(session, patient) == []


def test_another_patients_item_is_404_and_stores_nothing(
    patient_client, session, patient, other_patient
):
    theirs = item_id(session, other_patient, "toe_stretch")
    for url in (
        f"/patient/plan-items/{theirs}/completions",
        f"/patient/plan-items/{theirs}/undo",
    ):
        response = patient_client.post(
            url, data=form(patient_client, client_id=str(uuid.uuid4()), day="2026-11-24")
        )
        assert response.status_code == 404
    assert patient_client.get(f"/patient/plan-items/{theirs}/guide").status_code == 404
    assert stored(session, patient) == stored(session, other_patient) == []


def test_out_of_range_value_on_the_guide_keeps_what_was_typed(patient_client, session, patient):
    response = done(patient_client, session, patient, "toe_stretch", view="guide", sets="45")
    assert response.status_code == 422
    page = html(response)
    assert page.select_one("#field-sets")["value"] == "45"
    assert page.select_one("#error-sets").get_text() == "1〜20の数字を入力してください。"
    assert stored(session, patient) == []


def test_a_far_future_day_gets_a_clear_translated_error(patient_client, session, patient):
    response = done(
        patient_client, session, patient, "toe_stretch", view="guide", day="2027-01-01", sets="2"
    )
    assert response.status_code == 422
    page = html(response)
    assert page.select_one("[role=alert]").get_text() == (
        "その日はまだ始まっていないため、記録しませんでした。"
    )
    assert page.select_one("#field-sets")["value"] == "2"
    assert page.select_one("input[name=day]")["value"] == "2027-01-01"
    assert stored(session, patient) == []


def test_a_one_tap_error_is_shown_on_the_routine_under_htmx(patient_client, session, patient):
    response = done(
        patient_client,
        session,
        patient,
        "foot_bath",
        day="2027-05-05",
        headers=htmx_headers(patient_client),
    )
    assert response.status_code == 422
    block = html(response)
    assert "<html" not in response.text
    assert block.select_one("#error-foot_bath").get_text() == (
        "その日はまだ始まっていないため、記録しませんでした。"
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"client_id": "not-a-uuid", "day": "2026-11-24"},
        {"client_id": str(uuid.uuid4()), "day": "yesterday"},
        {"client_id": str(uuid.uuid4()), "day": "2026-11-24", "sets": "three"},
    ],
)
def test_unreadable_fields_are_422_and_store_nothing(patient_client, session, patient, fields):
    response = patient_client.post(
        f"/patient/plan-items/{item_id(session, patient, 'toe_stretch')}/completions",
        data=form(patient_client, **fields),
    )
    assert response.status_code == 422
    assert html(response).select_one("[role=alert]") is not None
    assert stored(session, patient) == []


# --- the guide page --------------------------------------------------------------------------


def test_guide_page_lists_the_steps_and_a_form_that_works_without_js(
    patient_client, session, patient
):
    page = html(
        patient_client.get(f"/patient/plan-items/{item_id(session, patient, 'toe_stretch')}/guide")
    )
    assert page.h1.get_text(strip=True) == "寝る前の足指ストレッチ"
    steps = page.select("[data-role=steps] li")
    assert [(s["data-kind"], s["data-seconds"]) for s in steps] == [
        ("ready", "3"),
        ("hold", "5"),
        ("rest", "10"),
        ("hold", "5"),
        ("rest", "10"),
        ("hold", "5"),
    ]
    assert page.select_one("#timer").has_attr("hidden")  # shown only by timer.js
    record_form = page.select_one("form[data-role=record]")
    assert record_form["method"] == "post"
    assert record_form.select_one("#field-sets")["value"] == "3"
    assert page.select_one(".guide__safety") is not None


def test_guide_fragment_is_the_record_form(patient_client, session, patient):
    response = patient_client.get(
        f"/patient/plan-items/{item_id(session, patient, 'walk')}/guide",
        headers=htmx_headers(patient_client),
    )
    assert "<html" not in response.text
    fragment = html(response)
    assert fragment.select_one("#record-form #field-minutes")["value"] == "10"
    assert fragment.select_one("#record-form #field-reps")["value"] == "30"


def test_partial_stretch_from_the_guide_records_what_was_done(patient_client, session, patient):
    response = done(patient_client, session, patient, "toe_stretch", view="guide", sets="2")
    assert response.status_code == 303
    (row,) = stored(session, patient)
    assert row.sets == 2
    text = html(patient_client.get("/patient/")).select_one("#routine-toe-stretch").get_text()
    assert "3セット中2セット" in text


def test_every_action_is_named_by_what_it_shows_then_the_routine(patient_client, clock):
    clock.set(datetime(2026, 11, 24, 13, 35, tzinfo=UTC))  # 22:35, the call-out is up
    page = html(patient_client.get("/patient/"))
    actions = page.select("#tonight button[aria-label], #tonight a[aria-label]")
    assert actions
    for action in actions:
        shown = action.get_text(strip=True)
        assert action["aria-label"].startswith(f"{shown}："), action["aria-label"]
    assert page.select_one("#routine-toe-stretch a")["aria-label"] == (
        "スタート：寝る前の足指ストレッチ"
    )
