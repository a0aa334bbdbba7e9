"""Guarded proxies: a member lets another member vote for it, within the caps the charter in force sets.

Every grant, answer and revocation is a log event appended under the log's head-row lock, so two acceptances (or a
grant and a vote) never both pass the caps. The rules themselves live in ``governance.log.proxy_rules``, which the
offline verifier replays; moments are the log's (the ``ts`` the next entry gets), so the service and the verifier
judge an ``until`` grant at the same millisecond.
"""

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from sqlalchemy import func
from sqlmodel import Session, col, select

from governance import charter, power
from governance.clock import iso
from governance.errors import N_, Conflict, Forbidden, NotFound, RuleViolation
from governance.log import store
from governance.log.charter_rules import CharterSettings
from governance.log.proxy_rules import (LIVE, MAX_SPAN_MS, Grant, ProxyError, bloc_grantors, check_caps, moment_ms,
                                        scope_of)
from governance.models import Account, Ballot, Coalition, Member, Proposal, Proxy, ProxyVote, Vote
from governance.rules import KINDS
from voting.exact import parse_exact
from voting.power import Criterion, Game, PowerError, analyze

__all__ = ["Bloc", "accept_proxy", "ballot_blocs", "bloc_power", "cast_marks", "decline_proxy", "get_proxy",
           "grant_proxy", "in_force_numbers", "lapse_inactive", "list_proxies", "may_hold", "may_vote_for", "proxy_for_vote",
           "record_proxy_vote", "revoke_proxy", "vote_mark"]


class _Pinned:
    """A log clock that gives one moment for the rest of one transaction (then the wall clock again)."""

    def __init__(self, session: Session, moment: int) -> None:
        self.session, self.transaction, self.moment = session, session.get_transaction(), moment

    def __call__(self) -> int:
        if self.session.get_transaction() is self.transaction:
            return self.moment
        return int(time.time() * 1000)


def _log_moment(session: Session, coalition: Coalition) -> int:
    """The ``ts`` the entries this transaction appends get, as ``store.stage_appends`` sets it: the moment the
    service judges a grant's time by is the moment the verifier reads in the entry. Without a clock of its own (the
    demo's story clock), the session's log clock is pinned to that moment until the transaction ends."""
    head = store.lock_head(session, coalition)
    clock = session.info.get("log_clock")
    moment = max(clock() if clock is not None else int(time.time() * 1000), head.last_ts)
    if clock is None or isinstance(clock, _Pinned):
        session.info["log_clock"] = _Pinned(session, moment)
    return moment


REFUSALS = {
    "grant": N_("Only a representative of %(member)s can grant its proxy."),
    "answer": N_("Only a representative of %(member)s, the holder, can accept or decline this proxy."),
    "revoke": N_("Only a representative of %(member)s, the grantor, can revoke this proxy."),
}


def _representative(actor: Account, member: Member, what: str) -> None:
    if actor.role != "representative" or actor.member_id != member.id:
        raise Forbidden(REFUSALS[what], member=member.name)


def _rules_in_force(session: Session, coalition: Coalition) -> dict:
    in_force = charter.charter_in_force(session, coalition)
    if in_force is None:
        raise Conflict("%(coalition)s has not adopted its charter yet; proxies follow the caps the charter sets.",
                       coalition=coalition.name)
    return in_force.rules


def _decided(session: Session, coalition: Coalition, numbers: Iterable[int]):  # noqa: ANN202
    """A ``decided(number)`` for ``Grant.ended``: whether proposal ``number`` is no longer a draft or open."""
    wanted = sorted({n for n in numbers if n is not None})
    states = dict(session.exec(select(Proposal.number, Proposal.state).where(
        Proposal.coalition_id == coalition.id, Proposal.number.in_(wanted))).all()) if wanted else {}
    return lambda number: states.get(number, "closed") not in ("draft", "open")


