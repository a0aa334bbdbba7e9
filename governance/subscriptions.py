"""Who hears what: each account's notification preferences (address, language, time zone, switches per kind and
channel, daily digest) and the webhook endpoints of the secretariat and of members."""

import re
import secrets
from collections.abc import Iterable
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import available_timezones

from sqlmodel import Session, select

from governance.errors import Forbidden, NotFound, RuleViolation
from governance.models import Account, Coalition, NotificationPreference, WebhookEndpoint
from governance.notices import CHANNELS, KINDS, PUBLIC_KINDS

__all__ = ["find_preference", "get_by_token", "list_endpoints", "register_endpoint", "remove_endpoint",
           "save_preference", "unsubscribe"]

EMAIL = re.compile(r"^[^@\s<>\"]{1,64}@[^@\s<>\"]+\.[^@\s<>\"]+$")
MAX_ENDPOINTS = 20


def find_preference(session: Session, account: Account) -> NotificationPreference | None:
    return session.get(NotificationPreference, account.id)


def save_preference(session: Session, *, account: Account, email: str, language: str, languages: Iterable[str],
                    time_zone: str, digest: bool, on: Iterable[str], now: datetime) -> NotificationPreference:
    """Store what ``account`` hears about: ``on`` lists the "kind:channel" switches that are on, the rest are off."""
    email = email.strip()
    if email and not EMAIL.match(email):
        raise RuleViolation("email: %(email)s is not an e-mail address.", email=repr(email))
    if language not in set(languages):
        raise RuleViolation("language must be one of %(languages)s.", languages=", ".join(sorted(languages)))
    if time_zone not in available_timezones():
        raise RuleViolation("time zone: %(zone)s is not a time zone name such as Africa/Khartoum.",
                            zone=repr(time_zone))
    switches = {f"{kind}:{channel}" for kind in KINDS for channel in CHANNELS}
    preference = find_preference(session, account) or NotificationPreference(
        account_id=account.id, unsubscribe_token=secrets.token_urlsafe(24), updated_at=now)
    preference.email, preference.language, preference.time_zone, preference.digest = email, language, time_zone, digest
    preference.off, preference.updated_at = sorted(switches - set(on)), now
    session.add(preference)
    return preference


def get_by_token(session: Session, token: str) -> NotificationPreference:
    found = session.exec(select(NotificationPreference).where(NotificationPreference.unsubscribe_token == token)).first()
    if found is None:
        raise NotFound("This unsubscribe link is not valid (any more).")
    return found


def unsubscribe(session: Session, *, token: str, kind: str | None, now: datetime) -> NotificationPreference:
    """One-click unsubscribe: e-mails of ``kind`` (every kind if None) stop for the account the link belongs to."""
    preference = get_by_token(session, token)
    kinds = [kind] if kind in KINDS else list(KINDS)
    preference.off = sorted(set(preference.off) | {f"{k}:email" for k in kinds})
    preference.updated_at = now
    session.add(preference)
    return preference


def list_endpoints(session: Session, *, coalition: Coalition, account: Account | None) -> list[WebhookEndpoint]:
    """The secretariat's endpoints (``account`` None) or one account's own."""
    owner = WebhookEndpoint.account_id.is_(None) if account is None else WebhookEndpoint.account_id == account.id
    return list(session.exec(select(WebhookEndpoint).where(WebhookEndpoint.coalition_id == coalition.id,
                                                           WebhookEndpoint.active, owner)
                             .order_by(WebhookEndpoint.id)))


def register_endpoint(session: Session, *, coalition: Coalition, actor: Account, url: str, kinds: Iterable[str],
                      secret: str, for_secretariat: bool, now: datetime) -> WebhookEndpoint:
    """Register a webhook endpoint: the secretariat's takes the public kinds it names; a member's own gets that
    account's notifications (its preferences choose which)."""
    if actor.coalition_id != coalition.id:
        raise Forbidden("Your account belongs to another coalition, not %(coalition)s.", coalition=coalition.name)
    if for_secretariat and actor.role != "admin":
        raise Forbidden("Only an admin of %(coalition)s can do this.", coalition=coalition.name)
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 2000:
        raise RuleViolation("url: a webhook URL starts with https:// (or http://) and names a host.")
    chosen = sorted(set(kinds))
    if for_secretariat:
        unknown = [k for k in chosen if k not in PUBLIC_KINDS]
        if unknown or not chosen:
            raise RuleViolation("events: choose one or more of %(kinds)s.", kinds=", ".join(PUBLIC_KINDS))
    owner = None if for_secretariat else actor
    if len(list_endpoints(session, coalition=coalition, account=owner)) >= MAX_ENDPOINTS:
        raise RuleViolation("At most %(count)s webhook endpoints each.", count=MAX_ENDPOINTS)
    endpoint = WebhookEndpoint(coalition_id=coalition.id, account_id=None if for_secretariat else actor.id, url=url,
                               secret=secret, kinds=chosen if for_secretariat else list(KINDS), created_at=now)
    session.add(endpoint)
    session.flush()
    return endpoint


def remove_endpoint(session: Session, *, coalition: Coalition, actor: Account, endpoint_id: int) -> None:
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or endpoint.coalition_id != coalition.id or not endpoint.active:
        raise NotFound("No webhook endpoint %(id)s in %(coalition)s.", id=endpoint_id, coalition=coalition.name)
    mine = endpoint.account_id == actor.id
    if not mine and not (endpoint.account_id is None and actor.role == "admin" and actor.coalition_id == coalition.id):
        raise Forbidden("Only whoever registered this endpoint can remove it.")
    endpoint.active = False
    session.add(endpoint)
