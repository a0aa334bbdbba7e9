"""Notifications in the API: an account's preferences, webhook endpoints, the secretariat's dead letters."""

from datetime import datetime

from fastapi import Request, Response, status
from pydantic import BaseModel, Field

from app.api.common import coalition_router
from app.deps import CurrentAccountDep, NowDep, SessionDep, require_admin, require_member_of
from app.i18n import LOCALES
from app.outbox.webhooks import checked_url, new_secret
from governance import coalitions, outbox, subscriptions
from governance.models import WebhookEndpoint
from governance.notices import CHANNELS, KINDS

router = coalition_router("notifications")


class Preferences(BaseModel):
    email: str = Field("", max_length=320)
    language: str = Field("en", max_length=8)
    time_zone: str = Field("UTC", max_length=64)
    digest: bool = False
    on: list[str] = Field(default_factory=lambda: [f"{k}:{c}" for k in KINDS for c in CHANNELS],
                          description='the switches that are on, "kind:channel" ("ballot.opened:email")')


class EndpointCreate(BaseModel):
    url: str = Field(max_length=2000)
    events: list[str] = Field(default_factory=list, max_length=10)
    secretariat: bool = Field(False, description="the secretariat's endpoint (admins) rather than your own")


class EndpointPublic(BaseModel):
    id: int
    url: str
    events: list[str]
    secretariat: bool
    created_at: datetime
    secret: str | None = Field(None, description="shown once, when the endpoint is registered")


class DeadLetter(BaseModel):
    id: int
    key: str
    kind: str
    channel: str
    attempts: int
    last_error: str
    created_at: datetime


def _endpoint(endpoint: WebhookEndpoint, secret: str | None = None) -> EndpointPublic:
    return EndpointPublic(id=endpoint.id, url=endpoint.url, events=endpoint.kinds,
                          secretariat=endpoint.account_id is None, created_at=endpoint.created_at, secret=secret)


@router.get("/notifications/preferences", response_model=Preferences)
def read_preferences(slug: str, session: SessionDep, account: CurrentAccountDep) -> Preferences:
    require_member_of(account, coalitions.get_coalition(session, slug))
    found = subscriptions.find_preference(session, account)
    if found is None:
        return Preferences()
    off = set(found.off)
    return Preferences(email=found.email, language=found.language, time_zone=found.time_zone, digest=found.digest,
                       on=[f"{k}:{c}" for k in KINDS for c in CHANNELS if f"{k}:{c}" not in off])


@router.put("/notifications/preferences", response_model=Preferences)
def write_preferences(slug: str, body: Preferences, session: SessionDep, account: CurrentAccountDep,
                      now: NowDep) -> Preferences:
    require_member_of(account, coalitions.get_coalition(session, slug))
    subscriptions.save_preference(session, account=account, email=body.email, language=body.language,
                                  languages=LOCALES, time_zone=body.time_zone, digest=body.digest, on=body.on, now=now)
    return body


@router.post("/webhooks", status_code=status.HTTP_201_CREATED, response_model=EndpointPublic)
def register_webhook(slug: str, body: EndpointCreate, request: Request, session: SessionDep,
                     account: CurrentAccountDep, now: NowDep) -> EndpointPublic:
    """Register an endpoint; the answer shows its signing secret, this once."""
    coalition = coalitions.get_coalition(session, slug)
    secret = new_secret()
    endpoint = subscriptions.register_endpoint(session, coalition=coalition, actor=account,
                                               url=checked_url(request, body.url), kinds=body.events, secret=secret,
                                               for_secretariat=body.secretariat, now=now)
    return _endpoint(endpoint, secret)


@router.get("/webhooks", response_model=list[EndpointPublic])
def list_webhooks(slug: str, session: SessionDep, account: CurrentAccountDep) -> list[EndpointPublic]:
    """Your own endpoints, and the secretariat's if you are an admin."""
    coalition = coalitions.get_coalition(session, slug)
    require_member_of(account, coalition)
    found = subscriptions.list_endpoints(session, coalition=coalition, account=account)
    if account.role == "admin":
        found = subscriptions.list_endpoints(session, coalition=coalition, account=None) + found
    return [_endpoint(e) for e in found]


@router.delete("/webhooks/{endpoint_id}", status_code=status.HTTP_204_NO_CONTENT)
def remove_webhook(slug: str, endpoint_id: int, session: SessionDep, account: CurrentAccountDep) -> Response:
    subscriptions.remove_endpoint(session, coalition=coalitions.get_coalition(session, slug), actor=account,
                                  endpoint_id=endpoint_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/outbox/dead", response_model=list[DeadLetter])
def dead_letters(slug: str, session: SessionDep, account: CurrentAccountDep) -> list[DeadLetter]:
    """Notifications that could not be delivered after every attempt (admins)."""
    coalition = coalitions.get_coalition(session, slug)
    require_admin(account, coalition)
    return [DeadLetter(id=n.id, key=n.key, kind=n.kind, channel=n.channel, attempts=n.attempts,
                       last_error=n.last_error, created_at=n.created_at)
            for n in outbox.dead_letters(session, coalition=coalition)]


@router.post("/outbox/{notification_id}/send-again", response_model=DeadLetter)
def send_again(slug: str, notification_id: int, session: SessionDep, account: CurrentAccountDep,
               now: NowDep) -> DeadLetter:
    n = outbox.send_again(session, coalition=coalitions.get_coalition(session, slug), actor=account,
                          notification_id=notification_id, now=now)
    return DeadLetter(id=n.id, key=n.key, kind=n.kind, channel=n.channel, attempts=n.attempts,
                      last_error=n.last_error, created_at=n.created_at)