def as_grant(proxy: Proxy, slugs: dict[int, str]) -> Grant:
    return Grant(proxy.number, slugs[proxy.grantor_id], slugs[proxy.holder_id], proxy.scope, proxy.proposal_number,
                 proxy.kind, None if proxy.until is None else moment_ms(iso(proxy.until)), proxy.status)


def _slugs(session: Session, coalition: Coalition) -> dict[int, str]:
    return dict(session.exec(select(Member.id, Member.slug).where(Member.coalition_id == coalition.id)).all())


def list_proxies(session: Session, *, coalition: Coalition, member: Member | None = None,
                 statuses: Iterable[str] | None = None) -> list[Proxy]:
    """The coalition's proxies, newest first; those ``member`` granted or holds, if given."""
    query = select(Proxy).where(Proxy.coalition_id == coalition.id)
    if member is not None:
        query = query.where((Proxy.grantor_id == member.id) | (Proxy.holder_id == member.id))
    if statuses is not None:
        query = query.where(Proxy.status.in_(list(statuses)))
    return list(session.exec(query.order_by(Proxy.number.desc())))


def get_proxy(session: Session, *, coalition: Coalition, number: int) -> Proxy:
    proxy = session.exec(select(Proxy).where(Proxy.coalition_id == coalition.id, Proxy.number == number)
                         .execution_options(populate_existing=True)).first()
    if proxy is None:
        raise NotFound("%(coalition)s has no proxy #%(number)s.", coalition=coalition.name, number=number)
    return proxy


def _live_grants(session: Session, coalition: Coalition, moment: int, **where: int) -> list[tuple[Proxy, Grant]]:
    """The proxies not ended at ``moment`` (pending or accepted, scope not over), filtered by column values."""
    rows = list(session.exec(select(Proxy).where(Proxy.coalition_id == coalition.id, Proxy.status.in_(LIVE),
                                                 *(getattr(Proxy, name) == value for name, value in where.items()))))
    slugs, decided = _slugs(session, coalition), _decided(session, coalition, [p.proposal_number for p in rows])
    pairs = [(proxy, as_grant(proxy, slugs)) for proxy in rows]
    return [(proxy, grant) for proxy, grant in pairs if not grant.ended(moment=moment, decided=decided)]


def _scope(session: Session, coalition: Coalition, *, proposal: int | None, kind: str | None,
           until: datetime | None, moment: int) -> str:
    try:
        scope = scope_of(proposal, kind, iso(until))
    except ProxyError as error:
        raise RuleViolation(error.template, **error.params) from None
    if scope == "ballot":
        row = session.exec(select(Proposal).where(Proposal.coalition_id == coalition.id,
                                                  Proposal.number == proposal)).first()
        if row is None or row.state not in ("draft", "open"):
            raise Conflict("A proxy for one ballot names a proposal that is a draft or open; #%(number)s is not.",
                           number=proposal)
    elif scope == "kind" and kind not in KINDS:
        raise RuleViolation("kind: unknown proposal kind %(kind)s.", kind=repr(kind))
    elif scope == "until":
        until_ms = moment_ms(iso(until))
        if not moment < until_ms <= moment + MAX_SPAN_MS:
            raise RuleViolation("until: a proxy until a date ends in the future and at most a year from now.")
    return scope


