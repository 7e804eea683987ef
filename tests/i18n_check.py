"""Which messages in app/ and templates/ lack a Japanese translation.

Used by tests/test_i18n.py and by ``make messages``.
"""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

from app.i18n import translations

ROOT = Path(__file__).resolve().parents[1]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "Message": None}


def extracted_messages() -> dict[str | tuple[str, str], str]:
    """Every message id (a plural as its (singular, plural) pair) in the code and
    templates, with where it was first found."""
    method_map, options_map = parse_mapping_cfg(io.StringIO((ROOT / "babel.cfg").read_text()))
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        if message and (not isinstance(message, tuple) or message[0]):
            found.setdefault(message, f"{filename}:{lineno}")
    return found


def _translated(catalog, message: str | tuple[str, str]) -> bool:
    if isinstance(message, tuple):
        singular, plural = message[:2]
        return catalog.ngettext(singular, plural, 1) != singular
    return catalog.gettext(message) != message


def untranslated(locale: str = "ja") -> dict[str | tuple[str, str], str]:
    catalog = translations(locale)
    return {
        message: where
        for message, where in extracted_messages().items()
        if not _translated(catalog, message)
    }


if __name__ == "__main__":
    missing = untranslated()
    for msgid, where in sorted(missing.items(), key=lambda item: item[1]):
        print(f"{where}: {msgid!r}")
    print(f"{len(missing)} message(s) without a Japanese translation")
