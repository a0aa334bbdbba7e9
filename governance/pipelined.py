"""Rows for several statements written together: one round trip on PostgreSQL, one statement each elsewhere.

A vote group writes log entries, Merkle nodes, log heads, checkpoints and votes while it holds its logs' locks;
sent one statement at a time, each waits for the database's answer before the next goes, and the locks are held
for all those waits. On PostgreSQL they go in one psycopg pipeline (https://www.psycopg.org/psycopg3/docs/advanced/
pipeline.html): every statement is sent, then the connection waits once. SQLite runs in the process, with nothing
to wait for, so there the statements run one after another through SQLAlchemy as usual.
"""

import json
from collections.abc import Mapping, Sequence
from functools import lru_cache

from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import Executable
from sqlmodel import Session

__all__ = ["Write", "write_all"]

Write = tuple[Executable, Sequence[Mapping[str, object]]]
"""A statement and the rows to run it with (each row a mapping of its bind parameters)."""


def write_all(session: Session, writes: Sequence[Write]) -> None:
    """Run each statement with each of its rows, in order, in the session's transaction; no results are read."""
    writes = [(statement, rows) for statement, rows in writes if rows]
    if not writes:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        for statement, rows in writes:
            session.execute(statement, list(rows) if len(rows) > 1 else rows[0])
        return
    import psycopg

    raw = connection.connection.driver_connection
    try:
        with raw.pipeline(), raw.cursor() as cursor:
            for statement, rows in writes:
                cursor.executemany(_sql(statement, connection.dialect, tuple(rows[0])), [_bindable(r) for r in rows])
    except psycopg.Error as error:  # as SQLAlchemy reports it: OperationalError (a 503), IntegrityError, ...
        raise DBAPIError.instance(None, None, error, psycopg.Error) from error


@lru_cache(maxsize=64)
def _sql(statement: Executable, dialect: Dialect, keys: tuple[str, ...]) -> str:
    """The statement as the dialect compiles it for these parameters, as for an executemany (no RETURNING)."""
    return str(statement.compile(dialect=dialect, column_keys=list(keys), for_executemany=True))


def _bindable(row: Mapping[str, object]) -> dict[str, object]:
    """A JSON column's value as JSON text (the compiled statement casts it ``::JSON``), the rest as they are."""
    return {key: json.dumps(value) if isinstance(value, (dict, list)) else value for key, value in row.items()}
