"""Ballots: open with a frozen rule and frozen weights, cast and change votes, close exactly once."""

import secrets
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import Insert, and_, bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import defer, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, select

from governance import (amendments, charter, coalitions, deliberation_settings, keys, members, power, proxies, rules,
                        signed_votes, versions)
from governance.clock import as_utc, iso
from governance.errors import Conflict, Forbidden, NotFound, RuleViolation
from governance.log import store
from governance.log.charter_rules import eligible_rows, rule_changes
from governance.log.recount import ChoiceError, check_choice, count_ballot, vote_commitment
from governance.models import Account, Ballot, Coalition, LogEntry, Member, Proposal, Vote

__all__ = ["cast_vote", "close_ballot", "close_due", "due_exists", "due_slugs", "find_ballot", "get_ballot",
           "open_ballot", "vote_target", "vote_upsert", "votes_of"]

MAX_DURATION = timedelta(days=366)
UPSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
VOTE_CHANGES = ("choice", "account", "cast_at", "log_idx", "salt", "key_id", "seq", "signature")
"""What a new cast of a member's vote replaces (an unsigned change clears the signature of the one before)."""


def find_ballot(session: Session, proposal: Proposal) -> Ballot | None:
    """The proposal's ballot as the database has it now (never a stale copy from earlier in the session)."""
    query = select(Ballot).where(Ballot.proposal_id == proposal.id).execution_options(populate_existing=True)
    return session.exec(query).first()


def get_ballot(session: Session, proposal: Proposal) -> Ballot:
    ballot = find_ballot(session, proposal)
    if ballot is None:
        raise NotFound("Proposal #%(number)s has no ballot yet; it is %(state)s.", number=proposal.number,
                       state=proposal.state)
    return ballot


def votes_of(session: Session, ballot: Ballot) -> list[tuple[Vote, Member]]:
    return list(session.exec(select(Vote, Member).join(Member).where(Vote.ballot_id == ballot.id).order_by(Member.name)))


def open_ballot(session: Session, *, coalition: Coalition, actor: Account, proposal: Proposal, closes_at: datetime,
                now: datetime, rule: Mapping[str, object] | None = None, live_results: bool = False,
                power_of: Callable[[Mapping, list], dict] = power.power_report, discussed: bool = True,
                procedure_rule: Mapping[str, object] | None = None) -> Ballot:
    """Open the ballot of a draft proposal, freezing its rule, the eligible members' weights and their power
    (``power_of(rule, eligible)``: the app passes one that computes under its time budget).

    ``discussed``: whether the coalition's discussion period applies (not to the ballot on an amendment).
    ``procedure_rule``: the rule a procedure of the members fixes for its own ballot (an agenda round's method), used
    in place of the rule the charter gives the proposal's kind."""
    if actor.role != "admin":
        raise Forbidden("Only an admin of the coalition can open a ballot.")
    store.lock_head(session, coalition)
    session.refresh(proposal)
    if proposal.state != "draft":
        raise Conflict("Proposal #%(number)s is %(state)s; only a draft can be put to a vote.", number=proposal.number,
                       state=proposal.state)
    versions.check_not_frozen(session, proposal)
    ready_at = as_utc(proposal.created_at) + deliberation_settings.discussion_period(session, coalition)
    if discussed and now < ready_at:
        raise Conflict("Proposal #%(number)s is in its discussion period; its ballot may open from %(ready_at)s.",
                       number=proposal.number, ready_at=iso(ready_at))
    closes_at = as_utc(closes_at)
    if closes_at <= now:
        raise RuleViolation("closes_at must be in the future.")
    if closes_at - now > MAX_DURATION:
        raise RuleViolation("A ballot can stay open for at most a year.")
    in_force = charter.charter_in_force(session, coalition)
    if in_force is not None:
        frozen_rule, eligible = _charter_terms(in_force, proposal, closes_at - now, rule, procedure_rule)
    else:
        rule = procedure_rule or rule
        frozen_rule = (rules.normalize_rule(proposal.kind, rule) if rule
                       else coalitions.get_rules(session, coalition)[proposal.kind])
        eligible = [{"member": m.slug, "name": m.name, "weight": m.weight}
                    for m in members.list_members(session, coalition=coalition, status="active", limit=100_000)]
    if not eligible:
        raise Conflict("%(coalition)s has no active members to vote.", coalition=coalition.name)
    signed_only = in_force is not None and charter.settings(in_force).signatures_required(proposal.kind)
    body = {"number": proposal.number, "kind": proposal.kind, "rule": frozen_rule, "eligible": eligible,
            "options": proposal.options, "seats": proposal.seats, "closes_at": iso(closes_at),
            "live_results": live_results, "actor": actor.username, "version": proposal.version}
    entry = store.append(session, coalition=coalition, type="ballot.opened",
                         body={**body, "signed_votes": True} if signed_only else body)  # older logs keep their form
    ballot = Ballot(coalition_id=coalition.id, proposal_id=proposal.id, rule=frozen_rule, eligible=eligible,
                    live_results=live_results, opened_at=now, closes_at=closes_at, opened_idx=entry.idx,
                    version=proposal.version, signed_only=signed_only,
                    power=power_of(frozen_rule, eligible) if frozen_rule["type"] == "majority" else None)
    proposal.state, proposal.updated_at = "open", now
    session.add_all([ballot, proposal])
    session.flush()
    return ballot


