"""The demo clinic's dashboards tell the patients' stories: the lapsed and the
spreading patients stand out; notes, goals and plan changes are there."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from app import demo
from app.models import PlanItem, PracticeNote
from app.services import caseload

NOW = datetime.combine(date(2026, 11, 24), time(11, 0), ZoneInfo("Asia/Tokyo"))


@pytest.fixture
def clinic(session, passwords):
    return demo.load(session, passwords=passwords, now=NOW)


def _row(clinic, session, persona):
    patient = next(p for p in clinic.patients if clinic.persona_of(p) == persona)
    practitioner = clinic.practitioners[clinic.specs[patient.id].practitioner]
    view = caseload.caseload(session, actor=practitioner, now=NOW)
    return patient, next(r for r in view.rows if r.patient_id == patient.id)


def test_the_lapsed_patient_needs_attention_for_silence(clinic, session):
    _patient, row = _row(clinic, session, "lapsed")
    assert caseload.rules.Attention.SILENT in row.attention


def test_the_spreading_patient_needs_attention_with_red_flags(clinic, session):
    _patient, row = _row(clinic, session, "spreading")
    assert row.attention
    assert row.red_flags


def test_demo_patients_have_notes_goals_and_plan_changes(clinic, session):
    patient, row = _row(clinic, session, "spreading")
    notes = session.exec(select(PracticeNote).where(PracticeNote.patient_id == patient.id))
    assert any(n.for_referral for n in notes)
    assert row.next_visit is not None
    changed = session.exec(select(PlanItem).where(PlanItem.changed_by_id.is_not(None))).all()
    assert changed