def grant_proxy(session: Session, *, coalition: Coalition, actor: Account, grantor: Member, holder: Member,
                proposal: int | None = None, kind: str | None = None, until: datetime | None = None,
                now: datetime) -> Proxy:
    """``grantor`` (whose representative ``actor`` is) offers ``holder`` its proxy for one scope; pending until the
    holder answers. A member has at most one proxy pending or in force at a time."""
    _representative(actor, grantor, "grant")
    moment = _log_moment(session, coalition)
    _rules_in_force(session, coalition)
    if holder.id == grantor.id:
        raise RuleViolation("A member cannot hold its own proxy.")
    for member in (grantor, holder):
        if member.status != "active":
            raise Conflict("%(member)s is %(status)s; only active members grant and hold proxies.",
                           member=member.name, status=member.status)
    scope = _scope(session, coalition, proposal=proposal, kind=kind, until=until, moment=moment)
    live = _live_grants(session, coalition, moment, grantor_id=grantor.id)
    if live:
        raise Conflict("%(member)s already has proxy #%(number)s pending or in force; revoke it before granting "
                       "another.", member=grantor.name, number=live[0][0].number)
    number = (session.exec(select(func.max(Proxy.number)).where(Proxy.coalition_id == coalition.id)).one() or 0) + 1
    entry = store.append(session, coalition=coalition, type="proxy.granted", body={
        "number": number, "grantor": grantor.slug, "holder": holder.slug, "scope": scope, "proposal": proposal,
        "kind": kind, "until": iso(until), "actor": actor.username})
    proxy = Proxy(coalition_id=coalition.id, number=number, grantor_id=grantor.id, holder_id=holder.id, scope=scope,
                  proposal_number=proposal, kind=kind, until=until, granted_by=actor.username, granted_at=now,
                  granted_idx=entry.idx)
    session.add(proxy)
    session.flush()
    return proxy


def _pending_for_holder(session: Session, coalition: Coalition, actor: Account,
                        proxy: Proxy) -> tuple[Member, Member, int]:
    holder, grantor = session.get(Member, proxy.holder_id), session.get(Member, proxy.grantor_id)
    _representative(actor, holder, "answer")
    moment = _log_moment(session, coalition)
    session.refresh(proxy)
    grant = as_grant(proxy, {holder.id: holder.slug, grantor.id: grantor.slug})
    if proxy.status != "pending" or grant.ended(moment=moment, decided=_decided(session, coalition,
                                                                                [proxy.proposal_number])):
        raise Conflict("Proxy #%(number)s is %(status)s; only a pending proxy can be accepted or declined.",
                       number=proxy.number, status=_shown_status(proxy, grant, moment, session, coalition))
    return holder, grantor, moment


def _shown_status(proxy: Proxy, grant: Grant, moment: int, session: Session, coalition: Coalition) -> str:
    if proxy.status in LIVE and grant.ended(moment=moment, decided=_decided(session, coalition,
                                                                           [proxy.proposal_number])):
        return "ended"
    return proxy.status


def accept_proxy(session: Session, *, coalition: Coalition, actor: Account, proxy: Proxy, now: datetime) -> Proxy:
    """The holder takes the proxy on, if its holdings in force stay within the charter's caps, measured on the
    register of the charter in force (every active member's weight)."""
    holder, grantor, moment = _pending_for_holder(session, coalition, actor, proxy)
    rules = _rules_in_force(session, coalition)
    held = [grant.grantor for _, grant in _live_grants(session, coalition, moment, holder_id=holder.id)
            if grant.status == "accepted"]
    try:
        check_caps(rules["proxy_caps"], holder=holder.slug, grantors=[*held, grantor.slug],
                   weights=CharterSettings(rules).weights, holder_name=holder.name)
    except ProxyError as error:
        raise Conflict(error.template, **error.params) from None
    return _answer(session, coalition, actor, proxy, holder, grantor, "accepted", now)


def decline_proxy(session: Session, *, coalition: Coalition, actor: Account, proxy: Proxy, now: datetime) -> Proxy:
    holder, grantor, _ = _pending_for_holder(session, coalition, actor, proxy)
    return _answer(session, coalition, actor, proxy, holder, grantor, "declined", now)


def _answer(session: Session, coalition: Coalition, actor: Account, proxy: Proxy, holder: Member, grantor: Member,
            status: str, now: datetime) -> Proxy:
    entry = store.append(session, coalition=coalition, type=f"proxy.{status}", body={
        "number": proxy.number, "grantor": grantor.slug, "holder": holder.slug, "actor": actor.username})
    proxy.status, proxy.answered_by, proxy.answered_at, proxy.answered_idx = status, actor.username, now, entry.idx
    session.add(proxy)
    session.flush()
    return proxy


