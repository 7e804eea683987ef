"""``tsuranai backup``: a consistent copy of the SQLite database while the app runs.

SQLite's online backup copies the database page by page under its own locks, so
writers may go on meanwhile and the copy is a single consistent moment (a plain
``cp`` of a WAL database can be torn). PostgreSQL has ``pg_dump`` for the same job.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from app.messages import N_, Message
from app.startup import StartupError


def backup_path(destination: Path, now: datetime) -> Path:
    """A directory (or a name without a suffix) gets a time-stamped file in it; a file
    name such as ``nightly.db`` is taken as it is."""
    if destination.is_dir() or not destination.suffix:
        return destination / f"tsuranai-{now:%Y%m%d-%H%M%S}.db"
    return destination


def backup(database_url: str, destination: Path, *, now: datetime) -> Path:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        raise StartupError(
            Message(N_("tsuranai backup copies SQLite; back up PostgreSQL with pg_dump -Fc."))
        )
    source_path = Path(url.database or "")
    if not source_path.is_file():
        raise StartupError(Message(N_("There is no database at %(path)s."), path=str(source_path)))
    target = backup_path(destination, now)
    if target.exists():
        raise StartupError(
            Message(N_("%(path)s already exists; choose another name."), path=str(target))
        )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(source_path)
        try:
            copy = sqlite3.connect(target)
            try:
                source.backup(copy)
                (verdict,) = copy.execute("PRAGMA integrity_check").fetchone()
            finally:
                copy.close()
        finally:
            source.close()
    except (OSError, sqlite3.Error) as error:
        target.unlink(missing_ok=True)
        raise StartupError(
            Message(N_("The backup failed: %(reason)s"), reason=str(error))
        ) from None
    if verdict != "ok":
        raise StartupError(Message(N_("The backup failed: %(reason)s"), reason=verdict))
    return target
