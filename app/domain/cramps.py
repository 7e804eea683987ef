"""A cramp entry: what a patient can say about one cramp, and which values are acceptable.

Every detail is optional, because at 3 a.m. one tap must be enough; what is given
must make sense. Parsing never raises: it returns the values it could read and a
list of field errors whose messages are English msgids, translated where shown.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from app.domain.rhythm import local_datetime
from app.messages import N_

SEVERITY_MIN, SEVERITY_MAX = 0, 10
NOTE_MAX_CHARS = 500
DURATION_MINUTES_MIN, DURATION_MINUTES_MAX = 1, 120
# A phone's clock may run a little ahead of the server's; beyond this a time is a mistake.
FUTURE_TOLERANCE = timedelta(minutes=5)
# Older entries are memories rather than records; the practitioner cannot trust them.
MAX_AGE = timedelta(days=60)
# "It happened earlier": how many minutes ago each quick choice means.
EARLIER_CHOICES: dict[str, int] = {"now": 0, "15": 15, "30": 30, "60": 60}
EARLIER_AT = "at"

E = TypeVar("E", bound=StrEnum)


class Foot(StrEnum):
    LEFT = "left"
    RIGHT = "right"
    BOTH = "both"


class Site(StrEnum):
    TOES = "toes"
    SOLE = "sole"
    INSTEP = "instep"
    ANKLE = "ankle"
    CALF = "calf"
    HEEL = "heel"
    WHOLE_LEG = "whole_leg"


class DurationPreset(StrEnum):
    UNDER_30S = "under_30s"
    ABOUT_1MIN = "about_1min"
    FROM_2_TO_5MIN = "2_to_5min"
    OVER_5MIN = "over_5min"


class Situation(StrEnum):
    ASLEEP = "asleep"
    ON_WAKING = "on_waking"
    AFTER_EXERCISE = "after_exercise"
    AFTER_SITTING = "after_sitting"  # long sitting or driving
    AFTER_STANDING = "after_standing"  # standing work
    OTHER_DAYTIME = "other_daytime"


class Symptom(StrEnum):
    NUMBNESS = "numbness"
    SWELLING = "swelling"
    COLD_FEET = "cold_feet"
    ONE_SIDE_WORSE = "one_side_worse"


# Labels live beside the values so every screen names them the same way.
FOOT_LABELS = {Foot.LEFT: N_("Left foot"), Foot.RIGHT: N_("Right foot"), Foot.BOTH: N_("Both feet")}
SITE_LABELS = {
    Site.TOES: N_("Toes"),
    Site.SOLE: N_("Sole"),
    Site.INSTEP: N_("Instep"),
    Site.ANKLE: N_("Ankle"),
    Site.CALF: N_("Calf"),
    Site.HEEL: N_("Heel"),
    Site.WHOLE_LEG: N_("Whole leg"),
}
DURATION_LABELS = {
    DurationPreset.UNDER_30S: N_("Under 30 seconds"),
    DurationPreset.ABOUT_1MIN: N_("About 1 minute"),
    DurationPreset.FROM_2_TO_5MIN: N_("2–5 minutes"),
    DurationPreset.OVER_5MIN: N_("Over 5 minutes"),
}
SITUATION_LABELS = {
    Situation.ASLEEP: N_("While asleep"),
    Situation.ON_WAKING: N_("On waking"),
    Situation.AFTER_EXERCISE: N_("After exercise"),
    Situation.AFTER_SITTING: N_("After long sitting or driving"),
    Situation.AFTER_STANDING: N_("After standing work"),
    Situation.OTHER_DAYTIME: N_("Other daytime"),
}
SYMPTOM_LABELS = {
    Symptom.NUMBNESS: N_("Numbness"),
    Symptom.SWELLING: N_("Swelling"),
    Symptom.COLD_FEET: N_("Cold feet"),
    Symptom.ONE_SIDE_WORSE: N_("One side clearly worse"),
}


@dataclass(frozen=True, slots=True)
class FieldError:
    """One problem with one field. ``message`` is an English msgid with %(name)s params."""

    field: str
    message: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CrampDetails:
    """Everything about a cramp except when it happened; every part may be unknown."""

    foot: Foot | None = None
    sites: frozenset[Site] = frozenset()
    severity: int | None = None
    duration: DurationPreset | None = None
    duration_minutes: int | None = None
    woke_me_up: bool | None = None
    situation: Situation | None = None
    symptoms: frozenset[Symptom] = frozenset()
    note: str = ""

    @property
    def is_blank(self) -> bool:
        return self == CrampDetails()


@dataclass(frozen=True, slots=True)
class LoggedCramp:
    """The facts about a stored cramp that nights and insights reason over.

    ``zone`` is the patient's zone when the cramp was recorded, so a later move
    (Tokyo to London) does not shift old cramps to other nights.
    """

    id: int
    occurred_at: datetime
    zone: ZoneInfo
    details: CrampDetails = CrampDetails()


# --- parsing ---------------------------------------------------------------------------


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _as_list(value: Any) -> list[Any]:
    if _blank(value):
        return []
    if isinstance(value, str | bytes):
        return [value]
    if isinstance(value, Iterable):
        return [v for v in value if not _blank(v)]
    return [value]


def _enum(kind: type[E], name: str, value: Any, errors: list[FieldError]) -> E | None:
    if _blank(value):
        return None
    try:
        return kind(str(value).strip())
    except ValueError:
        errors.append(FieldError(name, N_("Please choose one of the options shown.")))
        return None


def _enum_set(kind: type[E], name: str, value: Any, errors: list[FieldError]) -> frozenset[E]:
    chosen: set[E] = set()
    for item in _as_list(value):
        try:
            chosen.add(kind(str(item).strip()))
        except ValueError:
            errors.append(FieldError(name, N_("Please choose from the options shown.")))
            return frozenset()
    return frozenset(chosen)


def _digits(text: str) -> str:
    """ASCII digits of ``text``, if that is all it holds; full-width ７ (a Japanese
    keyboard's digits) reads as 7."""
    folded = unicodedata.normalize("NFKC", text).strip()
    return folded if folded.isascii() and folded.isdigit() else ""


def parse_whole_number(
    name: str, value: Any, low: int, high: int, errors: list[FieldError]
) -> int | None:
    """A whole number within [low, high], or None when nothing was given."""
    if _blank(value):
        return None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and _digits(value):
        number = int(_digits(value))
    else:
        number = None
    if number is None or not low <= number <= high:
        errors.append(
            FieldError(
                name,
                N_("Please enter a whole number from %(low)s to %(high)s."),
                {"low": low, "high": high},
            )
        )
        return None
    return number


def _yes_no(name: str, value: Any, errors: list[FieldError]) -> bool | None:
    if _blank(value):
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"yes", "true", "1", "on"}:
        return True
    if text in {"no", "false", "0", "off"}:
        return False
    errors.append(FieldError(name, N_("Please answer yes or no.")))
    return None


