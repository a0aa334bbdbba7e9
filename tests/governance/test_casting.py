"""Group commit against the single vote: the same answers, rows and log, one checkpoint, receipts that verify."""

import base64
import itertools
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func
from sqlmodel import Session, select

from app.db import read_session, write_session
from app.vote_writer import VoteWriter, cast_alone
from governance import accounts, ballots, coalitions, members, proposals
from governance.casting import Cast, CastRequest, Facts, cast_many, settle_due_many
from governance.errors import Conflict, DomainError
from governance.log.canonical import parse_event
from governance.log.proofs import parse_receipt, verify_receipt
from governance.log.recount import vote_commitment
from governance.models import (
    Ballot,
    Checkpoint,
    Coalition,
    LogEntry,
    LogHead,
    Member,
    Proposal,
    Vote,
)
from tests.app.support import quick_coalition
from tests.app.test_concurrency import assert_log_is_gap_free
from tests.factories import PASSWORD

MEMBERS = {"a": 1, "b": 2, "c": 3}
NAME = "Twin Coalition"
BALLOTS = ("decision", "choice", "soon", "closed", "draft")
OPTIONS = ["X", "Y", "Z"]
MISSING_NUMBER = 99
OTHER_MEMBER = {"a": "b", "b": "c", "c": "a", "late": "a", "ghost": "a"}


@dataclass
class World:
    """One coalition built the same way as its twin: tokens and account ids by who holds them, numbers by ballot."""

    slug: str
    tokens: dict[str, str]
    account_ids: dict[str, int]
    numbers: dict[str, int]
    start: int

    def request(self, intent: tuple, foreign_token: str) -> CastRequest:
        where, ballot, member, auth, vote = intent
        slug = self.slug if where == "here" else "no-such-coalition"
        number = self.numbers.get(ballot, MISSING_NUMBER)
        holder = member if member in self.tokens else "a"
        who = {"own": {"token": self.tokens[holder]}, "own-session": {"account_id": self.account_ids[holder]},
               "garbage": {"token": "cnc_not-a-token"}, "revoked": {"token": self.tokens["revoked"]},
               "other-member": {"token": self.tokens[OTHER_MEMBER[member]]}, "admin": {"token": self.tokens["admin"]},
               "other-coalition": {"token": foreign_token}, "nobody-session": {"account_id": 10**9},
               "anonymous": {}}[auth]
        return CastRequest(slug, number, member, vote, **who)


def _secret(headers: dict[str, str]) -> str:
    return headers["Authorization"].removeprefix("Bearer ")


def _signed(app) -> Session:
    session = write_session(app.state.engine)
    session.info["log_signer"] = app.state.log_signer
    return session


def build_world(app, slug: str) -> World:
    """Three members with a representative each, a decision and a choice open for a week, a decision closing in an
    hour, one closed early, one still a draft, a member admitted after the ballots opened, and a revoked token."""
    fixture = quick_coalition(app, slug=slug, members=MEMBERS, name=NAME)
    tokens = {member: _secret(headers) for member, headers in fixture.reps.items()} | {"admin": _secret(fixture.admin)}
    now = app.state.clock()
    with _signed(app) as session:
        coalition = coalitions.get_coalition(session, slug)
        admin = accounts.find_account(session, f"{slug}-admin")
        numbers = {}
        for name in BALLOTS:
            kind, options = ("choice", OPTIONS) if name == "choice" else ("decision", ())
            numbers[name] = proposals.create_proposal(session, coalition=coalition, author=admin, kind=kind,
                                                      title=f"The {name} proposal", body="", options=options,
                                                      now=now).number
        for name, length in (("decision", timedelta(days=7)), ("choice", timedelta(days=7)),
                             ("soon", timedelta(hours=1)), ("closed", timedelta(days=7))):
            proposal = proposals.get_proposal(session, coalition=coalition, number=numbers[name])
            ballots.open_ballot(session, coalition=coalition, actor=admin, proposal=proposal, closes_at=now + length,
                                now=now)
        ballots.close_ballot(session, coalition=coalition, now=now, actor=admin,
                             proposal=proposals.get_proposal(session, coalition=coalition, number=numbers["closed"]))
        late = members.admit_member(session, coalition=coalition, actor=admin.username, slug="late", name="Late",
                                    weight="1", basis="members", now=now)
        late_rep = accounts.create_account(session, coalition=coalition, actor=admin.username, member=late,
                                           username=f"rep-{slug}-late", password=PASSWORD, role="representative",
                                           now=now)
        tokens["late"] = accounts.issue_token(session, account=late_rep, name="test", now=now)[1]
        rep_a = accounts.find_account(session, f"rep-{slug}-a")
        revoked, tokens["revoked"] = accounts.issue_token(session, account=rep_a, name="old", now=now)
        accounts.revoke_token(session, account=rep_a, token_id=revoked.id, now=now)
        account_ids = {member: accounts.find_account(session, f"rep-{slug}-{member}").id
                       for member in (*MEMBERS, "late")}
        session.commit()
        start = store_size(session, coalition.id)
    return World(slug, tokens, account_ids, numbers, start)


