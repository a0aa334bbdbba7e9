"""Applications to join: sent without an account, followed by the secret of their private link."""

from datetime import datetime

from fastapi import Request, status
from pydantic import BaseModel, Field

from app.api.common import coalition_router
from app.api.schemas import Strict
from app.deps import NowDep, SessionDep, client_address
from governance import applications, coalitions
from governance.errors import NotFound

router = coalition_router("applications")


class ApplicationCreate(Strict):
    name: str = Field(min_length=1, max_length=200)
    country: str = Field(default="", max_length=100)
    statement: str = Field(default="", max_length=5000)
    contact: str = Field(min_length=1, max_length=200, description="Seen only by those who decide on it.")
    website: str = Field(default="", max_length=200, description="Leave empty (a field only bots fill).")


class ApplicationStatus(BaseModel):
    name: str
    status: str = Field(description="received, proposed or declined")
    reason: str
    proposal: int | None
    received_at: datetime


class ApplicationReceipt(ApplicationStatus):
    token: str | None = Field(description="The secret of the application's private link: shown once.")


def _status(application) -> ApplicationStatus:  # noqa: ANN001
    return ApplicationStatus(name=application.name, status=application.status,
                             reason=application.decision_reason, proposal=application.proposal_number,
                             received_at=application.created_at)


@router.post("/applications", status_code=status.HTTP_201_CREATED, response_model=ApplicationReceipt)
def submit(slug: str, body: ApplicationCreate, request: Request, session: SessionDep,
           now: NowDep) -> ApplicationReceipt:
    """Apply to join (no account; limited per address). Follow it at ``GET .../applications/{token}``."""
    coalition = coalitions.get_coalition(session, slug)
    if body.website:  # a bot: answered like anyone, nothing stored
        return ApplicationReceipt(name=body.name, status="received", reason="", proposal=None, received_at=now,
                                  token=None)
    request.app.state.application_limiter.check(key=client_address(request), now=now)
    application, token = applications.submit_application(
        session, coalition=coalition, name=body.name, country=body.country, statement=body.statement,
        contact=body.contact, now=now)
    return ApplicationReceipt(**_status(application).model_dump(), token=token)


@router.get("/applications/{token}", response_model=ApplicationStatus)
def read_status(slug: str, token: str, session: SessionDep) -> ApplicationStatus:
    coalition = coalitions.get_coalition(session, slug)
    application = applications.find_by_token(session, coalition=coalition, token=token)
    if application is None:
        raise NotFound("There is no such application; check the link you were given.")
    return _status(application)
