"""Database engine and the per-request session.

SQLite is tuned for a small clinic on one machine (WAL, durable commits, foreign
keys, and writers that queue instead of failing); PostgreSQL needs none of it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, contextmanager
from pathlib import Path
from typing import Annotated

import anyio
from fastapi import Depends, Request
from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url
from sqlmodel import Session, create_engine

# Execution option carried by the "write" view of the engine: on SQLite its
# transactions start with BEGIN IMMEDIATE, taking the write lock up front, so two
# writers queue on busy_timeout instead of one failing with "database is locked"
# when it upgrades a read lock halfway through.
WRITE_OPTION = "tsuranai_write"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


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

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:
        immediate = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


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
    """

    def __init__(self, engine: Engine, *, capacity: int) -> None:
        self.slots = anyio.Semaphore(max(1, capacity - 1))
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


SessionDep = Annotated[Session, Depends(get_session)]
