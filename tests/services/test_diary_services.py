"""Diary use cases over a real database: idempotent logging, scoping, nights read back."""

from __future__ import annotations

import uuid
from datetime import date, time, timedelta

import pytest

from app.domain.checkins import AnswerFields
from app.domain.cramps import CrampDetails, Foot, Site
from app.domain.nights import NightState
from app.models import CrampEvent
from app.services import accounts, timeline
from app.services import checkins as checkin_service
from app.services import cramps as cramp_service
from app.services.device_entries import ClientIdConflict, EntryGone
from app.services.errors import InvalidInput, NotFound
from tests import factories
from tests.diary_helpers import add_checkin, add_cramp, tokyo

AT_3AM = tokyo(2026, 11, 25, 3, 10)


def log(session, patient, *, client_id, at=AT_3AM, now=AT_3AM, from_form=False, **details):
    return cramp_service.log_cramp(
        session,
        actor=patient,
        client_id=client_id,
        occurred_at=at,
        details=CrampDetails(**details),
        now=now,
        from_form=from_form,
    )


def count(session) -> int:
    return len(session.exec(CrampEvent.__table__.select()).all())


def test_sending_the_same_uuid_and_body_again_stores_nothing_new(session, patient):
    key = uuid.uuid4()
    first = log(session, patient, client_id=key, foot=Foot.LEFT)
    again = log(session, patient, client_id=key, foot=Foot.LEFT, now=AT_3AM + timedelta(days=3))
    assert (first.created, again.created) == (True, False)
    assert again.entry.id == first.entry.id
    assert count(session) == 1


def test_a_retry_long_after_still_answers_with_the_cramp_it_made(session, patient):
    """The offline queue may send a retry after the moment has left the 60 days a new
    cramp may be logged in: the cramp it made is the answer, not that refusal."""
    key = uuid.uuid4()
    first = log(session, patient, client_id=key, foot=Foot.LEFT)
    later = AT_3AM + timedelta(days=70)
    again = log(session, patient, client_id=key, foot=Foot.LEFT, now=later)
    assert (again.created, again.entry.id) == (False, first.entry.id)
    with pytest.raises(InvalidInput):
        log(session, patient, client_id=uuid.uuid4(), foot=Foot.LEFT, now=later)
    assert count(session) == 1


def test_the_same_uuid_with_another_body_is_refused(session, patient):
    key = uuid.uuid4()
    log(session, patient, client_id=key, foot=Foot.LEFT)
    with pytest.raises(ClientIdConflict):
        log(session, patient, client_id=key, foot=Foot.RIGHT)
    assert count(session) == 1


def test_another_patient_may_use_the_same_uuid(session, patient, other_patient):
    key = uuid.uuid4()
    log(session, patient, client_id=key)
    assert log(session, other_patient, client_id=key).created


def test_a_double_tap_on_cramp_now_logs_one_cramp(session, patient):
    key = uuid.uuid4()
    first = log(session, patient, client_id=key, from_form=True)
    second = log(
        session,
        patient,
        client_id=key,
        from_form=True,
        at=AT_3AM + timedelta(seconds=2),
        now=AT_3AM + timedelta(seconds=2),
    )
    assert second.entry.id == first.entry.id
    assert count(session) == 1


def test_an_old_form_resubmitted_later_is_a_new_cramp(session, patient):
    key = uuid.uuid4()
    log(session, patient, client_id=key, from_form=True)
    later = AT_3AM + timedelta(minutes=40)
    second = log(session, patient, client_id=key, from_form=True, at=later, now=later)
    assert second.created
    assert second.entry.client_id != key
    assert count(session) == 2


