"""Every demo patient has consented and answered the intake; the spreading one is flagged."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from app import demo
from app.domain.red_flags import FlagId
from app.services import consent, intake, red_flags

NOW = datetime.combine(date(2026, 11, 24), time(11, 0), ZoneInfo("Asia/Tokyo"))


def test_demo_patients_are_onboarded_and_only_the_spreading_one_needs_a_doctor(session, passwords):
    clinic = demo.load(session, passwords=passwords, now=NOW)
    for patient in clinic.patients:
        assert consent.has_consented(session, actor=patient)
        assert intake.has_answered(session, actor=patient)
    practitioner = clinic.practitioners[0]
    flags = red_flags.flags_for_patients(session, actor=practitioner, now=NOW)
    by_persona = {clinic.persona_of(p): flags[p.id] for p in clinic.patients if p.id in flags}
    spreading = {f.flag.id for f in by_persona["spreading"].flags}
    assert {FlagId.SPREADING, FlagId.DAYTIME, FlagId.ACCOMPANIED} <= spreading
    assert by_persona["steady"].flags == []
