"""Accounts of a coalition, and the API tokens of the signed-in account."""

from fastapi import APIRouter, Request, status
from sqlmodel import select

from app.api.common import coalition_router
from app.api.schemas import ERROR_RESPONSES, AccountCreate, AccountPublic, TokenCreate, TokenIssued, TokenPublic
from app.deps import CurrentAccountDep, client_address, NowDep, SessionDep, require_admin
from app.exactjson import ExactJSONRoute
from governance import accounts, coalitions, members
from governance.models import Account, ApiToken, Coalition, Member

router = coalition_router("accounts")
auth = APIRouter(prefix="/api/v1/auth", tags=["auth"], route_class=ExactJSONRoute, responses=ERROR_RESPONSES)


def public(session, account: Account) -> AccountPublic:  # noqa: ANN001
    member = session.get(Member, account.member_id) if account.member_id else None
    coalition = session.get(Coalition, account.coalition_id)
    return AccountPublic(username=account.username, display_name=account.display_name, role=account.role,
                         member=member.slug if member else None, coalition=coalition.slug, active=account.active)


def token_public(token: ApiToken) -> TokenPublic:
    return TokenPublic(id=token.id, name=token.name, prefix=token.prefix, created_at=token.created_at,
                       revoked_at=token.revoked_at)


@router.get("/accounts", response_model=list[AccountPublic])
def list_accounts(slug: str, session: SessionDep, account: CurrentAccountDep) -> list[AccountPublic]:
    """Every account of the coalition (admins)."""
    coalition = coalitions.get_coalition(session, slug)
    require_admin(account, coalition)
    rows = session.exec(select(Account).where(Account.coalition_id == coalition.id).order_by(Account.username))
    return [public(session, row) for row in rows]


@router.post("/accounts", status_code=status.HTTP_201_CREATED, response_model=AccountPublic)
def create_account(slug: str, body: AccountCreate, session: SessionDep, account: CurrentAccountDep,
                   now: NowDep) -> AccountPublic:
    """Grant an account: an admin, or a representative of one member organization (admins)."""
    coalition = coalitions.get_coalition(session, slug)
    require_admin(account, coalition)
    member = members.get_member(session, coalition=coalition, slug=body.member) if body.member else None
    created = accounts.create_account(session, coalition=coalition, actor=account.username, username=body.username,
                                      password=body.password, role=body.role, member=member,
                                      display_name=body.display_name, now=now)
    return public(session, created)


@router.delete("/accounts/{username}", response_model=AccountPublic)
def revoke_account(slug: str, username: str, session: SessionDep, account: CurrentAccountDep,
                   now: NowDep) -> AccountPublic:
    """Revoke an account and its tokens (admins)."""
    coalition = coalitions.get_coalition(session, slug)
    require_admin(account, coalition)
    target = accounts.get_account(session, coalition=coalition, username=username)
    accounts.revoke_account(session, coalition=coalition, actor=account, account=target, now=now)
    return public(session, target)


@auth.post("/tokens", status_code=status.HTTP_201_CREATED, response_model=TokenIssued)
def issue_token(body: TokenCreate, request: Request, session: SessionDep, now: NowDep) -> TokenIssued:
    """Exchange a username and password for a bearer token (shown once)."""
    request.app.state.login_limiter.check(username=body.username, address=_address(request), now=now)
    account = accounts.authenticate(session, username=body.username, password=body.password)
    token, secret = accounts.issue_token(session, account=account, name=body.name, now=now)
    return TokenIssued(**token_public(token).model_dump(), token=secret)


_address = client_address


@auth.get("/tokens", response_model=list[TokenPublic])
def list_tokens(session: SessionDep, account: CurrentAccountDep) -> list[TokenPublic]:
    return [token_public(t) for t in accounts.list_tokens(session, account=account)]


@auth.delete("/tokens/{token_id}", response_model=TokenPublic)
def revoke_token(token_id: int, session: SessionDep, account: CurrentAccountDep, now: NowDep) -> TokenPublic:
    return token_public(accounts.revoke_token(session, account=account, token_id=token_id, now=now))


@auth.get("/me", response_model=AccountPublic)
def me(session: SessionDep, account: CurrentAccountDep) -> AccountPublic:
    return public(session, account)