def _charter_terms(in_force, proposal: Proposal, duration: timedelta, rule: Mapping[str, object] | None,  # noqa: ANN001
                   procedure_rule: Mapping[str, object] | None) -> tuple[dict, list[dict]]:
    """The rule the charter in force gives the proposal's kind (or the one the members' own procedure fixes) and its
    active members with their weights."""
    terms = charter.settings(in_force)
    if procedure_rule:
        frozen_rule = rules.normalize_rule(proposal.kind, procedure_rule)
    else:
        frozen_rule = terms.decision_rule(proposal.kind)
    if rule and rules.normalize_rule(proposal.kind, rule) != frozen_rule:
        raise Conflict("Under the charter a %(kind)s is decided by the rule the charter gives it; change that rule "
                       "by a rule_change proposal.", kind=proposal.kind)
    if duration < timedelta(hours=terms.minimum_hours):
        raise RuleViolation("The charter keeps a ballot open for at least %(hours)s hours.", hours=terms.minimum_hours)
    return frozen_rule, eligible_rows(in_force.rules)


def _check_open(ballot: Ballot, proposal: Proposal, now: datetime) -> None:
    if ballot.status != "open":
        raise Conflict("The ballot on proposal #%(number)s is closed; votes are no longer accepted.",
                       number=proposal.number)
    if as_utc(ballot.closes_at) <= now:
        raise Conflict("The ballot on proposal #%(number)s closed at %(closed_at)s.", number=proposal.number,
                       closed_at=iso(ballot.closes_at))


_VOTE_TARGET = (
    select(Coalition, Proposal, Member, Ballot).select_from(Coalition)
    .outerjoin(Proposal, and_(Proposal.coalition_id == Coalition.id, Proposal.number == bindparam("number")))
    .outerjoin(Member, and_(Member.coalition_id == Coalition.id, Member.slug == bindparam("member")))
    .outerjoin(Ballot, Ballot.proposal_id == Proposal.id)
    .where(Coalition.slug == bindparam("slug"))
    .options(defer(Ballot.power), defer(Ballot.result))  # tens of kB of JSON a vote never reads
)
_BALLOT_STATUS = select(Ballot.__table__.c.status).where(Ballot.__table__.c.id == bindparam("ballot"))


def vote_target(session: Session, *, slug: str, number: int, member: str) -> tuple[
        Coalition | None, Proposal | None, Member | None, Ballot | None]:
    """The coalition ``slug``, its proposal ``number``, its member ``member`` and that proposal's ballot, in one
    query; each is None where it does not exist (the coalition's absence makes all four None)."""
    row = session.exec(_VOTE_TARGET, params={"slug": slug, "number": number, "member": member}).first()
    return tuple(row) if row is not None else (None, None, None, None)


