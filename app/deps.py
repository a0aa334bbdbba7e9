"""Request dependencies, shared by pages and API: the session, the clock, the signed-in account, due ballots closed."""

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from app.db import READS, get_session, write_session
from governance import accounts, ballots, coalitions
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


def limit_anonymous_what_ifs(request: Request, session: Session) -> None:
    """Without an account, what-ifs are limited per address like signing in (each one is a power computation)."""
    if get_optional_account(request, session) is None:
        request.app.state.what_if_limiter.check(key=client_address(request), now=request.app.state.clock())


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
