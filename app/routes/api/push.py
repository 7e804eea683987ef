"""/api/v1/push: this device's Web Push subscription, and "In 10 minutes".

Only patients get past the router. The service worker calls snooze from a
notification, with the CSRF token the page left for it in IndexedDB.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from app.db import SessionDep
from app.deps import CurrentPatient, NowDep, get_patient
from app.routes.api.diary.common import invalid
from app.routes.api.entries import ErrorOut
from app.services import push, reminders
from app.services.errors import InvalidInput

router = APIRouter(
    prefix="/push",
    tags=["reminders"],
    dependencies=[Depends(get_patient)],
)


# What app.services.reminders accepts, stated for the OpenAPI document (the service
# checks it and answers a translated 422): an https push address, an uncompressed P-256
# public key (65 bytes, first 0x04) and a 16-byte secret, both base64url.
PUSH_ENDPOINT = r"^https://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:/[!-~]*)?$"
P256DH = r"^B[A-P][A-Za-z0-9_-]{85}=?$"
AUTH_SECRET = r"^[A-Za-z0-9_-]{21}[AQgw]={0,2}$"  # noqa: S105 (a pattern, not a secret)


class Keys(BaseModel):
    p256dh: str = Field(max_length=200, json_schema_extra={"pattern": P256DH})
    auth: str = Field(max_length=100, json_schema_extra={"pattern": AUTH_SECRET})


class SubscriptionIn(BaseModel):
    """A PushSubscription as the browser's toJSON() gives it."""

    model_config = ConfigDict(extra="ignore")
    endpoint: str = Field(max_length=1000, json_schema_extra={"pattern": PUSH_ENDPOINT})
    keys: Keys


class EndpointIn(BaseModel):
    endpoint: str = Field(max_length=1000)


class SnoozeIn(BaseModel):
    endpoint: str = Field(max_length=1000)
    keys: list[str] = Field(max_length=20, description="Reminder keys from the notification.")


class KeyOut(BaseModel):
    application_server_key: str = Field(description="VAPID public key, base64url.")


class DevicesOut(BaseModel):
    devices: int = Field(description="How many devices of this patient get reminders.")


class SnoozedOut(BaseModel):
    snoozed: int


@router.get("/key", name="api.push_key", response_model=KeyOut)
def show_push_key(request: Request, session: SessionDep, now: NowDep):
    # The key is made at start-up (app.main's lifespan), so this only reads it.
    key = push.vapid_key(session, configured=request.app.state.settings.vapid_private_key, now=now)
    return KeyOut(application_server_key=key.application_server_key)


@router.post(
    "/subscriptions",
    name="api.subscribe_push",
    response_model=DevicesOut,
    status_code=201,
    responses={422: {"model": ErrorOut}},
)
def subscribe_push(
    request: Request,
    session: SessionDep,
    patient: CurrentPatient,
    now: NowDep,
    body: SubscriptionIn,
):
    try:
        reminders.subscribe(
            session, actor=patient, endpoint=body.endpoint, p256dh=body.keys.p256dh,
            auth=body.keys.auth, user_agent=request.headers.get("user-agent", ""), now=now,
        )  # fmt: skip
    except InvalidInput as error:
        return invalid(request, error.errors)
    return DevicesOut(devices=reminders.device_count(session, actor=patient))


@router.post("/unsubscribe", name="api.unsubscribe_push", status_code=204)
def unsubscribe_push(session: SessionDep, patient: CurrentPatient, body: EndpointIn):
    reminders.unsubscribe(session, actor=patient, endpoint=body.endpoint)
    return Response(status_code=204)


@router.post(
    "/snooze",
    name="api.snooze_reminder",
    response_model=SnoozedOut,
    responses={404: {"model": ErrorOut, "description": "Not this patient's device."}},
)
def snooze_reminder(session: SessionDep, patient: CurrentPatient, now: NowDep, body: SnoozeIn):
    return SnoozedOut(
        snoozed=reminders.snooze(
            session, actor=patient, endpoint=body.endpoint, keys=body.keys, now=now
        )
    )
