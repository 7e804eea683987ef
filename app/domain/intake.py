"""The intake questionnaire (問診): its questions, their options, and what counts as an answer.

The clinic asks these at the first visit; the app asks them once after consent and
lets the patient change them later. Parsing never raises: it returns what it could
read and field errors (English message ids), so a form can be shown again as typed.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time
from enum import StrEnum
from typing import Any, TypeVar

from app.domain.cramps import (
    FOOT_LABELS,
    SITE_LABELS,
    SITUATION_LABELS,
    SYMPTOM_LABELS,
    FieldError,
    Foot,
    Site,
    Situation,
    Symptom,
)
from app.messages import N_

# How often: a whole number of times per week or per month.
FREQUENCY_MIN, FREQUENCY_MAX = 1, 100
# Free text ("other") is a short answer, not an essay.
OTHER_TEXT_MAX = 200

E = TypeVar("E", bound=StrEnum)


class FrequencyUnit(StrEnum):
    WEEK = "week"
    MONTH = "month"


class Condition(StrEnum):
    DIABETES = "diabetes"
    KIDNEY = "kidney"
    LIVER = "liver"
    ARTERIOSCLEROSIS = "arteriosclerosis"
    NEUROPATHY = "neuropathy"


class Medicine(StrEnum):
    SHAKUYAKU_KANZOTO = "shakuyaku_kanzoto"
    OTHER_KAMPO = "other_kampo"
    MAGNESIUM = "magnesium"
    DIURETICS = "diuretics"
    STATINS = "statins"


class AgeBand(StrEnum):
    UNDER_40 = "under_40"
    FORTIES = "40s"
    FIFTIES = "50s"
    SIXTIES = "60s"
    SEVENTIES = "70s"
    EIGHTY_PLUS = "80_plus"


class DailyLife(StrEnum):
    NOT_AT_ALL = "not_at_all"
    A_LITTLE = "a_little"
    A_LOT = "a_lot"


FREQUENCY_UNIT_LABELS = {FrequencyUnit.WEEK: N_("a week"), FrequencyUnit.MONTH: N_("a month")}
CONDITION_LABELS = {
    Condition.DIABETES: N_("Diabetes"),
    Condition.KIDNEY: N_("Kidney disease"),
    Condition.LIVER: N_("Liver disease"),
    Condition.ARTERIOSCLEROSIS: N_("Arteriosclerosis of the legs"),
    Condition.NEUROPATHY: N_("Neuropathy (nerve damage)"),
}
MEDICINE_LABELS = {
    Medicine.SHAKUYAKU_KANZOTO: N_("Shakuyaku-kanzo-to (芍薬甘草湯)"),
    Medicine.OTHER_KAMPO: N_("Other Kampo medicine"),
    Medicine.MAGNESIUM: N_("Magnesium"),
    Medicine.DIURETICS: N_("Diuretics (water tablets)"),
    Medicine.STATINS: N_("Statins (for cholesterol)"),
}
AGE_BAND_LABELS = {
    AgeBand.UNDER_40: N_("Under 40"),
    AgeBand.FORTIES: N_("40–49"),
    AgeBand.FIFTIES: N_("50–59"),
    AgeBand.SIXTIES: N_("60–69"),
    AgeBand.SEVENTIES: N_("70–79"),
    AgeBand.EIGHTY_PLUS: N_("80 or over"),
}
DAILY_LIFE_LABELS = {
    DailyLife.NOT_AT_ALL: N_("Not at all"),
    DailyLife.A_LITTLE: N_("A little"),
    DailyLife.A_LOT: N_("Yes, a lot"),
}
# The cramp entry's labels, so the questionnaire and the diary name things alike.
SIDE_LABELS = FOOT_LABELS
SITUATIONS = SITUATION_LABELS
SITES = SITE_LABELS
SYMPTOMS = SYMPTOM_LABELS


@dataclass(frozen=True, slots=True)
class IntakeAnswers:
    """What the patient answered. Sets may be empty ("none of these")."""

    situations: frozenset[Situation]
    frequency_count: int
    frequency_unit: FrequencyUnit
    side: Foot
    sites: frozenset[Site]
    accompanying: frozenset[Symptom] = frozenset()
    history: frozenset[Condition] = frozenset()
    history_other: str = ""
    medicines: frozenset[Medicine] = frozenset()
    medicines_other: str = ""
    age_band: AgeBand = AgeBand.FIFTIES
    daily_life: DailyLife = DailyLife.NOT_AT_ALL

    @property
    def per_week(self) -> float:
        """How many cramps a week the answer amounts to (a month counts as 30 days)."""
        if self.frequency_unit is FrequencyUnit.WEEK:
            return float(self.frequency_count)
        return self.frequency_count * 7 / 30


@dataclass(frozen=True, slots=True)
class IntakeForm:
    answers: IntakeAnswers
    bedtime: time
    wake_time: time


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _as_list(value: Any) -> list[Any]:
    if _blank(value):
        return []
    if isinstance(value, list | tuple | set | frozenset):
        return [v for v in value if not _blank(v)]
    return [value]


def _one(kind: type[E], name: str, raw: Mapping[str, Any], errors: list[FieldError]) -> E | None:
    value = raw.get(name)
    if _blank(value):
        errors.append(FieldError(name, N_("Please choose one of the options.")))
        return None
    try:
        return kind(str(value).strip())
    except ValueError:
        errors.append(FieldError(name, N_("Please choose one of the options shown.")))
        return None


def _many(
    kind: type[E], name: str, raw: Mapping[str, Any], errors: list[FieldError], *, required: bool
) -> frozenset[E]:
    chosen: set[E] = set()
    for item in _as_list(raw.get(name)):
        try:
            chosen.add(kind(str(item).strip()))
        except ValueError:
            errors.append(FieldError(name, N_("Please choose from the options shown.")))
            return frozenset()
    if required and not chosen:
        errors.append(FieldError(name, N_("Please choose at least one.")))
    return frozenset(chosen)


def _text(name: str, raw: Mapping[str, Any], errors: list[FieldError]) -> str:
    value = raw.get(name)
    if _blank(value):
        return ""
    text = " ".join(str(value).split())
    if len(text) > OTHER_TEXT_MAX:
        errors.append(
            FieldError(name, N_("Use at most %(max)s characters."), {"max": OTHER_TEXT_MAX})
        )
    return text


def _count(raw: Mapping[str, Any], errors: list[FieldError]) -> int | None:
    value = raw.get("frequency_count")
    if _blank(value):
        errors.append(FieldError("frequency_count", N_("Please say about how often.")))
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not (text.isascii() and text.isdigit()) or not (FREQUENCY_MIN <= int(text) <= FREQUENCY_MAX):
        errors.append(
            FieldError(
                "frequency_count",
                N_("Please enter a whole number from %(low)s to %(high)s."),
                {"low": FREQUENCY_MIN, "high": FREQUENCY_MAX},
            )
        )
        return None
    return int(text)


def _clock_time(name: str, raw: Mapping[str, Any], errors: list[FieldError]) -> time | None:
    value = raw.get(name)
    text = unicodedata.normalize("NFKC", str(value or "")).strip()
    try:
        parsed = time.fromisoformat(text)
    except ValueError:
        errors.append(FieldError(name, N_("Enter a time such as 23:00.")))
        return None
    return parsed.replace(second=0, microsecond=0)


def parse_intake(raw: Mapping[str, Any]) -> tuple[IntakeForm | None, list[FieldError]]:
    """Read the questionnaire. Required: situations, how often, which side, where, age
    band, whether cramps interfere with daily life, bedtime and wake time. What comes
    with the cramps, history and medicines may be left empty; "other" texts are at
    most 200 characters. Any option not offered is refused, never dropped."""
    errors: list[FieldError] = []
    situations = _many(Situation, "situations", raw, errors, required=True)
    count = _count(raw, errors)
    unit = _one(FrequencyUnit, "frequency_unit", raw, errors)
    side = _one(Foot, "side", raw, errors)
    sites = _many(Site, "sites", raw, errors, required=True)
    accompanying = _many(Symptom, "accompanying", raw, errors, required=False)
    history = _many(Condition, "history", raw, errors, required=False)
    history_other = _text("history_other", raw, errors)
    medicines = _many(Medicine, "medicines", raw, errors, required=False)
    medicines_other = _text("medicines_other", raw, errors)
    age_band = _one(AgeBand, "age_band", raw, errors)
    daily_life = _one(DailyLife, "daily_life", raw, errors)
    bedtime = _clock_time("bedtime", raw, errors)
    wake_time = _clock_time("wake_time", raw, errors)
    if errors:
        return None, errors
    answers = IntakeAnswers(
        situations=situations,
        frequency_count=count,
        frequency_unit=unit,
        side=side,
        sites=sites,
        accompanying=accompanying,
        history=history,
        history_other=history_other,
        medicines=medicines,
        medicines_other=medicines_other,
        age_band=age_band,
        daily_life=daily_life,
    )
    return IntakeForm(answers, bedtime, wake_time), []
