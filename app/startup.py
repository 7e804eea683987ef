"""What ``tsuranai serve`` and ``tsuranai migrate`` check before they start.

An operator who got something wrong (no secret key, a data volume this user may
not write, a database that does not answer) reads one translated line saying what
to change, and the command exits non-zero, instead of a traceback from deep in
SQLite or psycopg.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from app.config import DATA_DIR, Settings, SettingsError, get_settings
from app.messages import N_, Message

# How long to wait for PostgreSQL to answer before saying it does not.
CONNECT_TIMEOUT_S = 10


class StartupError(Exception):
    """Something the operator must change; ``message`` is a translatable ``Message``."""

    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.message = message


def load_settings() -> Settings:
    try:
        return get_settings()
    except SettingsError as error:
        raise StartupError(Message(str(error))) from None
    except ValidationError as error:
        first = error.errors()[0]
        name = "TSURANAI_" + "_".join(str(part) for part in first["loc"]).upper()
        raise StartupError(
            Message(N_("%(setting)s is not valid: %(problem)s"), setting=name, problem=first["msg"])
        ) from None


def check_data_directory(settings: Settings) -> None:
    """The SQLite file's directory (and data/ for the development key) must be writable."""
    directories = set()
    url = _parse_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        directories.add(Path(url.database).parent)
    if settings.is_development and not settings.secret_key:
        directories.add(DATA_DIR)
    for directory in sorted(directories):
        _check_writable(directory.absolute())


def check_database(settings: Settings) -> None:
    """The database answers a query."""
    url = _parse_url(settings.database_url)
    is_sqlite = url.get_backend_name() == "sqlite"
    connect_args = {} if is_sqlite else {"connect_timeout": CONNECT_TIMEOUT_S}
    try:
        engine = create_engine(url, connect_args=connect_args)
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        finally:
            engine.dispose()
    except (SQLAlchemyError, ImportError) as error:
        raise unreachable(settings.database_url, error) from None


def unreachable(database_url: str, error: BaseException) -> StartupError:
    """The error for a database that cannot be reached, naming it without its password."""
    reason = str(getattr(error, "orig", None) or error).strip().splitlines()
    return StartupError(
        Message(
            N_("Cannot reach the database at %(database)s: %(reason)s"),
            database=_parse_url(database_url).render_as_string(hide_password=True),
            reason=reason[0] if reason else type(error).__name__,
        )
    )


def check_before_start(*, database: bool = True) -> Settings:
    settings = load_settings()
    check_data_directory(settings)
    if database:
        check_database(settings)
    return settings


def _parse_url(database_url: str):
    try:
        return make_url(database_url)
    except ArgumentError:
        raise StartupError(
            Message(N_("TSURANAI_DATABASE_URL is not a database URL: %(url)s"), url=database_url)
        ) from None


def _check_writable(directory: Path) -> None:
    # Try it rather than ask os.access: root, read-only mounts and ACLs all answer
    # differently, and a real file is what SQLite will need.
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".write-check-"):
            pass
    except OSError:
        raise StartupError(
            Message(
                N_(
                    "The data directory %(path)s is not writable by this user (uid %(uid)s); "
                    "give it to that user, e.g. chown -R %(uid)s %(path)s"
                ),
                path=str(directory),
                uid=os.getuid(),
            )
        ) from None
