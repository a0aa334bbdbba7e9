"""Group commit for votes: a process casts the votes waiting for the database together, in one transaction.

Votes are the one write that comes in bulk (every member of every coalition, changing their minds until the
deadline), and each one costs a transaction, a lock of its coalition's log head, the tree's frontier, a signed
checkpoint and a round trip to a worker thread. Here a vote request waits on the event loop; whenever no group is
being written, the votes waiting so far become the next group and go to the database in one worker thread and one
transaction (``governance.casting``): no vote waits for a timer, and under load a group holds as many votes as
arrived while the previous one was written. A vote is answered only after its group commits, so an acknowledged
vote is on disk, as before. A vote that fails a check is cast alone afterwards, in a transaction of its own, so it
gets exactly the error a single vote gets; if the whole group fails for a reason of its own (a race on a new log's
head, say), every vote in it is cast alone; if the database is unreachable, every vote gets the 503.
"""

import asyncio
import base64
import logging
import weakref
from contextlib import nullcontext
from datetime import datetime

import anyio.to_thread
from sqlalchemy.engine import Connection
from sqlmodel import Session
from starlette.datastructures import State

from app.api.schemas import VoteReceipt, VotePublic
from app.db import write_gate, write_session
from app.deps import SIGN_IN, require_member_of
from app.errors import DATABASE_DOWN
from governance import accounts, ballots, coalitions, members, proposals, receipts
from governance.casting import (Cast, CastRequest, CastVote, Facts, MemberFacts, cast_many, preverify,
                               settle_due_many)
from governance.errors import Forbidden, Unauthorized
from governance.log.store import StagedEntry
from governance.models import Account, Member, Vote

__all__ = ["MAX_GROUP", "VoteWriter", "cast_alone", "vote_public", "vote_writer"]

logger = logging.getLogger("concord")
MAX_GROUP = 200
"""At most this many votes in one transaction (a bound on how long one group holds its logs' locks)."""
HOLD_IDLE = 1.0
"""Seconds the writer keeps its connection once no vote waits."""
_WRITERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def vote_public(vote: Vote | CastVote, member: Member | MemberFacts, *, reveal: bool) -> VotePublic:
    return VotePublic(member=member.slug, member_name=member.name, vote=vote.choice if reveal else None,
                      account=vote.account if reveal else None, cast_at=vote.cast_at, casts=vote.casts,
                      log_index=vote.log_idx, key_id=vote.key_id if reveal else None,
                      seq=vote.seq if reveal else None)


def vote_writer(state: State) -> "VoteWriter":
    """The writer of this app and event loop (a test client may run an app on several loops, one after another)."""
    per_loop = _WRITERS.setdefault(state, weakref.WeakKeyDictionary())
    loop = asyncio.get_running_loop()
    writer = per_loop.get(loop)
    if writer is None:
        writer = per_loop[loop] = VoteWriter(state)
    return writer


