"""Time zones as a patient reads them: the common ones first, with names in the
page's language (Babel/CLDR), then every other zone sorted by that name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import get_timezone_location

from app.services.preferences import zone_choices

# Where the clinic's patients live or travel most: Japan, its neighbours, and the
# zones a traveller from Japan most often needs.
COMMON = (
    "Asia/Tokyo",
    "Asia/Seoul",
    "Asia/Shanghai",
    "Asia/Taipei",
    "Asia/Hong_Kong",
    "Asia/Manila",
    "Asia/Bangkok",
    "Asia/Ho_Chi_Minh",
    "Asia/Singapore",
    "Australia/Sydney",
    "Pacific/Honolulu",
    "America/Los_Angeles",
    "America/New_York",
    "Europe/London",
    "Europe/Paris",
    "UTC",
)


@dataclass(frozen=True)
class ZoneOption:
    zone: str
    label: str


def _offset(zone: str, now: datetime) -> str:
    offset = now.astimezone(ZoneInfo(zone)).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def _label(zone: str, locale: str, now: datetime) -> str:
    if zone == "UTC":
        return "UTC"
    place = get_timezone_location(zone, locale=locale)
    # CLDR names a city only where a country has several zones; name it always, so
    # that a patient looks for their city.
    city = get_timezone_location(zone, locale=locale, return_city=True)
    if city not in place:
        place = f"{place} – {city}"
    return f"{place} ({_offset(zone, now)})"


@lru_cache(maxsize=8)
def _all(locale: str, hour: str) -> tuple[tuple[ZoneOption, ...], tuple[ZoneOption, ...]]:
    now = datetime.fromisoformat(hour)
    available = set(zone_choices())
    common = tuple(ZoneOption(z, _label(z, locale, now)) for z in COMMON if z in available)
    rest = sorted(
        (ZoneOption(z, _label(z, locale, now)) for z in available if z not in COMMON),
        key=lambda option: option.label,
    )
    return common, tuple(rest)


def zone_options(
    locale: str, now: datetime
) -> tuple[tuple[ZoneOption, ...], tuple[ZoneOption, ...]]:
    """(common zones, all other zones), labelled in ``locale`` with today's UTC offset."""
    # Offsets change with DST; an hour's cache keeps labels right and cheap.
    return _all(locale, now.replace(minute=0, second=0, microsecond=0).isoformat())