def store_size(session: Session, coalition_id: int) -> int:
    return session.get(LogHead, coalition_id, populate_existing=True).size


def coalition_id(engine, slug: str) -> int:
    with read_session(engine) as session:
        return session.exec(select(Coalition.id).where(Coalition.slug == slug)).one()


def checkpoints(engine, slug: str) -> list[Checkpoint]:
    with read_session(engine) as session:
        return list(session.exec(select(Checkpoint).join(Coalition).where(Coalition.slug == slug)
                                 .order_by(Checkpoint.size)))


def log_size(engine, slug: str) -> int:
    with read_session(engine) as session:
        return session.exec(select(LogHead.size).join(Coalition, Coalition.id == LogHead.coalition_id)
                            .where(Coalition.slug == slug)).one()


def entry_bytes(engine, slug: str) -> dict[int, bytes]:
    with read_session(engine) as session:
        rows = session.exec(select(LogEntry).join(Coalition).where(Coalition.slug == slug)).all()
        return {row.idx: row.data for row in rows}


def error_of(error: DomainError) -> tuple:
    return ("error", type(error).__name__, error.status_code, error.message)


def single(app, request: CastRequest, now: datetime) -> tuple:
    """One vote as ``VoteWriter._alone`` casts it: settle the coalition's deadlines, cast, commit."""
    try:
        with _signed(app) as session:
            settle_due_many(session, [request.slug], now)
            receipt = cast_alone(session, request, now)
            session.commit()
    except DomainError as error:
        return error_of(error)
    vote = receipt.vote
    return ("ok", vote.vote, vote.account, vote.casts, vote.log_index, receipt.salt, receipt.receipt,
            receipt.entry)


def group(app, requests: list[CastRequest], now: datetime,
          facts: Facts | None = None) -> tuple[list[tuple], list[Cast | None], int]:
    """A group as ``VoteWriter._write`` writes it, without its fallback for a failing group (a failure must show):
    the casts, each outcome (the ones left out cast alone), and how many checkpoints the group's commit added.
    ``facts``: what earlier groups learned, as a writer keeps it between groups."""
    with _signed(app) as session:
        slugs = {request.slug for request in requests}
        settle_due_many(session, slugs, now)
        before = session.exec(select(func.count()).select_from(Checkpoint)).one()
        casts = cast_many(session, requests, now, facts)
        session.commit()
        added = session.exec(select(func.count()).select_from(Checkpoint)).one() - before
    outcomes = []
    for request, cast in zip(requests, casts):
        if cast is None:
            outcomes.append(single(app, request, now))
        else:
            vote = cast.vote
            outcomes.append(("ok", vote.choice, vote.account, vote.casts, vote.log_idx, vote.salt, cast.receipt,
                             cast.entry.data))
    return outcomes, casts, added


