"""The replay of proxies: every grant, answer and revocation, and every vote cast by proxy, checked against a grant in
force at that moment and the caps of the charter in force, with the rules the service applied
(``governance.log.proxy_rules``). Pure like ``replay``.
"""

from collections.abc import Callable

from governance.log.charter_rules import CharterSettings
from governance.log.proxy_rules import LIVE, MAX_SPAN_MS, Grant, ProxyError, bloc_grantors, check_caps, moment_ms, \
    scope_of
from governance.log.replayed import ReplayedBallot, ReplayedLog, ReplayError
from voting.exact import parse_exact

__all__ = ["PROXY_HANDLERS", "check_proxy_vote", "lapse_inactive"]


def _require(condition: bool, index: int, message: str) -> None:
    if not condition:
        raise ReplayError(index, message)


def _refused(index: int, error: ProxyError) -> ReplayError:
    return ReplayError(index, str(error))


def _representative(log: ReplayedLog, index: int, actor: object, member: object) -> None:
    account = log.accounts.get(actor)  # type: ignore[arg-type]
    _require(account is not None and account.active and account.role == "representative" and account.member == member,
             index, f"{actor!r} is not an active representative of {member!r}")


def _active(log: ReplayedLog, index: int, slug: object) -> None:
    member = log.members.get(slug)  # type: ignore[arg-type]
    _require(member is not None and member.status == "active", index, f"{slug!r} is not an active member")


def _decided(log: ReplayedLog) -> Callable[[int], bool]:
    def decided(number: int) -> bool:
        proposal = log.proposals.get(number)
        return proposal is None or proposal.state not in ("draft", "open")
    return decided


def _grant(log: ReplayedLog, index: int, number: object) -> Grant:
    grant = log.proxies.get(number)  # type: ignore[arg-type]
    _require(grant is not None, index, f"there is no proxy #{number}")
    return grant  # type: ignore[return-value]


def _scope(log: ReplayedLog, index: int, body: dict) -> tuple[str, int | None]:
    try:
        scope = scope_of(body["proposal"], body["kind"], body["until"])
    except ProxyError as error:
        raise _refused(index, error) from None
    until = None
    if scope == "ballot":
        proposal = log.proposals.get(body["proposal"])
        _require(proposal is not None and proposal.state in ("draft", "open"), index,
                 f"a proxy for the ballot on #{body['proposal']!r}, which is not a draft or open")
    elif scope == "kind":
        _require(body["kind"] in log.rules, index, f"a proxy for the unknown proposal kind {body['kind']!r}")
    else:
        until = moment_ms(body["until"])
        _require(log.ts < until <= log.ts + MAX_SPAN_MS, index, "a proxy until a moment not within the next year")
    return scope, until


def _granted(log: ReplayedLog, index: int, body: dict) -> None:
    _require(log.constituted, index, "a proxy granted before the charter set the caps")
    number, grantor, holder = body["number"], body["grantor"], body["holder"]
    _require(number == len(log.proxies) + 1, index, f"proxy #{number!r} is out of sequence")
    _representative(log, index, body["actor"], grantor)
    _require(grantor != holder, index, "a member holds its own proxy")
    _active(log, index, grantor)
    _active(log, index, holder)
    scope, until = _scope(log, index, body)
    decided = _decided(log)
    live = [g.number for g in log.proxies.values() if g.grantor == grantor
            and not g.ended(moment=log.ts, decided=decided)]
    _require(not live, index, f"{grantor} grants a second proxy while #{live[0] if live else ''} is pending or in force")
    log.proxies[number] = Grant(number, grantor, holder, scope, body["proposal"], body["kind"], until)


def _pending(log: ReplayedLog, index: int, body: dict) -> Grant:
    grant = _grant(log, index, body["number"])
    _require(body["holder"] == grant.holder and body["grantor"] == grant.grantor, index,
             f"proxy #{grant.number} is not {body['grantor']!r}'s to {body['holder']!r}")
    _representative(log, index, body["actor"], grant.holder)
    _require(grant.status == "pending" and not grant.ended(moment=log.ts, decided=_decided(log)), index,
             f"proxy #{grant.number} is not pending")
    return grant


