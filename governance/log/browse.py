"""Reading a log newest first, one page at a time, narrowed to a proposal, a member or a type of event."""

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import func, or_, text
from sqlmodel import Session, select

from governance.log.canonical import parse_event
from governance.models import Coalition, LogEntry

__all__ = ["EntryFilter", "LogPage", "entry_types", "read_page"]

BATCH = 500


@dataclass(frozen=True)
class EntryFilter:
    """Which entries to show: of one type, about one proposal (its number), about one member (its slug)."""

    type: str | None = None
    number: int | None = None
    member: str | None = None

    def matches(self, event: dict) -> bool:
        body = event.get("body") or {}
        if self.number is not None and self.number not in (body.get("number"), body.get("proposal")):
            return False
        return self.member is None or body.get("member") == self.member


@dataclass(frozen=True)
class LogPage:
    entries: list[tuple[LogEntry, dict]]
    has_older: bool


def _contains(dialect: str, text: str):  # noqa: ANN202
    """The entry's bytes contain ``text``: PostgreSQL's LIKE on bytea (a '_' or '%' in ``text`` only widens the
    match, which the event's own fields then narrow), SQLite's instr on a BLOB (its LIKE does not read BLOBs)."""
    if dialect == "postgresql":
        return LogEntry.data.op("LIKE")(f"%{text}%".encode())
    return func.instr(LogEntry.data, text.encode()) > 0


def _prefilter(query, wanted: EntryFilter, dialect: str):  # noqa: ANN001, ANN202
    """Narrow in SQL on the canonical bytes (sorted keys, no spaces), so a rare member is not found by reading all."""
    if wanted.type:
        query = query.where(LogEntry.type == wanted.type)
    if wanted.number is not None:
        query = query.where(or_(*(_contains(dialect, f'"{key}":{wanted.number}{end}')
                                  for key in ("number", "proposal") for end in (",", "}"))))
    if wanted.member is not None:
        query = query.where(_contains(dialect, f'"member":"{wanted.member}"'))
    return query


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _newest_first(session: Session, coalition: Coalition, wanted: EntryFilter) -> Iterator[tuple[LogEntry, dict]]:
    below = None
    while True:
        query = select(LogEntry).where(LogEntry.coalition_id == coalition.id)
        if below is not None:
            query = query.where(LogEntry.idx < below)
        rows = session.exec(_prefilter(query, wanted, _dialect(session)).order_by(LogEntry.idx.desc()).limit(BATCH)).all()
        for row in rows:
            event = parse_event(row.data)
            if wanted.matches(event):  # the bytes matched; the event's own fields decide (a nested "member" does not)
                yield row, event
        if len(rows) < BATCH:
            return
        below = rows[-1].idx


def read_page(session: Session, *, coalition: Coalition, wanted: EntryFilter, page: int, size: int) -> LogPage:
    """Page ``page`` (from 1) of the entries ``wanted`` lets through, newest first, and whether older ones follow."""
    skip, entries = (page - 1) * size, []
    if wanted.number is None and wanted.member is None:  # the type is a column: the database pages alone
        query = _prefilter(select(LogEntry).where(LogEntry.coalition_id == coalition.id), wanted, _dialect(session))
        rows = session.exec(query.order_by(LogEntry.idx.desc()).offset(skip).limit(size + 1)).all()
        return LogPage([(row, parse_event(row.data)) for row in rows[:size]], len(rows) > size)
    for position, found in enumerate(_newest_first(session, coalition, wanted)):
        if position < skip:
            continue
        if len(entries) == size:
            return LogPage(entries, True)
        entries.append(found)
    return LogPage(entries, False)


_ENTRY_TYPES = text("""
WITH RECURSIVE kinds(type) AS (
    SELECT MIN(type) FROM log_entry WHERE coalition_id = :coalition
    UNION ALL
    SELECT (SELECT MIN(type) FROM log_entry WHERE coalition_id = :coalition AND type > kinds.type)
    FROM kinds WHERE kinds.type IS NOT NULL
)
SELECT type FROM kinds WHERE type IS NOT NULL""")


def entry_types(session: Session, coalition: Coalition) -> list[str]:
    """The types of event this log holds, in alphabetical order.

    One index lookup per type (the index on coalition, type and index: each step asks for the least type after the
    last), where SELECT DISTINCT reads every entry of the log; neither PostgreSQL nor SQLite skips through an index
    by itself."""
    return sorted(session.execute(_ENTRY_TYPES, {"coalition": coalition.id}).scalars())
