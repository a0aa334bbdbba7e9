"""Many votes in one transaction (group commit): the votes a server has waiting, cast together.

Each vote goes through the same checks as ``ballots.cast_vote``, in the same order of authority (token, coalition,
membership, proposal, member, representation, ballot open, eligibility, the ballot's rule); the checks read what the
whole group needs with one query per kind of row instead of a few queries per vote (and what cannot change, such as
an open ballot's rule, only once per process: ``Facts``). Then the group locks its logs, reads in one query what
must be read under those locks, and writes every row at once (``store.stage_appends``, ``pipelined.write_all``):
each log gets its votes' entries, their Merkle nodes, one head update and one signed checkpoint. A vote that fails
any check is left out and reported as ``None``: the caller casts it alone afterwards through ``ballots.cast_vote``,
which refuses it with the exact error a single vote gets (or accepts it, if what it waited for has changed
meanwhile), so a group never changes what a voter is told.
"""

import base64
import json
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import LargeBinary, bindparam, cast, literal, null, select, tuple_, union_all, update
from sqlmodel import Session

from governance import ballots, coalitions
from governance.accounts import token_digest
from governance.clock import as_utc
from governance.log import store
from governance.log.recount import ChoiceError, check_choice, vote_commitment
from governance.log.signing import decode_public_key, log_origin, signature_verifies, vote_statement
from governance.log.store import StagedEntry
from governance.models import Account, ApiToken, Ballot, Coalition, LogEntry, LogNode, Member, MemberKey, Proposal, Vote
from governance.signed_votes import VoteSignature
from governance.pipelined import write_all
from governance.receipts import receipt_from_append

__all__ = ["BallotFacts", "Cast", "CastRequest", "CastVote", "Facts", "KeyFacts", "LogOwner", "MemberFacts", "Voter",
           "cast_many", "preverify", "settle_due_many"]


@dataclass(frozen=True)
class CastRequest:
    """One vote as a request asks for it: where, what, and who asks (an API token's secret or a signed-in account)."""

    slug: str
    number: int
    member: str
    vote: Mapping[str, object]
    token: str | None = None
    account_id: int | None = None
    signed: VoteSignature | None = None


@dataclass(frozen=True, slots=True)
class CastVote:
    """The member's current vote as this request left it (the columns of its ``Vote`` row that a voter sees)."""

    choice: dict
    account: str
    cast_at: datetime
    casts: int
    log_idx: int
    salt: str
    key_id: str | None = None
    seq: int | None = None


@dataclass(frozen=True)
class Cast:
    """A vote staged in the group's transaction: the member's current vote, its log entry and its receipt."""

    vote: CastVote
    member: "MemberFacts"
    entry: StagedEntry
    receipt: str | None


@dataclass(frozen=True, slots=True)
class Voter:
    """The columns of a token's or signed-in account that a vote is checked against."""

    id: int
    coalition_id: int
    username: str
    role: str
    member_id: int | None
    active: bool


@dataclass(frozen=True, slots=True)
class LogOwner:
    """A coalition as its log knows it (``store.append_to_logs`` reads only these)."""

    id: int
    slug: str


@dataclass(frozen=True, slots=True)
class BallotFacts:
    """What never changes once a proposal's ballot is open: its rule, options, eligible members, closing time."""

    id: int
    number: int
    rule: dict
    options: list | None
    eligible: frozenset[str]
    closes_at: datetime
    opened_idx: int
    signed_only: bool


@dataclass(frozen=True, slots=True)
class KeyFacts:
    """What never changes about a registered member key (whether it is revoked is read under the log's lock)."""

    id: int
    member_id: int
    public_key: bytes
    purpose: str


@dataclass(frozen=True, slots=True)
class MemberFacts:
    id: int
    slug: str
    name: str


class Facts:
    """What the checks read that cannot change once it exists (a coalition's id, an open ballot's rule, options,
    eligible members and closing time, a member's id and name), kept between groups by one process so a group
    asks the database only for what can change: tokens and accounts, ballot statuses (read under the log's lock),
    the logs and the votes. Nothing here is ever deleted or edited by Concord once written."""

    def __init__(self) -> None:
        self.coalitions: dict[str, LogOwner] = {}
        self.ballots: dict[tuple[int, int], BallotFacts] = {}
        self.members: dict[tuple[int, str], MemberFacts] = {}
        self.origins: dict[int, str] = {}
        self.keys: dict[tuple[int, str], KeyFacts] = {}
        self.verified: set[tuple[bytes, str, bytes]] = set()  # (public key, signature, statement): see preverify


