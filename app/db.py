"""Engines and the one-transaction-per-request session."""

import asyncio
import weakref
from collections.abc import AsyncIterator
from contextlib import nullcontext

import anyio
import anyio.to_thread
from fastapi import Request
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, create_engine

from app.settings import MAX_OVERFLOW, POOL_SIZE, POOL_TIMEOUT

WRITE_OPTION = "concord_write"
READS = frozenset({"GET", "HEAD", "OPTIONS"})
_GATES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def make_engine(url: str, *, pool_size: int = POOL_SIZE, max_overflow: int = MAX_OVERFLOW,
                pool_timeout: float = POOL_TIMEOUT, **kwargs: object) -> Engine:
    """An engine for ``url``; on SQLite: foreign keys on, WAL, and ``BEGIN IMMEDIATE`` for writers.

    Elsewhere a pool of ``pool_size`` connections plus ``max_overflow`` more under load; a request that finds them
    all taken waits ``pool_timeout`` seconds, then fails with the pool's TimeoutError (a 503, see app.errors).
    """
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)
        _configure_sqlite(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.update(pool_size=pool_size, max_overflow=max_overflow, pool_timeout=pool_timeout)
    kwargs.setdefault("connect_args", {"connect_timeout": 5})
    return create_engine(url, isolation_level="READ COMMITTED", **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection) -> None:  # type: ignore[no-untyped-def]
        write = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def write_session(bind: Engine | Connection) -> Session:
    """A session whose transaction serializes with every other writer (SQLite ``BEGIN IMMEDIATE``), on a connection
    of the engine's pool or on the connection given."""
    return Session(bind.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False)


def read_session(engine: Engine) -> Session:
    return Session(engine, expire_on_commit=False)


def _session_for(request: Request) -> Session:
    engine = request.app.state.engine
    session = read_session(engine) if request.method in READS else write_session(engine)
    session.info["log_signer"] = request.app.state.log_signer
    return session


def write_gate(engine: Engine) -> asyncio.Lock | None:
    """On SQLite, one lock per engine and event loop that a writer holds from its start to its commit (None
    elsewhere)."""
    if engine.dialect.name != "sqlite":
        return None
    per_loop = _GATES.setdefault(engine, weakref.WeakKeyDictionary())
    return per_loop.setdefault(asyncio.get_running_loop(), asyncio.Lock())


def _write_gate(request: Request) -> asyncio.Lock | None:
    return None if request.method in READS else write_gate(request.app.state.engine)


def _finish(session: Session, commit: bool) -> None:
    try:
        if commit:
            session.commit()
        else:
            session.rollback()
    finally:
        session.close()


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One transaction per request: commit if the handler returned, else roll back.

    On SQLite a writer holds the database's one write lock (``BEGIN IMMEDIATE``) from its first statement to its
    commit, while its next steps wait for a worker thread; with more concurrent writers than worker threads every
    thread could end up waiting on that lock and the holder never get one back. So write requests queue here, on the
    event loop, before they take a thread. The end of the transaction runs on a thread of its own (as FastAPI does
    for a dependency's exit), never waiting for the shared pool.
    """
    gate = _write_gate(request)
    async with gate if gate is not None else nullcontext():
        session = _session_for(request)
        commit = False
        try:
            yield session
            commit = True
        finally:
            with anyio.CancelScope(shield=True):  # a request cancelled mid-way still gives its connection back
                await anyio.to_thread.run_sync(_finish, session, commit, limiter=anyio.CapacityLimiter(1))
