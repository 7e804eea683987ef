"""Remembered answers never outlive a change: a page that gives or withdraws consent
sees the new state at once, in the same transaction."""

from __future__ import annotations

from datetime import timedelta

from app.db import write_session
from app.services import app_settings, auth, consent, intake, plan
from tests import factories
from tests.statements import statements_sent


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


def _session_token(app, settings, passwords, patient) -> str:
    with write_session(app.state.engine) as db:
        return auth.sign_in(
            db, settings=settings, passwords=passwords, email=patient.email,
            password=factories.PASSWORD, client_address="203.0.113.9", user_agent="test",
            now=factories.NOW,
        ).token  # fmt: skip


def test_the_session_lookup_brings_the_patients_consent_along(app, settings, session, passwords):
    consented = factories.make_patient(session, passwords, email="given@example.jp")
    withdrawn = factories.make_patient(session, passwords, email="withdrawn@example.jp")
    consent.withdraw_consent(session, actor=withdrawn, now=factories.NOW)
    # Agreed again later: the newest record is the one that counts.
    again = factories.make_patient(session, passwords, email="again@example.jp")
    consent.withdraw_consent(session, actor=again, now=factories.NOW)
    consent.give_consent(
        session, actor=again, agreed=True, locale="en", now=factories.NOW + timedelta(minutes=1)
    )
    session.commit()
    for patient, expected in ((consented, True), (withdrawn, False), (again, True)):
        token = _session_token(app, settings, passwords, patient)
        # A new transaction that has only looked up the session cookie, as a request.
        with write_session(app.state.engine) as db:
            user = auth.user_for_token(db, token=token, now=factories.NOW)
            with statements_sent(app.state.engine) as asked:
                known = consent.known_consent(db, actor=user)
            assert (known, asked) == (expected, []), patient.email
            assert consent.has_consented(db, actor=user) is expected


def test_consent_not_yet_read_in_a_transaction_is_not_known(session, passwords):
    patient = factories.make_patient(session, passwords)
    session.commit()
    assert consent.known_consent(session, actor=patient) is None
    assert consent.has_consented(session, actor=patient)
    assert consent.known_consent(session, actor=patient) is True


def test_the_session_lookup_brings_the_questionnaire_and_the_settings_along(
    app, settings, session, passwords
):
    """What every patient page's gate and theme ask is known once the session cookie is
    looked up: whether the questionnaire is answered, and the night-mode setting."""
    answered = factories.make_patient(session, passwords, email="answered@example.jp")
    app_settings.set_night_mode(session, actor=answered, mode="on")
    not_yet = factories.make_patient(
        session, passwords, email="not-yet@example.jp", answered_intake=False
    )
    session.commit()
    for patient, expected_answered, expected_mode in (
        (answered, True, "on"),
        (not_yet, False, "auto"),
    ):
        token = _session_token(app, settings, passwords, patient)
        with write_session(app.state.engine) as db:
            user = auth.user_for_token(db, token=token, now=factories.NOW)
            with statements_sent(app.state.engine) as asked:
                known_answered = intake.known_answered(db, actor=user)
                known_settings = app_settings.known_settings(db, actor=user)
            assert asked == [], patient.email
            assert known_answered is expected_answered, patient.email
            assert known_settings.night_mode == expected_mode, patient.email
            assert intake.has_answered(db, actor=user) is expected_answered
            assert app_settings.app_settings_of(db, actor=user).night_mode == expected_mode


def test_settings_and_answers_not_yet_read_in_a_transaction_are_not_known(session, passwords):
    patient = factories.make_patient(session, passwords)
    session.commit()
    assert intake.known_answered(session, actor=patient) is None
    assert app_settings.known_settings(session, actor=patient) is None
    assert intake.has_answered(session, actor=patient)
    app_settings.app_settings_of(session, actor=patient)
    assert app_settings.known_settings(session, actor=patient) is not None


def test_a_night_mode_changed_in_the_transaction_is_the_one_read_after_it(session, passwords):
    patient = factories.make_patient(session, passwords)
    session.commit()
    assert app_settings.app_settings_of(session, actor=patient).night_mode == "auto"
    app_settings.set_night_mode(session, actor=patient, mode="off")
    assert app_settings.app_settings_of(session, actor=patient).night_mode == "off"
