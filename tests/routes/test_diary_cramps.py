"""Logging a cramp from the phone: one tap, first aid, the detail sheet, mistakes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from app.models import CrampEvent
from tests.conftest import form, html, htmx_headers, sign_in
from tests.diary_helpers import add_cramp, tokyo
from tests.statements import reads, statements_sent

KEY = "0b7c6a52-3f0e-4d7e-9a77-2f4d1c0e9b11"
AT_3_10 = tokyo(2026, 11, 25, 3, 10)


@pytest.fixture
def at_3am(clock):
    clock.set(AT_3_10)
    return clock


def stored(session) -> list[CrampEvent]:
    """Every cramp row; the read transaction ends at once so the app can write."""
    session.expire_all()
    rows = list(session.exec(select(CrampEvent)).all())
    session.commit()
    return rows


def reread(session, row):
    session.refresh(row)
    session.commit()
    return row


def test_cramp_now_logs_the_clock_time_and_opens_the_sheet_with_first_aid(
    patient_client, session, at_3am
):
    response = patient_client.post(
        "/patient/diary/cramps",
        data=form(patient_client, client_id=KEY, when="now"),
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"].endswith("?logged=1")
    [cramp] = stored(session)
    assert cramp.occurred_at == AT_3_10
    page = html(patient_client.get(response.headers["location"]))
    assert page.select_one("#cramp-sheet .logged-banner")
    first_aid = page.select_one("#cramp-sheet .first-aid")
    assert first_aid is not None
    assert "鋭い痛み" in first_aid.get_text()  # stop on sharp pain, in Japanese by default
    assert "24" in page.select_one(".cramp-sheet__night").get_text()  # night of the 24th


def test_a_double_tap_on_cramp_now_is_one_cramp(patient_client, session, at_3am):
    for _ in range(2):
        patient_client.post(
            "/patient/diary/cramps", data=form(patient_client, client_id=KEY, when="now")
        )
    assert len(stored(session)) == 1


def test_a_cramp_now_tap_asks_nothing_before_storing_it(patient_client, app, at_3am):
    """At 3 a.m. the tap should land at once: no read of the diary before one INSERT
    that itself asks whether the form's UUID is taken or deleted."""
    data = form(patient_client, client_id=KEY, when="now")
    with statements_sent(app.state.engine) as statements:
        logged = patient_client.post("/patient/diary/cramps", data=data, follow_redirects=False)
    assert logged.status_code == 303
    assert not [s for s in reads(statements) if "crampevent" in s or "deletedentry" in s]
    (insert,) = [s for s in statements if s.lstrip().upper().startswith("INSERT")]
    assert "INTO crampevent" in insert
    assert "deletedentry" in insert


@pytest.mark.parametrize(("when", "minutes"), [("15", 15), ("30", 30), ("60", 60)])
def test_it_happened_earlier_counts_back_from_now(patient_client, session, at_3am, when, minutes):
    patient_client.post(
        "/patient/diary/cramps", data=form(patient_client, client_id=KEY, when=when)
    )
    [cramp] = stored(session)
    assert cramp.occurred_at == AT_3_10 - timedelta(minutes=minutes)


def test_a_typed_time_with_full_details_is_stored(patient_client, session, at_3am):
    response = patient_client.post(
        "/patient/diary/cramps",
        data=form(
            patient_client,
            client_id=KEY,
            when="at",
            at="2026-11-25T01:45",
            foot="both",
            sites=["calf", "toes"],
            severity="6",
            duration="2_to_5min",
            woke_me_up="yes",
            situation="asleep",
            symptoms=["numbness"],
            note="ふくらはぎまで",
        ),
        follow_redirects=False,
    )
    assert response.status_code == 303
    [cramp] = stored(session)
    assert cramp.occurred_at == tokyo(2026, 11, 25, 1, 45)
    assert (cramp.foot, cramp.sites, cramp.severity, cramp.symptoms) == (
        "both",
        ["toes", "calf"],
        6,
        ["numbness"],
    )


def test_the_new_cramp_form_has_every_field_and_works_without_javascript(patient_client, at_3am):
    page = html(patient_client.get("/patient/diary/cramps/new"))
    form_el = page.select_one("form.cramp-form")
    assert (form_el["method"], form_el["action"]) == ("post", "/patient/diary/cramps")
    names = {i["name"] for i in form_el.select("input, textarea")}
    assert {
        "when",
        "at",
        "foot",
        "sites",
        "severity",
        "duration",
        "duration_minutes",
        "woke_me_up",
        "situation",
        "symptoms",
        "note",
        "client_id",
    } <= names
    assert [i["value"] for i in form_el.select("input[name=when]")] == [
        "now",
        "15",
        "30",
        "60",
        "at",
    ]
    assert len(form_el.select("input[name=severity][value]")) == 12  # 0–10 and "not sure"