def test_a_form_whose_cramp_was_changed_or_deleted_logs_a_new_cramp(session, patient):
    """A form is never a retry: other details under its UUID, or the UUID of a cramp
    deleted since, make a new cramp under a fresh UUID, even within two minutes."""
    key, soon = uuid.uuid4(), AT_3AM + timedelta(seconds=30)
    log(session, patient, client_id=key, from_form=True, foot=Foot.LEFT)
    other = log(session, patient, client_id=key, from_form=True, foot=Foot.RIGHT, now=soon)
    assert (other.created, other.entry.client_id != key) == (True, True)
    gone = uuid.uuid4()
    first = log(session, patient, client_id=gone, from_form=True)
    cramp_service.delete_cramp(session, actor=patient, cramp_id=first.entry.id, now=soon)
    again = log(session, patient, client_id=gone, from_form=True, now=soon)
    assert (again.created, again.entry.client_id != gone) == (True, True)
    assert count(session) == 3


@pytest.mark.parametrize("offset", [timedelta(minutes=6), -timedelta(days=61)])
def test_times_outside_the_window_are_refused_and_nothing_is_stored(session, patient, offset):
    with pytest.raises(InvalidInput) as refused:
        log(session, patient, client_id=uuid.uuid4(), at=AT_3AM + offset)
    assert set(refused.value.errors) == {"occurred_at"}
    assert count(session) == 0


def test_a_cramp_keeps_the_zone_the_patient_had_when_it_was_logged(session, patient):
    cramp = log(session, patient, client_id=uuid.uuid4()).entry
    profile = accounts.profile_of(session, patient=patient)
    profile.time_zone = "Europe/London"
    session.add(profile)
    session.commit()
    assert cramp.zone == "Asia/Tokyo"
    assert cramp_service.night_of(cramp, profile) == date(2026, 11, 24)


def test_another_patients_cramp_is_not_found(session, patient, other_patient):
    cramp = log(session, patient, client_id=uuid.uuid4()).entry
    with pytest.raises(NotFound):
        cramp_service.get_cramp(session, actor=other_patient, cramp_id=cramp.id)
    with pytest.raises(NotFound):
        cramp_service.delete_cramp(session, actor=other_patient, cramp_id=cramp.id, now=AT_3AM)


def test_deleting_erases_the_cramp_and_a_late_retry_cannot_bring_it_back(session, patient):
    key = uuid.uuid4()
    cramp = log(session, patient, client_id=key, foot=Foot.LEFT, note="private").entry
    cramp_service.delete_cramp(session, actor=patient, cramp_id=cramp.id, now=AT_3AM)
    assert count(session) == 0
    with pytest.raises(EntryGone):
        log(session, patient, client_id=key, foot=Foot.LEFT, note="private")
    assert count(session) == 0
    with pytest.raises(NotFound):
        cramp_service.get_cramp(session, actor=patient, cramp_id=cramp.id)


def test_editing_an_entry_older_than_60_days_keeps_its_time_valid(session, patient):
    cramp = log(session, patient, client_id=uuid.uuid4()).entry
    later = AT_3AM + timedelta(days=70)
    updated = cramp_service.update_cramp(
        session,
        actor=patient,
        cramp_id=cramp.id,
        occurred_at=AT_3AM.replace(second=0),
        details=CrampDetails(severity=4),
        now=later,
    )
    assert (updated.severity, updated.occurred_at) == (4, AT_3AM)


def test_newest_first_pages_do_not_skip_or_repeat_entries(session, patient):
    for n in range(45):
        add_cramp(session, patient, AT_3AM - timedelta(hours=n))
    accounts.profile_of(session, patient=patient)
    seen, cursor = [], None
    while True:
        page = timeline.entry_page(session, actor=patient, patient_id=patient.id, cursor=cursor)
        seen += [e.cramp.id for e in page.entries]
        # A cramp logged meanwhile goes on top and does not shift the pages.
        add_cramp(session, patient, AT_3AM + timedelta(minutes=len(seen)))
        cursor = page.next_cursor
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 45


