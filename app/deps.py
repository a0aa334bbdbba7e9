"""Annotated dependency aliases: the session, the clock, the signed-in account."""

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from app.db import get_session
from governance import accounts
from governance.errors import N_, Forbidden, Unauthorized
from governance.models import Account, Coalition

SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SIGN_IN = N_("Sign in or send an API token (Authorization: Bearer <token>).")


async def get_now(request: Request) -> datetime:
    """Async, as ``get_current_account``: FastAPI runs a sync dependency on a worker thread, a hop per request."""
    clock: Callable[[], datetime] = request.app.state.clock
    return clock()


NowDep = Annotated[datetime, Depends(get_now)]


def bearer_secret(request: Request) -> str | None:
    """The API token a request sends (``Authorization: Bearer <token>``), None if it sends no Authorization header;
    any other Authorization header is refused."""
    header = request.headers.get("authorization", "")
    scheme, _, secret = header.partition(" ")
    if header and scheme.lower() == "bearer" and secret.strip():
        return secret.strip()
    if header:
        raise Unauthorized("Send your API token as 'Authorization: Bearer <token>'.")
    return None


def client_address(request: Request) -> str:
    """The address a rate limit counts by: the peer, or ``X-Forwarded-For`` from a proxy on 127.0.0.1 (uvicorn)."""
    return request.client.host if request.client else "unknown"


def get_optional_account(request: Request, session: SessionDep) -> Account | None:
    secret = bearer_secret(request)
    if secret is not None:
        return accounts.account_for_token(session, secret)
    session_account = getattr(request.state, "session_account", None)
    if session_account is not None:
        return session.get(Account, session_account)
    return None


OptionalAccountDep = Annotated[Account | None, Depends(get_optional_account)]


async def get_current_account(account: OptionalAccountDep) -> Account:
    if account is None:
        raise Unauthorized(SIGN_IN)
    return account


CurrentAccountDep = Annotated[Account, Depends(get_current_account)]


def require_admin(account: Account, coalition: Coalition) -> Account:
    if account.coalition_id != coalition.id or account.role != "admin":
        raise Forbidden("Only an admin of %(coalition)s can do this.", coalition=coalition.name)
    return account


def require_member_of(account: Account, coalition: Coalition) -> Account:
    if account.coalition_id != coalition.id:
        raise Forbidden("Your account belongs to another coalition, not %(coalition)s.", coalition=coalition.name)
    return account
