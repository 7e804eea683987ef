"""Reminders by Web Push, end to end on loopback: a real VAPID-signed, aes128gcm
message reaches a test push service and decrypts with the device's keys."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from app.db import make_engine, write_session
from app.models import PushSubscription, ReminderDelivery
from app.services import push, reminders, reminders_settings
from tests import factories
from tests.push_service import PushService, verify_vapid

# 19:30 in Tokyo: the default patient's evening foot bath, and nothing else due.
FOOT_BATH = datetime(2026, 11, 24, 10, 30, tzinfo=UTC)
# 22:45: bedtime glass (22:30), sole massage (22:40) and toe stretch (22:45).
BEDTIME = datetime(2026, 11, 24, 13, 45, tzinfo=UTC)
URLS = reminders.Urls(
    home="/patient/", completions="/api/v1/completions", snooze="/api/v1/push/snooze"
)
SUBJECT = "mailto:clinic@example.test"


@pytest.fixture
def push_service():
    with PushService() as service:
        yield service


def _subscribe(session, patient, device, now=FOOT_BATH):
    return reminders.subscribe(
        session, actor=patient, endpoint=device.endpoint, p256dh=device.p256dh,
        auth=device.auth_b64, user_agent="test phone", now=now,
    )  # fmt: skip


def _send(engine, now=FOOT_BATH, sender=push.send):
    return reminders.send_due_reminders(
        engine, now=now, vapid_subject=SUBJECT,
        payload_for=reminders.payload_builder(engine, URLS), sender=sender,
    )  # fmt: skip


def test_a_due_reminder_reaches_the_device_encrypted_and_signed(
    app, session, patient, push_service
):
    device = push_service.device("phone-1")
    _subscribe(session, patient, device)
    report = _send(app.state.engine)
    assert report.sent == 1
    assert len(push_service.received) == 1
    message = push_service.received[0]
    assert message.path == "/push/phone-1"
    assert message.headers["content-encoding"] == "aes128gcm"
    assert int(message.headers["ttl"]) > 0
    claims = verify_vapid(message.headers["authorization"])
    assert claims["aud"] == push_service.url
    assert claims["sub"] == SUBJECT
    payload = device.decrypt(message.body)
    assert payload["title"] == "夕方の足湯"
    assert "足湯" in payload["body"]
    assert [a["action"] for a in payload["actions"]] == ["done", "snooze"]
    assert [a["title"] for a in payload["actions"]] == ["できた", "10分後に"]
    (due,) = payload["reminders"]
    assert due["key"] == "2026-11-24/foot_bath/0"
    assert due["plan_item_id"] is not None
    assert payload["patient"] == patient.id


def test_reminders_due_together_come_as_one_notification(app, session, patient, push_service):
    device = push_service.device("phone")
    _subscribe(session, patient, device, now=BEDTIME)
    assert _send(app.state.engine, now=BEDTIME).sent == 1
    payload = device.decrypt(push_service.received[0].body)
    assert payload["title"] == "ケアの時間です"
    assert payload["body"] == "寝る前のコップ1杯の水・足裏もみほぐし・寝る前の足指ストレッチ"
    assert [r["routine"] for r in payload["reminders"]] == [
        "bedtime_glass", "sole_massage", "toe_stretch",
    ]  # fmt: skip


def test_each_reminder_goes_once_per_device(app, session, patient, push_service):
    phone, tablet = push_service.device("phone"), push_service.device("tablet")
    _subscribe(session, patient, phone)
    _subscribe(session, patient, tablet)
    assert _send(app.state.engine).sent == 2
    # The next run (cron every few minutes) finds nothing new to send.
    assert _send(app.state.engine, now=FOOT_BATH.replace(minute=47)).sent == 0
    assert sorted(r.path for r in push_service.received) == ["/push/phone", "/push/tablet"]


def test_nothing_is_sent_when_reminders_are_off_or_the_routine_is_done(
    app, session, patient, push_service
):
    device = push_service.device("phone")
    _subscribe(session, patient, device)
    reminders_settings.set_enabled(session, actor=patient, enabled=False)
    assert _send(app.state.engine).sent == 0
    reminders_settings.set_enabled(session, actor=patient, enabled=True)
    reminders_settings.save_settings(
        session, actor=patient, routines=set(reminders_settings.REMINDABLE) - {"foot_bath"},
        quiet_start=None, quiet_end=None, water_per_day=3,
    )  # fmt: skip
    assert _send(app.state.engine).sent == 0
    assert push_service.received == []


def test_a_device_the_push_service_forgot_is_removed(app, session, patient, push_service):
    device = push_service.device("old-phone")
    push_service.gone.add("/push/old-phone")
    _subscribe(session, patient, device)
    report = _send(app.state.engine)
    assert report.gone == 1
    with write_session(app.state.engine) as db:
        assert db.exec(select(PushSubscription)).all() == []


def test_a_refused_push_is_released_and_sent_by_the_next_run(app, session, patient, push_service):
    _subscribe(session, patient, push_service.device("phone"))

    def refuse(*_args, **_kwargs):
        raise push.NotDelivered("push service busy")

    assert _send(app.state.engine, sender=refuse).failed == 1
    assert _send(app.state.engine, now=FOOT_BATH.replace(minute=50)).sent == 1
    assert len(push_service.received) == 1


def test_snoozed_reminder_comes_back_in_ten_minutes(app, session, patient, push_service):
    device = push_service.device("phone")
    _subscribe(session, patient, device)
    _send(app.state.engine)
    # "In 10 minutes", tapped at 19:35.
    reminders.snooze(
        session, actor=patient, endpoint=device.endpoint, keys=["2026-11-24/foot_bath/0"],
        now=FOOT_BATH.replace(minute=35),
    )  # fmt: skip
    assert _send(app.state.engine, now=FOOT_BATH.replace(minute=44)).sent == 0
    assert _send(app.state.engine, now=FOOT_BATH.replace(minute=45)).sent == 1
    payload = device.decrypt(push_service.received[-1].body)
    assert payload["reminders"][0]["routine"] == "foot_bath"
    assert _send(app.state.engine, now=FOOT_BATH.replace(minute=50)).sent == 0
    assert len(push_service.received) == 2


def test_two_senders_at_once_send_each_reminder_once(
    settings, session, patient, passwords, push_service
):
    devices = [push_service.device(f"phone-{n}") for n in range(3)]
    for device in devices:
        _subscribe(session, patient, device)
    other = factories.make_patient(session, passwords)
    _subscribe(session, other, push_service.device("other"))
    # Two instances: each its own engine on the same database file.
    engines = [make_engine(settings.database_url, busy_timeout_ms=10_000) for _ in range(2)]
    start = threading.Barrier(2)
    reports = []

    def run(engine):
        start.wait()
        reports.append(_send(engine))

    threads = [threading.Thread(target=run, args=(engine,)) for engine in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for engine in engines:
        engine.dispose()
    assert sum(r.sent for r in reports) == 4
    paths = sorted(r.path for r in push_service.received)
    assert paths == ["/push/other", "/push/phone-0", "/push/phone-1", "/push/phone-2"]
    with write_session(settings and make_engine(settings.database_url)) as db:
        rows = db.exec(select(ReminderDelivery)).all()
    assert len(rows) == 4
    assert {r.status for r in rows} == {"sent"}


def test_subscription_keys_are_checked(session, patient):
    from app.services.errors import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        reminders.subscribe(
            session, actor=patient, endpoint="ftp://push.example/x", p256dh="AAAA", auth="",
            user_agent="", now=FOOT_BATH,
        )  # fmt: skip
    assert set(refused.value.errors) == {"endpoint", "p256dh", "auth"}


def test_a_device_moving_to_another_account_leaves_the_first(
    session, patient, other_patient, push_service
):
    device = push_service.device("shared")
    _subscribe(session, patient, device)
    _subscribe(session, other_patient, device)
    rows = session.exec(select(PushSubscription)).all()
    assert [(r.patient_id, r.endpoint) for r in rows] == [(other_patient.id, device.endpoint)]
