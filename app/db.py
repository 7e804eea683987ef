"""Database engine and the per-request session.

SQLite is tuned for a small clinic on one machine (WAL, durable commits, foreign
keys, and writers that queue instead of failing); PostgreSQL needs none of it.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
import weakref
from collections import deque
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, contextmanager
from pathlib import Path
from typing import Annotated

import anyio
from fastapi import Depends, Request
from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, create_engine

# Execution option carried by the "write" view of the engine: on SQLite its
# transactions start with BEGIN IMMEDIATE, taking the write lock up front, so two
# writers queue on busy_timeout instead of one failing with "database is locked"
# when it upgrades a read lock halfway through.
WRITE_OPTION = "tsuranai_write"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_QUEUED = "tsuranai_queued_writer"
_QUEUES: weakref.WeakKeyDictionary[Engine, WriterQueue] = weakref.WeakKeyDictionary()


def make_engine(
    url: str, *, busy_timeout_ms: int = 5000, pool_size: int = 10, max_overflow: int = 20
) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _make_sqlite_engine(url, busy_timeout_ms, pool_size, max_overflow)
    return create_engine(url, pool_pre_ping=True, pool_size=pool_size, max_overflow=max_overflow)


def _make_sqlite_engine(
    url: str, busy_timeout_ms: int, pool_size: int, max_overflow: int
) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
        pool_size=pool_size,
        max_overflow=max_overflow,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Take transaction control away from pysqlite so that "begin" below decides.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()

    shared = Path(f"{database}.writers") if database and database != ":memory:" else None
    queue = _QUEUES[engine] = WriterQueue(between_processes=shared)

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:
        immediate = conn.get_execution_options().get(WRITE_OPTION, False)
        if immediate:
            if not queue.acquire(timeout=busy_timeout_ms / 1000):
                raise OperationalError(
                    "BEGIN IMMEDIATE", None, sqlite3.OperationalError("database is locked")
                )
            conn.info[_QUEUED] = True
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
        except BaseException:
            _leave(conn)
            raise

    def _leave(conn) -> None:
        if conn.info.pop(_QUEUED, False):
            queue.release()

    # SQLAlchemy announces these just before it sends COMMIT or ROLLBACK; the next
    # writer may then wait on SQLite for that one statement, never behind a crowd.
    event.listen(engine, "commit", _leave)
    event.listen(engine, "rollback", _leave)
    return engine


class WriterQueue:
    """First come, first served admission of one writing transaction at a time.

    SQLite's busy handler is not a queue: a waiting writer sleeps and polls, with
    pauses growing to 100 ms, while the writer that just committed starts its next
    transaction at once and takes the lock again. Sixteen threads that write in a
    loop measured runs of up to 25 transactions by one thread while the others slept,
    so a waiter's wait grew with the whole workload and passed busy_timeout on a busy
    machine ("database is locked"). Writers of this process therefore queue here,
    in order, and the lock is handed to the longest waiter. The wait here is bounded
    by busy_timeout too, so a deadlock still ends with "database is locked" rather
    than a hang.

    The app's other processes (uvicorn --workers) meet at a lock file beside the
    database (``between_processes``) before they meet at SQLite's lock: the holder
    of this process's turn takes it, polling every half millisecond, where SQLite's
    busy handler would have slept 1, 2, 5, 10... ms while the other process's writer
    was long done. Processes that do not take it (the CLI) still meet SQLite's lock
    and busy_timeout.
    """

    POLL_S = 0.0005

    def __init__(self, *, between_processes: Path | None = None) -> None:
        self._lock = threading.Lock()
        self._waiters: deque[threading.Event] = deque()
        self._held = False
        self._shared = between_processes
        self._shared_fd: int | None = None

    def acquire(self, *, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        if not self._take_turn(timeout):
            return False
        if self._shared is None or self._take_shared(deadline):
            return True
        self._pass_turn()
        return False

    def _take_turn(self, timeout: float) -> bool:
        with self._lock:
            if not self._held:
                self._held = True
                return True
            turn = threading.Event()
            self._waiters.append(turn)
        if turn.wait(timeout):
            return True
        with self._lock:
            if turn.is_set():  # handed over while we gave up
                return True
            self._waiters.remove(turn)
            return False

    def _take_shared(self, deadline: float) -> bool:
        # Only the holder of this process's turn gets here, so one thread at a time
        # uses the descriptor; it is opened on first use, in the serving process.
        if self._shared_fd is None:
            self._shared_fd = os.open(self._shared, os.O_RDWR | os.O_CREAT, 0o600)
        while True:
            try:
                fcntl.flock(self._shared_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(self.POLL_S)

    @property
    def waiting(self) -> int:
        return len(self._waiters)

    def release(self) -> None:
        if self._shared_fd is not None:
            fcntl.flock(self._shared_fd, fcntl.LOCK_UN)
        self._pass_turn()

    def _pass_turn(self) -> None:
        with self._lock:
            if self._waiters:
                self._waiters.popleft().set()  # stays held: handed over
            else:
                self._held = False


def writer_queue(engine: Engine) -> WriterQueue | None:
    """The queue this SQLite engine's writers wait in (None on PostgreSQL)."""
    return _QUEUES.get(engine)


def writer(engine: Engine) -> Engine:
    """The same engine and pool, with transactions that announce they will write."""
    return engine.execution_options(**{WRITE_OPTION: True})


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A session for commands outside a request (CLI, demo, background work)."""
    with Session(writer(engine), expire_on_commit=False) as session:
        yield session


class ConnectionGate:
    """Admits a request to the database only when it can surely get a connection.

    Handlers and sync dependencies run in a thread pool (40 threads), and one
    request hops between several threads while it keeps its session. If the
    threads themselves waited for a pooled connection, or for SQLite's write lock,
    a burst of requests could hold every thread waiting for connections or locks
    that only a request waiting for a thread can give back: FastAPI issue #3205,
    which stops the tutorial pattern at about 128 connections. So the waiting
    happens here, on the event loop, before a session exists: at most as many
    requests hold a session as the pool has connections (one is kept back for
    /healthz), and on SQLite one writer at a time holds the write lock, the way
    SQLite would serialise them anyway.

    Fewer still work at once (``active``): every request holding a session competes
    for the one interpreter lock, and a crowd of them only makes each slower.
    """

    def __init__(self, engine: Engine, *, capacity: int, active: int | None = None) -> None:
        self.slots = anyio.Semaphore(max(1, min(capacity - 1, active or capacity)))
        self.writer = anyio.Lock() if engine.dialect.name == "sqlite" else None


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One session per request; unsafe methods get a writing session.

    It is async so that both waiting (see ConnectionGate) and closing happen on the
    event loop, never in a thread another request needs.
    """
    engine: Engine = request.app.state.engine
    gate: ConnectionGate = request.app.state.db_gate
    # A page that records who viewed it (the audit trail) writes on GET too; its
    # router says so before the session is made (app.deps.audited_reads).
    writing = request.method not in SAFE_METHODS or getattr(request.state, "audited", False)
    async with AsyncExitStack() as admitted:
        if writing and gate.writer is not None:
            await admitted.enter_async_context(gate.writer)
        await admitted.enter_async_context(gate.slots)
        session = Session(writer(engine) if writing else engine, expire_on_commit=False)
        try:
            yield session
        finally:
            session.close()


# Closed as soon as the handler has its answer, before the answer is sent: a phone slow
# to read it must not hold a connection, or on SQLite the writers' turn, meanwhile.
# (FastAPI's default "request" scope would close it only after the last byte.)
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
