"""Fixtures for the deployment tests: the CLI run as an operator would run it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_postgres import postgres_url as postgres_url

ROOT = Path(__file__).resolve().parents[2]
TSURANAI = str(Path(sys.executable).parent / "tsuranai")
STRONG_KEY = "deploy-test-secret-key-0123456789abcdefghijklmnop"


@pytest.fixture
def operator_env(tmp_path) -> dict[str, str]:
    """A production environment with a SQLite file under tmp_path, messages in English."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TSURANAI_")}
    env.update(
        TSURANAI_ENVIRONMENT="production",
        TSURANAI_SECRET_KEY=STRONG_KEY,
        TSURANAI_DATABASE_URL=f"sqlite:///{tmp_path / 'data' / 'tsuranai.db'}",
        TSURANAI_DEFAULT_LOCALE="en",
    )
    return env


def run_cli(*args: str, env: dict[str, str], cwd: Path, timeout: float = 120):
    """``tsuranai ARGS`` in its own process, from a directory with no .env file."""
    return subprocess.run(
        [TSURANAI, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout
    )
