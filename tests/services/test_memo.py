"""Remembered answers never outlive a change: a page that gives or withdraws consent
sees the new state at once, in the same transaction."""

from __future__ import annotations

from app.services import consent, plan
from tests import factories


def test_consent_read_again_after_it_is_withdrawn_in_the_same_transaction(session, passwords):
    patient = factories.make_patient(session, passwords)
    assert consent.has_consented(session, actor=patient)
    consent.withdraw_consent(session, actor=patient, now=factories.NOW)
    assert not consent.has_consented(session, actor=patient)
    consent.give_consent(session, actor=patient, agreed=True, locale="ja", now=factories.NOW)
    assert consent.has_consented(session, actor=patient)


def test_a_rolled_back_change_is_not_remembered(session, passwords):
    patient = factories.make_patient(session, passwords)
    session.commit()
    record = consent.latest(session, patient_id=patient.id)
    record.withdrawn_at = factories.NOW
    session.flush()
    assert not consent.has_consented(session, actor=patient)
    session.rollback()
    assert consent.has_consented(session, actor=patient)


def test_a_plan_change_not_yet_flushed_is_in_the_plan_read_after_it(session, passwords):
    patient = factories.make_patient(session, passwords)
    session.commit()
    before = plan.plan_versions(session, patient_id=patient.id)
    toe_stretch = next(v for v in before if v.routine == "toe_stretch")
    row = plan.item_of(session, patient_id=patient.id, item_id=toe_stretch.item_id)
    row.enabled = False
    assert session.dirty, "the change is made, not flushed"
    after = plan.plan_versions(session, patient_id=patient.id)
    assert not next(v for v in after if v.routine == "toe_stretch").enabled


def test_a_caller_changing_its_plan_list_does_not_change_the_next_callers(session, passwords):
    patient = factories.make_patient(session, passwords)
    session.commit()
    first = plan.plan_versions(session, patient_id=patient.id)
    first.clear()
    assert plan.plan_versions(session, patient_id=patient.id)