def cast_vote(session: Session, *, coalition: Coalition, actor: Account, proposal: Proposal, member: Member,
              vote: Mapping[str, object], now: datetime, ballot: Ballot | None = None,
              signed: signed_votes.VoteSignature | None = None) -> tuple[Vote, store.StagedEntry]:
    """Cast or change a member's vote; the log gets a commitment to it, revealed when the ballot closes; the last counts.

    ``ballot``: the proposal's ballot as the caller read it before the lock, if it did; its rule, eligible members and
    closing time never change, and its status is read again under the lock. ``signed``: the member key's signature
    (``governance.signed_votes``), required where the charter requires it.
    """
    if actor.role != "representative":
        raise Forbidden("Only a representative of %(member)s can vote for it.", member=member.name)
    by_proxy = actor.member_id != member.id  # allowed only under a proxy in force (governance.proxies)
    if by_proxy:
        proxies.may_hold(session, actor=actor, member=member)
    store.lock_head(session, coalition)
    if ballot is None:
        ballot = find_ballot(session, proposal)
    else:
        set_committed_value(ballot, "status", session.execute(_BALLOT_STATUS, {"ballot": ballot.id}).scalar_one())
    if ballot is None:
        raise Conflict("Proposal #%(number)s is %(state)s; votes are accepted once its ballot opens.",
                       number=proposal.number, state=proposal.state)
    _check_open(ballot, proposal, now)
    if member.slug not in {row["member"] for row in ballot.eligible}:
        raise Forbidden("%(member)s was not an eligible member when this ballot opened.", member=member.name)
    try:
        choice = check_choice(ballot.rule, proposal.options, vote)
    except ChoiceError as error:
        raise RuleViolation(error.template, **error.params) from None
    proxy = proxies.proxy_for_vote(session, coalition=coalition, actor=actor, member=member, ballot=ballot,
                                   proposal=proposal) if by_proxy else None
    if signed is None and ballot.signed_only:
        signed_votes.refuse_unsigned(proposal.kind)
    salt = signed.salt if signed is not None else secrets.token_hex(16)
    commitment = vote_commitment(number=proposal.number, member=member.slug, vote=choice, salt=salt)
    if signed is not None:
        _check_signed(session, coalition, member, proposal, ballot, choice, signed)
    body = {"number": proposal.number, "member": member.slug, "commitment": commitment, "actor": actor.username,
            **({"proxy": proxies.vote_mark(*proxy)} if proxy else {})}
    entry = store.append(session, coalition=coalition, type="vote.cast",
                         body={**body, **signed.log_fields()} if signed is not None else body)
    fields = {"key_id": signed.key_id, "seq": signed.seq, "signature": signed.signature} if signed else {}
    current = _record_vote(session, Vote(ballot_id=ballot.id, member_id=member.id, choice=choice,
                                         account=actor.username, cast_at=now, log_idx=entry.idx, salt=salt, **fields))
    if proxy:
        proxies.record_proxy_vote(session, proxy=proxy[0], ballot=ballot, member=member, holder=proxy[1], actor=actor,
                                  log_idx=entry.idx, now=now)
    return current, entry


def _check_signed(session: Session, coalition: Coalition, member: Member, proposal: Proposal, ballot: Ballot,
                  choice: dict, signed: signed_votes.VoteSignature) -> None:
    """Under the log's lock: the signature verifies with the member's active voting key, its seq is fresh; the
    member's last sequence number becomes ``signed.seq``."""
    key = keys.find_key(session, coalition=coalition, key_id=signed.key_id)
    signed_votes.check_signature(origin=signed_votes.origin_of(session, coalition), key=key, member=member,
                                 number=proposal.number, ballot_idx=ballot.opened_idx, choice=choice, signed=signed)
    session.refresh(member)
    signed_votes.check_fresh(key=key, member=member, signed=signed)
    member.vote_seq = signed.seq
    session.add(member)


def _record_vote(session: Session, vote: Vote) -> Vote:
    """Insert the member's vote, or replace the one it had (one more cast), in one statement."""
    row = session.execute(_upsert_returning(session.get_bind().dialect.name), {
        "ballot_id": vote.ballot_id, "member_id": vote.member_id, "choice": vote.choice, "account": vote.account,
        "cast_at": vote.cast_at, "log_idx": vote.log_idx, "casts": 1, "salt": vote.salt, "key_id": vote.key_id,
        "seq": vote.seq, "signature": vote.signature}).one()._mapping
    held = session.identity_map.get(session.identity_key(Vote, row["id"]))
    if held is not None:  # the session's copy of this vote takes the row as saved, without a second read
        for name, value in row.items():
            set_committed_value(held, name, value)
        return held
    saved = Vote(**row)
    make_transient_to_detached(saved)
    session.add(saved)
    return saved


@cache
def vote_upsert(dialect: str) -> Insert:
    """INSERT ... ON CONFLICT (ballot, member) DO UPDATE, adding the row's ``casts`` to the count; built once per
    dialect (SQLite 3.35+ and PostgreSQL, the databases Concord runs on). At most one row per (ballot, member) in one
    statement."""
    table = Vote.__table__
    statement = UPSERTS[dialect](table)
    changed = {name: statement.excluded[name] for name in VOTE_CHANGES}
    return statement.on_conflict_do_update(index_elements=[table.c.ballot_id, table.c.member_id],
                                           set_={**changed, "casts": table.c.casts + statement.excluded.casts})


@cache
def _upsert_returning(dialect: str) -> Insert:
    return vote_upsert(dialect).returning(*Vote.__table__.c)


def _seed(session: Session, ballot: Ballot) -> str:
    entry = session.get(LogEntry, (ballot.coalition_id, ballot.opened_idx))
    return entry.leaf_hash.hex()[:16]