def comparable(outcome: tuple, slug: str) -> tuple:
    """An outcome without what is random (salt, receipt, entry bytes) and with the coalition's slug taken out."""
    if outcome[0] == "error":
        return outcome
    _, choice, account, casts, log_idx, *_ = outcome
    return ("ok", choice, account.replace(slug, "<c>"), casts, log_idx)


def comparable_events(events: list[dict], slug: str) -> list[tuple]:
    """Each event's index, type and body, with commitments and revealed salts taken out, after checking that each
    salt opens the commitment it reveals."""
    out = []
    for event in events:
        body = dict(event["body"])
        if event["type"] == "vote.cast":
            body.pop("commitment")
        if event["type"] == "ballot.closed":
            for member, revealed in body["votes"].items():
                committed = events_by_idx(events)[revealed["idx"]]["body"]
                assert committed["commitment"] == vote_commitment(number=body["number"], member=member,
                                                                  vote=revealed["vote"], salt=revealed["salt"])
            body["votes"] = {member: {k: v for k, v in revealed.items() if k != "salt"}
                             for member, revealed in body["votes"].items()}
        out.append((event["idx"], event["type"], json.dumps(body, sort_keys=True).replace(slug, "<c>")))
    return out


def events_by_idx(events: list[dict]) -> dict[int, dict]:
    return {event["idx"]: event for event in events}


def vote_rows(engine, slug: str) -> dict[tuple[int, str], tuple]:
    """(proposal, member) -> (choice, account, casts, log index, cast at) of each counted vote; its salt must open
    the commitment of the entry it names."""
    events = events_by_idx(assert_log_is_gap_free(engine, slug))
    with read_session(engine) as session:
        rows = session.exec(select(Vote, Member, Proposal).select_from(Vote)
                            .join(Member, Vote.member_id == Member.id).join(Ballot, Vote.ballot_id == Ballot.id)
                            .join(Proposal, Ballot.proposal_id == Proposal.id)
                            .join(Coalition, Member.coalition_id == Coalition.id).where(Coalition.slug == slug)).all()
    out = {}
    for vote, member, proposal in rows:
        body = events[vote.log_idx]["body"]
        assert (body["number"], body["member"]) == (proposal.number, member.slug)
        assert body["commitment"] == vote_commitment(number=proposal.number, member=member.slug, vote=vote.choice,
                                                     salt=vote.salt)
        out[(proposal.number, member.slug)] = (vote.choice, vote.account.replace(slug, "<c>"), vote.casts,
                                               vote.log_idx, vote.cast_at)
    return out


def assert_outcome_opens_its_entry(outcome: tuple, events: dict[int, dict], request: CastRequest, key: str) -> None:
    """A success's salt opens the commitment at its index, and its receipt verifies for its entry's bytes."""
    _, choice, _, _, log_idx, salt, receipt, entry = outcome
    entry = entry if isinstance(entry, bytes) else base64.b64decode(entry)
    assert parse_event(entry) == events[log_idx]
    assert events[log_idx]["body"]["commitment"] == vote_commitment(number=request.number, member=request.member,
                                                                    vote=choice, salt=salt)
    assert verify_receipt(receipt, entry, [key]).index == log_idx


DECISION_VOTES = st.sampled_from([{"choice": "yes"}, {"choice": "no"}, {"choice": "abstain"}])
CHOICE_VOTES = st.one_of(
    st.permutations(OPTIONS).flatmap(lambda order: st.integers(1, 3).map(lambda n: {"ranking": order[:n]})),
    st.just({"choice": "abstain"}))
ANY_VOTE = st.sampled_from([{"choice": "yes"}, {"ranking": ["Y", "X"]}, {"choice": "maybe"}, {"ranking": ["X", "X"]},
                            {"option": "X"}, {}, {"choice": "yes", "ranking": ["X"]}])