@pytest.mark.parametrize(
    ("fields", "error_id"),
    [
        ({"severity": "11"}, "error-severity"),
        ({"severity": "-1"}, "error-severity"),
        ({"foot": "middle"}, "error-foot"),
        ({"sites": ["toes", "knee"]}, "error-sites"),
        ({"situation": "dancing"}, "error-situation"),
        ({"note": "あ" * 501}, "error-note"),
        ({"when": "at", "at": "2026-11-25T03:30"}, "error-occurred_at"),
        ({"when": "at", "at": "2026-09-20T03:00"}, "error-occurred_at"),
    ],
)
def test_bad_input_is_refused_translated_nothing_stored_and_the_form_keeps_it(
    patient_client, session, at_3am, fields, error_id
):
    typed = {"client_id": KEY, "when": "now", "foot": "left", "note": "足の指", **fields}
    response = patient_client.post("/patient/diary/cramps", data=form(patient_client, **typed))
    assert response.status_code == 422
    assert stored(session) == []
    page = html(response)
    assert (
        page.select_one(".alert--error").get_text(strip=True).startswith("まだ保存されていません")
    )
    message = page.select_one(f"#{error_id}.field-error").get_text(strip=True)
    assert message  # a sentence, in Japanese
    assert not message.isascii()
    # What was typed is still there.
    assert page.select_one("textarea[name=note]").get_text() == typed["note"]
    if typed.get("foot") == "left":
        assert page.select_one("input[name=foot][value=left]").has_attr("checked")
    assert page.select_one("input[name=client_id]")["value"] == KEY


def test_the_sheet_saves_details_as_a_page_and_as_a_fragment(
    patient_client, session, at_3am, patient
):
    cramp = add_cramp(session, patient, AT_3_10)
    url = f"/patient/diary/cramps/{cramp.id}"
    response = patient_client.post(
        url,
        data=form(
            patient_client, at="2026-11-25T03:10", foot="left", sites=["toes", "sole"], severity="7"
        ),
        follow_redirects=False,
    )
    assert (response.status_code, response.headers["location"]) == (303, f"{url}?saved=1")
    reread(session, cramp)
    assert (cramp.foot, cramp.sites, cramp.severity) == ("left", ["toes", "sole"], 7)
    assert cramp.occurred_at == AT_3_10  # the same minute keeps the exact moment

    fragment = patient_client.post(
        url,
        data=form(patient_client, at="2026-11-25T03:10", severity="5"),
        headers=htmx_headers(patient_client),
    )
    assert fragment.status_code == 200
    assert "Vary" in fragment.headers
    assert "HX-Request" in fragment.headers["Vary"]
    root = html(fragment)
    assert root.find("html") is None
    assert root.select_one("section#cramp-sheet .saved-banner")
    assert root.select_one("input[name=severity][value='5']").has_attr("checked")


def test_the_sheet_as_full_page_and_as_fragment(patient_client, session, at_3am, patient):
    cramp = add_cramp(session, patient, AT_3_10)
    url = f"/patient/diary/cramps/{cramp.id}"
    full = html(patient_client.get(url))
    assert full.find("html")
    assert full.select_one("main #cramp-sheet")
    part = html(patient_client.get(url, headers={"HX-Request": "true"}))
    assert part.find("html") is None
    assert part.select_one("#cramp-sheet")


def test_a_bad_edit_answers_422_with_the_fragment_and_changes_nothing(
    patient_client, session, at_3am, patient
):
    cramp = add_cramp(session, patient, AT_3_10, severity=3)
    response = patient_client.post(
        f"/patient/diary/cramps/{cramp.id}",
        data=form(patient_client, at="2026-11-25T03:10", severity="12", note="memo"),
        headers=htmx_headers(patient_client),
    )
    assert response.status_code == 422
    root = html(response)
    assert root.select_one("#cramp-sheet .field-error")
    assert root.select_one("textarea[name=note]").get_text() == "memo"
    reread(session, cramp)
    assert cramp.severity == 3


def test_another_patients_entry_is_not_found(client, session, passwords, patient, at_3am):
    from tests.factories import make_patient

    theirs = add_cramp(session, make_patient(session, passwords), AT_3_10)
    sign_in(client, patient)
    url = f"/patient/diary/cramps/{theirs.id}"
    assert client.get(url).status_code == 404
    assert client.post(url, data=form(client, at="2026-11-25T03:10")).status_code == 404
    assert client.post(f"{url}/delete", data=form(client)).status_code == 404
    session.expire_all()
    assert session.get(type(theirs), theirs.id) is not None


def test_deleting_an_entry_returns_to_the_diary(patient_client, session, at_3am, patient):
    cramp = add_cramp(session, patient, AT_3_10)
    response = patient_client.post(
        f"/patient/diary/cramps/{cramp.id}/delete",
        data=form(patient_client),
        follow_redirects=False,
    )
    assert (response.status_code, response.headers["location"]) == (303, "/patient/diary?deleted=1")
    assert patient_client.get(f"/patient/diary/cramps/{cramp.id}").status_code == 404


def test_english_speakers_get_the_sheet_in_english(patient_client, session, at_3am, patient):
    cramp = add_cramp(session, patient, AT_3_10)
    page = html(
        patient_client.get(
            f"/patient/diary/cramps/{cramp.id}?logged=1", headers={"Accept-Language": "en"}
        )
    )
    assert page.select_one("#first-aid-title").get_text(strip=True) == "To ease a toe cramp"