def _accepted(log: ReplayedLog, index: int, body: dict) -> None:
    grant = _pending(log, index, body)
    rules = log.charters[-1]["rules"]
    decided = _decided(log)
    held = [g.grantor for g in log.proxies.values() if g.holder == grant.holder
            and g.in_force(moment=log.ts, decided=decided)]
    try:
        check_caps(rules["proxy_caps"], holder=grant.holder, grantors=[*held, grant.grantor],
                   weights=CharterSettings(rules).weights)
    except ProxyError as error:
        raise _refused(index, error) from None
    grant.status = "accepted"


def _declined(log: ReplayedLog, index: int, body: dict) -> None:
    _pending(log, index, body).status = "declined"


def _revoked(log: ReplayedLog, index: int, body: dict) -> None:
    grant = _grant(log, index, body["number"])
    _require(body["grantor"] == grant.grantor, index, f"proxy #{grant.number} was not granted by {body['grantor']!r}")
    _representative(log, index, body["actor"], grant.grantor)
    _require(not grant.ended(moment=log.ts, decided=_decided(log)), index, f"proxy #{grant.number} has ended already")
    _require(not (grant.scope == "ballot" and grant.voted), index,
             f"proxy #{grant.number} is revoked after its holder voted under it")
    grant.status = "revoked"


def check_proxy_vote(log: ReplayedLog, index: int, body: dict, ballot: ReplayedBallot) -> None:
    """A ``vote.cast`` with ``proxy``: its actor represents the holder of an accepted grant of the member, in force
    and covering this ballot now; the member has not voted itself on it; the holder's bloc on this ballot (weighed
    by its eligible weights) is within the caps of the charter in force."""
    mark, member = body["proxy"], body["member"]
    _require(isinstance(mark, dict) and mark.keys() == {"grant", "holder"}, index, "a malformed proxy mark")
    grant = _grant(log, index, mark["grant"])
    holder, decided = mark["holder"], _decided(log)
    kind = log.proposals[ballot.number].kind
    _require(grant.grantor == member and grant.holder == holder, index,
             f"proxy #{grant.number} does not let {holder!r} vote for {member!r}")
    _representative(log, index, body["actor"], holder)
    _require(grant.in_force(moment=log.ts, decided=decided)
             and grant.covers(number=ballot.number, kind=kind, moment=log.ts), index,
             f"a vote for {member!r} by proxy #{grant.number}, which is not in force for #{ballot.number} at this moment")
    previous = ballot.casts.get(member)
    if previous is not None:
        account = log.accounts.get(previous[2])
        _require(account is None or account.member != member, index,
                 f"a proxy vote for {member!r} after its own vote on #{ballot.number}")
    grantors = bloc_grantors(log.proxies.values(), holder, number=ballot.number, kind=kind, moment=log.ts,
                             decided=decided)
    weights = {row["member"]: parse_exact(row["weight"]) for row in ballot.eligible}
    try:
        check_caps(log.charters[-1]["rules"]["proxy_caps"], holder=holder, grantors=grantors, weights=weights)
    except ProxyError as error:
        raise _refused(index, error) from None
    grant.voted.add(ballot.number)


def lapse_inactive(log: ReplayedLog) -> None:
    """After a charter version: the pending and accepted proxies of a member no longer active end for good."""
    for grant in log.proxies.values():
        if grant.status in LIVE and any(log.members[m].status != "active" for m in (grant.grantor, grant.holder)):
            grant.status = "lapsed"


PROXY_HANDLERS: dict[str, Callable[[ReplayedLog, int, dict], None]] = {
    "proxy.granted": _granted,
    "proxy.accepted": _accepted,
    "proxy.declined": _declined,
    "proxy.revoked": _revoked,
}
