"""Settings: every one is documented, and unsafe deployments refuse to start."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.config import Environment, Settings, SettingsError

ROOT = Path(__file__).resolve().parents[1]


def test_every_setting_is_listed_in_env_example():
    documented = set(
        re.findall(r"^(TSURANAI_[A-Z_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE)
    )
    expected = {f"TSURANAI_{name.upper()}" for name in Settings.model_fields}
    assert expected - documented == set(), "add these to .env.example"
    assert documented - expected == set(), "these in .env.example are not settings"


@pytest.mark.parametrize("key", ["", "change-me", "secret", "short-key"])
@pytest.mark.parametrize("environment", [Environment.PRODUCTION, Environment.TEST])
def test_outside_development_a_missing_or_placeholder_key_refuses_to_start(key, environment):
    with pytest.raises(SettingsError, match="TSURANAI_SECRET_KEY"):
        Settings(_env_file=None, environment=environment, secret_key=key)


def test_production_refuses_cheap_password_hashing():
    with pytest.raises(SettingsError, match="argon2id"):
        Settings(
            _env_file=None,
            environment=Environment.PRODUCTION,
            secret_key="k" * 40,
            password_time_cost=1,
            password_memory_kib=8,
        )


def test_production_starts_with_a_real_key():
    settings = Settings(_env_file=None, environment=Environment.PRODUCTION, secret_key="k" * 40)
    assert settings.resolved_secret_key() == "k" * 40


def test_development_generates_a_key_once_and_keeps_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    first = Settings(_env_file=None).resolved_secret_key()
    second = Settings(_env_file=None).resolved_secret_key()
    assert len(first) >= 32
    assert first == second
    key_file = tmp_path / "data" / "secret_key"
    assert key_file.read_text() == first
    assert key_file.stat().st_mode & 0o077 == 0


def test_settings_come_from_prefixed_environment_variables(monkeypatch):
    monkeypatch.setenv("TSURANAI_DEFAULT_LOCALE", "en")
    monkeypatch.setenv("TSURANAI_PATIENT_SESSION_DAYS", "14")
    settings = Settings(_env_file=None)
    assert settings.default_locale == "en"
    assert settings.patient_session_days == 14
