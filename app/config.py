"""Settings, read from ``TSURANAI_*`` environment variables and an optional ``.env`` file."""

from __future__ import annotations

import secrets
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.messages import N_

DATA_DIR = Path("data")
# Values that mean "nobody chose a key": refusing them outside development stops a
# deployment from signing cookies with a key that is published in our own docs.
PLACEHOLDER_KEYS = frozenset({"", "change-me", "changeme", "secret", "dev"})


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class SettingsError(RuntimeError):
    """The settings cannot run a safe deployment; the message (an id) says what to change."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="TSURANAI_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    environment: Environment = Environment.DEVELOPMENT
    database_url: str = f"sqlite:///{DATA_DIR / 'tsuranai.db'}"
    secret_key: str = ""
    default_locale: str = "ja"
    default_time_zone: str = "Asia/Tokyo"
    secure_cookies: bool = False
    patient_session_days: int = Field(default=30, ge=1, le=365)
    staff_session_hours: int = Field(default=12, ge=1, le=24 * 7)
    # Failed sign-ins per hour before an account (or an address) is refused to
    # browsers it has not signed in from; see app.services.auth._wait_before_trying.
    login_attempts_per_account_hour: int = Field(default=100, ge=1)
    login_attempts_per_address_hour: int = Field(default=300, ge=1)
    # Argon2id cost; the defaults are argon2-cffi's RFC 9106 "low memory" profile.
    # Tests lower them to stay fast; production refuses anything weaker.
    password_time_cost: int = Field(default=3, ge=1)
    password_memory_kib: int = Field(default=65536, ge=8)
    sqlite_busy_timeout_ms: int = Field(default=5000, ge=0)
    db_pool_size: int = Field(default=10, ge=1)
    db_max_overflow: int = Field(default=20, ge=0)
    # Requests of one process that work at once (the rest wait their turn on the event
    # loop). Python runs one thread at a time, so beyond a few, more only fight over it:
    # 200 patients logging against 2 workers on PostgreSQL took 9.8 ms of server CPU a
    # cramp with 29 at once and 4.7 ms with 8 (tests/reliability/test_load.py).
    max_active_requests: int = Field(default=8, ge=1)
    # Web Push (issue 11): a VAPID private key in PEM (else made on first use and kept
    # in the database), the contact push services may write to, and how often the
    # in-process reminder loop runs (0: off; use `tsuranai send-reminders` from cron).
    vapid_private_key: str = ""
    vapid_subject: str = "mailto:reminders@tsuranai.invalid"
    reminder_loop_seconds: int = Field(default=0, ge=0)

    @property
    def is_development(self) -> bool:
        return self.environment is Environment.DEVELOPMENT

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Settings:
        weak_key = self.secret_key.strip().lower() in PLACEHOLDER_KEYS or len(self.secret_key) < 32
        if self.environment is not Environment.DEVELOPMENT and weak_key:
            raise SettingsError(
                N_(
                    "TSURANAI_SECRET_KEY must be set to a random value of at least 32 "
                    "characters outside development, e.g. "
                    "python -c 'import secrets; print(secrets.token_urlsafe(48))'"
                )
            )
        weak_hash = self.password_time_cost < 3 or self.password_memory_kib < 65536
        if self.environment is Environment.PRODUCTION and weak_hash:
            raise SettingsError(
                N_(
                    "Password hashing is weaker than argon2id's recommended minimum "
                    "(time cost 3, 64 MiB); raise TSURANAI_PASSWORD_* in production."
                )
            )
        return self

    def resolved_secret_key(self) -> str:
        """The signing key, generating and keeping one under data/ in development."""
        if self.secret_key:
            return self.secret_key
        key_file = DATA_DIR / "secret_key"
        if key_file.exists():
            return key_file.read_text().strip()
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        key_file.write_text(key)
        key_file.chmod(0o600)
        return key


@lru_cache
def get_settings() -> Settings:
    return Settings()
