"""Reminders by Web Push: subscriptions (one per device) and sending what is due.

Sending is safe with any number of senders at once (cron, the in-process loop,
two app instances): before a push goes out, a ReminderDelivery row for
(device, reminder key) is inserted and committed on its own; the unique key lets
exactly one sender claim it. A push the service refused for a passing reason
releases the claim, so the next run (within LATE_LIMIT) tries again; a device the
push service reports gone (404/410) is removed with its deliveries.

The patient's own calls (subscribe, unsubscribe, device_count, snooze) take the
acting user and go through ``access.patient_for``. The sender works on every
patient from cron with no one signed in, so its internal helpers take patient ids.
"""

from __future__ import annotations

import base64
import logging
import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import Engine, delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.db import write_session
from app.domain.reminders import Reminder, reminders_between
from app.domain.schedule import plan_in_force
from app.messages import N_
from app.models import (
    PatientProfile,
    PushSubscription,
    ReminderDelivery,
    ReminderSettings,
    User,
)
from app.services import access, push, reminders_settings
from app.services import habits as completion_service
from app.services import plan as plan_service
from app.services.errors import InvalidInput, NotFound

log = logging.getLogger("tsuranai.reminders")

# A reminder found later than this (the sender was down) is not sent at all.
LATE_LIMIT = timedelta(minutes=20)
SNOOZE = timedelta(minutes=10)
CLIENT_IDS = uuid.UUID("6f1c2a52-3f57-4c61-9d0e-2b8f3c1a7e11")
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


# ---------------------------------------------------------------------------
# Subscriptions
# ---------------------------------------------------------------------------


def _key_bytes(value: str) -> bytes | None:
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (ValueError, TypeError):
        return None


def _check_device(endpoint: str, p256dh: str, auth: str) -> dict:
    errors = {}
    parts = urlsplit(endpoint)
    secure = parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK)
    if not secure or not parts.hostname or len(endpoint) > 1000:
        errors["endpoint"] = N_("This browser's push address is not usable.")
    public = _key_bytes(p256dh)
    if public is None or len(public) != 65 or public[0] != 4:
        errors["p256dh"] = N_("This browser's push keys are not usable.")
    secret = _key_bytes(auth)
    if secret is None or len(secret) != 16:
        errors["auth"] = N_("This browser's push keys are not usable.")
    return errors


def subscribe(
    session: Session,
    *,
    actor: User,
    endpoint: str,
    p256dh: str,
    auth: str,
    user_agent: str,
    now: datetime,
) -> PushSubscription:
    """Keep this device's subscription and turn reminders on. A device has one row
    (its endpoint): subscribing again refreshes it, also after a change of account."""
    patient = access.patient_for(session, actor=actor, patient_id=actor.id)
    errors = _check_device(endpoint, p256dh, auth)
    if errors:
        raise InvalidInput(errors)
    row = session.exec(
        select(PushSubscription).where(PushSubscription.endpoint == endpoint)
    ).first()
    if row is not None and row.patient_id != patient.id:
        # The phone now belongs to another account: nothing of the last one follows it.
        session.delete(row)
        session.flush()
        row = None
    if row is None:
        row = PushSubscription(endpoint=endpoint, patient_id=patient.id, created_at=now)
    row.p256dh, row.auth = p256dh, auth
    row.user_agent = user_agent[:200]
    row.last_seen_at = now
    session.add(row)
    settings = reminders_settings.settings_of(session, actor=actor)
    settings.enabled = True
    session.add(settings)
    session.commit()
    return row


def unsubscribe(session: Session, *, actor: User, endpoint: str) -> None:
    """Forget this device (the patient turned reminders off on it)."""
    patient = access.patient_for(session, actor=actor, patient_id=actor.id)
    row = session.exec(
        select(PushSubscription).where(
            PushSubscription.endpoint == endpoint, PushSubscription.patient_id == patient.id
        )
    ).first()
    if row is not None:
        session.delete(row)
        session.commit()


def device_count(session: Session, *, actor: User) -> int:
    """How many of the patient's devices get reminders."""
    patient = access.patient_for(session, actor=actor, patient_id=actor.id)
    return len(
        session.exec(
            select(PushSubscription.id).where(PushSubscription.patient_id == patient.id)
        ).all()
    )


def snooze(session: Session, *, actor: User, endpoint: str, keys: list[str], now: datetime) -> int:
    """ "In 10 minutes": send these reminders again to this device in ten minutes."""
    patient = access.patient_for(session, actor=actor, patient_id=actor.id)
    row = session.exec(
        select(PushSubscription).where(
            PushSubscription.endpoint == endpoint, PushSubscription.patient_id == patient.id
        )
    ).first()
    if row is None:
        raise NotFound("subscription")
    added = 0
    for key in keys[:20]:
        if len(key) > 60:
            continue
        snoozed_key = f"{key}/snooze@{(now + SNOOZE).strftime('%H%M')}"
        exists = session.exec(
            select(ReminderDelivery.id).where(
                ReminderDelivery.subscription_id == row.id,
                ReminderDelivery.reminder_key == snoozed_key,
            )
        ).first()
        if exists is None:
            session.add(
                ReminderDelivery(
                    subscription_id=row.id,
                    patient_id=patient.id,
                    reminder_key=snoozed_key,
                    due_at=now + SNOOZE,
                    claimed_at=now,
                    status="snoozed",
                )
            )
            added += 1
    session.commit()
    return added


