"""Two cramps a minute apart: tapping "Cramp now", going Back and tapping it again
records two cramps, not one, even though the page came back with its old form."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from app.models import CrampEvent
from tests import factories

pytestmark = pytest.mark.browser

TOKYO = ZoneInfo("Asia/Tokyo")
AT_3_10 = datetime(2026, 11, 25, 3, 10, tzinfo=TOKYO)


def test_cramp_now_back_and_cramp_now_again_records_two_cramps(live_server, phone):
    with live_server.session() as db:
        patient = factories.make_patient(
            db, live_server.app.state.passwords, now=live_server.clock(), name="田中 一郎"
        )
    live_server.clock.set(AT_3_10.astimezone(UTC))
    phone.clock.install(time=AT_3_10)

    phone.goto(f"{live_server.url}/login")
    phone.get_by_label("メールアドレス").fill(patient.email)
    phone.get_by_label("パスワード").fill(factories.PASSWORD)
    phone.get_by_role("button", name="ログイン").click()
    phone.wait_for_url(f"{live_server.url}/patient/")

    phone.get_by_role("button", name="いま、つった").click()
    phone.wait_for_url("**/patient/diary/cramps/*?logged=1")
    first_sheet = phone.url

    # Back to the home screen, as it was, and a second cramp within the minute.
    phone.go_back()
    phone.wait_for_url(f"{live_server.url}/patient/")
    live_server.clock.set((AT_3_10 + timedelta(seconds=50)).astimezone(UTC))
    phone.get_by_role("button", name="いま、つった").click()
    phone.wait_for_url("**/patient/diary/cramps/*?logged=1")
    assert phone.url != first_sheet

    with live_server.session() as db:
        cramps = db.exec(select(CrampEvent).where(CrampEvent.patient_id == patient.id)).all()
    assert len(cramps) == 2
    assert len({c.client_id for c in cramps}) == 2
    assert phone.js_errors == []
