"""Engines and the one-transaction-per-request session."""

from collections.abc import Iterator

from fastapi import Request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

WRITE_OPTION = "concord_write"


def make_engine(url: str, **kwargs: object) -> Engine:
    """An engine for ``url``; on SQLite: foreign keys on, WAL, and ``BEGIN IMMEDIATE`` for writers."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)
        _configure_sqlite(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    kwargs.setdefault("pool_timeout", 10)
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


def write_session(engine: Engine) -> Session:
    """A session whose transaction serializes with every other writer (SQLite ``BEGIN IMMEDIATE``)."""
    return Session(engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False)


def read_session(engine: Engine) -> Session:
    return Session(engine, expire_on_commit=False)


def _session_for(request: Request) -> Session:
    engine = request.app.state.engine
    write = request.method not in ("GET", "HEAD", "OPTIONS")
    session = write_session(engine) if write else read_session(engine)
    session.info["log_signer"] = request.app.state.log_signer
    return session


def get_session(request: Request) -> Iterator[Session]:
    """One transaction per request: commit if the handler returned, else roll back."""
    with _session_for(request) as session:
        try:
            yield session
        except Exception:
            session.rollback()
            raise
        else:
            session.commit()
