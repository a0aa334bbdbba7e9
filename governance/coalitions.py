"""Coalitions: creation with their first admin, public profile, default rules per proposal kind."""

from collections.abc import Mapping
from datetime import datetime
from functools import cache
from zoneinfo import available_timezones

from sqlalchemy import bindparam
from sqlmodel import Session, select

from governance import accounts, charter, rules
from governance.errors import Conflict, NotFound, RuleViolation
from governance.log import store
from governance.models import Account, Coalition, CoalitionRule
from governance.text import check_slug, clean_text

__all__ = ["check_time_zone", "create_coalition", "find_coalition", "get_coalition", "get_rules", "list_coalitions",
           "set_rule", "set_time_zone", "time_zones"]


_BY_SLUG = select(Coalition).where(Coalition.slug == bindparam("slug"))  # the hottest read, built once


def find_coalition(session: Session, slug: str) -> Coalition | None:
    return session.exec(_BY_SLUG, params={"slug": slug}).first()


def get_coalition(session: Session, slug: str) -> Coalition:
    coalition = find_coalition(session, slug)
    if coalition is None:
        raise NotFound("There is no coalition %(slug)s.", slug=repr(slug))
    return coalition


def list_coalitions(session: Session, *, offset: int = 0, limit: int = 50) -> list[Coalition]:
    return list(session.exec(select(Coalition).order_by(Coalition.slug).offset(offset).limit(limit)))


def create_coalition(
    session: Session, *, slug: str, name: str, description: str, admin_username: str, admin_password: str,
    now: datetime, log_key: str | None = None,
) -> tuple[Coalition, Account]:
    """Stage a coalition, its default rules and its first admin; ``coalition.created`` is entry 0 of its log."""
    slug = check_slug(slug.strip().lower(), what="Coalition")
    name = clean_text(name, field="name", max_length=200)
    description = clean_text(description, field="description", max_length=5000, required=False)
    if find_coalition(session, slug):
        raise Conflict("A coalition with the slug %(slug)s already exists; choose another slug.", slug=repr(slug))
    accounts.hash_password(admin_password)  # refuse a weak password before anything is staged
    coalition = Coalition(slug=slug, name=name, description=description, created_at=now)
    session.add(coalition)
    session.flush()
    defaults = rules.default_rules()
    for kind, rule in defaults.items():
        session.add(CoalitionRule(coalition_id=coalition.id, kind=kind, rule=rule, updated_at=now))
    store.append(session, coalition=coalition, type="coalition.created", body={
        "slug": slug, "name": name, "description": description, "rules": defaults, "log_key": log_key,
    })
    admin = accounts.create_account(session, coalition=coalition, actor=admin_username.strip().lower(),
                                    username=admin_username, password=admin_password, role="admin", now=now)
    return coalition, admin


def get_rules(session: Session, coalition: Coalition) -> dict[str, dict]:
    """The rule of each proposal kind: the materialized copy of the charter's ``decision_rules`` once adopted."""
    rows = session.exec(select(CoalitionRule).where(CoalitionRule.coalition_id == coalition.id))
    return {row.kind: row.rule for row in rows}


def set_rule(
    session: Session, *, coalition: Coalition, actor: str, kind: str, rule: Mapping[str, object], now: datetime,
    reason: str, proposal: int | None = None,
) -> dict:
    """Replace the default rule for ``kind``; logged as ``rules.changed`` (in set-up only: an adopted charter changes
    its rules only by a passed rule_change proposal)."""
    store.lock_head(session, coalition)
    charter.refuse_direct_write(session, coalition, "rule")
    stored = rules.normalize_rule(kind, rule)
    reason = clean_text(reason, field="reason", max_length=1000)
    row = session.exec(
        select(CoalitionRule).where(CoalitionRule.coalition_id == coalition.id, CoalitionRule.kind == kind)
    ).one()
    row.rule, row.updated_at = stored, now
    session.add(row)
    store.append(session, coalition=coalition, type="rules.changed", body={
        "kind": kind, "rule": stored, "reason": reason, "actor": actor, "proposal": proposal,
    })
    return stored


@cache
def time_zones() -> frozenset[str]:
    """The IANA time zone names this system's tz database knows (``zoneinfo``)."""
    return frozenset(available_timezones()) | {"UTC"}


def check_time_zone(name: str) -> str:
    """``name`` when it is an IANA time zone name (RFC 6557: "Asia/Baghdad", "UTC"), else RuleViolation."""
    name = name.strip()
    if name not in time_zones():
        raise RuleViolation("%(zone)s is not a time zone; give an IANA name such as Asia/Baghdad or UTC.",
                            zone=repr(name))
    return name


def set_time_zone(session: Session, *, coalition: Coalition, actor: str, time_zone: str) -> Coalition:
    """Set the time zone the coalition's pages show times in; logged. Times are stored and logged in UTC."""
    zone = check_time_zone(time_zone)
    store.lock_head(session, coalition)
    coalition.time_zone = zone
    session.add(coalition)
    store.append(session, coalition=coalition, type="coalition.time_zone_set", body={"time_zone": zone, "actor": actor})
    return coalition