class VoteWriter:
    """Casts the votes of one event loop in groups; ``cast`` answers one vote's receipt or raises its error."""

    def __init__(self, state: State) -> None:
        self.state = state
        self.waiting: list[tuple[CastRequest, asyncio.Future]] = []
        self.task: asyncio.Task | None = None
        self.arrived = asyncio.Event()  # set when a vote comes while the writer waits with its connection held
        self.facts = Facts()
        self.held: Connection | None = None  # the connection groups use while votes keep coming
        self.groups = 0  # how many groups were written, and how many votes they held (for tests and benchmarks)
        self.votes = 0

    async def cast(self, request: CastRequest) -> VoteReceipt:
        preverify(request, self.facts)  # on the event loop, while a group may be waiting on the database
        future = asyncio.get_running_loop().create_future()
        self.waiting.append((request, future))
        if self.task is None:
            self.task = asyncio.create_task(self._drain())
        else:
            self.arrived.set()
        return await future

    async def _drain(self) -> None:
        try:
            while await self._more():
                group, self.waiting = self.waiting[:MAX_GROUP], self.waiting[MAX_GROUP:]
                gate = write_gate(self.state.engine)
                try:
                    async with gate if gate is not None else nullcontext():
                        outcomes = await anyio.to_thread.run_sync(self._write, [request for request, _ in group])
                except asyncio.CancelledError as error:  # the loop is shutting down: no request waits forever
                    _answer(group, [error] * len(group))
                    raise
                except Exception as error:  # noqa: BLE001 - no worker thread to be had: this group's error
                    outcomes = [error] * len(group)
                self.groups, self.votes = self.groups + 1, self.votes + len(group)
                _answer(group, outcomes)
        finally:
            if self.held is not None:  # cancelled in the middle: give it back anyway
                self._release()
            self.task = None
            if self.waiting:  # left behind by a shutdown
                waiting, self.waiting = self.waiting, []
                _answer(waiting, [asyncio.CancelledError()] * len(waiting))

    async def _more(self) -> bool:
        """Whether votes wait. When none do, the held connection is kept for ``HOLD_IDLE`` seconds in case more
        come (at a steady rate they come every few milliseconds), then given back to the pool."""
        if self.waiting:
            return True
        if self.held is None:
            return False
        self.arrived.clear()
        try:
            await asyncio.wait_for(self.arrived.wait(), HOLD_IDLE)
        except TimeoutError:
            await anyio.to_thread.run_sync(self._release)
        return bool(self.waiting)

    def _session(self) -> Session:
        """A write session on the connection the writer holds while votes keep coming: the pool checks a
        connection (a round trip) each time it hands one out, so the writer takes one per burst, not per group."""
        if self.held is None:
            self.held = self.state.engine.connect()
        session = write_session(self.held)
        session.info["log_signer"] = self.state.log_signer
        return session

    def _release(self) -> None:
        """Give the held connection back to the pool (a broken one is discarded there)."""
        held, self.held = self.held, None
        if held is not None:
            try:
                held.close()
            except Exception:  # noqa: BLE001 - a connection that cannot even be closed is gone already
                logger.warning("the vote writer's connection could not be closed; the pool discards it")

    def _write(self, requests: list[CastRequest]) -> list[VoteReceipt | BaseException]:
        """On a worker thread: the group in one transaction, then each vote it left out alone. A group that finds
        its held connection broken (the database restarted since) is tried once more on a fresh one."""
        now = self.state.clock()
        for attempt in (1, 2):
            try:
                with self._session() as session:
                    settle_due_many(session, {request.slug for request in requests}, now)
                    casts = cast_many(session, requests, now, self.facts)
                    answers: list[VoteReceipt | BaseException | None] = [
                        None if cast is None else _receipt(cast) for cast in casts]
                    session.commit()
                break
            except DATABASE_DOWN as error:
                self._release()
                if attempt == 2 or not getattr(error, "connection_invalidated", False):
                    return [error] * len(requests)
            except Exception as error:  # noqa: BLE001 - each vote is tried alone below and gets its own answer
                logger.warning("a group of %d votes failed (%s); casting each alone", len(requests),
                               type(error).__name__)
                self._release()  # whatever went wrong, the votes cast alone start on a fresh connection
                answers = [None] * len(requests)
                break
        return [answer if answer is not None else self._alone(request, now)
                for request, answer in zip(requests, answers)]

    def _alone(self, request: CastRequest, now: datetime) -> VoteReceipt | BaseException:
        try:
            with self._session() as session:
                settle_due_many(session, [request.slug], now)
                answer = cast_alone(session, request, now)
                session.commit()
                return answer
        except Exception as error:  # noqa: BLE001 - the request's own error, raised where it waits
            return error


def _answer(group: list[tuple[CastRequest, asyncio.Future]], outcomes: list) -> None:
    for (_, future), outcome in zip(group, outcomes):
        if future.done():  # its request was cancelled (the client went away); the vote stands
            continue
        if isinstance(outcome, BaseException):
            future.set_exception(outcome)
        else:
            future.set_result(outcome)


def _receipt(cast: Cast) -> VoteReceipt:
    return _vote_receipt(cast.vote, cast.member, cast.entry, cast.receipt)


def _vote_receipt(vote: Vote | CastVote, member: Member | MemberFacts, entry: StagedEntry,
                  receipt: str | None) -> VoteReceipt:
    """What the API answers a vote: the member's current vote, its log entry, the entry's receipt, the salt."""
    return VoteReceipt(vote=vote_public(vote, member, reveal=True), log_index=entry.idx,
                       entry=base64.b64encode(entry.data).decode(), receipt=receipt, salt=vote.salt)


def _account(session: Session, request: CastRequest) -> Account:
    if request.token is not None:
        return accounts.account_for_token(session, request.token)
    account = session.get(Account, request.account_id) if request.account_id is not None else None
    if account is None:
        raise Unauthorized(SIGN_IN)
    if not account.active:  # revoked after signing in: refused as a revoked account's token is
        raise Forbidden(accounts.REVOKED_ACCOUNT)
    return account


def cast_alone(session: Session, request: CastRequest, now: datetime) -> VoteReceipt:
    """One vote in the session's transaction, each check raising its own error, in the order the API has always
    checked them: the account, the coalition, membership, the proposal, the member, then ``ballots.cast_vote``."""
    account = _account(session, request)
    coalition, proposal, row, ballot = ballots.vote_target(session, slug=request.slug, number=request.number,
                                                           member=request.member)
    coalition = coalition or coalitions.get_coalition(session, request.slug)  # each get_ raises its 404
    require_member_of(account, coalition)
    proposal = proposal or proposals.get_proposal(session, coalition=coalition, number=request.number)
    row = row or members.get_member(session, coalition=coalition, slug=request.member)
    vote, entry = ballots.cast_vote(session, coalition=coalition, actor=account, proposal=proposal, member=row,
                                    vote=request.vote, now=now, ballot=ballot, signed=request.signed)
    return _vote_receipt(vote, row, entry, receipts.receipt_for(session, coalition=coalition, index=entry.idx))