def revoke_proxy(session: Session, *, coalition: Coalition, actor: Account, proxy: Proxy, now: datetime) -> Proxy:
    """The grantor ends its proxy for the future; refused for a one-ballot proxy its holder has voted under."""
    grantor, holder = session.get(Member, proxy.grantor_id), session.get(Member, proxy.holder_id)
    _representative(actor, grantor, "revoke")
    moment = _log_moment(session, coalition)
    session.refresh(proxy)
    grant = as_grant(proxy, {holder.id: holder.slug, grantor.id: grantor.slug})
    if grant.ended(moment=moment, decided=_decided(session, coalition, [proxy.proposal_number])):
        raise Conflict("Proxy #%(number)s is %(status)s; there is nothing left to revoke.", number=proxy.number,
                       status=_shown_status(proxy, grant, moment, session, coalition))
    if proxy.scope == "ballot" and session.exec(select(ProxyVote.id).where(ProxyVote.proxy_id == proxy.id)).first():
        raise Conflict("%(holder)s has voted on #%(ballot)s under proxy #%(number)s, so it can no longer be revoked; "
                       "your own vote still overrides it until the ballot closes.", holder=holder.name,
                       ballot=proxy.proposal_number, number=proxy.number)
    entry = store.append(session, coalition=coalition, type="proxy.revoked", body={
        "number": proxy.number, "grantor": grantor.slug, "actor": actor.username})
    proxy.status, proxy.ended_by, proxy.ended_at, proxy.ended_idx = "revoked", actor.username, now, entry.idx
    session.add(proxy)
    session.flush()
    return proxy


def may_hold(session: Session, *, actor: Account, member: Member) -> None:
    """Before the lock, for a vote ``actor`` casts for another member: refused at once unless ``member`` has an
    accepted proxy to ``actor``'s organization (whether it covers this ballot is checked under the lock)."""
    found = actor.member_id is not None and session.exec(select(Proxy.id).where(
        Proxy.grantor_id == member.id, Proxy.holder_id == actor.member_id, Proxy.status == "accepted")).first()
    if not found:
        raise Forbidden("Only a representative of %(member)s can vote for it.", member=member.name)


def proxy_for_vote(session: Session, *, coalition: Coalition, actor: Account, member: Member, ballot: Ballot,
                   proposal: Proposal) -> tuple[Proxy, Member]:
    """Under the log's lock: the proxy ``member`` granted to ``actor``'s organization that lets it vote on this
    ballot now, checked as the verifier checks it (the grant in force and covering the ballot, no own vote of
    ``member`` yet, the holder's bloc on this ballot within the caps of the charter in force, weighed by the ballot's
    eligible weights); the proxy and its holder."""
    holder = session.get(Member, actor.member_id) if actor.role == "representative" and actor.member_id else None
    moment = _log_moment(session, coalition)
    live = [] if holder is None else _live_grants(session, coalition, moment, holder_id=holder.id)
    decided = lambda number: False  # noqa: E731 - live grants are not ended; this ballot is open
    ours = [(proxy, grant) for proxy, grant in live if grant.grantor == member.slug and grant.in_force(
        moment=moment, decided=decided) and grant.covers(number=proposal.number, kind=proposal.kind, moment=moment)]
    if not ours:
        raise Forbidden("Only a representative of %(member)s, or of a member holding its proxy for this ballot, can "
                        "vote for it.", member=member.name)
    current = session.exec(select(Vote).where(Vote.ballot_id == ballot.id, Vote.member_id == member.id)).first()
    if current is not None and not session.exec(select(ProxyVote.id).where(
            ProxyVote.ballot_id == ballot.id, ProxyVote.log_idx == current.log_idx)).first():
        raise Conflict("%(member)s has cast its own vote on #%(number)s; its own vote overrides any proxy until the "
                       "ballot closes.", member=member.name, number=proposal.number)
    grantors = bloc_grantors([grant for _, grant in live], holder.slug, number=proposal.number, kind=proposal.kind,
                             moment=moment, decided=decided)
    weights = {row["member"]: parse_exact(row["weight"]) for row in ballot.eligible}
    try:
        check_caps(_rules_in_force(session, coalition)["proxy_caps"], holder=holder.slug, grantors=grantors,
                   weights=weights, holder_name=holder.name)
    except ProxyError as error:
        raise Conflict(error.template, **error.params) from None
    return ours[0][0], holder