VALID = st.one_of(
    st.tuples(st.just("here"), st.sampled_from(["decision", "soon"]), st.sampled_from(list(MEMBERS)),
              st.sampled_from(["own", "own-session"]), DECISION_VOTES),
    st.tuples(st.just("here"), st.just("choice"), st.sampled_from(list(MEMBERS)),
              st.sampled_from(["own", "own-session"]), CHOICE_VOTES),
)
FIELDS = (
    st.just("missing"),
    st.sampled_from([*BALLOTS, "missing"]),
    st.sampled_from([*MEMBERS, "late", "ghost"]),
    st.sampled_from(["garbage", "revoked", "other-member", "admin", "other-coalition", "nobody-session", "anonymous"]),
    st.one_of(DECISION_VOTES, CHOICE_VOTES, ANY_VOTE),
)


@st.composite
def one_thing_changed(draw: st.DrawFn) -> tuple:
    """A valid vote with one of its parts (where, which ballot, which member, who asks, the vote) drawn anew."""
    intent = list(draw(VALID))
    field = draw(st.sampled_from([0, 1, 2, 3, 3, 4]))  # who asks has the most ways to be wrong
    intent[field] = draw(FIELDS[field])
    return tuple(intent)


INTENTS = st.lists(st.one_of(VALID, one_thing_changed()), min_size=2, max_size=24)


def test_a_group_answers_stores_and_logs_what_single_votes_do(app, clock, engine) -> None:
    foreign = _secret(quick_coalition(app, slug="elsewhere", members={"x": 1}).reps["x"])
    runs = itertools.count()
    facts = Facts()  # kept across groups and examples, as a writer keeps it: what it holds never changes

    @settings(max_examples=25, deadline=None, derandomize=True, database=None)
    @given(intents=INTENTS, data=st.data())
    def differential(intents: list[tuple], data: st.DataObject) -> None:
        n = next(runs)
        grouped, alone = build_world(app, f"grp{n}"), build_world(app, f"one{n}")
        cuts = sorted(data.draw(st.sets(st.integers(1, len(intents) - 1), max_size=4)) if len(intents) > 1 else set())
        groups = [intents[i:j] for i, j in zip([0, *cuts], [*cuts, len(intents)])]
        advances = data.draw(st.lists(st.sampled_from([0, 20, 40]), min_size=len(groups), max_size=len(groups)))
        key = app.state.log_keys.verifier_key(grouped.slug)
        as_group, as_single, requests, group_sizes = [], [], [], []

        for part, minutes in zip(groups, advances):
            now = clock.advance(minutes=minutes)
            batch = [grouped.request(intent, foreign) for intent in part]
            outcomes, casts, added = group(app, batch, now, facts)
            size = log_size(engine, grouped.slug)
            as_group += outcomes
            requests += batch
            group_sizes += [size] * len(batch)
            as_single += [single(app, alone.request(intent, foreign), now) for intent in part]

            assert added == (1 if any(casts) else 0)
            assert [cast is None for cast in casts] == [outcome[0] == "error" for outcome in outcomes]
            if any(casts):
                latest = checkpoints(engine, grouped.slug)[-1]
                assert latest.size == size
                signed = {parse_receipt(cast.receipt).signed_checkpoint for cast in casts if cast is not None}
                assert signed == {latest.note}
                for cast in filter(None, casts):
                    verified = verify_receipt(cast.receipt, cast.entry.data, [key])
                    assert (verified.index, verified.size) == (cast.entry.idx, size)

        assert [comparable(o, grouped.slug) for o in as_group] == [comparable(o, alone.slug) for o in as_single]
        assert vote_rows(engine, grouped.slug) == vote_rows(engine, alone.slug)
        group_events = assert_log_is_gap_free(engine, grouped.slug)
        single_events = assert_log_is_gap_free(engine, alone.slug)
        assert grouped.start == alone.start
        assert (comparable_events(group_events[grouped.start:], grouped.slug)
                == comparable_events(single_events[alone.start:], alone.slug))
        stored = entry_bytes(engine, grouped.slug)
        for request, outcome, size in zip(requests, as_group, group_sizes):
            if outcome[0] == "ok":
                assert stored[outcome[4]] == outcome[7]
                assert_outcome_opens_its_entry(outcome, events_by_idx(group_events), request, key)
                assert verify_receipt(outcome[6], outcome[7], [key]).size == size
        for request, outcome in zip(requests, as_single):
            if outcome[0] == "ok":
                single_key = app.state.log_keys.verifier_key(alone.slug)
                alone_request = CastRequest(alone.slug, request.number, request.member, request.vote)
                assert_outcome_opens_its_entry(outcome, events_by_idx(single_events), alone_request, single_key)

    differential()


