"""pytest plugin for runs under a shifted wall clock (``make shifted``, libfaketime).

Only when libfaketime is preloaded: works around two bugs of libfaketime 0.9.10 (sleeps
fail, thread switches crawl) in the test processes and, via PYTHONPATH, in every Python
process they start (the CLI, uvicorn servers), which inherit LD_PRELOAD and so the
shifted clock. What and why: tests/shifted_clock_site/sitecustomize.py.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

SITE = Path(__file__).parent / "shifted_clock_site"


def _load_site():
    spec = importlib.util.spec_from_file_location(
        "shifted_clock_sitecustomize", SITE / "sitecustomize.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pytest_configure(config: pytest.Config) -> None:
    site = _load_site()  # mends this process if libfaketime is preloaded
    if not site.under_faketime():
        return
    current = os.environ.get("PYTHONPATH", "")
    if str(SITE) not in current.split(os.pathsep):
        os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SITE), current]))
