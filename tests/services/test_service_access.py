"""The access rule holds below the routes: every service that reads or changes a
patient's diary or routines refuses anyone the rule does not admit, with NotFound."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from app.domain.checkins import AnswerFields
from app.domain.cramps import CrampDetails
from app.models import Completion, CrampEvent, MorningCheckIn, PlanItem
from app.services import (
    accounts,
    checkins,
    completions,
    cramps,
    diary,
    insights,
    routines,
    timeline,
    tonight,
)
from app.services.errors import NotFound
from tests import factories
from tests.diary_helpers import add_checkin, add_cramp, tokyo

NOW = tokyo(2026, 11, 25, 9, 0)
EVENING = date(2026, 11, 24)


@pytest.fixture
def people(session, passwords):
    mine = factories.make_patient(session, passwords, name="担当 さん")
    stranger = factories.make_patient(session, passwords, name="ほかの 患者")
    carer = factories.make_practitioner(session, passwords)
    colleague = factories.make_practitioner(session, passwords)
    admin = factories.make_admin(session, passwords)
    accounts.link_care(session, practitioner_id=carer.id, patient_id=mine.id, now=NOW)
    session.commit()
    return {
        "mine": mine,
        "stranger": stranger,
        "carer": carer,
        "colleague": colleague,
        "admin": admin,
    }


# Every read a patient's page or a practitioner's page makes, as (name, call).
READS = {
    "tonight_for": lambda s, a, p: tonight.tonight_for(s, actor=a, patient_id=p, now=NOW),
    "home_cards": lambda s, a, p: diary.home_cards(s, actor=a, patient_id=p, now=NOW),
    "checkin_card": lambda s, a, p: checkins.checkin_card(s, actor=a, patient_id=p, now=NOW),
    "checkin_for": lambda s, a, p: checkins.checkin_for(s, actor=a, patient_id=p, evening=EVENING),
    "checkins_between": lambda s, a, p: checkins.checkins_between(
        s, actor=a, patient_id=p, first=EVENING, last=EVENING
    ),
    "cramps_between": lambda s, a, p: cramps.cramps_between(
        s, actor=a, patient_id=p, start=NOW - timedelta(days=1), end=NOW
    ),
    "newest_cramps": lambda s, a, p: cramps.newest_cramps(s, actor=a, patient_id=p, before=None),
    "completions_between": lambda s, a, p: completions.completions_between(
        s, actor=a, patient_id=p, start=EVENING, end=EVENING
    ),
    "evening_summary": lambda s, a, p: routines.evening_summary(
        s, actor=a, patient_id=p, evening=EVENING
    ),
    "evenings_with_full_routine": lambda s, a, p: routines.evenings_with_full_routine(
        s, actor=a, patient_id=p, start=EVENING, end=EVENING
    ),
    "month_view": lambda s, a, p: timeline.month_view(
        s, actor=a, patient_id=p, month=EVENING, now=NOW
    ),
    "night_detail": lambda s, a, p: timeline.night_detail(
        s, actor=a, patient_id=p, evening=EVENING, now=NOW
    ),
    "year_overview": lambda s, a, p: timeline.year_overview(s, actor=a, patient_id=p, now=NOW),
    "entry_page": lambda s, a, p: timeline.entry_page(s, actor=a, patient_id=p, cursor=None),
    "insights_for": lambda s, a, p: insights.insights_for(s, actor=a, patient_id=p, now=NOW),
}


@pytest.mark.parametrize("name", sorted(READS))
def test_another_patients_id_is_not_found_through_every_read(session, people, name):
    read = READS[name]
    for outsider in ("stranger", "colleague", "admin"):
        with pytest.raises(NotFound):
            read(session, people[outsider], people["mine"].id)


@pytest.mark.parametrize("name", sorted(READS))
def test_the_patient_and_their_practitioner_read_the_same_service(session, people, name):
    read = READS[name]
    read(session, people["mine"], people["mine"].id)
    read(session, people["carer"], people["mine"].id)


def _item(session, patient, routine):
    return session.exec(
        select(PlanItem.id).where(PlanItem.patient_id == patient.id, PlanItem.routine == routine)
    ).first()


def test_another_patients_cramp_cannot_be_read_changed_or_deleted(session, people):
    cramp = add_cramp(session, people["mine"], tokyo(2026, 11, 25, 3, 10))
    for outsider in (people["stranger"], people["colleague"]):
        with pytest.raises(NotFound):
            cramps.get_cramp(session, actor=outsider, cramp_id=cramp.id)
        with pytest.raises(NotFound):
            cramps.update_cramp(
                session,
                actor=outsider,
                client_id=cramp.client_id,
                occurred_at=cramp.occurred_at,
                details=CrampDetails(note="not mine"),
                now=NOW,
            )
        with pytest.raises(NotFound):
            cramps.delete_cramp(session, actor=outsider, cramp_id=cramp.id, now=NOW)
    assert cramps.get_cramp(session, actor=people["carer"], cramp_id=cramp.id).note == ""
    assert session.get(CrampEvent, cramp.id) is not None


def test_only_the_patient_writes_their_diary(session, people):
    with pytest.raises(NotFound):
        cramps.log_cramp(
            session,
            actor=people["carer"],
            client_id=uuid.uuid4(),
            occurred_at=NOW,
            details=CrampDetails(),
            now=NOW,
        )
    with pytest.raises(NotFound):
        checkins.answer_checkin(
            session, actor=people["carer"], evening=EVENING, fields=AnswerFields(False), now=NOW
        )
    assert session.exec(select(CrampEvent)).all() == []


def test_another_patients_check_in_cannot_be_changed_or_deleted(session, people):
    row = add_checkin(session, people["mine"], EVENING, answered_at=NOW)
    with pytest.raises(NotFound):
        checkins.change_checkin(
            session,
            actor=people["stranger"],
            client_id=row.client_id,
            fields=AnswerFields(True, 3),
            now=NOW,
        )
    with pytest.raises(NotFound):
        checkins.delete_checkin(session, actor=people["stranger"], client_id=row.client_id, now=NOW)
    session.expire_all()
    assert session.get(MorningCheckIn, row.id).had_cramps is False


def test_another_patients_plan_item_and_completion_are_not_found(session, people):
    mine, stranger = people["mine"], people["stranger"]
    day = NOW.astimezone(ZoneInfo("Asia/Tokyo")).date()
    key = uuid.uuid4()
    completions.record_completion(
        session, actor=mine, item_id=_item(session, mine, "water"), client_id=key, day=day, now=NOW
    )
    with pytest.raises(NotFound):
        completions.record_completion(
            session,
            actor=stranger,
            item_id=_item(session, mine, "toe_stretch"),
            client_id=uuid.uuid4(),
            day=day,
            now=NOW,
        )
    with pytest.raises(NotFound):
        completions.undo_completion(
            session, actor=stranger, item_id=_item(session, mine, "water"), day=day, now=NOW
        )
    with pytest.raises(NotFound):
        completions.delete_completion(session, actor=stranger, client_id=key, now=NOW)
    with pytest.raises(NotFound):
        tonight.guide_for(
            session,
            actor=stranger,
            patient_id=stranger.id,
            item_id=_item(session, mine, "toe_stretch"),
            now=NOW,
        )
    assert len(session.exec(select(Completion)).all()) == 1
