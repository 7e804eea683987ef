"""The domain is pure: it imports the standard library, itself and app.messages only.

Read from the source (not by importing), so a web-side import hidden in a function
body or behind ``TYPE_CHECKING`` is caught too.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = ROOT / "app" / "domain"
ALLOWED_APP_MODULES = ("app.domain", "app.messages")


def imported_modules(source: str) -> list[str]:
    modules = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # a relative import stays inside app.domain
                continue
            base = node.module or ""
            # "from app import i18n" names a module too.
            modules.extend(
                [f"{base}.{alias.name}" for alias in node.names] if base == "app" else [base]
            )
    return modules


def allowed(module: str) -> bool:
    top = module.split(".")[0]
    if top == "app":
        return any(module == ok or module.startswith(ok + ".") for ok in ALLOWED_APP_MODULES)
    return top in sys.stdlib_module_names or top == "__future__"


@pytest.mark.parametrize("path", sorted(DOMAIN.rglob("*.py")), ids=lambda p: p.name)
def test_domain_module_imports_nothing_from_the_web_side(path):
    offending = [m for m in imported_modules(path.read_text()) if not allowed(m)]
    assert offending == [], f"{path.relative_to(ROOT)} imports {offending}"


def test_messages_module_has_no_dependencies():
    source = (ROOT / "app" / "messages.py").read_text()
    assert [m for m in imported_modules(source) if m != "__future__"] == []


@pytest.mark.parametrize(
    ("source", "ok"),
    [
        ("from app.i18n import N_", False),
        ("from app import i18n", False),
        ("import fastapi", False),
        ("from sqlmodel import Session", False),
        ("def f():\n    import sqlalchemy", False),
        ("from app.messages import N_", True),
        ("from app.domain.rhythm import Rhythm", True),
        ("from zoneinfo import ZoneInfo", True),
    ],
)
def test_the_import_check_tells_web_imports_from_pure_ones(source, ok):
    assert all(allowed(m) for m in imported_modules(source)) is ok