def test_a_group_over_two_coalitions_signs_one_checkpoint_each_and_every_receipt_verifies(app, clock, engine) -> None:
    first, second = build_world(app, "first"), build_world(app, "second")
    intents = [("here", "decision", "a", "own", {"choice": "yes"}), ("here", "choice", "b", "own", {"ranking": ["Y"]}),
               ("here", "decision", "a", "own", {"choice": "no"}), ("here", "soon", "c", "own", {"choice": "no"}),
               ("here", "decision", "b", "admin", {"choice": "no"})]
    requests = [world.request(intent, "") for intent in intents for world in (first, second)]
    before = {world.slug: len(checkpoints(engine, world.slug)) for world in (first, second)}

    outcomes, casts, added = group(app, requests, clock.now)

    assert added == 2
    for world in (first, second):
        key, size = app.state.log_keys.verifier_key(world.slug), log_size(engine, world.slug)
        assert size == world.start + 4
        assert len(checkpoints(engine, world.slug)) == before[world.slug] + 1
        assert checkpoints(engine, world.slug)[-1].size == size
        mine = [cast for request, cast in zip(requests, casts) if request.slug == world.slug and cast is not None]
        assert [cast.entry.idx for cast in mine] == list(range(world.start, size))
        assert {verify_receipt(cast.receipt, cast.entry.data, [key]).size for cast in mine} == {size}
        assert_log_is_gap_free(engine, world.slug)
    assert [outcome[0] for outcome in outcomes] == ["ok"] * 8 + ["error"] * 2


def test_a_due_ballot_closes_once_before_the_group_and_its_votes_get_the_single_votes_409(app, clock, engine) -> None:
    grouped, alone = build_world(app, "grp"), build_world(app, "one")
    intents = [("here", "soon", "a", "own", {"choice": "yes"}), ("here", "decision", "b", "own", {"choice": "no"}),
               ("here", "soon", "c", "own-session", {"choice": "no"}),
               ("here", "decision", "a", "own", {"choice": "yes"})]
    now = clock.advance(hours=2)

    answers = VoteWriter(app.state)._write([grouped.request(intent, "") for intent in intents])
    singles = [single(app, alone.request(intent, ""), now) for intent in intents]

    refused = [answers[0], answers[2]]
    assert all(isinstance(answer, Conflict) for answer in refused)
    assert [error_of(answer) for answer in refused] == [singles[0], singles[2]]
    assert singles[0][3] == f"The ballot on proposal #{alone.numbers['soon']} is closed; votes are no longer accepted."
    assert [answer.log_index for answer in (answers[1], answers[3])] == [grouped.start + 1, grouped.start + 2]
    events = assert_log_is_gap_free(engine, grouped.slug)[grouped.start:]
    assert [(event["type"], event["body"]["number"]) for event in events] == [
        ("ballot.closed", grouped.numbers["soon"]), ("vote.cast", grouped.numbers["decision"]),
        ("vote.cast", grouped.numbers["decision"])]
    single_events = assert_log_is_gap_free(engine, alone.slug)[alone.start:]
    assert comparable_events(events[:1], grouped.slug) == comparable_events(single_events[:1], alone.slug)
    with _signed(app) as session:
        assert settle_due_many(session, [grouped.slug], now) == []
