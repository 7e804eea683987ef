"""Web Push: the app's VAPID key and sending one encrypted message to one device.

The key pair is made on first use and kept in the database (table app_secret), so
every instance signs with the same key and subscriptions survive restarts;
``TSURANAI_VAPID_PRIVATE_KEY`` (PEM) overrides it. Messages are aes128gcm-encrypted
for the subscription's keys and VAPID-signed (pywebpush).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from cryptography.hazmat.primitives import serialization
from py_vapid import Vapid02
from py_vapid.utils import b64urlencode
from pywebpush import WebPushException, webpush
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from app.models import AppSecret

VAPID_KEY_NAME = "vapid_private_key"
# Push services keep an undelivered reminder this long; later it is pointless.
TTL_SECONDS = 30 * 60
SEND_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class VapidKey:
    private_pem: str

    @property
    def signer(self) -> Vapid02:
        return Vapid02.from_pem(self.private_pem.encode())

    @property
    def application_server_key(self) -> str:
        """The public key as browsers take it (applicationServerKey), base64url."""
        point = self.signer.public_key.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return b64urlencode(point)


def _new_pem() -> str:
    key = Vapid02()
    key.generate_keys()
    return key.private_pem().decode()


def vapid_key(session: Session, *, configured: str, now: datetime) -> VapidKey:
    """The configured key, else the one kept in the database, else a new one (kept).

    Two instances starting at once may both make one; the primary key lets only
    the first be stored and the other reads it back.
    """
    if configured.strip():
        return VapidKey(configured.strip())
    row = session.get(AppSecret, VAPID_KEY_NAME)
    if row is None:
        try:
            session.add(AppSecret(name=VAPID_KEY_NAME, value=_new_pem(), created_at=now))
            session.commit()
        except IntegrityError:
            session.rollback()
        row = session.get(AppSecret, VAPID_KEY_NAME)
    return VapidKey(row.value)


@dataclass(frozen=True)
class Device:
    endpoint: str
    p256dh: str
    auth: str


class Gone(Exception):
    """The push service no longer knows this device (404/410): forget it."""


class NotDelivered(Exception):
    """The push service refused or could not be reached; try again next run."""


def send(device: Device, payload: dict, *, key: VapidKey, subject: str) -> None:
    """Encrypt ``payload`` (JSON) for ``device`` and hand it to its push service."""
    try:
        webpush(
            {"endpoint": device.endpoint, "keys": {"p256dh": device.p256dh, "auth": device.auth}},
            data=json.dumps(payload, ensure_ascii=False),
            vapid_private_key=key.signer,
            vapid_claims={"sub": subject},
            content_encoding="aes128gcm",
            ttl=TTL_SECONDS,
            timeout=SEND_TIMEOUT_SECONDS,
            headers={"Urgency": "high"},
        )
    except WebPushException as error:
        status = error.response.status_code if error.response is not None else None
        if status in (404, 410):
            raise Gone(device.endpoint) from error
        raise NotDelivered(str(error)) from error
    except OSError as error:  # connection refused, DNS, timeouts (requests wraps them)
        raise NotDelivered(str(error)) from error
