"""Languages: which one a request gets, and the catalogs that translate it.

Message ids are English; Japanese lives in ``app/locales/ja/LC_MESSAGES/*.po``, one
catalog per area of the app, merged at start-up. Catalogs are read straight from
the ``.po`` files, so there is no compiled file to forget to rebuild.

``N_`` and ``Message`` live in ``app.messages`` (no dependencies, so the domain can
mark messages); they are re-exported here for the web side.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from app.messages import N_ as N_
from app.messages import Message as Message

LOCALES_DIR = Path(__file__).parent / "locales"
SUPPORTED = ("ja", "en")
DEFAULT = "ja"
LANGUAGE_NAMES = {"ja": "日本語", "en": "English"}


@lru_cache
def translations(locale: str) -> NullTranslations:
    if locale not in SUPPORTED or locale == "en":
        return NullTranslations()
    merged: Translations | None = None
    for po_path in sorted((LOCALES_DIR / locale / "LC_MESSAGES").glob("*.po")):
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=locale)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        part = Translations(fp=buffer)
        merged = part if merged is None else merged.merge(part)
    return merged or NullTranslations()


def gettext(locale: str, message: str, **variables) -> str:
    text = translations(locale).gettext(message)
    return text % variables if variables else text


def ngettext(locale: str, singular: str, plural: str, n: int, **variables) -> str:
    text = translations(locale).ngettext(singular, plural, n)
    return text % {"num": n, **variables}


def normalise(tag: str | None) -> str | None:
    """The supported language a tag such as ``ja-JP`` or ``en_GB`` asks for, if any."""
    if not tag:
        return None
    try:
        language = Locale.parse(tag.replace("-", "_").strip()).language
    except (ValueError, UnknownLocaleError):
        return None
    return language if language in SUPPORTED else None


def from_accept_language(header: str | None) -> str | None:
    """The best supported language in an Accept-Language header, by its q-values."""
    if not header:
        return None
    choices: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        language = normalise(tag) if tag != "*" else None
        if language and quality > 0:
            choices.append((-quality, position, language))
    return min(choices)[2] if choices else None


def choose_locale(
    *,
    user_setting: str | None,
    cookie: str | None,
    accept_language: str | None,
    default: str = DEFAULT,
) -> str:
    """The user's own setting, else the language switch's cookie, else the browser's
    preference, else Japanese."""
    return (
        normalise(user_setting)
        or normalise(cookie)
        or from_accept_language(accept_language)
        or (default if default in SUPPORTED else DEFAULT)
    )


def translate(locale: str, message: str) -> str:
    return gettext(locale, message, **getattr(message, "params", {}))
