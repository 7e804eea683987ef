"""``tsuranai backup``: a consistent copy of the SQLite database while the app runs.

SQLite's online backup copies the database page by page under its own locks, so
writers may go on meanwhile and the copy is a single consistent moment (a plain
``cp`` of a WAL database can be torn). PostgreSQL has ``pg_dump`` for the same job.

The copy is health data: it is readable by its owner only, and it is written under
a temporary name and renamed only once its integrity check passed, so a file with
the backup's name is always a whole, checked copy (never the remains of a backup
stopped halfway, which a nightly job could otherwise mistake for the last good one).
"""

from __future__ import annotations

import os
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
    partial = target.with_name(f".{target.name}.partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial.unlink(missing_ok=True)  # left by a backup that was killed
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        verdict = _copy(source_path, partial)
        if verdict != "ok":
            raise StartupError(Message(N_("The backup failed: %(reason)s"), reason=verdict))
        partial.rename(target)
    except (OSError, sqlite3.Error) as error:
        raise StartupError(
            Message(N_("The backup failed: %(reason)s"), reason=str(error))
        ) from None
    finally:
        partial.unlink(missing_ok=True)
    return target


def _copy(source_path: Path, copy_path: Path) -> str:
    """Copy in one step (one read transaction: a single moment, however busy the
    writers) and return the copy's ``PRAGMA integrity_check`` verdict."""
    source = sqlite3.connect(source_path, timeout=30)
    try:
        copy = sqlite3.connect(copy_path)
        try:
            source.backup(copy)
            # A copy that stands alone: one file, no -wal beside it to lose in transit.
            copy.execute("PRAGMA journal_mode=DELETE")
            return "\n".join(row[0] for row in copy.execute("PRAGMA integrity_check"))
        finally:
            copy.close()
    finally:
        source.close()