def test_month_view_keeps_cramp_free_cramps_no_record_and_upcoming_apart(session, patient, clock):
    add_cramp(session, patient, tokyo(2026, 11, 21, 3, 0), severity=8)
    add_cramp(session, patient, tokyo(2026, 11, 22, 15, 0))  # daytime
    add_checkin(session, patient, date(2026, 11, 21), answered_at=tokyo(2026, 11, 22, 7, 30))
    accounts.profile_of(session, patient=patient)
    clock.set(tokyo(2026, 11, 25, 8, 0))
    view = timeline.month_view(
        session, actor=patient, patient_id=patient.id, month=date(2026, 11, 1), now=clock()
    )
    cells = {c.day: c for week in view.weeks for c in week if c}
    assert cells[date(2026, 11, 20)].night.state is NightState.CRAMPS
    assert cells[date(2026, 11, 20)].night.intensity == 3
    assert cells[date(2026, 11, 21)].night.state is NightState.CRAMP_FREE
    assert cells[date(2026, 11, 22)].daytime
    assert cells[date(2026, 11, 23)].night.state is NightState.NO_RECORD
    assert not cells[date(2026, 11, 24)].upcoming  # that night ended this morning
    assert cells[date(2026, 11, 25)].upcoming
    assert (view.totals.cramp_nights, view.totals.cramp_free_nights) == (1, 1)
    assert view.totals.unrecorded_nights == 22
    assert view.daytime_days == 1
    assert view.next is None


def test_check_in_answer_is_one_per_night_and_changes_the_same_day(session, patient):
    accounts.profile_of(session, patient=patient)
    morning = tokyo(2026, 11, 25, 7, 30)
    first = checkin_service.answer_checkin(
        session,
        actor=patient,
        evening=date(2026, 11, 24),
        fields=AnswerFields(False),
        now=morning,
    )
    second = checkin_service.answer_checkin(
        session,
        actor=patient,
        evening=date(2026, 11, 24),
        fields=AnswerFields(True, 2, 6, 5),
        now=morning + timedelta(hours=10),
    )
    assert (first.created, second.created) == (True, False)
    assert second.entry.id == first.entry.id
    assert (second.entry.had_cramps, second.entry.cramp_count) == (True, 2)


def test_check_in_is_refused_after_the_day_is_over(session, patient):
    accounts.profile_of(session, patient=patient)
    with pytest.raises(InvalidInput) as refused:
        checkin_service.answer_checkin(
            session,
            actor=patient,
            evening=date(2026, 11, 24),
            fields=AnswerFields(False),
            now=tokyo(2026, 11, 26, 0, 10),
        )
    assert set(refused.value.errors) == {"night_of"}


def test_a_queued_check_in_counts_from_when_it_was_answered(session, patient):
    accounts.profile_of(session, patient=patient)
    answered = checkin_service.answer_checkin(
        session,
        actor=patient,
        evening=date(2026, 11, 24),
        fields=AnswerFields(False),
        now=tokyo(2026, 11, 26, 9, 0),
        client_id=uuid.uuid4(),
        answered_at=tokyo(2026, 11, 25, 7, 0),
    )
    assert answered.created


def test_night_owl_check_in_opens_after_a_late_night(session, passwords):
    owl = factories.make_patient(session, passwords, bedtime=time(1, 0), wake_time=time(9, 0))
    accounts.profile_of(session, patient=owl)
    assert (
        checkin_service.checkin_card(
            session, actor=owl, patient_id=owl.id, now=tokyo(2026, 11, 25, 5, 30)
        )
        is None
    )
    card = checkin_service.checkin_card(
        session, actor=owl, patient_id=owl.id, now=tokyo(2026, 11, 25, 6, 0)
    )
    assert card.evening == date(2026, 11, 24)


def test_site_order_does_not_change_the_fingerprint():
    one = cramp_service.cramp_fingerprint(
        AT_3AM, CrampDetails(sites=frozenset({Site.TOES, Site.SOLE}))
    )
    two = cramp_service.cramp_fingerprint(
        AT_3AM, CrampDetails(sites=frozenset({Site.SOLE, Site.TOES}))
    )
    assert one == two
