"""What every coalition route shares: closing due ballots first, pagination, the exact-JSON router."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from sqlmodel import Session

from app.api.schemas import ERROR_RESPONSES
from app.db import READS, write_session
from app.deps import NowDep, SessionDep
from app.exactjson import ExactJSONRoute
from governance import ballots, coalitions


def settle_due(request: Request, slug: str, now: NowDep, session: SessionDep) -> None:
    """Close the coalition's overdue ballots in a transaction of their own, before the request reads or writes.

    The check is the first statement of the request's own session (no second session and connection per request).
    When a ballot is due, a write request closes it in that session and commits before its own transaction starts
    (on SQLite it already holds the write lock, so a second writer would wait on it); a read request ends its read
    transaction, so its next statement sees the closing, and closes in a write session of its own. Either way the
    closing runs under the log's head lock, so each ballot closes once.
    """
    if not ballots.due_exists(session, slug=slug, now=now):
        return
    if request.method in READS:
        session.rollback()
        with write_session(request.app.state.engine) as writer:
            writer.info["log_signer"] = request.app.state.log_signer
            _close_due(writer, slug, now)
        return
    _close_due(session, slug, now)
    session.expire_all()


def _close_due(session: Session, slug: str, now: datetime) -> None:
    ballots.close_due(session, coalition=coalitions.get_coalition(session, slug), now=now)
    session.commit()


def coalition_router(tag: str) -> APIRouter:
    return APIRouter(prefix="/api/v1/coalitions/{slug}", tags=[tag], route_class=ExactJSONRoute,
                     responses=ERROR_RESPONSES,
                     dependencies=[Depends(settle_due)])


Offset = Annotated[int, Query(ge=0, le=1_000_000)]
Limit = Annotated[int, Query(ge=1, le=500)]
