"""Proxies: a member grants another its proxy, the holder accepts or declines, the grantor revokes; all public."""

from datetime import datetime
from typing import Literal

from fastapi import Query, status
from pydantic import AwareDatetime, BaseModel, Field, StrictInt

from app.api.common import coalition_router
from app.api.schemas import Strict
from app.deps import CurrentAccountDep, NowDep, SessionDep, require_member_of
from app.proxy_views import caps_of, proxy_rows
from governance import coalitions, members, proxies
from governance.errors import Forbidden
from governance.models import Account, Coalition, Member, Proxy

router = coalition_router("proxies")
Status = Literal["pending", "accepted", "declined", "revoked", "lapsed"]


class ProxyGrant(Strict):
    holder: str = Field(min_length=1, max_length=80, description="The member that will vote for yours.")
    proposal: StrictInt | None = Field(default=None, ge=1, description="One ballot: the proposal's number.")
    kind: str | None = Field(default=None, max_length=32, description="Every ballot on a proposal of this kind.")
    until: AwareDatetime | None = Field(default=None, description="Every ballot, for votes cast before this moment.")


class ProxyPublic(BaseModel):
    number: int
    grantor: str
    grantor_name: str
    holder: str
    holder_name: str
    scope: Literal["ballot", "kind", "until"]
    proposal: int | None
    kind: str | None
    until: datetime | None
    status: Status
    in_force: bool = Field(description="Accepted and its scope not over: the holder may vote under it now.")
    granted_by: str
    granted_at: datetime
    granted_log_index: int
    answered_at: datetime | None
    answered_log_index: int | None
    ended_at: datetime | None
    ended_log_index: int | None


class ProxyCaps(BaseModel):
    max_held: int = Field(description="How many members one member may hold proxies for.")
    max_weight_share: str = Field(description="The largest share of the total weight a holder may reach, its own "
                                              "weight included.")


class ProxyList(BaseModel):
    caps: ProxyCaps | None = Field(description="The caps of the charter in force; null before it is adopted.")
    items: list[ProxyPublic]


def _public(row: dict) -> ProxyPublic:
    return ProxyPublic(**{name: row[name] for name in ProxyPublic.model_fields})


def _own_member(session, account: Account, coalition: Coalition) -> Member:  # noqa: ANN001
    require_member_of(account, coalition)
    member = session.get(Member, account.member_id) if account.member_id else None
    if member is None:
        raise Forbidden("Only a representative of a member grants, answers or revokes proxies.")
    return member


def _one(session, coalition: Coalition, proxy: Proxy) -> ProxyPublic:  # noqa: ANN001
    return _public(proxy_rows(session, coalition, [proxy])[0])


@router.get("/proxies", response_model=ProxyList)
def list_proxies(slug: str, session: SessionDep, member: str | None = None,
                 status_filter: Status | None = Query(None, alias="status")) -> ProxyList:
    """Every proxy of the coalition, newest first (a member's, if named), with the caps in force: proxies are public."""
    coalition = coalitions.get_coalition(session, slug)
    row = members.get_member(session, coalition=coalition, slug=member) if member else None
    rows = proxies.list_proxies(session, coalition=coalition, member=row,
                                statuses=[status_filter] if status_filter else None)
    caps = caps_of(session, coalition)
    return ProxyList(caps=ProxyCaps(**caps) if caps else None,
                     items=[_public(r) for r in proxy_rows(session, coalition, rows)])


@router.post("/proxies", status_code=status.HTTP_201_CREATED, response_model=ProxyPublic)
def grant_proxy(slug: str, body: ProxyGrant, session: SessionDep, account: CurrentAccountDep,
                now: NowDep) -> ProxyPublic:
    """Grant your organization's proxy to another member for one ballot, one proposal kind, or until a moment."""
    coalition = coalitions.get_coalition(session, slug)
    grantor = _own_member(session, account, coalition)
    holder = members.get_member(session, coalition=coalition, slug=body.holder)
    proxy = proxies.grant_proxy(session, coalition=coalition, actor=account, grantor=grantor, holder=holder,
                                proposal=body.proposal, kind=body.kind, until=body.until, now=now)
    return _one(session, coalition, proxy)


@router.get("/proxies/{number}", response_model=ProxyPublic)
def read_proxy(slug: str, number: int, session: SessionDep) -> ProxyPublic:
    coalition = coalitions.get_coalition(session, slug)
    return _one(session, coalition, proxies.get_proxy(session, coalition=coalition, number=number))


def _action(name: str):  # noqa: ANN202
    command = {"accept": proxies.accept_proxy, "decline": proxies.decline_proxy, "revoke": proxies.revoke_proxy}[name]

    def act(slug: str, number: int, session: SessionDep, account: CurrentAccountDep, now: NowDep) -> ProxyPublic:
        coalition = coalitions.get_coalition(session, slug)
        require_member_of(account, coalition)
        proxy = command(session, coalition=coalition, actor=account,
                        proxy=proxies.get_proxy(session, coalition=coalition, number=number), now=now)
        return _one(session, coalition, proxy)

    act.__name__ = f"{name}_proxy"
    act.__doc__ = {"accept": "Accept a proxy addressed to your organization, within the charter's caps.",
                   "decline": "Decline a proxy addressed to your organization.",
                   "revoke": "Revoke your organization's proxy (refused once the holder voted under a one-ballot "
                             "proxy; your own vote overrides it until the ballot closes)."}[name]
    return act


for _name in ("accept", "decline", "revoke"):
    router.post(f"/proxies/{{number}}/{_name}", response_model=ProxyPublic)(_action(_name))