# ---------------------------------------------------------------------------
# Sending
# ---------------------------------------------------------------------------


@dataclass
class SendReport:
    sent: int = 0
    gone: int = 0
    failed: int = 0
    reminders: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Due:
    key: str
    routine: str
    day: str
    item_id: int | None
    at: datetime


Sender = Callable[..., None]


def _still_due(session: Session, patient_id: int, found: list[Reminder], prefs, versions):
    """Drop what the patient already did: a routine done that day, or water when the
    glasses drunk already reach this reminder's share of the day's target."""
    if not found:
        return []
    days = {r.day for r in found}
    done = completion_service.done_counts(
        session, patient_id=patient_id, start=min(days), end=max(days)
    )
    still = []
    for reminder in found:
        count = done.get(reminder.routine, {}).get(reminder.day, 0)
        if reminder.routine == "water":
            version = {v.routine: v for v in plan_in_force(versions, reminder.day)}.get("water")
            target = (version.dose.glasses if version else None) or 6
            share = math.ceil(target * (reminder.n + 1) / max(prefs.water_per_day, 1))
            if count >= share:
                continue
        elif count:
            continue
        still.append(reminder)
    return still


def _due_for(session: Session, patient_id: int, now: datetime) -> list[_Due]:
    profile = session.exec(select(PatientProfile).where(PatientProfile.user_id == patient_id)).one()
    rhythm = plan_service.rhythm_of(profile)
    versions = plan_service.plan_versions(session, patient_id=patient_id)
    prefs = reminders_settings.prefs_of(session, patient_id=patient_id)
    found = reminders_between(rhythm, versions, prefs, now - LATE_LIMIT, now + timedelta(seconds=1))
    return [
        _Due(r.key, r.routine, r.day.isoformat(), r.item_id, r.at)
        for r in _still_due(session, patient_id, found, prefs, versions)
    ]


def _claim(engine: Engine, subscription: PushSubscription, due: _Due, now: datetime) -> bool:
    """Insert this device's delivery row for ``due``; False if another sender has it."""
    try:
        with write_session(engine) as session:
            session.add(
                ReminderDelivery(
                    subscription_id=subscription.id,
                    patient_id=subscription.patient_id,
                    reminder_key=due.key,
                    due_at=due.at,
                    claimed_at=now,
                )
            )
            session.commit()
    except IntegrityError:
        return False
    return True


def _claim_snoozed(engine: Engine, subscription_id: int, now: datetime) -> list[str]:
    """Take this device's snoozed reminders that have come due (one sender wins each:
    the update only succeeds while the row is still 'snoozed')."""
    with write_session(engine) as session:
        rows = session.exec(
            select(ReminderDelivery).where(
                ReminderDelivery.subscription_id == subscription_id,
                ReminderDelivery.status == "snoozed",
                ReminderDelivery.due_at <= now,
            )
        ).all()
        taken = []
        for row in rows:
            result = session.execute(
                update(ReminderDelivery)
                .where(ReminderDelivery.id == row.id, ReminderDelivery.status == "snoozed")
                .values(status="claimed", claimed_at=now)
            )
            if result.rowcount == 1:
                taken.append(row.reminder_key)
        session.commit()
    return taken


def _mark(engine: Engine, subscription_id: int, keys: list[str], status: str | None) -> None:
    with write_session(engine) as session:
        rows = select(ReminderDelivery).where(
            ReminderDelivery.subscription_id == subscription_id,
            ReminderDelivery.reminder_key.in_(keys),
        )
        if status is None:
            # Released: a later run may claim these again.
            session.execute(
                delete(ReminderDelivery).where(
                    ReminderDelivery.subscription_id == subscription_id,
                    ReminderDelivery.reminder_key.in_(keys),
                    ReminderDelivery.status == "claimed",
                )
            )
        else:
            for row in session.exec(rows):
                row.status = status
                session.add(row)
        session.commit()


def _forget(engine: Engine, subscription_id: int) -> None:
    with write_session(engine) as session:
        row = session.get(PushSubscription, subscription_id)
        if row is not None:
            session.delete(row)
        session.commit()