MAX_PREVERIFIED = 10_000
"""At most this many signatures checked on arrival and not yet used by a group (a bound on ``Facts.verified``)."""


@dataclass
class _Staged:
    position: int
    request: CastRequest
    account: Voter
    coalition: LogOwner
    ballot: BallotFacts
    member: MemberFacts
    choice: dict
    salt: str = ""
    commitment: str = ""
    key: KeyFacts | None = None
    entry: StagedEntry | None = None


_VOTER = (Account.id, Account.coalition_id, Account.username, Account.role, Account.member_id, Account.active)
_TOKENS = (select(ApiToken.token_hash, ApiToken.revoked_at, *_VOTER).join(Account, Account.id == ApiToken.account_id)
           .where(ApiToken.token_hash.in_(bindparam("digests", expanding=True))))
_ACCOUNTS = select(*_VOTER).where(Account.id.in_(bindparam("ids", expanding=True)))
_COALITIONS = select(Coalition.id, Coalition.slug).where(Coalition.slug.in_(bindparam("slugs", expanding=True)))
_BALLOTS = (select(Proposal.coalition_id, Proposal.number, Proposal.options, Ballot.id, Ballot.rule, Ballot.eligible,
                   Ballot.closes_at, Ballot.opened_idx, Ballot.signed_only).join(Ballot, Ballot.proposal_id == Proposal.id)
            .where(tuple_(Proposal.coalition_id, Proposal.number).in_(bindparam("keys", expanding=True))))
_MEMBERS = select(Member.id, Member.coalition_id, Member.slug, Member.name).where(
    tuple_(Member.coalition_id, Member.slug).in_(bindparam("keys", expanding=True)))
_FIRST_ENTRIES = select(LogEntry.coalition_id, LogEntry.data).where(
    LogEntry.coalition_id.in_(bindparam("logs", expanding=True)), LogEntry.idx == 0)
_KEYS = select(MemberKey.coalition_id, MemberKey.key_id, MemberKey.id, MemberKey.member_id, MemberKey.public_key,
               MemberKey.purpose).where(tuple_(MemberKey.coalition_id, MemberKey.key_id).in_(
                   bindparam("keys", expanding=True)))
_SEQ_UPDATE = update(Member.__table__).where(Member.__table__.c.id == bindparam("member_row")).values(
    vote_seq=bindparam("new_seq"))
_NODE = LogNode.__table__
_LOCKED_READ = union_all(  # kind, then three integers, then a hash: nodes first, so the hash column is typed bytes
    select(literal("n"), _NODE.c.coalition_id, _NODE.c.level, _NODE.c.index, _NODE.c.hash).where(
        tuple_(_NODE.c.coalition_id, _NODE.c.level, _NODE.c.index).in_(bindparam("nodes", expanding=True))),
    select(literal("s"), Ballot.id, literal(0), literal(0), cast(null(), LargeBinary)).where(
        Ballot.id.in_(bindparam("ballots", expanding=True)), Ballot.status == "open"),
    select(literal("c"), Vote.ballot_id, Vote.member_id, Vote.casts, cast(null(), LargeBinary)).where(
        tuple_(Vote.ballot_id, Vote.member_id).in_(bindparam("votes", expanding=True))),
    select(literal("k"), MemberKey.id, literal(0), literal(0), cast(null(), LargeBinary)).where(
        MemberKey.id.in_(bindparam("keys", expanding=True)), MemberKey.revoked_idx.is_(None)),
    select(literal("q"), Member.id, Member.vote_seq, literal(0), cast(null(), LargeBinary)).where(
        Member.id.in_(bindparam("members", expanding=True))),
)


def settle_due_many(session: Session, slugs: Iterable[str], now: datetime) -> list[str]:
    """Close the overdue ballots of the coalitions ``slugs`` (one query to find them), committing each coalition's
    closings before the votes; the slugs of the coalitions that had any."""
    due = ballots.due_slugs(session, slugs=slugs, now=now)
    for slug in due:
        ballots.close_due(session, coalition=coalitions.get_coalition(session, slug), now=now)
        session.commit()
    if due:
        session.expire_all()
    return due


