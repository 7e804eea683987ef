"""Every public service is in the access table, and no route reaches past it.

A new public service that takes ``actor`` fails ``test_every_public_service_is_in_the_table``
until it has a row in tests/services/test_service_access.py (``CASES`` or ``LISTS``), and
a route that calls a service taking a bare patient or patient id fails
``test_routes_call_only_services_that_take_the_actor``. Services that take a patient id
without the actor are internal helpers for other services, each module's docstring
says so.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import app.services
from tests.services.test_service_access import CASES, LISTS, NOT_PATIENT_DATA

APP_ROOT = Path(app.services.__file__).parent.parent


def _public_services():
    for module_info in pkgutil.iter_modules(app.services.__path__):
        module = importlib.import_module(f"app.services.{module_info.name}")
        for name, function in vars(module).items():
            if (
                inspect.isfunction(function)
                and function.__module__ == module.__name__
                and not name.startswith("_")
            ):
                yield f"{module_info.name}.{name}", inspect.signature(function).parameters


def test_every_public_service_is_in_the_table():
    taking_actor = {name for name, params in _public_services() if "actor" in params}
    listed = set(CASES) | set(LISTS) | set(NOT_PATIENT_DATA)
    assert sorted(taking_actor - listed) == [], "add these services to CASES or LISTS"
    assert sorted(listed - taking_actor) == [], "these entries name no such service"


# Services on the signed-in user's own sign-in (session and password): no patient
# data and no id to forge; the user is the one the session cookie names.
OWN_ACCOUNT = {"auth.change_password", "auth.sign_out_everywhere"}
NAMES_A_PERSON = {"patient", "patient_id", "user", "user_id"}


def _service_calls(path: Path) -> set[str]:
    """``module.function`` for every call from this file into app.services."""
    tree = ast.parse(path.read_text())
    modules: dict[str, str] = {}  # local name -> service module
    functions: dict[str, str] = {}  # local name -> module.function
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "app.services":
            for alias in node.names:
                modules[alias.asname or alias.name] = alias.name
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("app.services."):
            for alias in node.names:
                functions[alias.asname or alias.name] = f"{node.module[13:]}.{alias.name}"
    found = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        target = node.func
        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
            if target.value.id in modules:
                found.add(f"{modules[target.value.id]}.{target.attr}")
        elif isinstance(target, ast.Name) and target.id in functions:
            found.add(functions[target.id])
    return found


def test_routes_call_only_services_that_take_the_actor():
    services = dict(_public_services())
    callers = [*sorted((APP_ROOT / "routes").rglob("*.py")), APP_ROOT / "deps.py"]
    bare = []
    for path in callers:
        for name in sorted(_service_calls(path)):
            params = services.get(name, {})
            if NAMES_A_PERSON & set(params) and "actor" not in params and name not in OWN_ACCOUNT:
                bare.append(f"{path.relative_to(APP_ROOT)}: {name}")
    assert bare == [], "a route passes a patient to a service without the acting user"


def test_the_route_scan_sees_service_calls():
    # Guard the guard: the scan finds calls written both ways.
    found = _service_calls(APP_ROOT / "routes" / "patient" / "tonight.py")
    assert {"tonight.tonight_for", "red_flags.guidance_for"} <= found
