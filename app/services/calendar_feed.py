"""A patient's secret calendar feed: the plan's routines as recurring events with
alarms, in the patient's zone, for iPhone and Google calendars to subscribe to.

The address holds a random opaque token and nothing else; whoever has it can read
the routine times (not the diary), so the patient can replace it at any time and
the old address then answers 404.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from icalendar import Alarm, Calendar, Event, vRecur
from sqlmodel import Session, select

from app import i18n
from app.domain.reminders import Reminder, reminders_on
from app.domain.schedule import Cadence, day_at, plan_in_force
from app.messages import N_
from app.models import CalendarFeed, PatientProfile, User
from app.services import access, reminders_settings
from app.services import plan as plan_service
from app.services.errors import NotFound
from app.services.reminder_texts import prompt, routine_name

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# How long each event lasts in a calendar, by routine (minutes); others: 5.
EVENT_MINUTES = {"foot_bath": 12, "toe_stretch": 5, "sole_massage": 2}


def feed_of(session: Session, *, actor: User) -> CalendarFeed | None:
    """The acting patient's feed, if they made one."""
    patient = access.patient_for(session, actor=actor, patient_id=actor.id)
    return session.exec(select(CalendarFeed).where(CalendarFeed.patient_id == patient.id)).first()


def replace_feed(session: Session, *, actor: User, now: datetime) -> CalendarFeed:
    """Give the patient a new secret address; any earlier one stops working."""
    feed = feed_of(session, actor=actor) or CalendarFeed(patient_id=actor.id)
    feed.token = secrets.token_urlsafe(32)
    feed.created_at = now
    session.add(feed)
    session.commit()
    return feed


def _occurrences(rhythm, versions, prefs, today) -> list[Reminder]:
    """One reminder per routine slot: the first time each falls in the coming week."""
    first: dict[tuple[str, int], Reminder] = {}
    for offset in range(7):
        for reminder in reminders_on(rhythm, versions, prefs, today + timedelta(days=offset)):
            first.setdefault((reminder.routine, reminder.n), reminder)
    return sorted(first.values(), key=lambda r: (r.at.time(), r.routine, r.n))


def calendar_for(session: Session, *, token: str, now: datetime) -> bytes:
    """The .ics text behind a feed token. Raises NotFound for an unknown (or
    replaced) token and for a patient whose account is closed."""
    feed = session.exec(select(CalendarFeed).where(CalendarFeed.token == token)).first()
    patient = session.get(User, feed.patient_id) if feed else None
    if feed is None or patient is None or not patient.is_active:
        raise NotFound("calendar")
    profile = session.exec(select(PatientProfile).where(PatientProfile.user_id == patient.id)).one()
    locale = patient.locale or i18n.DEFAULT
    rhythm = plan_service.rhythm_of(profile)
    versions = plan_service.plan_versions(session, patient_id=patient.id)
    prefs = reminders_settings.prefs_of(session, patient_id=patient.id)
    today = day_at(rhythm, now)
    in_force = {v.routine: v for v in plan_in_force(versions, today)}

    calendar = Calendar()
    calendar.add("prodid", "-//Tsuranai//Care plan//JA")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", i18n.gettext(locale, N_("Tsuranai care plan")))
    calendar.add("x-wr-timezone", profile.time_zone)
    # Calendars poll a subscribed feed; twice a day keeps plan changes close.
    calendar.add("refresh-interval", timedelta(hours=12), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT12H")
    for reminder in _occurrences(rhythm, versions, prefs, today):
        version = in_force.get(reminder.routine)
        if version is None:
            continue
        event = Event()
        event.add("uid", f"{reminder.routine}-{reminder.n}-{feed.id}@tsuranai")
        event.add("dtstamp", feed.created_at)
        event.add("summary", routine_name(locale, reminder.routine))
        description = prompt(locale, reminder.routine)
        if description:
            event.add("description", description)
        event.add("dtstart", reminder.at)
        event.add("duration", timedelta(minutes=EVENT_MINUTES.get(reminder.routine, 5)))
        frequency = version.frequency
        if frequency.cadence is Cadence.WEEKDAYS:
            # A time after midnight falls on the next calendar day of the patient day.
            shift = (reminder.at.date() - reminder.day).days
            codes = [WEEKDAY_CODES[(d - 1 + shift) % 7] for d in sorted(frequency.weekdays)]
            event.add("rrule", vRecur(freq="WEEKLY", byday=codes))
        else:
            event.add("rrule", vRecur(freq="DAILY"))
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", routine_name(locale, reminder.routine))
        alarm.add("trigger", timedelta(0))
        event.add_component(alarm)
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
