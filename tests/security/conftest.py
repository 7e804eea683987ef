"""A small clinic for attack tests: one patient (the owner) whose name, cramp note and
practitioner's note carry a unique marker, the owner's practitioner, and everybody
who must not see the owner's data: another patient, a practitioner without a care
link, the admin (where the task is not an admin task) and nobody signed in."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from app.models import PlanItem, User
from app.services import calendar_feed, invites, notes
from app.services import completions as completion_service
from app.services.accounts import link_care
from tests import factories
from tests.conftest import csrf_token, sign_in
from tests.diary_helpers import add_checkin, add_cramp, tokyo

# Nothing else in the app or its fixtures contains this string.
MARKER = "Qx7Owner-Marker-5521"
OWNER_EVENING = date(2026, 11, 23)


@dataclass
class Clinic:
    owner: User
    carer: User
    other_patient: User
    stranger_practitioner: User
    admin: User
    plan_item_id: int
    cramp_id: int
    cramp_uuid: uuid.UUID
    checkin_uuid: uuid.UUID
    completion_uuid: uuid.UUID
    calendar_token: str
    retired_calendar_token: str
    invite_token: str
    reset_token: str


@pytest.fixture
def clinic(session, passwords, clock) -> Clinic:
    now = clock()
    owner = factories.make_patient(session, passwords, name=f"Owner {MARKER}")
    carer = factories.make_practitioner(session, passwords)
    link_care(session, practitioner_id=carer.id, patient_id=owner.id, now=now)
    other_patient = factories.make_patient(session, passwords)
    stranger = factories.make_practitioner(session, passwords)
    admin = factories.make_admin(session, passwords)

    cramp = add_cramp(
        session, owner, tokyo(2026, 11, 24, 3), now=now, severity=6, note=f"left toes {MARKER}"
    )
    checkin = add_checkin(
        session, owner, OWNER_EVENING, had_cramps=True, cramp_count=1, answered_at=now
    )
    item = session.exec(
        select(PlanItem).where(PlanItem.patient_id == owner.id).order_by(PlanItem.id)
    ).first()
    completion = completion_service.record_completion(
        session,
        actor=owner,
        item_id=item.id,
        client_id=uuid.uuid4(),
        day=now.date(),
        now=now,
    ).entry
    session.commit()
    notes.add_note(
        session,
        actor=carer,
        patient_id=owner.id,
        body=f"Seen {MARKER}",
        for_referral=False,
        now=now,
    )
    retired = calendar_feed.replace_feed(session, actor=owner, now=now).token
    current = calendar_feed.replace_feed(session, actor=owner, now=now).token
    invite = invites.invite_patient(session, actor=carer, name=f"New {MARKER}", email="", now=now)
    reset = invites.issue_reset(session, actor=carer, user_id=owner.id, now=now)
    session.commit()
    return Clinic(
        owner=owner,
        carer=carer,
        other_patient=other_patient,
        stranger_practitioner=stranger,
        admin=admin,
        plan_item_id=item.id,
        cramp_id=cramp.id,
        cramp_uuid=cramp.client_id,
        checkin_uuid=checkin.client_id,
        completion_uuid=completion.client_id,
        calendar_token=current,
        retired_calendar_token=retired,
        invite_token=invite.token,
        reset_token=reset.token,
    )


@pytest.fixture
def browser(app) -> Iterator[Callable[[User | None], TestClient]]:
    """``browser(user)``: a fresh browser signed in as ``user`` (None: nobody), holding
    a CSRF token like any browser that has loaded a page."""
    opened: list[TestClient] = []

    def open_as(user: User | None) -> TestClient:
        client = TestClient(app, raise_server_exceptions=False).__enter__()
        opened.append(client)
        if user is not None:
            sign_in(client, user)
        csrf_token(client)
        return client

    yield open_as
    for client in opened:
        client.__exit__(None, None, None)
