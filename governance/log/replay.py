"""Rebuild a coalition's state from its log events alone, checking every event and recounting every closed ballot.

Standard library, ``voting/`` and ``governance.log.canonical``/``merkle``/``recount`` only: the offline
verifier replays an exported log with it, without the service or a database.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime

from governance.log.canonical import CanonicalError, canonical_bytes
from governance.log.merkle import leaf_hash, root_hash
from governance.log import replay_deliberation as deliberation
from governance.log.replay_keys import KEY_HANDLERS, check_signed_ballot, check_vote_signature
from governance.log.replay_witness import WITNESS_HANDLERS
from governance.log.recount import ChoiceError, check_choice, count_ballot, vote_commitment
from governance.log.charter_rules import CHANGE_KINDS, rule_changes
from governance.log.replay_charter import (CHARTER_HANDLERS, change_consequences, check_change_proposal,
                                           check_charter_ballot, refuse_direct_after_charter)
from governance.log.replay_proxies import PROXY_HANDLERS, check_proxy_vote, lapse_inactive
from governance.log.replayed import (ReplayedAccount, ReplayedBallot, ReplayedLog, ReplayedMember, ReplayedProposal,
                                     ReplayedVote, ReplayError, WeightRecord)
from voting.exact import ExactNumberError, format_exact, parse_exact

__all__ = [
    "EVENT_TYPES",
    "ReplayError",
    "ReplayedAccount",
    "ReplayedBallot",
    "ReplayedLog",
    "ReplayedMember",
    "ReplayedProposal",
    "ReplayedVote",
    "Replayer",
    "WeightRecord",
    "replay",
]

ELIGIBLE_KEYS = frozenset({"member", "name", "weight"})
REVEAL_KEYS = frozenset({"vote", "salt", "idx"})
STATUS_CHANGES = {"member.suspended": ("active", "suspended"), "member.readmitted": ("suspended", "active"),
                  "member.left": (None, "left")}


def _fail(index: int, message: str) -> None:
    raise ReplayError(index, message)


def _require(condition: bool, index: int, message: str) -> None:
    if not condition:
        _fail(index, message)


def _weight(value: object, index: int) -> str:
    try:
        weight = parse_exact(value)
    except ExactNumberError as error:
        raise ReplayError(index, f"weight {value!r}: {error}") from None
    _require(weight >= 0 and format_exact(weight) == value, index, f"weight {value!r} is not a stored exact weight")
    return format_exact(weight)


def _member(log: ReplayedLog, index: int, slug: object) -> ReplayedMember:
    member = log.members.get(slug)  # type: ignore[arg-type]
    if member is None:
        _fail(index, f"no member {slug!r} has been admitted")
    return member  # type: ignore[return-value]


def _proposal(log: ReplayedLog, index: int, number: object) -> ReplayedProposal:
    proposal = log.proposals.get(number)  # type: ignore[arg-type]
    if proposal is None:
        _fail(index, f"there is no proposal #{number}")
    return proposal  # type: ignore[return-value]


def _open_ballot(log: ReplayedLog, index: int, number: object) -> ReplayedBallot:
    ballot = log.ballots.get(number)  # type: ignore[arg-type]
    if ballot is None:
        _fail(index, f"proposal #{number} has no ballot")
    if ballot.status != "open":  # type: ignore[union-attr]
        _fail(index, f"the ballot on proposal #{number} is already closed")
    return ballot  # type: ignore[return-value]


def _account(log: ReplayedLog, index: int, username: object, role: str) -> ReplayedAccount:
    account = log.accounts.get(username)  # type: ignore[arg-type]
    if account is None or not account.active or account.role != role:
        _fail(index, f"{username!r} is not an active {role} account")
    return account  # type: ignore[return-value]


def _actor(log: ReplayedLog, index: int, actor: object) -> None:
    """An actor is an active admin, or "ballot" for what a passed proposal does."""
    if actor != "ballot":
        _account(log, index, actor, "admin")


def _member_admitted(log: ReplayedLog, index: int, body: dict) -> None:
    slug, name = body["member"], body["name"]
    _require(slug not in log.members, index, f"member slug {slug!r} is already taken")
    _require(all(m.name != name for m in log.members.values()), index, f"{name!r} is already a member")
    _actor(log, index, body["actor"])
    weight = _weight(body["weight"], index)
    log.members[slug] = ReplayedMember(slug, name, body["country"], "active", weight, body["basis"])
    log.weights.append(WeightRecord(index, slug, None, weight, body["basis"], body["reason"], body["actor"]))


def _status_changed(log: ReplayedLog, index: int, body: dict, type_: str) -> None:
    member = _member(log, index, body["member"])
    required, new_status = STATUS_CHANGES[type_]
    _actor(log, index, body["actor"])
    _require(member.status != "left", index, f"{member.slug} has left and cannot be {new_status}")
    _require(required is None or member.status == required, index,
             f"{member.slug} is {member.status}; only a {required} member can be {new_status}")
    member.status = new_status


def _weight_changed(log: ReplayedLog, index: int, body: dict) -> None:
    member = _member(log, index, body["member"])
    _actor(log, index, body["actor"])
    _require(member.status != "left", index, f"{member.slug} has left; its weight cannot change")
    _require(body["old"] == member.weight, index, f"old weight {body['old']!r} is not {member.slug}'s {member.weight!r}")
    member.weight, member.basis = _weight(body["new"], index), body["basis"]
    log.weights.append(WeightRecord(index, member.slug, body["old"], member.weight, body["basis"], body["reason"],
                                    body["actor"]))


def _account_granted(log: ReplayedLog, index: int, body: dict) -> None:
    username, role, slug = body["account"], body["role"], body["member"]
    _require(username not in log.accounts, index, f"the username {username!r} is taken")
    _require(role in ("admin", "representative"), index, f"unknown role {role!r}")
    _require((role == "representative") == (slug is not None), index, "only a representative has a member")
    if slug is not None:
        _require(_member(log, index, slug).status == "active", index, f"{slug} is not an active member")
    if log.accounts:  # the first admin comes with the coalition
        _actor(log, index, body["actor"])
    log.accounts[username] = ReplayedAccount(username, role, slug)


def _account_revoked(log: ReplayedLog, index: int, body: dict) -> None:
    account = log.accounts.get(body["account"])
    _require(account is not None and account.active, index, f"no active account {body['account']!r} to revoke")
    _require(body["actor"] != body["account"], index, "an admin cannot revoke their own account")
    _actor(log, index, body["actor"])
    account.active = False  # type: ignore[union-attr]


def _proposal_created(log: ReplayedLog, index: int, body: dict) -> None:
    number = body["number"]
    _require(number == len(log.proposals) + 1, index, f"proposal #{number} is out of sequence")
    author = log.accounts.get(body["actor"])
    _require(author is not None and author.active and author.member == body["member"], index,
             f"{body['actor']!r} cannot propose for {body['member']!r}")
    if body["member"] is not None:
        _require(_member(log, index, body["member"]).status == "active", index, "only active members propose")
    check_change_proposal(log, index, body)
    log.proposals[number] = ReplayedProposal(number, body["kind"], body["title"], body["body"], body["options"],
                                             body["seats"], body["payload"], body["member"], body["actor"],
                                             charter_version=body.get("charter_version"))


def _draft(log: ReplayedLog, index: int, body: dict) -> ReplayedProposal:
    proposal = _proposal(log, index, body["number"])
    _require(proposal.state == "draft", index, f"proposal #{proposal.number} is {proposal.state}, not a draft")
    editor = log.accounts.get(body["actor"])
    _require(editor is not None and editor.active and (editor.role == "admin" or editor.username == proposal.author),
             index, f"{body['actor']!r} may not change proposal #{proposal.number}")
    return proposal


def _proposal_edited(log: ReplayedLog, index: int, body: dict) -> None:
    proposal = _draft(log, index, body)
    _require(not deliberation.frozen_by_amendment_ballot(log, proposal.number), index,
             f"an amendment to proposal #{proposal.number} is being voted on")
    proposal.version += 1
    proposal.title, proposal.body, proposal.options, proposal.seats = (
        body["title"], body["body"], body["options"], body["seats"])


def _proposal_withdrawn(log: ReplayedLog, index: int, body: dict) -> None:
    proposal = _draft(log, index, body)
    _require(not deliberation.frozen_by_amendment_ballot(log, proposal.number), index,
             f"an amendment to proposal #{proposal.number} is being voted on")
    proposal.state = proposal.outcome = "withdrawn"


def _frozen_eligible(log: ReplayedLog) -> list[dict]:
    active = [m for m in log.members.values() if m.status == "active"]
    return [{"member": m.slug, "name": m.name, "weight": m.weight} for m in active]


def _same_eligible(rows: object, log: ReplayedLog) -> bool:
    """True only when ``rows`` are the rows of ``_frozen_eligible`` in some order, checked without building them;
    False leaves the verdict (or the error of a malformed row) to the sorted comparison."""
    active = {m.slug: m for m in log.members.values() if m.status == "active"}
    if type(rows) is not list or len(rows) != len(active):
        return False
    for row in rows:
        if type(row) is not dict or row.keys() != ELIGIBLE_KEYS or type(row["member"]) is not str:
            return False
        member = active.pop(row["member"], None)
        if member is None or row["name"] != member.name or row["weight"] != member.weight:
            return False
    return True


def _key(rows: list) -> list:
    return sorted(rows, key=lambda row: row["member"])


def _ballot_opened(log: ReplayedLog, index: int, body: dict, opening_hash: bytes) -> None:
    proposal = _proposal(log, index, body["number"])
    _require(proposal.state == "draft", index, f"proposal #{proposal.number} is {proposal.state}; only drafts open")
    _account(log, index, body["actor"], "admin")
    _require(body["kind"] == proposal.kind, index, f"the ballot's kind is not proposal #{proposal.number}'s")
    _require(body["options"] == proposal.options and body["seats"] == proposal.seats, index,
             "the ballot's options or seats differ from the proposal's")
    _require(body.get("version", 1) == proposal.version, index,
             f"the ballot decides version {body.get('version', 1)!r}, not the current version {proposal.version}")
    _require(not deliberation.frozen_by_amendment_ballot(log, proposal.number), index,
             f"an amendment to proposal #{proposal.number} is being voted on")
    _require(_same_eligible(body["eligible"], log) or _key(body["eligible"]) == _key(_frozen_eligible(log)), index,
             "the eligible members and weights are not the active members with their current weights")
    _require(bool(body["eligible"]), index, "a ballot needs at least one eligible member")
    check_charter_ballot(log, index, body)
    log.ballots[proposal.number] = ReplayedBallot(
        proposal.number, body["rule"], body["eligible"], body["options"], body["seats"], body["closes_at"],
        body["live_results"], index, opening_hash.hex()[:16], signed_only=check_signed_ballot(log, index, body))
    proposal.state = "open"


def _vote_cast(log: ReplayedLog, index: int, body: dict) -> None:
    ballot = _open_ballot(log, index, body["number"])
    member, commitment, actor = body["member"], body["commitment"], body["actor"]
    if member not in ballot.eligible_members:
        _fail(index, f"{member!r} voted but was not eligible when the ballot on #{ballot.number} opened")
    if "proxy" in body:  # cast by the holder of the member's proxy
        check_proxy_vote(log, index, body, ballot)
    elif _account(log, index, actor, "representative").member != member:
        _fail(index, f"{actor!r} does not represent {member!r}")
    if not isinstance(commitment, str) or len(commitment) != 64 or commitment.strip("0123456789abcdef"):
        _fail(index, f"the vote of {member!r} does not carry a SHA-256 commitment")
    check_vote_signature(log, index, ballot, body)
    ballot.record_cast(index, member, commitment, actor)


def _reveal(ballot: ReplayedBallot, index: int, reveals: object) -> None:
    """Open each counted vote: the closing must reveal exactly the last cast of every member who voted."""
    if not isinstance(reveals, dict) or reveals.keys() != ballot.casts.keys():
        _fail(index, f"the closing of #{ballot.number} does not reveal exactly the members who voted")
    votes = {}
    for member, (idx, commitment, actor, count) in ballot.casts.items():
        reveal = reveals[member]
        if not isinstance(reveal, dict) or reveal.keys() != REVEAL_KEYS or reveal["idx"] != idx:
            _fail(index, f"the closing of #{ballot.number} does not reveal {member!r}'s last cast (entry {idx})")
        vote, salt = reveal["vote"], reveal["salt"]
        if not isinstance(vote, dict) or not isinstance(salt, str) or vote_commitment(
                number=ballot.number, member=member, vote=vote, salt=salt) != commitment:
            _fail(index, f"the revealed vote of {member!r} does not match its commitment in entry {idx}")
        try:
            canonical = check_choice(ballot.rule, ballot.options, vote)
        except ChoiceError as error:
            raise ReplayError(index, f"{member!r} cast an invalid vote: {error}") from None
        if canonical != vote:
            _fail(index, f"the vote of {member!r} is not in its canonical form")
        votes[member] = ReplayedVote(member, vote, actor, idx, count, commitment)
    ballot.votes = votes


def _ballot_closed(log: ReplayedLog, index: int, body: dict) -> None:
    ballot = _open_ballot(log, index, body["number"])
    if body["actor"] is None:
        _require(_moment(body["closed_at"]) <= _moment(ballot.closes_at), index,
                 "closed automatically after its closing time")
    else:
        _account(log, index, body["actor"], "admin")
        _require(ballot.rule.get("early_close", True) or _moment(body["closed_at"]) >= _moment(ballot.closes_at),
                 index, "closed early although its rule does not allow it")
    _reveal(ballot, index, body.get("votes"))
    recount = count_ballot(rule=ballot.rule, eligible=ballot.eligible, options=ballot.options, seats=ballot.seats,
                           votes={m: v.vote for m, v in ballot.votes.items()}, seed=ballot.seed)
    if not _same(recount, body["result"]):
        _fail(index, f"the recorded result of #{ballot.number} differs from the recount ({recount.get('outcome')!r})")
    ballot.status, ballot.result, ballot.closed_at = "closed", body["result"], body["closed_at"]
    ballot.closed_idx, ballot.closed_by = index, body["actor"]
    proposal = log.proposals[ballot.number]
    proposal.state, proposal.outcome = "closed", body["result"]["outcome"]
    if proposal.outcome == "passed":
        log.expected = _consequences(log, proposal)


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _same(recount: Mapping, recorded: object) -> bool:
    try:
        return canonical_bytes(recount) == canonical_bytes(recorded)
    except CanonicalError:
        return False


def _consequences(log: ReplayedLog, proposal: ReplayedProposal) -> list[tuple[str, dict]]:
    """The events a passed proposal must be followed by: its charter version (or its superseding) once the charter
    is adopted; in set-up, a rule change per kind, or the admission of a member whose name and slug are free."""
    payload = proposal.payload
    if proposal.kind == "decision":
        found = deliberation.amendment_consequence(log, proposal.number)
        return [found] if found else []
    if log.constituted:
        return change_consequences(log, proposal)
    if proposal.kind == "rule_change":
        changes = rule_changes(payload)
        return [("rules.changed", {"kind": kind, "rule": changes[kind], "proposal": proposal.number})
                for kind in sorted(changes)]
    if proposal.kind == "admission" and all(m.name != payload["name"] for m in log.members.values()) and (
            payload.get("slug") not in log.members):
        return [("member.admitted", {"name": payload["name"], "weight": payload["weight"], "proposal": proposal.number})]
    return []


def _time_zone_set(log: ReplayedLog, index: int, body: dict) -> None:
    _require(isinstance(body["time_zone"], str) and body["time_zone"], index, "the time zone is not a name")
    _actor(log, index, body["actor"])


def _rules_changed(log: ReplayedLog, index: int, body: dict) -> None:
    # a log begun before the charter's kinds existed names them only from their first change on
    _require(body["kind"] in log.rules or body["kind"] in CHANGE_KINDS, index, f"unknown proposal kind {body['kind']!r}")
    _actor(log, index, body["actor"])
    log.rules[body["kind"]] = body["rule"]


def _charter_version(log: ReplayedLog, index: int, body: dict) -> None:
    CHARTER_HANDLERS["charter.version"](log, index, body)
    lapse_inactive(log)  # proxies of members no longer active end with the version


HANDLERS: dict[str, Callable[..., None]] = {
    "member.admitted": _member_admitted,
    "member.suspended": lambda log, i, body: _status_changed(log, i, body, "member.suspended"),
    "member.readmitted": lambda log, i, body: _status_changed(log, i, body, "member.readmitted"),
    "member.left": lambda log, i, body: _status_changed(log, i, body, "member.left"),
    "weight.changed": _weight_changed,
    "account.granted": _account_granted,
    "account.revoked": _account_revoked,
    "proposal.created": _proposal_created,
    "proposal.edited": _proposal_edited,
    "proposal.withdrawn": _proposal_withdrawn,
    "vote.cast": _vote_cast,
    "ballot.closed": _ballot_closed,
    "rules.changed": _rules_changed,
    **deliberation.HANDLERS,
    **CHARTER_HANDLERS,
    **KEY_HANDLERS,
    **WITNESS_HANDLERS,
    "charter.version": _charter_version,
    **PROXY_HANDLERS,
    "coalition.time_zone_set": _time_zone_set,
}
EVENT_TYPES = frozenset(HANDLERS) | {"coalition.created", "ballot.opened"}


def _start(event: Mapping) -> ReplayedLog:
    _require(event.get("idx") == 0 and event.get("type") == "coalition.created", 0,
             "a log starts with its coalition.created event at index 0")
    body = event["body"]
    _require(body["slug"] == event["log"], 0, "the coalition's slug is not the log's name")
    return ReplayedLog(body["slug"], body["name"], body["description"], body.get("log_key"), dict(body["rules"]), 1)


def _check_expected(log: ReplayedLog, index: int, event: Mapping) -> None:
    type_, wanted = log.expected.pop(0)
    log.consequence = True
    body = event["body"]
    _require(event["type"] == type_ and all(body.get(key) == value for key, value in wanted.items()), index,
             f"proposal #{wanted.get('proposal', wanted.get('number'))} passed, so this entry must be its {type_} event")


def _apply(log: ReplayedLog, index: int, event: Mapping, previous_ts: int,
           leaf_hashes: Sequence[bytes] | None) -> None:
    if event.get("v") != 1:
        _fail(index, f"unknown event version {event.get('v')!r}")
    if event.get("log") != log.slug:
        _fail(index, f"the entry belongs to log {event.get('log')!r}, not {log.slug!r}")
    if event.get("idx") != index:
        _fail(index, f"the entry says it is entry {event.get('idx')!r}")
    ts = event.get("ts")
    if not isinstance(ts, int) or ts < previous_ts:
        _fail(index, "its time runs backwards")
    log.consequence, log.ts = False, ts
    if log.expected:
        _check_expected(log, index, event)
    type_, body = event.get("type"), event.get("body")
    if type_ not in EVENT_TYPES or type_ == "coalition.created":
        _fail(index, f"unexpected event type {type_!r}")
    if not isinstance(body, dict):
        _fail(index, "the event's body is not an object")
    if type_ == "ballot.opened":
        opening_hash = leaf_hash(canonical_bytes(event)) if leaf_hashes is None else leaf_hashes[index]
        _ballot_opened(log, index, body, opening_hash)
    else:
        refuse_direct_after_charter(log, index, type_)
        HANDLERS[type_](log, index, body)


def _prefix_roots(leaf_hashes: Sequence[bytes]) -> Callable[[int], bytes]:
    """The root of the first n leaves (RFC 9162), each size computed once (k witnesses cosign the same size)."""
    roots: dict[int, bytes] = {}

    def root_of(size: int) -> bytes:
        if size not in roots:
            roots[size] = root_hash(leaf_hashes[:size])
        return roots[size]
    return root_of


class Replayer:
    """A replay fed one event at a time: ``replay`` drives it, and so does the verifier as it reads each entry."""

    def __init__(self, leaf_hashes: Sequence[bytes] | None = None) -> None:
        self.log: ReplayedLog | None = None
        self.previous_ts = 0
        self.leaf_hashes = leaf_hashes

    def apply(self, index: int, event: Mapping) -> None:
        """Check entry ``index``'s event against the state so far and apply it; raises ReplayError naming it."""
        try:
            if self.log is None:
                self.log = _start(event)
                if self.leaf_hashes is not None:
                    self.log.root_of = _prefix_roots(self.leaf_hashes)
            else:
                _apply(self.log, index, event, self.previous_ts, self.leaf_hashes)
                self.log.size = index + 1
        except ReplayError:
            raise
        except (KeyError, TypeError, AttributeError, ValueError) as error:
            raise ReplayError(index, f"the event is malformed ({type(error).__name__}: {error})") from None
        self.previous_ts = event["ts"]

    def cast(self, index: int, log: str, ts: int, number: int, member: str, commitment: str, actor: str) -> bool:
        """Apply entry ``index``, a ``vote.cast`` event read from its canonical bytes, if every rule holds for it.

        The caller vouches for what the bytes guarantee: ``v`` 1, ``idx`` equal to ``index``, a body of exactly
        these fields and a commitment of 64 lowercase hex digits. Returns False, changing nothing, when any rule
        fails or a passed proposal awaits its consequence: ``apply`` on the parsed event then decides, and names
        what is wrong.
        """
        state = self.log
        if state is None or state.expected or log != state.slug or ts < self.previous_ts:
            return False
        ballot = state.ballots.get(number)
        if ballot is None or ballot.status != "open" or ballot.signed_only or member not in ballot.eligible_members:
            return False
        account = state.accounts.get(actor)
        if account is None or not account.active or account.role != "representative" or account.member != member:
            return False
        ballot.record_cast(index, member, commitment, actor)
        state.size, self.previous_ts = index + 1, ts
        return True

    def finish(self) -> ReplayedLog:
        """The state after the last event; raises ReplayError if there was none or a passed proposal's event is due."""
        log = self.log
        if log is None:
            raise ReplayError(0, "the log is empty")
        if log.expected:
            raise ReplayError(log.size, f"the log ends before the {log.expected[0][0]} event of a passed proposal")
        for ballot in log.ballots.values():
            if ballot.status == "open":
                ballot.seal_votes()
        return log