def may_vote_for(session: Session, *, coalition: Coalition, holder: Member, ballot: Ballot,
                 proposal: Proposal) -> list[Member]:
    """The eligible members whose votes ``holder`` may cast on this open ballot now (for the vote form): grantors of
    its proxies in force covering the ballot that have not voted themselves. The vote itself is checked in full."""
    moment = int(time.time() * 1000)
    eligible = {row["member"] for row in ballot.eligible}
    grantors = {grant.grantor for _, grant in _live_grants(session, coalition, moment, holder_id=holder.id)
                if grant.status == "accepted" and grant.covers(number=proposal.number, kind=proposal.kind,
                                                               moment=moment)} & eligible
    if not grantors:
        return []
    rows = list(session.exec(select(Member).where(Member.coalition_id == coalition.id, Member.slug.in_(sorted(grantors)))))
    marks = cast_marks(session, ballot)
    own = {v.member_id for v in session.exec(select(Vote).where(Vote.ballot_id == ballot.id)) if v.log_idx not in marks}
    return sorted((m for m in rows if m.id not in own), key=lambda m: m.name)


def vote_mark(proxy: Proxy, holder: Member) -> dict:
    """What a proxy vote's ``vote.cast`` event adds to the body of an ordinary vote."""
    return {"grant": proxy.number, "holder": holder.slug}


def record_proxy_vote(session: Session, *, proxy: Proxy, ballot: Ballot, member: Member, holder: Member,
                      actor: Account, log_idx: int, now: datetime) -> None:
    session.add(ProxyVote(proxy_id=proxy.id, ballot_id=ballot.id, member_id=member.id, holder_id=holder.id,
                          account=actor.username, log_idx=log_idx, cast_at=now))


def cast_marks(session: Session, ballot: Ballot) -> dict[int, tuple[str, str]]:
    """The proxy casts of a ballot: log index -> (holder's slug, holder's name)."""
    rows = session.exec(select(ProxyVote.log_idx, Member.slug, Member.name).join(
        Member, Member.id == ProxyVote.holder_id).where(ProxyVote.ballot_id == ballot.id))
    return {idx: (slug, name) for idx, slug, name in rows}


def lapse_inactive(session: Session, *, coalition: Coalition, rules: dict, idx: int, now: datetime) -> None:
    """A charter version that makes a grantor or holder anything but active ends its pending and accepted proxies
    for good (``lapsed``, at that version's entry); the verifier applies the same rule."""
    active = {slug for slug, m in rules["members"].items() if m["status"] == "active"}
    rows = list(session.exec(select(Proxy).where(Proxy.coalition_id == coalition.id, Proxy.status.in_(LIVE))))
    if not rows:
        return
    slugs = _slugs(session, coalition)
    for proxy in rows:
        if slugs[proxy.grantor_id] not in active or slugs[proxy.holder_id] not in active:
            proxy.status, proxy.ended_by, proxy.ended_at, proxy.ended_idx = "lapsed", "charter", now, idx
            session.add(proxy)


@dataclass(frozen=True)
class Bloc:
    """A holder and the members whose votes it casts (or may cast) on one ballot, with their combined weight."""

    holder: str
    holder_name: str
    members: tuple[tuple[str, str], ...]  # (slug, name) of the grantors
    weight: Fraction
    share: Fraction


def in_force_numbers(session: Session, *, coalition: Coalition, now_ms: int | None = None) -> set[int]:
    """The numbers of the proxies in force at ``now_ms`` (the log's clock by default): accepted, scope not over."""
    moment = now_ms if now_ms is not None else int(time.time() * 1000)
    return {proxy.number for proxy, grant in _live_grants(session, coalition, moment) if grant.status == "accepted"}