def cast_many(session: Session, requests: Sequence[CastRequest], now: datetime,
              facts: Facts | None = None) -> list[Cast | None]:
    """Stage every vote of ``requests`` that passes all checks, in order, in the session's transaction (the caller
    commits); ``None`` for each one that does not (cast it alone for its error). ``facts``: what earlier groups of
    this process learned (a new, empty one if not given).

    While the group holds its logs' locks it asks the database twice: one read (the trees' frontiers, which ballots
    are still open, the votes' cast counts) and one write of every row (on PostgreSQL one round trip for all)."""
    results: list[Cast | None] = [None] * len(requests)
    staged = _check(session, requests, now, facts if facts is not None else Facts())
    if not staged:
        return results
    owners = {item.coalition.id: item.coalition for item in staged}
    heads = store.lock_heads(session, owners.values())
    frontiers, still_open, casts_before, live_keys, seqs = _read_locked(session, staged,
                                                                        {log: heads[log].size for log in owners})
    staged, new_seqs = _fresh([item for item in staged if item.ballot.id in still_open], live_keys, seqs)
    by_log: dict[int, list[_Staged]] = {}
    for item in staged:
        if item.key is None:
            item.salt = secrets.token_hex(16)
            item.commitment = vote_commitment(number=item.ballot.number, member=item.member.slug, vote=item.choice,
                                              salt=item.salt)
        by_log.setdefault(item.coalition.id, []).append(item)
    if not by_log:
        return results
    appended, writes = store.stage_appends(
        session, [(items[0].coalition, [_event(item) for item in items]) for items in by_log.values()], frontiers)
    receipts = _receipts(session, by_log, appended)
    vote_rows, votes = _votes(staged, casts_before, now)
    seq_rows = [{"member_row": member, "new_seq": seq} for member, seq in new_seqs.items()]
    write_all(session, [*writes, (ballots.vote_upsert(session.get_bind().dialect.name), vote_rows),
                        (_SEQ_UPDATE, seq_rows)])
    for item in staged:
        results[item.position] = Cast(vote=votes[item.position], member=item.member, entry=item.entry,
                                      receipt=receipts[item.position])
    return results


def _accounts(session: Session, requests: Sequence[CastRequest]) -> tuple[dict[str, Voter], dict[int, Voter]]:
    """Live tokens' accounts by token secret, and signed-in accounts by id; what is unknown or revoked is left out."""
    digests = {r.token: token_digest(r.token) for r in requests if r.token is not None}
    by_digest = {}
    if digests:
        rows = session.execute(_TOKENS, {"digests": sorted(set(digests.values()))}).all()
        by_digest = {digest: Voter(*voter) for digest, revoked_at, *voter in rows if revoked_at is None}
    ids = sorted({r.account_id for r in requests if r.token is None and r.account_id is not None})
    signed_in = {row[0]: Voter(*row) for row in session.execute(_ACCOUNTS, {"ids": ids})} if ids else {}
    return {secret: by_digest[d] for secret, d in digests.items() if d in by_digest}, signed_in


def _learn(session: Session, requests: Sequence[CastRequest], facts: Facts) -> None:
    """Read into ``facts`` the coalitions, open ballots and members the requests name that it does not hold yet."""
    slugs = sorted({r.slug for r in requests} - facts.coalitions.keys())
    if slugs:
        facts.coalitions.update((slug, LogOwner(id, slug))
                                for id, slug in session.execute(_COALITIONS, {"slugs": slugs}))
    named = [(facts.coalitions[r.slug].id, r) for r in requests if r.slug in facts.coalitions]
    wanted = sorted({(log, r.number) for log, r in named} - facts.ballots.keys())
    if wanted:
        for log, number, options, id, rule, eligible, closes_at, opened_idx, signed_only in session.execute(
                _BALLOTS, {"keys": wanted}):
            facts.ballots[(log, number)] = BallotFacts(id, number, rule, options,
                                                       frozenset(row["member"] for row in eligible), as_utc(closes_at),
                                                       opened_idx, bool(signed_only))
    wanted = sorted({(log, r.member) for log, r in named} - facts.members.keys())
    if wanted:
        for id, log, slug, name in session.execute(_MEMBERS, {"keys": wanted}):
            facts.members[(log, slug)] = MemberFacts(id, slug, name)
    _learn_keys(session, [(log, r) for log, r in named if r.signed is not None], facts)


def _learn_keys(session: Session, signed: list[tuple[int, CastRequest]], facts: Facts) -> None:
    """Read into ``facts`` the origins of the logs and the member keys that signed votes name."""
    logs = sorted({log for log, _ in signed} - facts.origins.keys())
    if logs:
        slugs = {owner.id: owner.slug for owner in facts.coalitions.values()}
        for log, data in session.execute(_FIRST_ENTRIES, {"logs": logs}):
            facts.origins[log] = log_origin(json.loads(data)["body"].get("log_key"), slugs[log])
    wanted = sorted({(log, r.signed.key_id) for log, r in signed} - facts.keys.keys())
    if wanted:
        for log, key_id, id, member_id, public_key, purpose in session.execute(_KEYS, {"keys": wanted}):
            facts.keys[(log, key_id)] = KeyFacts(id, member_id, decode_public_key(public_key), purpose)