def normalise_note(value: Any) -> str:
    if _blank(value):
        return ""
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def parse_details(raw: Mapping[str, Any]) -> tuple[CrampDetails, list[FieldError]]:
    """Read a cramp's details from form or JSON values; unknown keys are ignored.

    Rules: foot, situation and duration are one of their options; sites and
    symptoms are any number of theirs; severity is a whole number 0–10; typed
    minutes are 1–120 and exclude a preset; the note is at most 500 characters.
    """
    errors: list[FieldError] = []
    duration = _enum(DurationPreset, "duration", raw.get("duration"), errors)
    minutes = parse_whole_number(
        "duration_minutes",
        raw.get("duration_minutes"),
        DURATION_MINUTES_MIN,
        DURATION_MINUTES_MAX,
        errors,
    )
    if duration is not None and minutes is not None:
        errors.append(
            FieldError("duration_minutes", N_("Choose a length or type minutes, not both."))
        )
    note = normalise_note(raw.get("note"))
    if len(note) > NOTE_MAX_CHARS:
        errors.append(
            FieldError(
                "note",
                N_("Please keep the note to %(max)s characters (now %(count)s)."),
                {"max": NOTE_MAX_CHARS, "count": len(note)},
            )
        )
    details = CrampDetails(
        foot=_enum(Foot, "foot", raw.get("foot"), errors),
        sites=_enum_set(Site, "sites", raw.get("sites"), errors),
        severity=parse_whole_number(
            "severity", raw.get("severity"), SEVERITY_MIN, SEVERITY_MAX, errors
        ),
        duration=duration,
        duration_minutes=minutes,
        woke_me_up=_yes_no("woke_me_up", raw.get("woke_me_up"), errors),
        situation=_enum(Situation, "situation", raw.get("situation"), errors),
        symptoms=_enum_set(Symptom, "symptoms", raw.get("symptoms"), errors),
        note=note,
    )
    return details, errors


