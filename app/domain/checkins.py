"""The morning check-in: "How was last night?", and when it can be asked and changed.

The answer is what turns a quiet night into a recorded cramp-free night. It opens
three hours before the usual wake time after the night (an early waker can answer
at once) and can be given or changed until the end of that morning's calendar day;
after that the night is history and stays as it was recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from app.domain.cramps import SEVERITY_MAX, SEVERITY_MIN, FieldError, parse_whole_number
from app.domain.rhythm import SLEEP_WINDOW_MARGIN, Rhythm, local_datetime
from app.messages import N_

CRAMP_COUNT_MIN, CRAMP_COUNT_MAX = 1, 20
DISTURBANCE_MIN, DISTURBANCE_MAX = 0, 10


class Answer(StrEnum):
    NO_CRAMPS = "no_cramps"
    CRAMPS = "cramps"


@dataclass(frozen=True, slots=True)
class MorningAnswer:
    """What the patient said about the night of ``evening``."""

    evening: date
    had_cramps: bool
    cramp_count: int | None = None
    worst_severity: int | None = None
    sleep_disturbance: int | None = None


@dataclass(frozen=True, slots=True)
class AnswerFields:
    had_cramps: bool
    cramp_count: int | None = None
    worst_severity: int | None = None
    sleep_disturbance: int | None = None


def parse_answer(raw: Mapping[str, Any]) -> tuple[AnswerFields | None, list[FieldError]]:
    """Read a check-in: "no cramps" or "cramps" (with how many and the worst, 0–10),
    and optionally how much sleep was disturbed (0–10).

    How many and how bad only make sense after "I had cramps"; with "no cramps" they
    are refused rather than silently dropped, so a sync client learns of its mistake.
    """
    errors: list[FieldError] = []
    value = raw.get("answer")
    answer: Answer | None = None  # pragma: no mutate (read only after an error was recorded)
    if value is None or (isinstance(value, str) and not value.strip()):
        errors.append(FieldError("answer", N_("Please say whether you had cramps.")))
    else:
        try:
            answer = Answer(str(value).strip())
        except ValueError:
            errors.append(FieldError("answer", N_("Please choose one of the options shown.")))
    count = parse_whole_number(
        "cramp_count", raw.get("cramp_count"), CRAMP_COUNT_MIN, CRAMP_COUNT_MAX, errors
    )
    worst = parse_whole_number(
        "worst_severity", raw.get("worst_severity"), SEVERITY_MIN, SEVERITY_MAX, errors
    )
    disturbance = parse_whole_number(
        "sleep_disturbance",
        raw.get("sleep_disturbance"),
        DISTURBANCE_MIN,
        DISTURBANCE_MAX,
        errors,
    )
    if answer is Answer.NO_CRAMPS and (count is not None or worst is not None):
        errors.append(FieldError("answer", N_("How many and how bad only go with “I had cramps”.")))
    if errors or answer is None:
        return None, errors
    return AnswerFields(answer is Answer.CRAMPS, count, worst, disturbance), []


def checkin_opens(rhythm: Rhythm, evening: date) -> datetime:
    """The check-in for the night of ``evening`` opens three hours before wake time."""
    return rhythm.wake_after(evening).astimezone(UTC) - SLEEP_WINDOW_MARGIN


def checkin_closes(rhythm: Rhythm, evening: date) -> datetime:
    """...and closes at midnight at the end of the day the patient woke up on."""
    wake_day = rhythm.wake_after(evening).date()
    return local_datetime(wake_day + timedelta(days=1), time.min, rhythm.zone).astimezone(UTC)


def can_answer(rhythm: Rhythm, evening: date, now: datetime) -> bool:
    return checkin_opens(rhythm, evening) <= now < checkin_closes(rhythm, evening)


def night_to_ask_about(rhythm: Rhythm, now: datetime) -> date | None:
    """The night whose check-in is open now, if any (the latest one on an overlap)."""
    local = now.astimezone(rhythm.zone).date()
    # A check-in opens after 09:00 on its evening's date (bedtime is at noon or
    # later, or before noon the next day) and closes by the end of the second day
    # after it (waking is within a day of bedtime): so it is today's, yesterday's
    # or the day before yesterday's.
    for back in (0, 1, 2):
        evening = local - timedelta(days=back)
        if can_answer(rhythm, evening, now):
            return evening
    return None
