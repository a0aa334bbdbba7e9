"""The charter: its versions, the founding act, and the passed change proposals that make every later version.

A coalition is in set-up until its charter's version 1 is recorded; from then on the rules document of the version in
force is the one source of truth for decision rules, weights, membership and settings. ``Member`` weights and statuses
and ``CoalitionRule`` rows are a materialized copy, written only here, by recording a charter version.
"""

from collections.abc import Mapping
from datetime import datetime

from sqlmodel import Session, func, select

from governance import rules as rules_
from governance.errors import N_, Conflict, Forbidden, NotFound, RuleViolation
from governance.log import store
from governance.log.charter_rules import (CHANGE_KINDS, SETTINGS, CharterError, CharterSettings, apply_change,
                                          changed_fields, founding_rules, settle_change, version_hash)
from governance.models import Account, Charter, Coalition, CoalitionRule, Member, Proposal, WeightChange
from governance.text import clean_text
from voting.exact import ExactNumberError, format_exact, parse_exact

__all__ = ["CHANGE_KINDS", "charter_in_force", "count_versions", "document", "exact_settings", "found_charter",
           "get_version", "is_constituted", "list_versions", "record_emergency_suspension", "refuse_direct_write",
           "settings", "settle_passed"]

MAX_TEXT = 100_000
DIRECT_WRITES = {
    "weight": N_("Weights change only by a passed weight_change proposal."),
    "rule": N_("Decision rules change only by a passed rule_change proposal."),
    "admission": N_("Members join only by a passed admission proposal."),
    "suspend": N_("A member is suspended only by a passed suspension proposal."),
    "readmit": N_("A member is readmitted only by a passed readmission proposal."),
    "leave": N_("A member leaves only by a passed expulsion proposal."),
}


def charter_in_force(session: Session, coalition: Coalition) -> Charter | None:
    """The latest version of the coalition's charter as the database has it now; None while in set-up."""
    query = (select(Charter).where(Charter.coalition_id == coalition.id).order_by(Charter.version.desc()).limit(1)
             .execution_options(populate_existing=True))
    return session.exec(query).first()


def is_constituted(session: Session, coalition: Coalition) -> bool:
    return charter_in_force(session, coalition) is not None


def settings(charter: Charter) -> CharterSettings:
    """The typed settings of a charter version (moderators, proxy caps, witness quorum, durations, rules, weights)."""
    return CharterSettings(charter.rules)


def document(charter: Charter) -> dict:
    return {"text": charter.text, "rules": charter.rules}


def refuse_direct_write(session: Session, coalition: Coalition, what: str) -> None:
    """Refuse a secretariat's direct write once the charter is adopted, naming the proposal kind to use."""
    if is_constituted(session, coalition):
        raise Conflict(DIRECT_WRITES[what])


def get_version(session: Session, coalition: Coalition, version: int) -> Charter:
    row = session.exec(select(Charter).where(Charter.coalition_id == coalition.id, Charter.version == version)).first()
    if row is None:
        raise NotFound("%(coalition)s has no charter version %(version)s.", coalition=coalition.name, version=version)
    return row


def list_versions(session: Session, coalition: Coalition, *, offset: int = 0, limit: int = 50) -> list[Charter]:
    query = select(Charter).where(Charter.coalition_id == coalition.id).order_by(Charter.version.desc())
    return list(session.exec(query.offset(offset).limit(limit)))


def count_versions(session: Session, coalition: Coalition) -> int:
    return session.exec(select(func.count()).select_from(Charter).where(Charter.coalition_id == coalition.id)).one()


def _members_now(session: Session, coalition: Coalition) -> dict[str, dict]:
    rows = session.exec(select(Member).where(Member.coalition_id == coalition.id).order_by(Member.slug))
    return {m.slug: {"name": m.name, "country": m.country, "weight": m.weight, "basis": m.weight_basis,
                     "status": m.status} for m in rows}


