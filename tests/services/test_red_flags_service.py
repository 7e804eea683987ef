"""Red flags over the database: scoped by the access rule, and a dashboard's worth in a
fixed number of queries."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.red_flags import FlagId
from app.services import accounts
from app.services import red_flags as service
from app.services.errors import NotFound
from tests import factories
from tests.diary_helpers import add_checkin, add_cramp, tokyo
from tests.statements import reads, statements_sent

NOW = factories.NOW


def calf_cramp(session, patient, day=23):
    return add_cramp(session, patient, tokyo(2026, 11, day, 3), now=NOW, sites={"calf"})


def test_a_patient_sees_their_own_flags_with_the_entries_that_raised_them(session, patient):
    cramp = calf_cramp(session, patient)
    found = service.flags_for(session, actor=patient, patient_id=patient.id, now=NOW)
    status = found.get(FlagId.SPREADING)
    assert status is not None
    assert [c.id for c in status.flag.evidence.cramps] == [cramp.id]
    assert status.needs_review


def test_a_quiet_patient_has_no_flags(session, patient):
    add_cramp(session, patient, tokyo(2026, 11, 23, 3), now=NOW, sites={"toes"})
    assert service.flags_for(session, actor=patient, patient_id=patient.id, now=NOW).flags == []


def test_intake_history_raises_a_flag(session, passwords):
    patient = factories.make_patient(session, passwords, intake_answers={"history": ["diabetes"]})
    found = service.flags_for(session, actor=patient, patient_id=patient.id, now=NOW)
    assert [f.flag.id for f in found.flags] == [FlagId.HISTORY]


def test_another_patient_or_an_unlinked_practitioner_gets_not_found(
    session, patient, other_patient, practitioner
):
    calf_cramp(session, patient)
    with pytest.raises(NotFound):
        service.flags_for(session, actor=other_patient, patient_id=patient.id, now=NOW)
    with pytest.raises(NotFound):
        service.flags_for(session, actor=practitioner, patient_id=patient.id, now=NOW)
    accounts.link_care(session, practitioner_id=practitioner.id, patient_id=patient.id, now=NOW)
    found = service.flags_for(session, actor=practitioner, patient_id=patient.id, now=NOW)
    assert found.get(FlagId.SPREADING)


def test_deleted_cramps_raise_nothing(session, patient):
    from app.services import cramps

    cramp = calf_cramp(session, patient)
    cramps.delete_cramp(session, actor=patient, cramp_id=cramp.id, now=NOW)
    assert service.flags_for(session, actor=patient, patient_id=patient.id, now=NOW).flags == []


def _clinic(session, passwords, practitioner, n):
    patients = []
    for _i in range(n):
        p = factories.make_patient(session, passwords)
        accounts.link_care(session, practitioner_id=practitioner.id, patient_id=p.id, now=NOW)
        calf_cramp(session, p)
        add_checkin(
            session,
            p,
            date(2026, 11, 22),
            had_cramps=True,
            cramp_count=1,
            worst_severity=4,
            sleep_disturbance=8,
            answered_at=tokyo(2026, 11, 23, 7),
        )
        patients.append(p)
    return patients


def test_a_dashboard_costs_the_same_queries_for_one_patient_or_many(
    app, session, passwords, practitioner
):
    _clinic(session, passwords, practitioner, 1)
    session.expire_all()
    session.refresh(practitioner)  # the actor is loaded by the request, not counted
    with statements_sent(app.state.engine) as one:
        small = service.flags_for_patients(session, actor=practitioner, now=NOW)
    _clinic(session, passwords, practitioner, 5)
    session.expire_all()
    session.refresh(practitioner)  # the actor is loaded by the request, not counted
    with statements_sent(app.state.engine) as many:
        large = service.flags_for_patients(session, actor=practitioner, now=NOW)
    assert len(small) == 1
    assert len(large) == 6
    assert all(f.get(FlagId.SPREADING) for f in large.values())
    assert len(reads(many)) == len(reads(one)) == 5


def test_a_dashboard_shows_only_the_actor_s_patients(session, passwords, practitioner, patient):
    mine = _clinic(session, passwords, practitioner, 2)
    calf_cramp(session, patient)  # not linked to the practitioner
    found = service.flags_for_patients(session, actor=practitioner, now=NOW)
    assert set(found) == {p.id for p in mine}
    only = service.flags_for_patients(
        session, actor=practitioner, now=NOW, patient_ids=[mine[0].id, patient.id]
    )
    assert set(only) == {mine[0].id}
