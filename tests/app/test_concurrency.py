"""Many writers at once: one counted vote per member, a gap-free log, a deadline that closes a ballot once."""

import multiprocessing
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlmodel import select

from app.db import make_engine, read_session, write_session
from governance import accounts, ballots, coalitions, members, proposals
from governance.log import merkle
from governance.log.canonical import parse_event
from governance.log.replay import replay
from governance.log.recount import vote_commitment
from governance.models import Ballot, Coalition, LogEntry, LogHead, Member, Proposal, Vote
from tests.app.support import quick_coalition
from tests.factories import make_proposal, open_ballot

MEMBERS = {f"org-{n}": n + 1 for n in range(8)}
CHOICES = ("yes", "no", "abstain")


def assert_log_is_gap_free(engine, slug: str) -> list[dict]:  # noqa: ANN001
    """Entries 0..n-1, each once, each saying its own index, under the head's root; returns the events."""
    with read_session(engine) as session:
        coalition = session.exec(select(Coalition).where(Coalition.slug == slug)).one()
        rows = session.exec(select(LogEntry).where(LogEntry.coalition_id == coalition.id).order_by(LogEntry.idx)).all()
        head = session.get(LogHead, coalition.id)
    events = [parse_event(row.data) for row in rows]
    assert [row.idx for row in rows] == list(range(head.size))
    assert [event["idx"] for event in events] == list(range(head.size))
    assert all(row.leaf_hash == merkle.leaf_hash(row.data) for row in rows)
    assert head.root == merkle.root_hash([row.leaf_hash for row in rows])
    return events


def counted_votes(engine, slug: str) -> dict[str, tuple[str, int, int]]:  # noqa: ANN001
    """member -> (commitment, casts, log index) of the vote that counts, the commitment recomputed from the row."""
    with read_session(engine) as session:
        rows = session.exec(select(Vote, Member, Proposal).select_from(Vote)
                            .join(Member, Vote.member_id == Member.id).join(Ballot, Vote.ballot_id == Ballot.id)
                            .join(Proposal, Ballot.proposal_id == Proposal.id)
                            .join(Coalition, Member.coalition_id == Coalition.id).where(Coalition.slug == slug)).all()
    return {member.slug: (vote_commitment(number=proposal.number, member=member.slug, vote=vote.choice, salt=vote.salt),
                          vote.casts, vote.log_idx) for vote, member, proposal in rows}


def counted_choices(engine, slug: str) -> dict[str, tuple[str, int]]:  # noqa: ANN001
    """member -> (choice, casts) of the vote that counts."""
    with read_session(engine) as session:
        rows = session.exec(select(Vote, Member).join(Member).join(Coalition, Member.coalition_id == Coalition.id)
                            .where(Coalition.slug == slug)).all()
    return {member.slug: (vote.choice["choice"], vote.casts) for vote, member in rows}


def last_casts(events: list[dict]) -> dict[str, tuple[str, int, int]]:
    """member -> (commitment, casts, index) of each member's last vote.cast event."""
    last: dict[str, tuple[str, int, int]] = {}
    for event in events:
        if event["type"] == "vote.cast":
            member = event["body"]["member"]
            casts = last[member][1] + 1 if member in last else 1
            last[member] = (event["body"]["commitment"], casts, event["idx"])
    return last


def test_representatives_casting_at_once_leave_one_counted_vote_each(app, client, clock, engine) -> None:
    fixture = quick_coalition(app, members=MEMBERS)
    number = make_proposal(client, fixture)
    open_ballot(client, fixture, number, now=clock.now)
    start = threading.Barrier(len(MEMBERS))

    def cast_three_times(member: str) -> list[int]:
        start.wait()
        return [client.put(fixture.url(f"/proposals/{number}/ballot/votes/{member}"), headers=fixture.reps[member],
                           json={"choice": choice}).status_code for choice in CHOICES]

    with ThreadPoolExecutor(len(MEMBERS)) as pool:
        statuses = list(pool.map(cast_three_times, MEMBERS))

    assert statuses == [[200, 200, 200]] * len(MEMBERS)
    events = assert_log_is_gap_free(engine, fixture.slug)
    assert sum(event["type"] == "vote.cast" for event in events) == 3 * len(MEMBERS)
    assert counted_votes(engine, fixture.slug) == last_casts(events)
    assert {choice for choice, casts in counted_choices(engine, fixture.slug).values()} == {"abstain"}
    replay(events)


def _second_representatives(app, fixture) -> dict[str, object]:  # noqa: ANN001
    with write_session(app.state.engine) as session:
        coalition = coalitions.get_coalition(session, fixture.slug)
        for slug in MEMBERS:
            member = members.get_member(session, coalition=coalition, slug=slug)
            accounts.create_account(session, coalition=coalition, actor="wpn-admin", username=f"second-{slug}",
                                    password="correct horse battery", role="representative", member=member,
                                    now=app.state.clock())
        session.commit()