def replay(events: Iterable[Mapping], *, leaf_hashes: Sequence[bytes] | None = None) -> ReplayedLog:
    """The coalition state that a log's events (parsed with ``parse_event``, in index order) describe.

    Every event is checked against the state before it (a vote only from an eligible member's
    representative, status changes in order, a weight change from the current weight...), and
    every closed ballot is recounted from its frozen rule, eligible members and last votes, as
    the service counts it (``recount.count_ballot``, seeded by the leaf hash of its opening).
    Raises ReplayError naming the first inconsistent entry. ``leaf_hashes``: the entries' RFC 9162 leaf
    hashes when the caller has hashed their bytes already (the verifier, which has checked that each entry
    is its event's canonical bytes); by default each ballot's seed is hashed from its event's canonical bytes.

    >>> log = replay([
    ...     {"v": 1, "log": "c", "idx": 0, "ts": 1, "type": "coalition.created", "body": {
    ...         "slug": "c", "name": "C", "description": "", "rules": {}, "log_key": None}},
    ...     {"v": 1, "log": "c", "idx": 1, "ts": 2, "type": "weight.changed", "body": {"member": "x"}}])
    Traceback (most recent call last):
    ...
    governance.log.replayed.ReplayError: log entry 1: no member 'x' has been admitted
    """
    replayer = Replayer(leaf_hashes)
    for index, event in enumerate(events):
        replayer.apply(index, event)
    return replayer.finish()
