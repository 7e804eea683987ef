"""The suite passes on any date: time comes from the app's clock, never the wall clock.

Two guards that run with every `make test`: app code that reads the wall clock
itself is named here, and a handful of tests that lean on dates, a sleeping test and a
CLI process pass with the wall clock a year ahead and half a year back (Debian's
faketime, which `make test` installs). `make shifted` runs the whole suite that way.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The one place the wall clock is read; everything else gets "now" from it.
CLOCK = ROOT / "app" / "clock.py"

# Calls that read the wall clock, by the names this codebase imports them under.
WALL_CLOCK_CALLS = {
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("date", "today"),
    ("time", "time"),
    ("time", "time_ns"),
    ("time", "localtime"),
    ("time", "gmtime"),
    ("time", "ctime"),
    ("time", "asctime"),
    ("time", "strftime"),
    ("func", "now"),
    ("func", "current_timestamp"),
    ("func", "current_date"),
}

# A handful of tests, each leaning on the clock in its own way.
REPRESENTATIVE = [
    # A patient's first plan day, from the app's clock.
    "tests/services/test_plan_services.py::"
    "test_the_first_plan_day_comes_from_the_apps_clock_not_the_wall_clock",
    # "Today" for validating dates, signed in through the session cookie.
    "tests/routes/test_params.py::test_a_date_two_years_ahead_is_still_accepted",
    # A test that sleeps while a second writer queues.
    "tests/reliability/test_concurrency.py::"
    "test_a_second_writer_waits_for_the_first_and_then_succeeds",
    # A CLI process of its own, waited for with a timeout.
    "tests/deploy/test_startup_errors.py::"
    "test_the_real_command_refuses_in_one_line_in_the_clinics_language",
]


def wall_clock_reads(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        owner = node.func.value
        name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", None)
        if (name, node.func.attr) not in WALL_CLOCK_CALLS:
            continue
        # time.localtime(seconds) and friends only convert; without one they read the clock.
        if name == "time" and node.func.attr in {"localtime", "gmtime", "ctime"} and node.args:
            continue
        if name == "time" and node.func.attr in {"asctime", "strftime"} and len(node.args) > 1:
            continue
        found.append(f"{node.lineno}: {name}.{node.func.attr}()")
    return found


def test_app_code_reads_the_time_only_through_the_clock():
    reads = [
        f"{path.relative_to(ROOT)}:{read}"
        for path in sorted((ROOT / "app").rglob("*.py"))
        if path != CLOCK
        for read in wall_clock_reads(path.read_text())
    ]
    assert reads == [], "take now= from the caller, NowDep or app.state.clock instead"


def test_the_guard_sees_a_wall_clock_read():
    source = "\n".join(
        [
            "import time",
            "from datetime import UTC, date, datetime",
            "datetime.now(UTC)",
            "date.today()",
            "time.time()",
            "time.localtime(0)",
            "sqlalchemy.func.now()",
            "datetime.fromisoformat('2026-11-24')",
        ]
    )
    assert wall_clock_reads(source) == [
        "3: datetime.now()",
        "4: date.today()",
        "5: time.time()",
        "7: func.now()",
    ]


def faketime() -> str:
    found = shutil.which("faketime")
    assert found, "Debian's faketime is missing: `make test` installs it (apt-get install faketime)"
    return found


def unshifted_env() -> dict[str, str]:
    """This process's environment without libfaketime, even inside a shifted run, so
    each shift below is counted from the real date."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("FAKETIME") and name != "LD_PRELOAD"
    }
    # Timeouts and deadlines keep real time; only the date moves.
    env["FAKETIME_DONT_FAKE_MONOTONIC"] = "1"
    return env


def epoch_seconds(*command: str, env: dict[str, str]) -> int:
    done = subprocess.run(
        [*command, "date", "-u", "+%s"], env=env, capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr
    return int(done.stdout)


@pytest.mark.parametrize("days", [400, -200], ids=lambda days: f"{days:+d}d")
def test_a_handful_of_tests_pass_with_the_wall_clock_shifted(days, tmp_path):
    env = unshifted_env()
    shift = f"{days:+d}d"
    # Only a difference of two readings, so this holds on any date: faketime did shift.
    moved = epoch_seconds(faketime(), "-f", shift, env=env) - epoch_seconds(env=env)
    assert abs(moved - days * 86400) < 3600

    selected = [*REPRESENTATIVE, "-k", "not postgres"]
    options = [
        "-p",
        "no:xdist",
        "-p",
        "no:cacheprovider",
        "-q",
        "--basetemp",
        str(tmp_path / "run"),
    ]
    run = subprocess.run(
        [faketime(), "-f", shift, sys.executable, "-m", "pytest", *selected, *options],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "5 passed" in run.stdout, run.stdout[-2000:]
