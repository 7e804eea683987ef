"""When to see a doctor: the red-flag rules from the clinic's article, with their thresholds.

The app never diagnoses. A flag says only that a pattern in the patient's own
entries or intake answers is one the clinic would want checked by a doctor, which
kind of clinic can check it, and what can be checked there. Every rule returns the
entries and answers that raised it, so both the patient and the practitioner can
see why. All thresholds live here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from app.domain.checkins import MorningAnswer
from app.domain.cramps import LoggedCramp, Site, Situation
from app.domain.intake import Condition, DailyLife, IntakeAnswers
from app.domain.nights import night_of_cramp
from app.domain.rhythm import Rhythm, local_datetime
from app.messages import N_

# Cramps on this many different days ...
FREQUENT_DAYS = 3
# ... within this many most recent days (today included) raise "frequent".
FREQUENT_WINDOW_DAYS = 7
# An intake answer of this many cramps a week or more also raises it.
FREQUENT_PER_WEEK = 3
# The other entry-based rules look at this many most recent days.
RECENT_DAYS = 28
# Daytime cramps (outside the sleep window, or logged in a daytime situation) in
# the recent window that raise "daytime": one after a long walk is common.
DAYTIME_CRAMPS = 2
DAYTIME_SITUATIONS = frozenset(
    {
        Situation.AFTER_EXERCISE,
        Situation.AFTER_SITTING,
        Situation.AFTER_STANDING,
        Situation.OTHER_DAYTIME,
    }
)
# Beyond the toes (DESIGN.md): the sole, the calf, the whole leg.
SPREAD_SITES = frozenset({Site.SOLE, Site.CALF, Site.WHOLE_LEG})
FLAGGED_CONDITIONS = frozenset(Condition)
# Check-ins: a night this disturbed (0–10) counts as high ...
HIGH_DISTURBANCE = 7
# ... and this many such nights within the window raise "daily life".
HIGH_DISTURBANCE_NIGHTS = 3
DISTURBANCE_WINDOW_DAYS = 14
# "I have seen a doctor" quiets the patient's banner this long, unless a new flag arises.
SEEN_DOCTOR_QUIET_DAYS = 30


class FlagId(StrEnum):
    FREQUENT = "frequent"
    DAYTIME = "daytime"
    SPREADING = "spreading"
    ACCOMPANIED = "accompanied"
    HISTORY = "history"
    DAILY_LIFE = "daily_life"


class Clinic(StrEnum):
    INTERNAL_MEDICINE = "internal_medicine"
    ORTHOPAEDICS = "orthopaedics"
    NEUROLOGY = "neurology"


class Check(StrEnum):
    ELECTROLYTES = "electrolytes"
    BONES = "bones"
    NERVES = "nerves"


# Short names, for badges and headings.
FLAG_TITLES = {
    FlagId.FREQUENT: N_("Cramps on several days a week"),
    FlagId.DAYTIME: N_("Cramps in the daytime too"),
    FlagId.SPREADING: N_("Cramps beyond the toes"),
    FlagId.ACCOMPANIED: N_("Numbness, swelling, coldness or one side worse"),
    FlagId.HISTORY: N_("A medical history worth telling a doctor"),
    FlagId.DAILY_LIFE: N_("Cramps getting in the way of daily life"),
}
# The reason in plain words: what the pattern is and why a doctor's check helps.
FLAG_MESSAGES = {
    FlagId.FREQUENT: N_(
        "Cramps that come on three or more days a week are more than tiredness alone. "
        "A blood test can show whether minerals such as magnesium or potassium are low."
    ),
    FlagId.DAYTIME: N_(
        "Cramps that also come while you are awake and active, not only at night, are "
        "worth having checked, so that nothing behind them is missed."
    ),
    FlagId.SPREADING: N_(
        "When cramps reach the sole, the calf or the whole leg rather than only the "
        "toes, the bones, joints and nerves of the leg are worth checking."
    ),
    FlagId.ACCOMPANIED: N_(
        "Numbness, swelling, cold feet or one side clearly worse than the other can "
        "point to the nerves or the circulation, which a doctor can check."
    ),
    FlagId.HISTORY: N_(
        "Diabetes, kidney or liver disease, arteriosclerosis of the legs and neuropathy "
        "can all make cramps more likely. Tell the doctor who looks after it about "
        "your cramps."
    ),
    FlagId.DAILY_LIFE: N_(
        "Cramps that disturb your sleep or your days are worth a doctor's opinion, "
        "even when each one passes."
    ),
}
CLINIC_LABELS = {
    Clinic.INTERNAL_MEDICINE: N_("Internal medicine (内科)"),
    Clinic.ORTHOPAEDICS: N_("Orthopaedics (整形外科)"),
    Clinic.NEUROLOGY: N_("Neurology (神経内科)"),
}
CHECK_LABELS = {
    Check.ELECTROLYTES: N_("blood electrolytes (minerals such as magnesium and potassium)"),
    Check.BONES: N_("bones and joints"),
    Check.NERVES: N_("nerves"),
}
# Which kind of clinic can check what each pattern may point to.
GUIDANCE: Mapping[FlagId, tuple[tuple[Clinic, ...], tuple[Check, ...]]] = {
    FlagId.FREQUENT: ((Clinic.INTERNAL_MEDICINE,), (Check.ELECTROLYTES,)),
    FlagId.DAYTIME: ((Clinic.INTERNAL_MEDICINE, Clinic.ORTHOPAEDICS), (Check.ELECTROLYTES,)),
    FlagId.SPREADING: ((Clinic.ORTHOPAEDICS, Clinic.NEUROLOGY), (Check.BONES, Check.NERVES)),
    FlagId.ACCOMPANIED: ((Clinic.NEUROLOGY, Clinic.INTERNAL_MEDICINE), (Check.NERVES,)),
    FlagId.HISTORY: ((Clinic.INTERNAL_MEDICINE,), (Check.ELECTROLYTES, Check.NERVES)),
    FlagId.DAILY_LIFE: (
        (Clinic.INTERNAL_MEDICINE, Clinic.ORTHOPAEDICS, Clinic.NEUROLOGY),
        (Check.ELECTROLYTES, Check.BONES, Check.NERVES),
    ),
}


@dataclass(frozen=True, slots=True)
class Evidence:
    """What raised a flag: the patient's own cramps, check-ins and intake answers
    (named by the questionnaire's field names)."""

    cramps: tuple[LoggedCramp, ...] = ()
    checkins: tuple[MorningAnswer, ...] = ()
    intake: tuple[str, ...] = ()

    @property
    def keys(self) -> frozenset[str]:
        """Stable names for the evidence, so a review can say what it covered."""
        return frozenset(
            [f"cramp:{c.id}" for c in self.cramps]
            + [f"checkin:{a.evening.isoformat()}" for a in self.checkins]
            + [f"intake:{name}" for name in self.intake]
        )

    def __bool__(self) -> bool:
        return bool(self.cramps or self.checkins or self.intake)


@dataclass(frozen=True, slots=True)
class RedFlag:
    id: FlagId
    evidence: Evidence
    message: str

    @property
    def title(self) -> str:
        return FLAG_TITLES[self.id]

    @property
    def clinics(self) -> tuple[Clinic, ...]:
        return GUIDANCE[self.id][0]

    @property
    def checks(self) -> tuple[Check, ...]:
        return GUIDANCE[self.id][1]


@dataclass(frozen=True, slots=True)
class PatientRecord:
    """What the rules read: recent cramps (deleted ones left out), check-ins, the intake
    (None before it is answered) and the patient's rhythm (nights, zone)."""

    cramps: Sequence[LoggedCramp]
    checkins: Sequence[MorningAnswer]
    intake: IntakeAnswers | None
    rhythm: Rhythm


def _day_of(cramp: LoggedCramp, rhythm: Rhythm) -> date:
    """The day a cramp counts for: its night's evening, or its local date by day."""
    night = night_of_cramp(cramp, rhythm)
    return night if night is not None else cramp.occurred_at.astimezone(cramp.zone).date()


def _recent(cramps: Iterable[LoggedCramp], now: datetime, days: int) -> list[LoggedCramp]:
    since = now - timedelta(days=days)
    return sorted((c for c in cramps if since <= c.occurred_at <= now), key=lambda c: c.occurred_at)


def _flag(flag_id: FlagId, evidence: Evidence) -> RedFlag | None:
    return RedFlag(flag_id, evidence, FLAG_MESSAGES[flag_id]) if evidence else None


def frequent(record: PatientRecord, now: datetime) -> RedFlag | None:
    """Cramps on FREQUENT_DAYS or more of the last FREQUENT_WINDOW_DAYS days (a night's
    cramps count for its evening; a check-in saying "I had cramps" counts too), or an
    intake answer of FREQUENT_PER_WEEK or more a week."""
    today = now.astimezone(record.rhythm.zone).date()
    first = today - timedelta(days=FREQUENT_WINDOW_DAYS - 1)
    by_day = [(c, _day_of(c, record.rhythm)) for c in record.cramps if c.occurred_at <= now]
    cramps = [c for c, day in by_day if first <= day <= today]
    answers = [a for a in record.checkins if a.had_cramps and first <= a.evening <= today]
    days = {day for _, day in by_day if first <= day <= today} | {a.evening for a in answers}
    evidence = Evidence(tuple(cramps), tuple(answers)) if len(days) >= FREQUENT_DAYS else Evidence()
    if record.intake is not None and record.intake.per_week >= FREQUENT_PER_WEEK:
        evidence = Evidence(evidence.cramps, evidence.checkins, ("frequency",))
    return _flag(FlagId.FREQUENT, evidence)


def daytime(record: PatientRecord, now: datetime) -> RedFlag | None:
    """DAYTIME_CRAMPS or more cramps in the last RECENT_DAYS outside the sleep window
    or logged in a daytime situation, or daytime situations named in the intake."""
    cramps = tuple(
        c
        for c in _recent(record.cramps, now, RECENT_DAYS)
        if night_of_cramp(c, record.rhythm) is None or c.details.situation in DAYTIME_SITUATIONS
    )
    if len(cramps) < DAYTIME_CRAMPS:
        cramps = ()
    intake = ()
    if record.intake is not None and record.intake.situations & DAYTIME_SITUATIONS:
        intake = ("situations",)
    return _flag(FlagId.DAYTIME, Evidence(cramps, (), intake))


def spreading(record: PatientRecord, now: datetime) -> RedFlag | None:
    """A cramp in the last RECENT_DAYS reaching the sole, calf or whole leg, or those
    places named in the intake."""
    cramps = tuple(
        c for c in _recent(record.cramps, now, RECENT_DAYS) if c.details.sites & SPREAD_SITES
    )
    intake = ("sites",) if record.intake is not None and record.intake.sites & SPREAD_SITES else ()
    return _flag(FlagId.SPREADING, Evidence(cramps, (), intake))


def accompanied(record: PatientRecord, now: datetime) -> RedFlag | None:
    """A cramp in the last RECENT_DAYS with numbness, swelling, cold feet or one side
    clearly worse, or any of these named in the intake."""
    cramps = tuple(c for c in _recent(record.cramps, now, RECENT_DAYS) if c.details.symptoms)
    intake = ("accompanying",) if record.intake is not None and record.intake.accompanying else ()
    return _flag(FlagId.ACCOMPANIED, Evidence(cramps, (), intake))


def history(record: PatientRecord, now: datetime) -> RedFlag | None:
    """Diabetes, kidney or liver disease, arteriosclerosis of the legs or neuropathy in
    the intake. An "other" condition typed as text is shown to the practitioner but
    raises nothing: the app cannot judge free text."""
    if record.intake is not None and record.intake.history & FLAGGED_CONDITIONS:
        return _flag(FlagId.HISTORY, Evidence(intake=("history",)))
    return None


def daily_life(record: PatientRecord, now: datetime) -> RedFlag | None:
    """The intake says cramps interfere a lot with daily life, or HIGH_DISTURBANCE_NIGHTS
    check-ins in the last DISTURBANCE_WINDOW_DAYS rate sleep disturbance HIGH_DISTURBANCE
    or more (out of 10)."""
    today = now.astimezone(record.rhythm.zone).date()
    first = today - timedelta(days=DISTURBANCE_WINDOW_DAYS)
    nights = tuple(
        a
        for a in sorted(record.checkins, key=lambda a: a.evening)
        if first <= a.evening <= today
        and a.sleep_disturbance is not None
        and a.sleep_disturbance >= HIGH_DISTURBANCE
    )
    if len(nights) < HIGH_DISTURBANCE_NIGHTS:
        nights = ()
    intake = ()
    if record.intake is not None and record.intake.daily_life is DailyLife.A_LOT:
        intake = ("daily_life",)
    return _flag(FlagId.DAILY_LIFE, Evidence((), nights, intake))


RULES = (frequent, daytime, spreading, accompanied, history, daily_life)


def red_flags(record: PatientRecord, *, now: datetime) -> list[RedFlag]:
    """Every flag that holds for the record at ``now``, in the order of RULES."""
    return [flag for rule in RULES if (flag := rule(record, now)) is not None]


def steady_until(record: PatientRecord, *, now: datetime) -> datetime:
    """The first moment after ``now`` (UTC) at which :func:`red_flags` may answer
    otherwise for the same record, with no entry added or changed: the patient's next
    midnight (the day windows move on), a cramp dated later than now coming due, or a
    cramp leaving the RECENT_DAYS window. Until then a stored answer still holds."""
    today = now.astimezone(record.rhythm.zone).date()
    moments = [local_datetime(today + timedelta(days=1), time(0), record.rhythm.zone)]
    for cramp in record.cramps:
        occurred = cramp.occurred_at.astimezone(UTC)
        if occurred > now:
            moments.append(occurred)
        # In the window while now - RECENT_DAYS <= occurred (the rules' _recent).
        leaves = occurred + timedelta(days=RECENT_DAYS, microseconds=1)
        if leaves > now:
            moments.append(leaves)
    return min(moments).astimezone(UTC)


def banner_due(
    flags: Sequence[RedFlag],
    *,
    seen_doctor_at: datetime | None,
    seen_flags: Iterable[str] = (),
    now: datetime,
) -> bool:
    """Whether the patient's home screen shows the guidance banner: some flag holds, and
    either they have not said "I have seen a doctor" in the last SEEN_DOCTOR_QUIET_DAYS,
    or a flag has arisen that was not there when they said it."""
    if not flags:
        return False
    if seen_doctor_at is None or now - seen_doctor_at >= timedelta(days=SEEN_DOCTOR_QUIET_DAYS):
        return True
    return bool({f.id.value for f in flags} - set(seen_flags))


def needs_review(flag: RedFlag, reviewed_keys: Iterable[str] | None) -> bool:
    """A practitioner's review covers the evidence it saw: the flag needs review again
    when evidence has arrived since (evidence that aged out of the window does not)."""
    if reviewed_keys is None:
        return True
    return not flag.evidence.keys <= frozenset(reviewed_keys)
