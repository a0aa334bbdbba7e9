"""What every coalition route shares: closing due ballots first, pagination, the exact-JSON router."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from app.api.schemas import ERROR_RESPONSES
from app.db import read_session, write_session
from app.deps import NowDep
from app.exactjson import ExactJSONRoute
from governance import ballots, coalitions


def settle_due(request: Request, slug: str, now: NowDep) -> None:
    """Close the coalition's overdue ballots in their own transaction, before the request reads or writes."""
    engine = request.app.state.engine
    with read_session(engine) as session:
        if not ballots.due_exists(session, slug=slug, now=now):
            return
    with write_session(engine) as session:
        session.info["log_signer"] = request.app.state.log_signer
        coalition = coalitions.get_coalition(session, slug)
        ballots.close_due(session, coalition=coalition, now=now)
        session.commit()


def coalition_router(tag: str) -> APIRouter:
    return APIRouter(prefix="/api/v1/coalitions/{slug}", tags=[tag], route_class=ExactJSONRoute,
                     responses=ERROR_RESPONSES,
                     dependencies=[Depends(settle_due)])


Offset = Annotated[int, Query(ge=0, le=1_000_000)]
Limit = Annotated[int, Query(ge=1, le=500)]