def ballot_blocs(session: Session, *, coalition: Coalition, ballot: Ballot, proposal: Proposal) -> list[Bloc]:
    """The voting blocs proxies made on a ballot: once closed, each holder with the members whose counted votes it
    cast; while open, each holder with the grantors whose proxies cover the ballot and who have not voted
    themselves. Weights are the ballot's frozen ones."""
    marks = cast_marks(session, ballot)
    moment = int(time.time() * 1000)
    grants = [grant for _, grant in _live_grants(session, coalition, moment)] if ballot.status == "open" else []
    if not marks and not grants:  # no proxy cast on it and none that could: no bloc (a page view asks every time)
        return []
    weights = {row["member"]: parse_exact(row["weight"]) for row in ballot.eligible}
    names = {row["member"]: row["name"] for row in ballot.eligible}
    votes = dict(session.exec(select(Member.slug, Vote.log_idx).join(Member, Member.id == Vote.member_id)
                              .where(Vote.ballot_id == ballot.id)).all())
    groups: dict[str, set[str]] = {}
    for member, idx in votes.items():
        if idx in marks:
            groups.setdefault(marks[idx][0], set()).add(member)
    for holder in {g.holder for g in grants}:
        for grantor in bloc_grantors(grants, holder, number=proposal.number, kind=proposal.kind, moment=moment,
                                     decided=lambda number: False):
            if grantor not in votes or votes[grantor] in marks:
                groups.setdefault(holder, set()).add(grantor)
    total = sum(weights.values(), Fraction(0))
    holder_names = dict(session.exec(select(Member.slug, Member.name).where(
        Member.coalition_id == coalition.id, col(Member.slug).in_(sorted(groups)))).all()) if groups else {}
    blocs = []
    for holder, grantors in sorted(groups.items()):
        weight = weights.get(holder, Fraction(0)) + sum((weights.get(g, Fraction(0)) for g in grantors), Fraction(0))
        blocs.append(Bloc(holder, holder_names[holder], tuple((g, names.get(g, g)) for g in sorted(grantors)), weight,
                          weight / total if total else Fraction(0)))
    return blocs


def _merged(game: Game, blocs: Iterable[Bloc]) -> Game:
    """``game`` with each bloc's members as one player (named by its holder) whose weights are their sum."""
    index = {name: i for i, name in enumerate(game.names)}
    groups = [[index[m] for m in (bloc.holder, *(slug for slug, _ in bloc.members)) if m in index] for bloc in blocs]
    taken = {i for group in groups for i in group}
    singles = [[i] for i in range(len(game.names)) if i not in taken]
    names = [bloc.holder for bloc in blocs] + [game.names[group[0]] for group in singles]
    criteria = tuple(Criterion(tuple(sum((c.weights[i] for i in group), Fraction(0)) for group in groups + singles),
                               c.quota) for c in game.criteria)
    return Game(tuple(names), criteria)


def bloc_power(ballot: Ballot, blocs: list[Bloc]) -> dict[str, tuple[Fraction, Fraction]] | None:
    """Each bloc's normalized Banzhaf power when its members vote as one (``voting.power``, exact), beside the sum of
    its members' power when each votes apart, by holder; None for a ballot that is not yes/no, a rule with a
    blocking-minority clause (merging changes who counts), or a game too large to count while a page waits."""
    if not blocs or ballot.rule.get("type") != "majority":
        return None
    game = power.game_for_rule(ballot.rule, ballot.eligible)
    if game.min_no_to_block is not None:
        return None
    try:
        apart, together = analyze(game, exact_limit_seconds=1.0), analyze(_merged(game, blocs), exact_limit_seconds=1.0)
    except PowerError:
        return None
    result = {}
    for bloc in blocs:
        members = [m for m in (bloc.holder, *(slug for slug, _ in bloc.members)) if m in game.names]
        alone = sum((apart.index(m)["banzhaf"] or Fraction(0) for m in members), Fraction(0))
        result[bloc.holder] = (together.index(bloc.holder)["banzhaf"] or Fraction(0), alone)
    return result
