"""Fixtures for the practitioner's side: a practitioner with one linked patient."""

from __future__ import annotations

import pytest

from app.services.accounts import link_care
from tests.factories import NOW, answer_intake


@pytest.fixture
def linked_patient(session, practitioner, patient):
    link_care(session, practitioner_id=practitioner.id, patient_id=patient.id, now=NOW)
    # Diabetes in the intake raises a red flag, so the flag routes have one to review.
    answer_intake(session, patient, history=["diabetes"])
    return patient