# --- when it happened ------------------------------------------------------------------


def check_occurred_at(occurred_at: datetime, *, now: datetime) -> FieldError | None:
    """A cramp may be logged up to 5 minutes ahead of ``now`` and up to 60 days back."""
    if occurred_at.tzinfo is None:
        return FieldError("occurred_at", N_("Please give a time with its time zone."))
    # Instants compared in UTC, so a DST change in either zone cannot shift the limits.
    instant = occurred_at.astimezone(UTC)  # pragma: no mutate (any fixed offset compares alike)
    now = now.astimezone(UTC)  # pragma: no mutate (any fixed offset compares alike)
    if instant > now + FUTURE_TOLERANCE:
        return FieldError("occurred_at", N_("That time is in the future."))
    if instant < now - MAX_AGE:
        return FieldError(
            "occurred_at",
            N_("Cramps can be logged up to %(days)s days back."),
            {"days": MAX_AGE.days},
        )
    return None


def parse_local_datetime(text: str, zone: ZoneInfo) -> datetime | None:
    """A ``datetime-local`` value (``2025-11-25T03:10``) read as wall time in ``zone``."""
    try:
        naive = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if naive.tzinfo is not None:
        return naive
    return local_datetime(naive.date(), time(naive.hour, naive.minute), zone)


def resolve_occurred_at(
    choice: str | None, at_local: str | None, *, now: datetime, zone: ZoneInfo
) -> tuple[datetime | None, FieldError | None]:
    """When a cramp happened, from "just now / 15 / 30 / 60 minutes ago / at a time".

    A typed time counts even when "just now" (the default) is left selected: people
    type the time and forget the radio button. With "15/30/60 minutes ago" it is a
    contradiction, and refused rather than guessed. Returns an aware UTC instant
    that already passed :func:`check_occurred_at`.
    """
    choice = (choice or "now").strip()
    typed = bool((at_local or "").strip())
    if typed and choice == "now":
        choice = EARLIER_AT
    elif typed and choice in EARLIER_CHOICES:
        return None, FieldError("occurred_at", N_("Choose “minutes ago” or type a time, not both."))
    if choice in EARLIER_CHOICES:
        moment = now.astimezone(UTC) - timedelta(minutes=EARLIER_CHOICES[choice])
    elif choice == EARLIER_AT:
        parsed = parse_local_datetime(at_local or "", zone)  # pragma: no mutate (not a date either)
        if parsed is None:
            return None, FieldError("occurred_at", N_("Please enter a date and time."))
        moment = parsed.astimezone(UTC)
    else:
        return None, FieldError("occurred_at", N_("Please choose one of the options shown."))
    problem = check_occurred_at(moment, now=now)
    return (None, problem) if problem else (moment, None)


def local_date(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()