def _cast(engine, slug: str, number: int, username: str, member: str, choice: str, now) -> None:  # noqa: ANN001
    with write_session(engine) as session:
        coalition = coalitions.get_coalition(session, slug)
        ballots.cast_vote(session, coalition=coalition, actor=accounts.find_account(session, username),
                          proposal=proposals.get_proposal(session, coalition=coalition, number=number),
                          member=members.get_member(session, coalition=coalition, slug=member),
                          vote={"choice": choice}, now=now)
        session.commit()


def test_two_representatives_of_each_member_racing_leave_the_last_cast_counted(app, client, clock, engine) -> None:
    fixture = quick_coalition(app, members=MEMBERS)
    _second_representatives(app, fixture)
    number = make_proposal(client, fixture)
    open_ballot(client, fixture, number, now=clock.now)
    jobs = [(f"{prefix}-{slug}", slug, choice) for slug in MEMBERS
            for prefix, choice in (("rep-wpn", "yes"), ("second", "no"))]
    start = threading.Barrier(len(jobs))

    def run(job: tuple[str, str, str]) -> None:
        start.wait()
        _cast(engine, fixture.slug, number, *job, clock.now)

    with ThreadPoolExecutor(len(jobs)) as pool:
        list(pool.map(run, jobs))

    events = assert_log_is_gap_free(engine, fixture.slug)
    counted = counted_votes(engine, fixture.slug)
    assert counted == last_casts(events)
    assert sorted(counted) == sorted(MEMBERS) and {casts for _, casts, _ in counted.values()} == {2}
    actors = {(e["body"]["member"], e["body"]["actor"]) for e in events if e["type"] == "vote.cast"}
    assert len(actors) == 2 * len(MEMBERS)


def test_concurrent_reads_after_the_deadline_close_the_ballot_exactly_once(app, client, clock, engine) -> None:
    fixture = quick_coalition(app, members={"a": 1, "b": 1, "c": 1})
    number = make_proposal(client, fixture)
    open_ballot(client, fixture, number, now=clock.now, days=1)
    client.put(fixture.url(f"/proposals/{number}/ballot/votes/a"), headers=fixture.reps["a"], json={"choice": "yes"})
    clock.advance(days=2)
    requests = [("get", f"/proposals/{number}/ballot"), ("get", "/log/entries"), ("get", "/members"),
                ("put", f"/proposals/{number}/ballot/votes/b")] * 3
    start = threading.Barrier(len(requests))

    def send(request: tuple[str, str]) -> int:
        method, path = request
        start.wait()
        if method == "put":
            return client.put(fixture.url(path), headers=fixture.reps["b"], json={"choice": "no"}).status_code
        return client.get(fixture.url(path)).status_code

    with ThreadPoolExecutor(len(requests)) as pool:
        statuses = list(pool.map(send, requests))

    assert statuses == [200, 200, 200, 409] * 3
    events = assert_log_is_gap_free(engine, fixture.slug)
    assert [e["type"] for e in events].count("ballot.closed") == 1
    assert [e["body"]["member"] for e in events if e["type"] == "vote.cast"] == ["a"]
    with read_session(engine) as session:
        ballot = session.exec(select(Ballot)).one()
    assert ballot.status == "closed" and ballot.closed_idx == events[-1]["idx"]


def _cast_in_a_process(url: str, slug: str, number: int, jobs: list[tuple[str, str, str]], now) -> None:  # noqa: ANN001
    engine = make_engine(url)
    for job in jobs:
        _cast(engine, slug, number, *job, now)
    engine.dispose()


def test_processes_casting_at_once_leave_one_counted_vote_each(app, clock, engine, database_url) -> None:
    fixture = quick_coalition(app, members=MEMBERS)
    with write_session(engine) as session:
        coalition = coalitions.get_coalition(session, fixture.slug)
        admin = accounts.find_account(session, "wpn-admin")
        proposal = proposals.create_proposal(session, coalition=coalition, author=admin, kind="decision",
                                             title="Race", body="", now=clock.now)
        ballots.open_ballot(session, coalition=coalition, actor=admin, proposal=proposal, now=clock.now,
                            closes_at=clock.now + timedelta(days=1))
        session.commit()
    slugs = list(MEMBERS)
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_cast_in_a_process, args=(
        database_url, fixture.slug, 1, [(f"rep-wpn-{slug}", slug, choice) for slug in slugs[k::4] for choice in CHOICES],
        clock.now)) for k in range(4)]

    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)

    assert [worker.exitcode for worker in workers] == [0, 0, 0, 0]
    events = assert_log_is_gap_free(engine, fixture.slug)
    assert counted_votes(engine, fixture.slug) == last_casts(events)
    assert set(counted_choices(engine, fixture.slug).values()) == {("abstain", 3)}