def _decision_rules_now(session: Session, coalition: Coalition) -> dict[str, dict]:
    stored = {row.kind: row.rule for row in session.exec(
        select(CoalitionRule).where(CoalitionRule.coalition_id == coalition.id))}
    defaults = rules_.default_rules()
    return {kind: stored.get(kind, defaults[kind]) for kind in rules_.KINDS}


def found_charter(session: Session, *, coalition: Coalition, actor: Account, text: str,
                  settings_: Mapping[str, object] | None, now: datetime) -> Charter:
    """Record the founding act: version 1, with the members, weights and rules as they stand and the given settings."""
    if actor.role != "admin":
        raise Forbidden("Only the secretariat records the founding act of a coalition.")
    store.lock_head(session, coalition)
    if charter_in_force(session, coalition) is not None:
        raise Conflict("%(coalition)s has adopted its charter already; amend it by a charter_amendment proposal.",
                       coalition=coalition.name)
    text = clean_text(text, field="text", max_length=MAX_TEXT)
    pending = session.exec(select(Proposal.number).where(
        Proposal.coalition_id == coalition.id, Proposal.kind.in_(CHANGE_KINDS),
        Proposal.state.in_(("draft", "open")))).first()
    if pending is not None:
        raise Conflict("Proposal #%(number)s changes the rules or the membership and is still pending; close or "
                       "withdraw it before the charter is adopted.", number=pending)
    members = _members_now(session, coalition)
    if not any(m["status"] == "active" for m in members.values()):
        raise Conflict("%(coalition)s has no active members to adopt a charter.", coalition=coalition.name)
    unknown = set(settings_ or {}) - set(SETTINGS)
    if unknown:
        raise RuleViolation("settings: unknown charter settings %(names)s.", names=", ".join(sorted(unknown)))
    try:
        rules = founding_rules(decision_rules=_decision_rules_now(session, coalition), members=members,
                               settings=exact_settings(settings_ or {}, field="settings"))
    except CharterError as error:
        raise RuleViolation("settings: %(error)s", error=str(error)) from None
    return _record(session, coalition, {"text": text, "rules": rules}, previous=None, proposal=None,
                   actor=actor.username, fields=[], now=now)


def exact_settings(settings: Mapping, *, field: str) -> dict:
    """Settings with their exact numbers written as the charter stores them (a proxy's weight share as "1/4")."""
    settings = dict(settings)
    caps = settings.get("proxy_caps")
    if isinstance(caps, Mapping) and "max_weight_share" in caps:
        try:
            share = format_exact(parse_exact(caps["max_weight_share"]))
        except ExactNumberError as error:
            raise RuleViolation("%(field)s.proxy_caps.max_weight_share: %(error)s", field=field,
                                error=str(error)) from None
        settings["proxy_caps"] = {**caps, "max_weight_share": share}
    return settings


def _record(session: Session, coalition: Coalition, new: dict, *, previous: Charter | None, proposal: int | None,
            actor: str, fields: list[str], now: datetime, extra: Mapping[str, str] | None = None) -> Charter:
    version = previous.version + 1 if previous else 1
    digest = version_hash(coalition=coalition.slug, version=version, previous=previous.sha256 if previous else None,
                          document=new)
    entry = store.append(session, coalition=coalition, type="charter.version", body={
        "version": version, "previous": previous.sha256 if previous else None, "sha256": digest,
        "text": new["text"], "rules": new["rules"], "proposal": proposal, "fields": fields, "actor": actor,
        **(extra or {}),
    })
    row = Charter(coalition_id=coalition.id, version=version, text=new["text"], rules=new["rules"], sha256=digest,
                  adopted_by=proposal, log_idx=entry.idx, adopted_at=now)
    session.add(row)
    _materialize(session, coalition, previous.rules if previous else None, new["rules"], idx=entry.idx, now=now,
                 actor=actor, reason=f"Adopted by proposal #{proposal}" if proposal else "founding act")
    from governance import proxies  # proxies read the charter; a new version ends those of members no longer active

    proxies.lapse_inactive(session, coalition=coalition, rules=new["rules"], idx=entry.idx, now=now)
    session.flush()
    return row


