"""The one access rule: who may see a patient, and for what."""

from __future__ import annotations

import pytest
from sqlmodel import select

from app.models import User
from app.services import accounts
from app.services.access import Purpose, patient_for, visible_patient_ids
from app.services.errors import NotFound
from tests import factories
from tests.factories import NOW


@pytest.fixture
def clinic(session, passwords):
    mine = factories.make_patient(session, passwords, name="担当 さん")
    stranger = factories.make_patient(session, passwords, name="ほかの 患者")
    carer = factories.make_practitioner(session, passwords)
    colleague = factories.make_practitioner(session, passwords)
    admin = factories.make_admin(session, passwords)
    accounts.link_care(session, practitioner_id=carer.id, patient_id=mine.id, now=NOW)
    return {
        "mine": mine,
        "stranger": stranger,
        "carer": carer,
        "colleague": colleague,
        "admin": admin,
    }


# (actor, patient, purpose, allowed)
RULES = [
    ("mine", "mine", Purpose.CARE, True),
    ("mine", "stranger", Purpose.CARE, False),
    ("mine", "stranger", Purpose.ACCOUNT, False),
    ("carer", "mine", Purpose.CARE, True),
    ("carer", "mine", Purpose.ACCOUNT, True),
    ("carer", "stranger", Purpose.CARE, False),
    ("colleague", "mine", Purpose.CARE, False),
    ("admin", "mine", Purpose.CARE, False),
    ("admin", "mine", Purpose.ACCOUNT, True),
    ("admin", "stranger", Purpose.ACCOUNT, True),
]


@pytest.mark.parametrize(("actor", "patient", "purpose", "allowed"), RULES)
def test_who_may_see_a_patient(session, clinic, actor, patient, purpose, allowed):
    acting, target = clinic[actor], clinic[patient]
    if allowed:
        assert patient_for(session, actor=acting, patient_id=target.id, purpose=purpose) == target
    else:
        with pytest.raises(NotFound):
            patient_for(session, actor=acting, patient_id=target.id, purpose=purpose)
    listed = session.scalars(visible_patient_ids(acting, purpose=purpose)).all()
    assert (target.id in listed) is allowed


def test_staff_ids_and_missing_ids_are_not_patients(session, clinic):
    for actor in clinic.values():
        for patient_id in (clinic["carer"].id, clinic["admin"].id, 10**9):
            with pytest.raises(NotFound):
                patient_for(session, actor=actor, patient_id=patient_id, purpose=Purpose.ACCOUNT)


def test_a_deactivated_practitioner_sees_nobody(session, clinic):
    carer = clinic["carer"]
    carer.is_active = False
    session.add(carer)
    session.commit()
    with pytest.raises(NotFound):
        patient_for(session, actor=carer, patient_id=clinic["mine"].id)
    assert session.scalars(visible_patient_ids(carer)).all() == []


def test_a_deactivated_patient_leaves_the_care_list_but_not_account_tasks(session, clinic):
    mine = clinic["mine"]
    mine.is_active = False
    session.add(mine)
    session.commit()
    carer = clinic["carer"]
    with pytest.raises(NotFound):
        patient_for(session, actor=carer, patient_id=mine.id, purpose=Purpose.CARE)
    assert patient_for(session, actor=carer, patient_id=mine.id, purpose=Purpose.ACCOUNT) == mine
    names = session.exec(select(User.name).where(User.id.in_(visible_patient_ids(carer)))).all()
    assert names == []
