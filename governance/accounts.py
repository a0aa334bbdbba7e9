"""Accounts, passwords (Argon2) and API tokens (stored as SHA-256 digests)."""

import hashlib
import secrets
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, select

from governance.errors import N_, Conflict, Forbidden, NotFound, RuleViolation, Unauthorized
from governance.log import store
from governance.models import Account, ApiToken, Coalition, Member, WebSession
from governance.text import clean_text

__all__ = [
    "authenticate", "account_for_token", "create_account", "end_web_session", "get_account", "hash_password",
    "issue_token", "list_tokens", "revoke_account", "revoke_token", "start_web_session", "token_digest",
    "web_session_account",
]

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("concord-timing-equalizer")
TOKEN_PREFIX = "cnc_"
REVOKED_ACCOUNT = N_("This account has been revoked.")
MIN_PASSWORD = 10


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise RuleViolation("The password must be at least %(length)s characters long.", length=MIN_PASSWORD)
    if len(password) > 1024:
        raise RuleViolation("The password must be at most 1024 characters long.")
    return _hasher.hash(password)


def _username(value: str) -> str:
    name = clean_text(value, field="username", max_length=80).lower()
    if not all(ch.isalnum() or ch in "._-@" for ch in name):
        raise RuleViolation("A username may hold letters, digits and . _ - @ only.")
    return name


def find_account(session: Session, username: str) -> Account | None:
    return session.exec(select(Account).where(Account.username == username.strip().lower())).first()


def get_account(session: Session, *, coalition: Coalition, username: str) -> Account:
    account = find_account(session, username)
    if account is None or account.coalition_id != coalition.id:
        raise NotFound("No account %(username)s in %(coalition)s.", username=repr(username), coalition=coalition.name)
    return account


def create_account(
    session: Session, *, coalition: Coalition, actor: str, username: str, password: str, role: str,
    member: Member | None = None, display_name: str = "", now: datetime,
) -> Account:
    """Stage an admin or representative account and its ``account.granted`` event."""
    store.lock_head(session, coalition)
    name = _username(username)
    if role not in ("admin", "representative"):
        raise RuleViolation("role must be 'admin' or 'representative'.")
    if (role == "representative") != (member is not None):
        raise RuleViolation("A representative account needs a member organization; an admin account has none.")
    if member is not None and member.status != "active":
        raise Conflict("%(member)s is %(status)s; only active members get representatives.", member=member.name,
                       status=member.status)
    if find_account(session, name):
        raise Conflict("The username %(username)s is taken; choose another.", username=repr(name))
    account = Account(
        coalition_id=coalition.id, username=name, role=role, member_id=member.id if member else None,
        display_name=clean_text(display_name, field="display name", max_length=200, required=False),
        password_hash=hash_password(password), created_at=now,
    )
    session.add(account)
    session.flush()
    store.append(session, coalition=coalition, type="account.granted", body={
        "account": name, "role": role, "member": member.slug if member else None, "actor": actor,
    })
    return account


def revoke_account(
    session: Session, *, coalition: Coalition, actor: Account, account: Account, now: datetime
) -> None:
    """Deactivate an account and all its tokens; the account stays in the history."""
    store.lock_head(session, coalition)
    session.refresh(account)
    if not account.active:
        raise Conflict("The account %(username)s is already revoked.", username=repr(account.username))
    if account.id == actor.id:
        raise Conflict("You cannot revoke your own account; ask another admin.")
    account.active = False
    for token in session.exec(select(ApiToken).where(ApiToken.account_id == account.id, ApiToken.revoked_at.is_(None))):
        token.revoked_at = now
        session.add(token)
    session.add(account)
    store.append(session, coalition=coalition, type="account.revoked",
                 body={"account": account.username, "actor": actor.username})


def authenticate(session: Session, *, username: str, password: str) -> Account:
    """The active account with these credentials, or Unauthorized (same message and cost either way)."""
    account = find_account(session, username)
    try:
        if account is None or not account.active:
            _hasher.verify(_DUMMY_HASH, password + "x")
        _hasher.verify(account.password_hash, password)
    except (VerificationError, InvalidHashError, AttributeError):
        raise Unauthorized("Wrong username or password.") from None
    return account


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_web_session(session: Session, *, account: Account, sid: str, now: datetime) -> None:
    """Record a browser sign-in under the digest of its random id."""
    session.add(WebSession(sid_hash=token_digest(sid), account_id=account.id, created_at=now))


def end_web_session(session: Session, *, sid: str, now: datetime) -> None:
    """Revoke a browser sign-in, so a copy of its cookie no longer signs anyone in."""
    row = session.get(WebSession, token_digest(sid))
    if row is not None and row.revoked_at is None:
        row.revoked_at = now
        session.add(row)


def web_session_account(session: Session, *, sid: str, account_id: int) -> Account | None:
    """The active account of a live browser sign-in, or None."""
    row = session.get(WebSession, token_digest(sid))
    if row is None or row.revoked_at is not None or row.account_id != account_id:
        return None
    account = session.get(Account, account_id)
    return account if account is not None and account.active else None


def issue_token(session: Session, *, account: Account, name: str, now: datetime) -> tuple[ApiToken, str]:
    """A new bearer token: the secret is returned once and stored only as its digest."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(account_id=account.id, name=clean_text(name or "api", field="token name", max_length=100),
                     token_hash=token_digest(secret), prefix=secret[:10], created_at=now)
    session.add(token)
    session.flush()
    return token, secret


def list_tokens(session: Session, *, account: Account) -> list[ApiToken]:
    return list(session.exec(select(ApiToken).where(ApiToken.account_id == account.id).order_by(ApiToken.id)))


def revoke_token(session: Session, *, account: Account, token_id: int, now: datetime) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None or token.account_id != account.id:
        raise NotFound("You have no token %(token)s.", token=token_id)
    if token.revoked_at is None:
        token.revoked_at = now
        session.add(token)
    return token


def account_for_token(session: Session, secret: str) -> Account:
    """The active account of a live API token, in one query (the token outer-joined to its account)."""
    row = session.exec(select(ApiToken.revoked_at, Account).outerjoin(Account, Account.id == ApiToken.account_id)
                       .where(ApiToken.token_hash == token_digest(secret))).first()
    if row is None or row[0] is not None:
        raise Unauthorized("This API token is unknown or revoked.")
    account = row[1]
    if account is None or not account.active:
        raise Forbidden(REVOKED_ACCOUNT)
    return account
