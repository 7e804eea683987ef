"""Fixtures for the deployment tests: the CLI run as an operator would run it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import uvicorn
from typer.testing import CliRunner

from app.cli import app as cli
from app.config import get_settings
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


@pytest.fixture
def tsuranai(monkeypatch, tmp_path):
    """Run the CLI in this process with exactly ``env`` as its TSURANAI_* settings."""

    def never_serve(*args, **kwargs):
        raise AssertionError("serve went past its start-up checks")

    monkeypatch.setattr(uvicorn, "run", never_serve)

    def invoke(*args: str, env: dict[str, str], cwd, input: str | None = None):
        for name in list(os.environ):
            if name.startswith("TSURANAI_"):
                monkeypatch.delenv(name)
        for name, value in env.items():
            if name.startswith("TSURANAI_"):
                monkeypatch.setenv(name, value)
        monkeypatch.chdir(cwd)
        get_settings.cache_clear()
        try:
            result = CliRunner().invoke(cli, list(args), input=input)
        finally:
            get_settings.cache_clear()
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return SimpleNamespace(
            returncode=result.exit_code, stdout=result.stdout, stderr=result.stderr
        )

    return invoke


def refused(result) -> str:
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]