def _check(session: Session, requests: Sequence[CastRequest], now: datetime, facts: Facts) -> list[_Staged]:
    """The requests that pass every check ``ballots.cast_vote`` makes before it takes the log's lock (the ballot's
    status is read under the lock, in ``_still_open``)."""
    by_token, by_id = _accounts(session, requests)
    _learn(session, requests, facts)
    staged = []
    for position, request in enumerate(requests):
        account = by_token.get(request.token) if request.token is not None else by_id.get(request.account_id)
        coalition = facts.coalitions.get(request.slug)
        if account is None or not account.active or coalition is None or account.coalition_id != coalition.id:
            continue
        ballot = facts.ballots.get((coalition.id, request.number))
        member = facts.members.get((coalition.id, request.member))
        if ballot is None or member is None:
            continue
        if account.role != "representative" or account.member_id != member.id:
            continue
        if ballot.closes_at <= now or member.slug not in ballot.eligible:
            continue
        try:
            choice = check_choice(ballot.rule, ballot.options, request.vote)
        except ChoiceError:
            continue
        item = _Staged(position, request, account, coalition, ballot, member, choice)
        if (request.signed is None and not ballot.signed_only) or (request.signed is not None and _signed(item, facts)):
            staged.append(item)
    return staged


def _statement(facts: Facts, log: int, signed: VoteSignature, ballot: BallotFacts, member: MemberFacts,
               choice: dict) -> tuple[KeyFacts, str, bytes] | None:
    """The member's voting key, the vote's commitment and the statement its signature must sign; None when the key
    is unknown, another member's or not a voting key."""
    key = facts.keys.get((log, signed.key_id))
    if key is None or key.member_id != member.id or key.purpose != "vote" or log not in facts.origins:
        return None
    commitment = vote_commitment(number=ballot.number, member=member.slug, vote=choice, salt=signed.salt)
    statement = vote_statement(origin=facts.origins[log], number=ballot.number, ballot=ballot.opened_idx,
                               commitment=commitment, seq=signed.seq)
    return key, commitment, statement


def _signed(item: _Staged, facts: Facts) -> bool:
    """Whether a signed vote's signature verifies with its member's voting key (the key's revocation and the
    sequence number are checked under the lock, in ``_fresh``); if so its salt, commitment and key are set. A
    signature ``preverify`` checked on the vote's arrival, over the same statement with the same key, is not
    checked twice."""
    signed = item.request.signed
    found = _statement(facts, item.coalition.id, signed, item.ballot, item.member, item.choice)
    if found is None:
        return False
    key, commitment, statement = found
    checked = (key.public_key, signed.signature, statement)
    if checked in facts.verified:
        facts.verified.discard(checked)
    elif not signature_verifies(key.public_key, base64.b64decode(signed.signature), statement):
        return False
    item.salt, item.commitment, item.key = signed.salt, commitment, key
    return True


def preverify(request: CastRequest, facts: Facts) -> None:
    """``_preverify``, never raising: it only saves the group work, and the group answers whatever it met."""
    try:
        _preverify(request, facts)
    except Exception:  # noqa: BLE001, S110 - the group's own check meets the same input and gives it its answer
        pass


def _preverify(request: CastRequest, facts: Facts) -> None:
    """Check a signed vote's signature as it arrives, when ``facts`` already knows its coalition, ballot, member and
    key (a process that has cast votes there before), so the group's check in the writer does not have to: the
    signatures of a group are then checked while the previous group waits on the database, not one after another
    before its transaction. Only a signature that verifies is remembered; everything else (and every other check)
    is left to ``cast_many``, which gives each refusal its answer."""
    signed = request.signed
    owner = facts.coalitions.get(request.slug) if signed is not None else None
    if owner is None:
        return
    ballot, member = facts.ballots.get((owner.id, request.number)), facts.members.get((owner.id, request.member))
    if ballot is None or member is None:
        return
    try:
        choice = check_choice(ballot.rule, ballot.options, request.vote)
    except ChoiceError:
        return
    found = _statement(facts, owner.id, signed, ballot, member, choice)
    if found is None:
        return
    key, _, statement = found
    if signature_verifies(key.public_key, base64.b64decode(signed.signature), statement):
        if len(facts.verified) >= MAX_PREVERIFIED:
            facts.verified.clear()  # votes whose requests went away before their group: checked again if needed
        facts.verified.add((key.public_key, signed.signature, statement))


