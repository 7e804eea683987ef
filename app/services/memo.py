"""Answers remembered for the rest of one transaction.

One page asks the same small questions through several services: the patient's
profile (the session guard, the plan, the diary, the red flags), their consent (the
gates), their questionnaire (the red flags, the questionnaire page) and their app
settings (the theme, the settings page). Each would be its own query; the session
lookup (app.services.auth) answers most of them ahead with ``keep``. Within a
transaction only our own writes can change them (SQLite serialises writers), so an
answer is kept until the session flushes, commits or rolls back, and then forgotten.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

from sqlalchemy import event
from sqlalchemy.orm import Session

T = TypeVar("T")
_MEMO = "tsuranai.memo"


def remembered(session: Session, key: Hashable, load: Callable[[], T]) -> T:
    """``load()``, or what it answered earlier in this transaction for ``key``."""
    if _pending(session):
        # A change not yet flushed would be missing from a remembered answer. Loading
        # afresh flushes it (autoflush), which forgets everything remembered anyway.
        return load()
    memo = session.info.setdefault(_MEMO, {})
    if key not in memo:
        memo[key] = load()
    return memo[key]


def recall(session: Session, key: Hashable) -> object:
    """What was kept for ``key`` in this transaction, or None (also while a change is
    pending, as ``remembered`` would load afresh then)."""
    if _pending(session):
        return None
    return session.info.get(_MEMO, {}).get(key)


def knows(session: Session, key: Hashable) -> bool:
    """Whether ``remembered`` would answer ``key`` from what is kept, asking nothing:
    for the ``known_*`` answers a dependency gives on the event loop, without a hop."""
    return not _pending(session) and key in session.info.get(_MEMO, {})


def keep(session: Session, key: Hashable, value: object) -> None:
    """Remember ``value`` for ``key`` for the rest of this transaction (not while a
    change is pending: the flush that writes it forgets everything anyway)."""
    if not _pending(session):
        session.info.setdefault(_MEMO, {})[key] = value


def _pending(session: Session) -> bool:
    """Whether the session holds a change it has not flushed yet."""
    return bool(session.new or session.dirty or session.deleted)


def _forget(session: Session, *_args) -> None:
    session.info.pop(_MEMO, None)


for _moment in ("after_flush", "after_commit", "after_rollback", "after_soft_rollback"):
    event.listen(Session, _moment, _forget)
