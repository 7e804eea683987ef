"""The home screen is opened every evening: it reads what it needs once, in the same
few queries however long the patient's history is."""

from __future__ import annotations

from datetime import date, timedelta

from tests.conftest import sign_in
from tests.diary_helpers import add_cramp, tokyo
from tests.statements import page_statements, reads

# The session (with the gate's and the theme's answers), the plan and today's
# routines, the morning card, the goal and the red flags: each once.
MOST_QUERIES = 13


def profile_read(statement: str) -> bool:
    return statement.lstrip().startswith("SELECT") and "patientprofile.time_zone" in statement


def test_the_home_screen_asks_each_thing_once_however_long_the_history(
    app, client, patient, session
):
    sign_in(client, patient)
    client.get("/patient/")
    short = page_statements(app, client, "/patient/")
    for back in range(1, 21):
        evening = date(2026, 11, 23) - timedelta(days=back)
        add_cramp(session, patient, tokyo(evening.year, evening.month, evening.day, 23), severity=3)
    session.commit()
    long = page_statements(app, client, "/patient/")
    assert len(long) == len(short)
    assert len(long) <= MOST_QUERIES
    profile_reads = [s for s in long if profile_read(s)]
    assert len(profile_reads) == 1, "the profile is read once per request"
    assert "usersession" in profile_reads[0], "with the session, in the same query"
    assert "consentrecord" in profile_reads[0], "and so is the consent the gate checks"
    assert not [s for s in long if s.lstrip().startswith("SELECT consentrecord.")]
    plan_reads = [s for s in long if s.lstrip().startswith("SELECT planitem.")]
    assert len(plan_reads) == 1, "the plan is read once per request"
    cramp_reads = [s for s in long if "FROM crampevent" in s]
    assert len(cramp_reads) == 1, "the morning card counts last night's cramps from the flags' read"
    counts = [s for s in long if "count(*)" in s and "FROM completion" in s]
    assert len(counts) == 1, "strength, this week's goals and what is due soon share one read"


def test_a_patient_pages_gates_and_theme_come_with_the_session(app, client, patient):
    """Consent, the questionnaire and the night-mode setting are asked on every patient
    page: they come in the session's own query, so a page that shows nothing else of
    the patient's (the cramp form) reads the database once."""
    sign_in(client, patient)
    client.get("/patient/diary/cramps/new")
    statements = reads(page_statements(app, client, "/patient/diary/cramps/new"))
    assert len(statements) == 1
    assert "usersession" in statements[0]
    assert "consentrecord" in statements[0]
    assert "intake" in statements[0]
    assert "app_settings" in statements[0]