def _fresh(staged: list[_Staged], live_keys: set[int], seqs: Mapping[int, int]) -> tuple[list[_Staged], dict[int, int]]:
    """The group's votes whose key is still active and whose sequence number is above the member's last (counting
    the group's own signed votes before it, in order); and each signer's new last sequence number, by member id."""
    kept, new_seqs = [], {}
    for item in staged:
        if item.key is not None:
            last = new_seqs.get(item.member.id, seqs.get(item.member.id, 0))
            if item.key.id not in live_keys or item.request.signed.seq <= last:
                continue
            new_seqs[item.member.id] = item.request.signed.seq
        kept.append(item)
    return kept, new_seqs


def _read_locked(session: Session, staged: list[_Staged], sizes: Mapping[int, int]) -> tuple[
        dict[int, dict[tuple[int, int], bytes]], set[int], dict[tuple[int, int], int], set[int], dict[int, int]]:
    """Once the logs are locked, in one query: each log's frontier (the perfect subtrees of its ``sizes``), which
    of the group's ballots are still open (a closing runs under the same lock, so this read sees any that came
    first, as ``cast_vote`` does), how many casts each (ballot, member) vote row has (every change to a vote
    row runs under its log's lock too), which of the signing keys are not revoked, and the signers' last sequence
    numbers (both changed only under the log's lock)."""
    frontiers: dict[int, dict[tuple[int, int], bytes]] = {log: {} for log in sizes}
    still_open, casts, live_keys, seqs = set(), {}, set(), {}
    signed = [item for item in staged if item.key is not None]
    rows = session.execute(_LOCKED_READ, {
        "nodes": store.frontier_keys(sizes), "ballots": sorted({item.ballot.id for item in staged}),
        "votes": sorted({(item.ballot.id, item.member.id) for item in staged}),
        "keys": sorted({item.key.id for item in signed}), "members": sorted({item.member.id for item in signed})})
    for kind, a, b, c, value in rows:
        if kind == "n":
            frontiers[a][(b, c)] = value
        elif kind == "s":
            still_open.add(a)
        elif kind == "c":
            casts[(a, b)] = c
        elif kind == "k":
            live_keys.add(a)
        else:
            seqs[a] = b
    return frontiers, still_open, casts, live_keys, seqs


def _receipts(session: Session, by_log: dict[int, list[_Staged]],
              appended: Mapping[int, store.Appended]) -> dict[int, str | None]:
    """Each vote's receipt (by position): its entry's inclusion proof at its log's new size, with the new
    checkpoint, from the nodes the append read and made."""
    receipts = {}
    for log, items in by_log.items():
        done, reader = appended[log], store.NodeReader(session, log)
        for item, entry in zip(items, done.entries):
            item.entry = entry
            receipts[item.position] = None if done.note is None else receipt_from_append(done, entry.idx, reader)
    return receipts


def _event(item: _Staged) -> tuple[str, dict]:
    body = {"number": item.ballot.number, "member": item.member.slug, "commitment": item.commitment,
            "actor": item.account.username}
    return "vote.cast", body if item.key is None else {**body, **item.request.signed.log_fields()}


def _signature_columns(item: _Staged) -> dict:
    signed = item.request.signed if item.key is not None else None
    return {"key_id": signed.key_id if signed else None, "seq": signed.seq if signed else None,
            "signature": signed.signature if signed else None}


def _votes(staged: list[_Staged], casts: dict[tuple[int, int], int],
           now: datetime) -> tuple[list[dict], dict[int, CastVote]]:
    """One upsert row per (ballot, member): the group's last vote for it, counted as as many casts as it had; and
    the vote each request sees (by position): its own, with the cast count as of that request."""
    last: dict[tuple[int, int], _Staged] = {}
    count: dict[tuple[int, int], int] = {}
    for item in staged:
        key = (item.ballot.id, item.member.id)
        last[key] = item
        count[key] = count.get(key, 0) + 1
    rows = [{"ballot_id": item.ballot.id, "member_id": item.member.id, "choice": item.choice,
             "account": item.account.username, "cast_at": now, "log_idx": item.entry.idx, "casts": count[key],
             "salt": item.salt, **_signature_columns(item)} for key, item in last.items()]
    votes, casts = {}, dict(casts)
    for item in staged:
        key = (item.ballot.id, item.member.id)
        casts[key] = casts.get(key, 0) + 1
        signature = _signature_columns(item)
        votes[item.position] = CastVote(choice=item.choice, account=item.account.username, cast_at=now,
                                        casts=casts[key], log_idx=item.entry.idx, salt=item.salt,
                                        key_id=signature["key_id"], seq=signature["seq"])
    return rows, votes
