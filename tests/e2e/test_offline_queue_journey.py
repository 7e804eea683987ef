"""3 a.m., no signal: a cramp and a glass of water are kept on the phone, shown as
waiting to send, and reach the server exactly once when the phone is back online."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from app.models import Completion, CrampEvent
from tests import factories
from tests.e2e.fixtures import screenshot
from tests.e2e.test_pwa_journey import _controlled
from tests.e2e.test_sign_in_journey import sign_in_in_browser

pytestmark = pytest.mark.browser

EVENING = datetime(2026, 11, 24, 13, 0, tzinfo=UTC)  # 22:00 in Tokyo


def _stored(live_server, patient_id):
    with live_server.session() as db:
        cramps = db.exec(select(CrampEvent).where(CrampEvent.patient_id == patient_id)).all()
        glasses = db.exec(
            select(Completion).where(
                Completion.patient_id == patient_id, Completion.routine == "water"
            )
        ).all()
        return len(cramps), len(glasses)


def test_offline_cramp_and_glass_are_sent_once_back_online(live_server, phone):
    live_server.clock.set(EVENING)
    phone.clock.install(time=EVENING)  # the phone's clock agrees with the server's
    with live_server.session() as db:
        patient = factories.make_patient(
            db, live_server.app.state.passwords, now=live_server.clock(), name="佐藤 花子"
        )
    sign_in_in_browser(phone, live_server.url, patient.email)
    phone.wait_for_url(f"{live_server.url}/patient/")
    _controlled(phone)

    phone.context.set_offline(True)
    phone.locator(".cramp-now__button").click()
    phone.get_by_role("button", name="＋1杯").click()
    waiting = phone.locator("#outbox [data-role=count]")
    expect(waiting).to_have_text("送信待ち（2件）")
    screenshot(phone, "offline-queue-waiting-390x844")
    assert _stored(live_server, patient.id) == (0, 0)
    # A record of another account on this phone is never sent under this one.
    phone.evaluate(
        """tsuranaiStore.enqueue(987654, {kind: 'completion', op: 'create',
             client_id: '00000000-0000-4000-8000-000000000001',
             body: {plan_item_id: 1, day: '2026-11-24'}})"""
    )

    queued = phone.evaluate(f"tsuranaiStore.queued({patient.id})")
    assert sorted(e["kind"] for e in queued) == ["completion", "cramp"]

    phone.context.set_offline(False)
    expect(waiting).to_be_hidden(timeout=15_000)
    assert _stored(live_server, patient.id) == (1, 1)
    assert phone.evaluate("tsuranaiStore.queued(987654).then(q => q.length)") == 1

    # Replaying what was sent changes nothing.
    statuses = phone.evaluate(
        """async (entries) => {
            const csrf = document.querySelector('input[name=csrftoken]').value;
            const response = await fetch(document.body.dataset.batchUrl, {
                method: 'POST', headers: {'Content-Type': 'application/json', 'X-CSRFToken': csrf},
                body: JSON.stringify({entries: entries.map(e => ({kind: e.kind, op: e.op,
                    client_id: e.client_id, body: e.body}))}),
            });
            return (await response.json()).results.map(r => r.status);
        }""",
        queued,
    )
    assert statuses == [200, 200]
    assert _stored(live_server, patient.id) == (1, 1)
    expect(phone.locator(".water__count strong")).to_have_text("6杯中 1杯")
    assert [e for e in phone.js_errors if "ERR_INTERNET_DISCONNECTED" not in e] == []
