"""The dashboard's stored figures are the figures: over a seeded random caseload whose
patients keep recording while the clock runs across midnights, mornings, DST changes
and plan changes, every view shows exactly what working them out afresh from the diary
gives, and views in between changes read the stored rows."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import bindparam, delete, text
from sqlmodel import select

from app.domain.catalogue import Routine
from app.domain.checkins import AnswerFields
from app.domain.cramps import CrampDetails, Site, Situation, Symptom
from app.domain.nights import last_night
from app.domain.schedule import Cadence, plan_in_force
from app.models import CaseloadDigest, CrampEvent, PatientProfile
from app.models.caseload import FIGURE_SOURCES
from app.models.types import UTCDateTime
from app.services import caseload, checkins, completions, cramps, plan, plan_editor, red_flags
from app.services.accounts import link_care
from app.services.caseload_figures import Figures, figures_for
from app.services.device_entries import ClientIdConflict
from app.services.errors import InvalidInput
from tests import factories
from tests.statements import reads, statements_sent

# Walk from before London's and after Lord Howe's DST changes of 2027 (28 March, 4 April).
START = datetime(2027, 2, 27, 9, 0, tzinfo=UTC)
PEOPLE = (
    ("Asia/Tokyo", time(23, 0), time(7, 0)),
    ("Europe/London", time(22, 30), time(6, 30)),
    ("America/New_York", time(0, 30), time(8, 0)),
    ("Australia/Lord_Howe", time(21, 0), time(5, 30)),
    ("Asia/Tokyo", time(1, 0), time(9, 0)),
)
COMPARED = [name for name in Figures.__dataclass_fields__ if name != "valid_until"]


def _figures(row) -> dict:
    return {name: getattr(row, name) for name in COMPARED}


def _profile(session, patient_id) -> PatientProfile:
    return session.exec(select(PatientProfile).where(PatientProfile.user_id == patient_id)).one()


def _rhythm(session, patient_id):
    return plan.rhythm_of(_profile(session, patient_id))


class Diary:
    """Random but plausible entries by the patients and their practitioner at ``now``."""

    def __init__(self, session, rng: random.Random, practitioner, patients) -> None:
        self.session, self.rng = session, rng
        self.practitioner, self.patients = practitioner, patients

    def act(self, now: datetime) -> None:
        patient = self.rng.choice(self.patients)
        action = self.rng.choice(
            [self.cramp] * 4 + [self.checkin] * 4 + [self.done] * 6
            + [self.plan_change, self.review, self.forget_cramp, self.move_bedtime]
        )  # fmt: skip
        try:
            action(patient, now)
        except (InvalidInput, ClientIdConflict):
            self.session.rollback()

    def cramp(self, patient, now):
        rng = self.rng
        details = CrampDetails(
            # Mostly the toes, so that flags for spreading come and go.
            sites=frozenset(rng.choice([[Site.TOES]] * 5 + [[Site.CALF], [Site.SOLE, Site.TOES]])),
            symptoms=frozenset(rng.sample(list(Symptom), rng.choice([0] * 6 + [1]))),
            situation=rng.choice([None, None, *Situation]),
            severity=rng.randint(1, 10),
        )
        at = now - timedelta(minutes=rng.randint(0, 60 * 40))
        cramps.log_cramp(
            self.session, actor=patient, client_id=uuid.uuid4(), occurred_at=at,
            details=details, now=now,
        )  # fmt: skip
        self.session.commit()

    def checkin(self, patient, now):
        rng = self.rng
        had = rng.random() < 0.5
        checkins.answer_checkin(
            self.session,
            actor=patient,
            evening=last_night(now, _rhythm(self.session, patient.id)),
            fields=AnswerFields(
                had_cramps=had,
                cramp_count=rng.randint(1, 3) if had else None,
                worst_severity=rng.randint(1, 10) if had else None,
                sleep_disturbance=rng.choice([None, rng.randint(0, 10)]),
            ),
            now=now,
        )
        self.session.commit()

    def done(self, patient, now):
        rhythm = _rhythm(self.session, patient.id)
        day = now.astimezone(rhythm.zone).date() - timedelta(days=self.rng.randint(0, 3))
        versions = plan.plan_versions(self.session, patient_id=patient.id)
        items = [v for v in plan_in_force(versions, day) if v.enabled]
        item = self.rng.choice(items)
        completions.record_completion(
            self.session, actor=patient, item_id=item.item_id, client_id=uuid.uuid4(),
            day=day, now=now,
        )  # fmt: skip
        self.session.commit()

    def plan_change(self, patient, now):
        rhythm = _rhythm(self.session, patient.id)
        routine = self.rng.choice([Routine.CALF_STRETCH, Routine.WALK, Routine.FOOT_BATH])
        weekly = routine is Routine.WALK and self.rng.random() < 0.5
        plan_editor.change_routine(
            self.session,
            actor=self.practitioner,
            patient_id=patient.id,
            routine=routine.value,
            change=plan_editor.RoutineChange(
                effective_from=now.astimezone(rhythm.zone).date()
                + timedelta(days=self.rng.randint(0, 2)),
                enabled=self.rng.random() < 0.7,
                cadence=Cadence.WEEKLY if weekly else None,
                per_week_min=3 if weekly else None,
                per_week_max=5 if weekly else None,
            ),
            now=now,
        )
        self.session.commit()

    def review(self, patient, now):
        found = red_flags.flags_for(
            self.session, actor=self.practitioner, patient_id=patient.id, now=now
        )
        if found.unreviewed:
            red_flags.review_flag(
                self.session,
                actor=self.practitioner,
                patient_id=patient.id,
                flag_id=self.rng.choice(found.unreviewed).flag.id.value,
                note="",
                now=now,
            )
        self.session.commit()

    def forget_cramp(self, patient, now):
        ids = self.session.exec(
            select(CrampEvent.id).where(CrampEvent.patient_id == patient.id)
        ).all()
        if ids:
            cramps.delete_cramp(self.session, actor=patient, now=now, cramp_id=self.rng.choice(ids))
        self.session.commit()

    def move_bedtime(self, patient, now):
        profile = _profile(self.session, patient.id)
        profile.bedtime = self.rng.choice([time(21, 30), time(22, 0), time(23, 30), time(0, 30)])
        profile.wake_time = (
            datetime.combine(date(2027, 1, 1), profile.bedtime) + timedelta(hours=8)
        ).time()
        self.session.add(profile)
        self.session.commit()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_stored_figures_always_match_figures_worked_out_afresh(
    session, passwords, practitioner, seed
):
    rng = random.Random(seed)
    patients = []
    for zone, bedtime, wake in PEOPLE:
        patient = factories.make_patient(session, passwords)
        profile = _profile(session, patient.id)
        profile.time_zone, profile.bedtime, profile.wake_time = zone, bedtime, wake
        session.add(profile)
        link_care(session, practitioner_id=practitioner.id, patient_id=patient.id, now=START)
        patients.append(patient)
    session.commit()
    diary = Diary(session, rng, practitioner, patients)
    now = START
    stored_used = 0
    steps = 300
    for _step in range(steps):
        now += timedelta(minutes=rng.choice([5, 30, 90, 240, 420, 700]))
        for _ in range(rng.choice([0, 0, 0, 1, 2, 3])):
            diary.act(now)
        held = {d.patient_id: d.version for d in session.exec(select(CaseloadDigest))}
        versions = dict(
            session.exec(select(PatientProfile.user_id, PatientProfile.figures_version)).all()
        )
        stored_used += sum(
            1
            for d in session.exec(select(CaseloadDigest))
            if held[d.patient_id] == versions[d.patient_id] and d.computed_at <= now < d.valid_until
        )
        view = caseload.caseload(session, actor=practitioner, now=now)
        profiles = {p.user_id: p for p in session.exec(select(PatientProfile)).all()}
        fresh = figures_for(session, actor=practitioner, profiles=profiles, now=now)
        for row in view.rows:
            assert _figures(row) == _figures(fresh[row.patient_id]), (now, row.name)
        session.commit()
    # The walk both used stored rows and worked rows out again.
    assert stored_used > steps
    assert stored_used < steps * len(PEOPLE)


def test_a_second_view_reads_the_stored_rows_in_one_query(app, session, passwords, practitioner):
    for _ in range(3):
        patient = factories.make_patient(session, passwords)
        link_care(session, practitioner_id=practitioner.id, patient_id=patient.id, now=START)
    session.commit()
    with statements_sent(app.state.engine) as first:
        caseload.caseload(session, actor=practitioner, now=START)
    with statements_sent(app.state.engine) as again:
        caseload.caseload(session, actor=practitioner, now=START)
    selects = reads(again)
    assert len(selects) == 1  # the patients with their stored figures
    assert len(again) < len(first)
    # A change to one patient's records makes only that patient's row be worked out again.
    profile = _profile(session, patient.id)
    profile.bedtime = time(22, 0)
    session.add(profile)
    session.commit()
    stored = {d.patient_id: d.computed_at for d in session.exec(select(CaseloadDigest))}
    later = START + timedelta(minutes=5)
    caseload.caseload(session, actor=practitioner, now=later)
    session.expire_all()
    after = {d.patient_id: d.computed_at for d in session.exec(select(CaseloadDigest))}
    assert [pid for pid in after if after[pid] != stored[pid]] == [patient.id]


def test_a_flag_leaves_the_stored_row_when_its_cramp_leaves_the_window(
    session, practitioner, patient
):
    link_care(session, practitioner_id=practitioner.id, patient_id=patient.id, now=START)
    # A calf cramp at 15:00 in Tokyo, awake: 28 days later it leaves the window at
    # 15:00, between two views on the same day with nothing recorded in between.
    at = datetime(2027, 3, 1, 6, 0, tzinfo=UTC)
    cramps.log_cramp(
        session,
        actor=patient,
        client_id=uuid.uuid4(),
        occurred_at=at,
        details=CrampDetails(sites=frozenset({Site.CALF})),
        now=at,
    )
    session.commit()

    def flags(now):
        (row,) = caseload.caseload(session, actor=practitioner, now=now).rows
        return row.red_flags

    assert flags(at + timedelta(days=28) - timedelta(hours=1))
    assert not flags(at + timedelta(days=28, minutes=1))


CRAMPED_AT = datetime(2027, 3, 1, 18, 30, tzinfo=UTC)  # 03:30 in Tokyo, asleep


def _cramp_nights_shown(session, practitioner, patient):
    """Log one night's cramp; the dashboard's count of cramp nights, seen next morning."""
    link_care(session, practitioner_id=practitioner.id, patient_id=patient.id, now=START)
    cramps.log_cramp(
        session, actor=patient, client_id=uuid.uuid4(), occurred_at=CRAMPED_AT,
        details=CrampDetails(), now=CRAMPED_AT,
    )  # fmt: skip
    session.commit()

    def cramp_nights():
        later = CRAMPED_AT + timedelta(hours=6)
        (row,) = caseload.caseload(session, actor=practitioner, now=later).rows
        return row.cramp_nights_7

    return cramp_nights


def test_an_update_statement_on_the_diary_makes_stored_rows_give_way(
    session, practitioner, patient
):
    cramp_nights = _cramp_nights_shown(session, practitioner, patient)
    assert cramp_nights() == 1
    session.execute(delete(CrampEvent).where(CrampEvent.patient_id == patient.id))
    session.commit()
    assert cramp_nights() == 0


def test_a_change_made_in_plain_sql_makes_stored_rows_give_way_too(session, practitioner, patient):
    """The database bumps the version (migration 0011), not the app's code: a change
    made by hand at the SQL console leaves no stale figures either."""
    cramp_nights = _cramp_nights_shown(session, practitioner, patient)
    assert cramp_nights() == 1
    session.connection().execute(
        text("UPDATE crampevent SET occurred_at = :earlier WHERE patient_id = :patient")
        .bindparams(bindparam("earlier", type_=UTCDateTime)),
        {"earlier": CRAMPED_AT - timedelta(days=20), "patient": patient.id},
    )  # fmt: skip
    session.commit()
    assert cramp_nights() == 0


def test_every_table_the_figures_read_has_its_triggers(session):
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        query = "SELECT event_object_table, event_manipulation FROM information_schema.triggers"
        found = {(table, event.lower()) for table, event in session.exec(text(query))}
    else:
        query = "SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger'"
        found = {
            (table, event)
            for table, sql in session.exec(text(query))
            for event in ("insert", "update", "delete")
            if f"AFTER {event.upper()} ON" in sql
        }
    for model in FIGURE_SOURCES:
        for event in ("insert", "update", "delete"):
            assert (model.__tablename__, event) in found
    assert ("patientprofile", "update") in found