def send_due_reminders(
    engine: Engine,
    *,
    now: datetime,
    vapid_private_key: str = "",
    vapid_subject: str,
    payload_for: Callable[[int, list[_Due], list[str]], dict],
    sender: Sender = push.send,
) -> SendReport:
    """Send every reminder due now (up to LATE_LIMIT late) to every device of every
    patient with reminders on, each at most once per device."""
    report = SendReport()
    with write_session(engine) as session:
        key = push.vapid_key(session, configured=vapid_private_key, now=now)
        patient_ids = session.exec(
            select(ReminderSettings.patient_id)
            .join(User, User.id == ReminderSettings.patient_id)
            .where(ReminderSettings.enabled, User.is_active)
        ).all()
    for patient_id in patient_ids:
        with write_session(engine) as session:
            due = _due_for(session, patient_id, now)
            devices = session.exec(
                select(PushSubscription).where(PushSubscription.patient_id == patient_id)
            ).all()
        for device in devices:
            claimed = [d for d in due if _claim(engine, device, d, now)]
            snoozed = _claim_snoozed(engine, device.id, now)
            if not claimed and not snoozed:
                continue
            keys = [d.key for d in claimed] + snoozed
            message = payload_for(patient_id, claimed, snoozed)
            target = push.Device(device.endpoint, device.p256dh, device.auth)
            try:
                sender(target, message, key=key, subject=vapid_subject)
            except push.Gone:
                _forget(engine, device.id)
                report.gone += 1
                log.info("push subscription %s is gone; removed", device.id)
            except push.NotDelivered as error:
                _mark(engine, device.id, keys, None)
                report.failed += 1
                log.warning("reminder not delivered to %s: %s", device.id, error)
            else:
                _mark(engine, device.id, keys, "sent")
                report.sent += 1
                report.reminders.extend(keys)
    return report


def client_id_for(patient_id: int, key: str) -> uuid.UUID:
    """The completion a reminder's "Done" records: the same id from every device, so
    tapping Done twice (or on two phones) records it once."""
    return uuid.uuid5(CLIENT_IDS, f"{patient_id}/{key.split('/snooze@')[0]}")


# ---------------------------------------------------------------------------
# What the notification says
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Urls:
    """Where the service worker sends the patient and the notification's actions."""

    home: str
    completions: str
    snooze: str


def urls_of(app) -> Urls:
    """The paths a notification needs, from the app's named routes."""
    return Urls(
        home=app.url_path_for("patient.home"),
        completions=app.url_path_for("api.create_completion"),
        snooze=app.url_path_for("api.snooze_reminder"),
    )


def payload_builder(engine: Engine, urls: Urls) -> Callable[[int, list[_Due], list[str]], dict]:
    """Builds each notification: what is due, in the patient's language, with the
    data the service worker needs for "Done" and "In 10 minutes"."""
    from app import i18n
    from app.services.reminder_texts import prompt, routine_name

    def build(patient_id: int, claimed: list[_Due], snoozed: list[str]) -> dict:
        with write_session(engine) as session:
            patient = session.get(User, patient_id)
            locale = (patient.locale if patient else None) or i18n.DEFAULT
            versions = plan_service.plan_versions(session, patient_id=patient_id)
        items = [(d.key, d.routine, d.day, d.item_id) for d in claimed]
        for key in snoozed:
            day, routine = key.split("/")[:2]
            in_force = {
                v.routine: v for v in plan_in_force(versions, datetime.fromisoformat(day).date())
            }
            version = in_force.get(routine)
            items.append((key, routine, day, version.item_id if version else None))
        names = [routine_name(locale, routine) for _, routine, _, _ in items]
        first_routine = items[0][1]
        body = prompt(locale, first_routine) if len(items) == 1 else "・".join(names)
        return {
            "title": names[0]
            if len(items) == 1
            else i18n.gettext(locale, N_("Time for your routines")),
            "body": body,
            "tag": f"tsuranai-{items[0][2]}",
            "url": urls.home,
            "actions": [
                {"action": "done", "title": i18n.gettext(locale, N_("Done"))},
                {"action": "snooze", "title": i18n.gettext(locale, N_("In 10 minutes"))},
            ],
            "completions": urls.completions,
            "snoozeUrl": urls.snooze,
            "patient": patient_id,
            "reminders": [
                {
                    "key": key,
                    "routine": routine,
                    "day": day,
                    "plan_item_id": item_id,
                    "client_id": str(client_id_for(patient_id, key)),
                }
                for key, routine, day, item_id in items
            ],
        }

    return build


async def reminder_loop(app, every_seconds: int) -> None:
    """The optional in-process sender (TSURANAI_REMINDER_LOOP_SECONDS): the same
    claim-then-send as cron, so it may run in every instance at once."""
    import anyio

    engine = app.state.engine
    settings = app.state.settings
    urls = urls_of(app)
    while True:
        try:
            await anyio.to_thread.run_sync(
                lambda: send_due_reminders(
                    engine,
                    now=app.state.clock(),
                    vapid_private_key=settings.vapid_private_key,
                    vapid_subject=settings.vapid_subject,
                    payload_for=payload_builder(engine, urls),
                )
            )
        except Exception:  # one bad run must not stop reminders for good
            log.exception("reminder run failed")
        await anyio.sleep(every_seconds)