def _materialize(session: Session, coalition: Coalition, old: dict | None, new: dict, *, idx: int, now: datetime,
                 actor: str, reason: str) -> None:
    """Write the version's rules and members into the CoalitionRule and Member rows (their only writer once adopted)."""
    if old is None:
        return  # the founding act copies the rows as they stand
    rows = {row.kind: row for row in session.exec(
        select(CoalitionRule).where(CoalitionRule.coalition_id == coalition.id))}
    for kind, rule in new["decision_rules"].items():
        if old["decision_rules"].get(kind) != rule:
            row = rows.get(kind) or CoalitionRule(coalition_id=coalition.id, kind=kind, rule=rule, updated_at=now)
            row.rule, row.updated_at = rule, now
            session.add(row)
    existing = {m.slug: m for m in session.exec(select(Member).where(Member.coalition_id == coalition.id))}
    for slug, data in new["members"].items():
        member, before = existing.get(slug), old["members"].get(slug)
        if member is None:
            member = Member(coalition_id=coalition.id, slug=slug, name=data["name"], country=data["country"],
                            weight=data["weight"], weight_basis=data["basis"], status=data["status"], admitted_at=now)
            session.add(member)
            session.flush()
        if before == data:
            continue
        if before is None or before["weight"] != data["weight"] or before["basis"] != data["basis"]:
            session.add(WeightChange(coalition_id=coalition.id, member_id=member.id,
                                     old_weight=before["weight"] if before else None, new_weight=data["weight"],
                                     basis=data["basis"], reason=reason, actor=actor, log_idx=idx, changed_at=now))
        member.name, member.country, member.status = data["name"], data["country"], data["status"]
        member.weight, member.weight_basis = data["weight"], data["basis"]
        session.add(member)


def record_emergency_suspension(session: Session, *, coalition: Coalition, actor: Account, member: str,
                                reason: str, now: datetime) -> Charter:
    """A version suspending ``member`` at once, by the secretariat, where the charter in force allows it; logged with
    its reason (``emergency``). The caller opens the review ballot the charter then requires."""
    current = charter_in_force(session, coalition)
    if current is None or not settings(current).emergency_suspension:
        raise Conflict(DIRECT_WRITES["suspend"])
    try:
        new = apply_change(document(current), "suspension", {"member": member, "reason": reason})
    except CharterError as error:
        raise Conflict("%(error)s", error=str(error)) from None
    return _record(session, coalition, new, previous=current, proposal=None, actor=actor.username,
                   fields=changed_fields(document(current), new), now=now,
                   extra={"emergency": reason, "member": member})


def settle_passed(session: Session, *, coalition: Coalition, proposal: Proposal, now: datetime) -> Charter | None:
    """Apply a passed change proposal under the log lock: a new charter version, or ``superseded`` with the reason.

    The same ``settle_change`` runs in the offline verifier, on the versions from the one the proposal was written
    against to the one in force."""
    current = charter_in_force(session, coalition)
    base = proposal.charter_version or current.version
    versions = [document(row) for row in session.exec(select(Charter).where(
        Charter.coalition_id == coalition.id, Charter.version >= base).order_by(Charter.version))]
    settlement = settle_change(versions, proposal.kind, proposal.payload)
    if settlement.document is None:
        proposal.outcome, proposal.outcome_reason = "superseded", settlement.reason[:1000]
        session.add(proposal)
        store.append(session, coalition=coalition, type="proposal.superseded", body={
            "number": proposal.number, "reason": settlement.reason, "fields": list(settlement.fields)})
        return None
    return _record(session, coalition, settlement.document, previous=current, proposal=proposal.number,
                   actor="ballot", fields=changed_fields(versions[-1], settlement.document), now=now)
