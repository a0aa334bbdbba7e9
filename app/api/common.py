"""What every coalition route shares: due ballots closed first (``app.deps.settle_due``), pagination, exact JSON."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from app.api.schemas import ERROR_RESPONSES
from app.deps import settle_due
from app.exactjson import ExactJSONRoute


def coalition_router(tag: str) -> APIRouter:
    return APIRouter(prefix="/api/v1/coalitions/{slug}", tags=[tag], route_class=ExactJSONRoute,
                     responses=ERROR_RESPONSES,
                     dependencies=[Depends(settle_due)])


Offset = Annotated[int, Query(ge=0, le=1_000_000)]
Limit = Annotated[int, Query(ge=1, le=500)]
