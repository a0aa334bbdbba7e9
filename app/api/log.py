"""The coalition's event log, read publicly."""

import base64

from fastapi import HTTPException, Query
from sqlmodel import select

from app.api.common import coalition_router
from app.api.schemas import LogEntries, LogEntryPublic
from app.deps import SessionDep
from governance import coalitions
from governance.log import store
from governance.log.canonical import parse_event
from governance.models import LogEntry

router = coalition_router("log")
MAX_PAGE = 1000


@router.get("/log/entries", response_model=LogEntries)
def read_entries(slug: str, session: SessionDep, start: int = Query(0, ge=0),
                 end: int | None = Query(None, ge=0)) -> LogEntries:
    """Entries ``start`` (inclusive) to ``end`` (exclusive, at most 1000 at a time), each with its exact bytes."""
    coalition = coalitions.get_coalition(session, slug)
    size = store.log_size(session, coalition)
    stop = min(size, end if end is not None else start + MAX_PAGE, start + MAX_PAGE)
    if end is not None and end < start:
        raise HTTPException(422, "end must not be smaller than start.")
    rows = session.exec(select(LogEntry).where(LogEntry.coalition_id == coalition.id, LogEntry.idx >= start,
                                               LogEntry.idx < stop).order_by(LogEntry.idx))
    return LogEntries(size=size, items=[
        LogEntryPublic(index=row.idx, type=row.type, leaf=base64.b64encode(row.data).decode(),
                       event=parse_event(row.data)) for row in rows])
