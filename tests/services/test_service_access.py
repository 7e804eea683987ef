"""The access rule holds below the routes: every public service that reads or changes
a patient's data refuses anyone the rule does not admit, with NotFound.

``CASES`` names every public service entry point that takes the acting user, with a
call against "mine" (a patient with a diary, linked to "carer"). Who is refused and
who is admitted depends on the kind of service:

- ``care``: a patient's record, named by patient id. The patient and their
  practitioner read it; another patient, another practitioner and the clinic admin
  get NotFound.
- ``practice``: a practitioner's own work on a patient (notes, plan, course, flag
  reviews). Foreign actors get NotFound; the patient may read it but not write it.
- ``own``: the acting patient's own diary, settings or consent (no patient id to
  forge). Anyone who is not that patient (practitioner, admin) gets NotFound.
- ``entry``: an entry of mine named by its id or UUID; another patient's id is
  NotFound for everyone but its owner (and readers).
- ``admin``: account administration: anyone but the admin is NotAllowed.

``LISTS`` are the services that return many patients (dashboards, exports): another
practitioner's patient is simply absent. tests/services/test_service_inventory.py
fails on a public service taking ``actor`` that has no row here, and on a route
that passes a bare patient or patient id to a service.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select

from app.domain.checkins import AnswerFields
from app.domain.cramps import CrampDetails
from app.models import (
    Completion,
    CrampEvent,
    MorningCheckIn,
    PatientProfile,
    PlanItem,
    PushSubscription,
    User,
)
from app.services import (
    access,
    accounts,
    app_settings,
    calendar_feed,
    casefile,
    caseload,
    caseload_figures,
    checkins,
    clinic_admin,
    completions,
    consent,
    course,
    cramps,
    diary,
    due_soon,
    exports,
    insights,
    intake,
    invites,
    notes,
    plan_editor,
    preferences,
    red_flags,
    referral,
    reminders,
    reminders_settings,
    rights,
    routines,
    timeline,
    tonight,
)
from app.services.device_entries import ClientIdConflict, EntryGone
from app.services.errors import InvalidInput, NotAllowed, NotFound
from tests import factories
from tests.diary_helpers import add_checkin, add_cramp, tokyo

NOW = tokyo(2026, 11, 25, 9, 0)
EVENING = date(2026, 11, 24)
DAY = NOW.astimezone(ZoneInfo("Asia/Tokyo")).date()
ENDPOINT = "https://push.example.test/mine"


@dataclass
class World:
    people: dict[str, User]
    cramp: CrampEvent
    checkin: MorningCheckIn
    completion: Completion
    water: int  # the water routine's plan item of mine
    stretch: int  # the toe stretch's plan item of mine
    passwords: object

    @property
    def mine(self) -> User:
        return self.people["mine"]


@pytest.fixture
def world(session, passwords) -> World:
    mine = factories.make_patient(session, passwords, name="担当 さん")
    stranger = factories.make_patient(session, passwords, name="ほかの 患者")
    carer = factories.make_practitioner(session, passwords)
    colleague = factories.make_practitioner(session, passwords)
    admin = factories.make_admin(session, passwords)
    accounts.link_care(session, practitioner_id=carer.id, patient_id=mine.id, now=NOW)
    session.commit()

    def item(routine: str) -> int:
        return session.exec(
            select(PlanItem.id).where(PlanItem.patient_id == mine.id, PlanItem.routine == routine)
        ).first()

    done = completions.record_completion(
        session, actor=mine, item_id=item("water"), client_id=uuid.uuid4(), day=DAY, now=NOW
    ).entry
    session.add(
        PushSubscription(
            patient_id=mine.id,
            endpoint=ENDPOINT,
            p256dh="k",
            auth="a",
            created_at=NOW,
            last_seen_at=NOW,
        )
    )
    session.commit()
    return World(
        people={
            "mine": mine,
            "stranger": stranger,
            "carer": carer,
            "colleague": colleague,
            "admin": admin,
        },
        cramp=add_cramp(session, mine, tokyo(2026, 11, 25, 3, 10)),
        checkin=add_checkin(session, mine, EVENING, answered_at=NOW),
        completion=done,
        water=item("water"),
        stretch=item("toe_stretch"),
        passwords=passwords,
    )


Call = Callable[[Session, User, World], object]
EVERYONE = ("mine", "stranger", "carer", "colleague", "admin")


@dataclass(frozen=True)
class Case:
    call: Call
    # Refused with NotFound: the rule does not admit them to this patient.
    foreign: tuple[str, ...]
    # Admitted: the call does not say NotFound (it may still find a mistake).
    admitted: tuple[str, ...]
    # Admitted to the patient, but their role may not do this (NotAllowed).
    forbidden: tuple[str, ...] = field(default=())


def care(call: Call, *, admitted=("mine", "carer")) -> Case:
    return Case(call, foreign=("stranger", "colleague", "admin"), admitted=admitted)


def practice(call: Call) -> Case:
    return Case(
        call, foreign=("stranger", "colleague", "admin"), admitted=("carer",), forbidden=("mine",)
    )


def own(call: Call) -> Case:
    return Case(call, foreign=("carer", "colleague", "admin"), admitted=("mine",))


def entry(call: Call, *, admitted=("mine",)) -> Case:
    foreign = tuple(p for p in ("stranger", "carer", "colleague", "admin") if p not in admitted)
    return Case(call, foreign=foreign, admitted=admitted)


def admin_task(call: Call) -> Case:
    return Case(
        call, foreign=(), admitted=("admin",), forbidden=("mine", "stranger", "carer", "colleague")
    )


def _csv_translate(text: str) -> str:
    return text


CASES: dict[str, Case] = {
    # --- a patient's record, by patient id -------------------------------------------
    "casefile.casefile": care(
        lambda s, a, w: casefile.casefile(s, actor=a, patient_id=w.mine.id, month=None, now=NOW),
        admitted=("carer",),
    ),
    "checkins.checkin_card": care(
        lambda s, a, w: checkins.checkin_card(s, actor=a, patient_id=w.mine.id, now=NOW)
    ),
    "checkins.checkin_for": care(
        lambda s, a, w: checkins.checkin_for(s, actor=a, patient_id=w.mine.id, evening=EVENING)
    ),
    "checkins.checkins_between": care(
        lambda s, a, w: checkins.checkins_between(
            s, actor=a, patient_id=w.mine.id, first=EVENING, last=EVENING
        )
    ),
    "completions.completions_between": care(
        lambda s, a, w: completions.completions_between(
            s, actor=a, patient_id=w.mine.id, start=EVENING, end=DAY
        )
    ),
    "course.course_of": care(lambda s, a, w: course.course_of(s, actor=a, patient_id=w.mine.id)),
    "cramps.cramps_between": care(
        lambda s, a, w: cramps.cramps_between(
            s, actor=a, patient_id=w.mine.id, start=NOW - timedelta(days=1), end=NOW
        )
    ),
    "cramps.newest_cramps": care(
        lambda s, a, w: cramps.newest_cramps(s, actor=a, patient_id=w.mine.id, before=None)
    ),
    "diary.home_cards": care(
        lambda s, a, w: diary.home_cards(s, actor=a, patient_id=w.mine.id, now=NOW)
    ),
    "due_soon.due_soon_for": care(
        lambda s, a, w: due_soon.due_soon_for(s, actor=a, patient_id=w.mine.id, now=NOW)
    ),
    "exports.patient_csv": care(
        lambda s, a, w: exports.patient_csv(
            s, actor=a, patient_id=w.mine.id, translate=_csv_translate, now=NOW
        )
    ),
    "insights.insights_for": care(
        lambda s, a, w: insights.insights_for(s, actor=a, patient_id=w.mine.id, now=NOW)
    ),
    "intake.intake_for": care(lambda s, a, w: intake.intake_for(s, actor=a, patient_id=w.mine.id)),
    "notes.notes_of": care(lambda s, a, w: notes.notes_of(s, actor=a, patient_id=w.mine.id)),
    "plan_editor.plan_editor": care(
        lambda s, a, w: plan_editor.plan_editor(s, actor=a, patient_id=w.mine.id, now=NOW)
    ),
    "red_flags.flags_for": care(
        lambda s, a, w: red_flags.flags_for(s, actor=a, patient_id=w.mine.id, now=NOW)
    ),
    "referral.referral_summary": care(
        lambda s, a, w: referral.referral_summary(
            s, actor=a, patient_id=w.mine.id, weeks=4, now=NOW
        )
    ),
    "routines.evening_summary": care(
        lambda s, a, w: routines.evening_summary(s, actor=a, patient_id=w.mine.id, evening=EVENING)
    ),
    "routines.evenings_with_full_routine": care(
        lambda s, a, w: routines.evenings_with_full_routine(
            s, actor=a, patient_id=w.mine.id, start=EVENING, end=EVENING
        )
    ),
    "timeline.entry_page": care(
        lambda s, a, w: timeline.entry_page(s, actor=a, patient_id=w.mine.id, cursor=None)
    ),
    "timeline.load_diary": care(
        lambda s, a, w: timeline.load_diary(
            s, actor=a, patient_id=w.mine.id, first=EVENING, last=EVENING
        )
    ),
    "timeline.month_view": care(
        lambda s, a, w: timeline.month_view(
            s, actor=a, patient_id=w.mine.id, month=EVENING, now=NOW
        )
    ),
    "timeline.night_detail": care(
        lambda s, a, w: timeline.night_detail(
            s, actor=a, patient_id=w.mine.id, evening=EVENING, now=NOW
        )
    ),
    "timeline.year_overview": care(
        lambda s, a, w: timeline.year_overview(s, actor=a, patient_id=w.mine.id, now=NOW)
    ),
    "tonight.guide_for": care(
        lambda s, a, w: tonight.guide_for(
            s, actor=a, patient_id=w.mine.id, item_id=w.stretch, now=NOW
        )
    ),
    "tonight.tonight_for": care(
        lambda s, a, w: tonight.tonight_for(s, actor=a, patient_id=w.mine.id, now=NOW)
    ),
    # A disclosure export is account work: the admin may, other outsiders may not.
    "rights.export_zip": Case(
        lambda s, a, w: rights.export_zip(s, actor=a, patient_id=w.mine.id, now=NOW),
        foreign=("stranger", "colleague"),
        admitted=("mine", "carer", "admin"),
    ),
    "invites.issue_reset": Case(
        lambda s, a, w: invites.issue_reset(s, actor=a, user_id=w.mine.id, now=NOW),
        foreign=("stranger", "colleague"),
        admitted=("carer", "admin"),
    ),
    # --- a practitioner's work on a patient -------------------------------------------
    "course.set_course": practice(
        lambda s, a, w: course.set_course(
            s, actor=a, patient_id=w.mine.id, goal="週3回", next_visit=None, now=NOW
        )
    ),
    "notes.add_note": practice(
        lambda s, a, w: notes.add_note(
            s, actor=a, patient_id=w.mine.id, body="経過良好", for_referral=False, now=NOW
        )
    ),
    "plan_editor.change_routine": practice(
        lambda s, a, w: plan_editor.change_routine(
            s,
            actor=a,
            patient_id=w.mine.id,
            routine="toe_stretch",
            change=plan_editor.RoutineChange(effective_from=DAY, enabled=True),
            now=NOW,
        )
    ),
    "red_flags.review_flag": practice(
        lambda s, a, w: red_flags.review_flag(
            s, actor=a, patient_id=w.mine.id, flag_id="spreading", note="", now=NOW
        )
    ),
    # --- the acting patient's own diary, settings and consent -------------------------
    "app_settings.app_settings_of": own(lambda s, a, w: app_settings.app_settings_of(s, actor=a)),
    "app_settings.finish_welcome": own(lambda s, a, w: app_settings.finish_welcome(s, actor=a)),
    "app_settings.set_night_mode": own(
        lambda s, a, w: app_settings.set_night_mode(s, actor=a, mode="night")
    ),
    "calendar_feed.feed_of": own(lambda s, a, w: calendar_feed.feed_of(s, actor=a)),
    "calendar_feed.replace_feed": own(
        lambda s, a, w: calendar_feed.replace_feed(s, actor=a, now=NOW)
    ),
    "checkins.answer_checkin": own(
        lambda s, a, w: checkins.answer_checkin(
            s, actor=a, evening=EVENING, fields=AnswerFields(False), now=NOW
        )
    ),
    "consent.give_consent": own(
        lambda s, a, w: consent.give_consent(s, actor=a, agreed=True, locale="ja", now=NOW)
    ),
    "consent.has_consented": own(lambda s, a, w: consent.has_consented(s, actor=a)),
    "consent.known_consent": own(lambda s, a, w: consent.known_consent(s, actor=a)),
    "access.known_profile": own(lambda s, a, w: access.known_profile(s, actor=a)),
    "access.known_own": own(
        lambda s, a, w: access.known_own(
            s, actor=a, key=lambda patient_id: ("profile", patient_id), answer=lambda *_, **__: None
        )
    ),
    "intake.known_answered": own(lambda s, a, w: intake.known_answered(s, actor=a)),
    "app_settings.known_settings": own(lambda s, a, w: app_settings.known_settings(s, actor=a)),
    "consent.state_of": own(lambda s, a, w: consent.state_of(s, actor=a)),
    "consent.withdraw_consent": own(lambda s, a, w: consent.withdraw_consent(s, actor=a, now=NOW)),
    "cramps.log_cramp": own(
        lambda s, a, w: cramps.log_cramp(
            s, actor=a, client_id=uuid.uuid4(), occurred_at=NOW, details=CrampDetails(), now=NOW
        )
    ),
    "intake.has_answered": own(lambda s, a, w: intake.has_answered(s, actor=a)),
    "intake.own_intake": own(lambda s, a, w: intake.own_intake(s, actor=a)),
    "intake.save_intake": own(
        lambda s, a, w: intake.save_intake(
            s,
            actor=a,
            raw={**factories.QUIET_INTAKE, "bedtime": "23:00", "wake_time": "07:00"},
            now=NOW,
        )
    ),
    "preferences.save_settings": own(
        lambda s, a, w: preferences.save_settings(
            s,
            actor=a,
            bedtime=time(23),
            wake_time=time(7),
            time_zone="Asia/Tokyo",
            locale="ja",
            optional=set(),
            now=NOW,
        )
    ),
    "preferences.settings_of": own(
        lambda s, a, w: preferences.settings_of(s, actor=a, now=NOW, locale="ja")
    ),
    "red_flags.guidance_for": own(lambda s, a, w: red_flags.guidance_for(s, actor=a, now=NOW)),
    "red_flags.seen_doctor": own(lambda s, a, w: red_flags.seen_doctor(s, actor=a, now=NOW)),
    "reminders.device_count": own(lambda s, a, w: reminders.device_count(s, actor=a)),
    "reminders.snooze": own(
        lambda s, a, w: reminders.snooze(s, actor=a, endpoint=ENDPOINT, keys=["water"], now=NOW)
    ),
    "reminders.subscribe": own(
        lambda s, a, w: reminders.subscribe(
            s, actor=a, endpoint=ENDPOINT, p256dh="", auth="", user_agent="", now=NOW
        )
    ),
    "reminders.unsubscribe": own(
        lambda s, a, w: reminders.unsubscribe(s, actor=a, endpoint=ENDPOINT)
    ),
    "reminders_settings.save_settings": own(
        lambda s, a, w: reminders_settings.save_settings(
            s, actor=a, routines=set(), quiet_start=None, quiet_end=None, water_per_day=3
        )
    ),
    "reminders_settings.set_enabled": own(
        lambda s, a, w: reminders_settings.set_enabled(s, actor=a, enabled=True)
    ),
    "reminders_settings.settings_of": own(
        lambda s, a, w: reminders_settings.settings_of(s, actor=a)
    ),
    "rights.delete_account": own(
        lambda s, a, w: rights.delete_account(s, actor=a, password_ok=True, confirmed=True, now=NOW)
    ),
    # --- an entry of mine, named by its id or UUID ------------------------------------
    "checkins.change_checkin": entry(
        lambda s, a, w: checkins.change_checkin(
            s, actor=a, client_id=w.checkin.client_id, fields=AnswerFields(True, 3), now=NOW
        )
    ),
    "checkins.delete_checkin": entry(
        lambda s, a, w: checkins.delete_checkin(s, actor=a, client_id=w.checkin.client_id, now=NOW)
    ),
    "checkins.own_checkin": entry(
        lambda s, a, w: checkins.own_checkin(s, actor=a, client_id=w.checkin.client_id)
    ),
    "completions.delete_completion": entry(
        lambda s, a, w: completions.delete_completion(
            s, actor=a, client_id=w.completion.client_id, now=NOW
        )
    ),
    "completions.record_completion": entry(
        lambda s, a, w: completions.record_completion(
            s, actor=a, item_id=w.stretch, client_id=uuid.uuid4(), day=DAY, now=NOW
        )
    ),
    "completions.undo_completion": entry(
        lambda s, a, w: completions.undo_completion(s, actor=a, item_id=w.water, day=DAY, now=NOW)
    ),
    "cramps.delete_cramp": entry(
        lambda s, a, w: cramps.delete_cramp(s, actor=a, cramp_id=w.cramp.id, now=NOW)
    ),
    "cramps.get_cramp": entry(
        lambda s, a, w: cramps.get_cramp(s, actor=a, cramp_id=w.cramp.id),
        admitted=("mine", "carer"),
    ),
    "cramps.own_cramp": entry(lambda s, a, w: cramps.own_cramp(s, actor=a, cramp_id=w.cramp.id)),
    "cramps.update_cramp": entry(
        lambda s, a, w: cramps.update_cramp(
            s,
            actor=a,
            client_id=w.cramp.client_id,
            occurred_at=w.cramp.occurred_at,
            details=CrampDetails(note="左"),
            now=NOW,
        )
    ),
    # --- account administration ---------------------------------------------------------
    "clinic_admin.create_practitioner": admin_task(
        lambda s, a, w: clinic_admin.create_practitioner(
            s, actor=a, passwords=w.passwords, name="新しい 先生", email="new@example.test", now=NOW
        )
    ),
    "clinic_admin.people": admin_task(lambda s, a, w: clinic_admin.people(s, actor=a)),
    "clinic_admin.set_active": admin_task(
        lambda s, a, w: clinic_admin.set_active(s, actor=a, user_id=w.mine.id, active=True, now=NOW)
    ),
    "clinic_admin.set_practitioners": admin_task(
        lambda s, a, w: clinic_admin.set_practitioners(
            s, actor=a, patient_id=w.mine.id, practitioner_ids={w.people["carer"].id}, now=NOW
        )
    ),
    "invites.invite_patient": Case(
        lambda s, a, w: invites.invite_patient(s, actor=a, name="新しい 患者", email="", now=NOW),
        foreign=(),
        admitted=("carer", "colleague"),
        forbidden=("mine", "stranger", "admin"),
    ),
}

# Services that return many patients: mine is absent for anyone but mine's carer.
LISTS: dict[str, Callable[[Session, User, World], set[int]]] = {
    "caseload.caseload": lambda s, a, w: {
        row.patient_id for row in caseload.caseload(s, actor=a, now=NOW).rows
    },
    "caseload_figures.figures_for": lambda s, a, w: set(
        caseload_figures.figures_for(
            s, actor=a, profiles={p.user_id: p for p in s.exec(select(PatientProfile))}, now=NOW
        )
    ),
    "red_flags.flags_for_patients": lambda s, a, w: set(
        red_flags.flags_for_patients(s, actor=a, now=NOW)
    ),
    "exports.caseload_csv": lambda s, a, w: (
        {w.mine.id}
        if w.mine.name in exports.caseload_csv(s, actor=a, translate=str, now=NOW)
        else set()
    ),
}
# Public services taking ``actor`` that name no patient's data, and why.
NOT_PATIENT_DATA = {
    "access.may_see": "the rule itself",
    "access.patient_for": "the rule itself",
    "access.patient_in_care": "the rule itself",
    "access.profile_for": "the rule itself",
    "access.visible_patient_ids": "the rule itself, for lists",
    "accounts.set_locale": "the signed-in user's own language, any role",
    "audit.browse": "the admin's audit trail (role-checked, tests/practitioner)",
    "audit.record": "writes the trail for a service that has checked access",
    "audit.record_now": "writes the trail for a service that has checked access",
}


def _outcome(session: Session, case_call: Call, actor: User, world: World) -> type | None:
    try:
        case_call(session, actor, world)
    except (NotFound, NotAllowed) as refused:
        session.rollback()
        return type(refused)
    except (InvalidInput, ClientIdConflict, EntryGone):
        # Admitted, then a mistake in the values the table sends: access held.
        session.rollback()
        return None
    return None


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_foreign_actor_gets_not_found_from_every_service(session, world, name):
    case = CASES[name]
    for who in case.foreign:
        refused = _outcome(session, case.call, world.people[who], world)
        assert refused is NotFound, f"{name} let {who} through (or refused with {refused})"


@pytest.mark.parametrize("name", sorted(c for c in CASES if CASES[c].forbidden))
def test_a_role_that_may_not_do_it_is_not_allowed(session, world, name):
    case = CASES[name]
    for who in case.forbidden:
        refused = _outcome(session, case.call, world.people[who], world)
        assert refused is NotAllowed, f"{name} by {who}: {refused}"


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_people_the_rule_admits_get_through(session, world, name):
    case = CASES[name]
    for who in case.admitted:
        refused = _outcome(session, case.call, world.people[who], world)
        assert refused is None, f"{name} refused {who} with {refused.__name__}"


@pytest.mark.parametrize("name", sorted(LISTS))
def test_lists_leave_out_patients_the_actor_may_not_see(session, world, name):
    for who in ("stranger", "colleague", "admin"):
        assert world.mine.id not in LISTS[name](session, world.people[who], world), who
    assert world.mine.id in LISTS[name](session, world.people["carer"], world)


def _item(session, patient, routine):
    return session.exec(
        select(PlanItem.id).where(PlanItem.patient_id == patient.id, PlanItem.routine == routine)
    ).first()


def test_a_refused_write_changes_nothing(session, world):
    for who in ("stranger", "colleague"):
        for name in ("cramps.update_cramp", "cramps.delete_cramp", "checkins.change_checkin"):
            _outcome(session, CASES[name].call, world.people[who], world)
    session.expire_all()
    assert session.get(CrampEvent, world.cramp.id).note == ""
    assert session.get(MorningCheckIn, world.checkin.id).had_cramps is False


def test_a_guide_for_another_patients_item_is_not_found_under_ones_own_id(session, world):
    stranger = world.people["stranger"]
    with pytest.raises(NotFound):
        tonight.guide_for(
            session, actor=stranger, patient_id=stranger.id, item_id=world.stretch, now=NOW
        )
    with pytest.raises(NotFound):
        completions.record_completion(
            session,
            actor=stranger,
            item_id=_item(session, world.mine, "toe_stretch"),
            client_id=uuid.uuid4(),
            day=DAY,
            now=NOW,
        )
    assert len(session.exec(select(Completion)).all()) == 1