def close_ballot(session: Session, *, coalition: Coalition, proposal: Proposal, now: datetime,
                 actor: Account | None = None) -> Ballot:
    """Count and close a ballot: at its time, or early by an admin where the rule allows."""
    store.lock_head(session, coalition)
    ballot = get_ballot(session, proposal)
    if ballot.status != "open":
        raise Conflict("The ballot on proposal #%(number)s is already closed.", number=proposal.number)
    if actor is not None:
        if actor.role != "admin":
            raise Forbidden("Only an admin can close a ballot early.")
        if not ballot.rule.get("early_close", True) and as_utc(ballot.closes_at) > now:
            raise Conflict("This ballot's rule does not allow closing it before its time.")
    counted = votes_of(session, ballot)
    votes = {member.slug: vote.choice for vote, member in counted}
    result = count_ballot(rule=ballot.rule, eligible=ballot.eligible, votes=votes, options=proposal.options,
                          seats=proposal.seats, seed=_seed(session, ballot))
    closed_at = min(now, as_utc(ballot.closes_at)) if actor is None else now
    entry = store.append(session, coalition=coalition, type="ballot.closed", body={
        "number": proposal.number, "result": result, "closed_at": iso(closed_at),
        "actor": actor.username if actor else None,
        "votes": {member.slug: {"vote": vote.choice, "salt": vote.salt, "idx": vote.log_idx} for vote, member in counted},
    })
    ballot.status, ballot.closed_at, ballot.result, ballot.closed_idx = "closed", closed_at, result, entry.idx
    proposal.state, proposal.outcome, proposal.updated_at = "closed", result["outcome"], now
    session.add_all([ballot, proposal])
    session.flush()
    if result["outcome"] == "passed":
        _apply(session, coalition=coalition, proposal=proposal, now=now)
    elif proposal.kind == "decision":
        amendments.ballot_failed(session, proposal=proposal, now=now)
    return ballot


def _apply(session: Session, *, coalition: Coalition, proposal: Proposal, now: datetime) -> None:
    """What a passed change or amendment ballot does, logged right after the closing: a new charter version (or the
    proposal superseded) once the charter is adopted; in set-up, a rule change or an admission as before."""
    payload = proposal.payload
    if proposal.kind == "decision":
        amendments.ballot_passed(session, coalition=coalition, proposal=proposal, now=now)
    elif proposal.kind in charter.CHANGE_KINDS and charter.is_constituted(session, coalition):
        charter.settle_passed(session, coalition=coalition, proposal=proposal, now=now)
    elif proposal.kind == "rule_change":
        changes = rule_changes(payload)  # a proposal drafted before this payload's form had one kind and rule
        for kind in sorted(changes):  # in the order the verifier expects them
            coalitions.set_rule(session, coalition=coalition, actor="ballot", kind=kind, rule=changes[kind], now=now,
                                reason=f"Adopted by proposal #{proposal.number}", proposal=proposal.number)
    elif proposal.kind == "admission":
        try:
            members.admit_member(session, coalition=coalition, actor="ballot", name=payload["name"],
                                 slug=payload.get("slug"), weight=payload["weight"], basis=payload.get("basis", ""),
                                 country=payload.get("country", ""), reason=f"Admitted by proposal #{proposal.number}",
                                 now=now, proposal=proposal.number)
        except Conflict:
            pass  # admitted directly by the secretariat meanwhile: nothing left to do


_DUE = (select(Coalition.slug).join(Ballot, Ballot.coalition_id == Coalition.id)
        .where(Coalition.slug.in_(bindparam("slugs", expanding=True)), Ballot.status == "open",
               Ballot.closes_at <= bindparam("now")).distinct())


def due_slugs(session: Session, *, slugs: Iterable[str], now: datetime) -> list[str]:
    """Which of the coalitions ``slugs`` have an open ballot past its closing time (one query, built once), sorted."""
    return sorted(session.execute(_DUE, {"slugs": sorted(set(slugs)), "now": now}).scalars())


def due_exists(session: Session, *, slug: str, now: datetime) -> bool:
    """Whether the coalition ``slug`` has an open ballot past its closing time."""
    return bool(due_slugs(session, slugs=[slug], now=now))


def close_due(session: Session, *, coalition: Coalition, now: datetime) -> list[int]:
    """Close every ballot of the coalition whose time has come; under the log lock, so each closes once."""
    store.lock_head(session, coalition)
    due = session.exec(select(Ballot, Proposal).join(Proposal).where(
        Ballot.coalition_id == coalition.id, Ballot.status == "open", Ballot.closes_at <= now,
    ).order_by(Ballot.closes_at, Proposal.number)).all()
    for ballot, proposal in due:
        close_ballot(session, coalition=coalition, proposal=proposal, now=now)
    return [proposal.number for _, proposal in due]
