"""Every run-time dependency in pyproject.toml is imported by the app: nothing is
installed into the image that no code uses (issue 7, part 8)."""

from __future__ import annotations

import ast
import re
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Loaded by another library rather than imported: each with the file and text that
# show it is still needed.
INDIRECT = {
    # SQLAlchemy loads the driver for the documented postgresql+psycopg:// URLs.
    "psycopg": ("README.md", "postgresql+psycopg://"),
    # Starlette parses HTML forms with it.
    "python-multipart": ("app/forms.py", "request.form()"),
}


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return {
        _canonical(re.split(r"[\[<>=!~; ]", spec, maxsplit=1)[0])
        for spec in project["dependencies"]
    }


def _imported_modules() -> set[str]:
    found = set()
    for path in (ROOT / "app").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module.split(".")[0])
    return found


def test_every_runtime_dependency_is_imported_by_the_app():
    distributions = packages_distributions()
    used = {
        _canonical(dist) for module in _imported_modules() for dist in distributions.get(module, [])
    }
    indirect = {
        name for name, (path, sign) in INDIRECT.items() if sign in (ROOT / path).read_text()
    }
    assert sorted(_declared() - used - indirect) == []
