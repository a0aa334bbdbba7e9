"""The vote writer: votes that wait together are written as one group, and each still gets its own answer."""

import asyncio
import base64
from concurrent.futures import ThreadPoolExecutor

from app.vote_writer import VoteWriter
from governance.casting import CastRequest
from governance.errors import Forbidden, RuleViolation
from governance.log.proofs import verify_receipt
from tests.app.support import log_events, quick_coalition
from tests.factories import make_proposal, open_ballot

MEMBERS = {f"org-{n}": n + 1 for n in range(6)}


def _run(coroutine):  # noqa: ANN001, ANN202
    """``asyncio.run`` on a thread of its own: another test's event loop (Playwright's sync API keeps one for its
    browser) may still be running on this one."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


def _secret(headers: dict[str, str]) -> str:
    return headers["Authorization"].removeprefix("Bearer ")


async def _cast_together(writer: VoteWriter, requests: list[CastRequest]) -> list:
    """Every request handed to the writer before it runs once, as requests arriving at the same moment are."""
    return await asyncio.gather(*(writer.cast(request) for request in requests), return_exceptions=True)


def test_votes_waiting_together_are_one_group_each_with_its_own_answer(app, client, clock) -> None:
    fixture = quick_coalition(app, members=MEMBERS)
    number = make_proposal(client, fixture)
    open_ballot(client, fixture, number, now=clock.now)
    requests = [CastRequest(fixture.slug, number, member, {"choice": choice}, token=_secret(fixture.reps[member]))
                for member in MEMBERS for choice in ("yes", "no")]
    requests.append(CastRequest(fixture.slug, number, "org-0", {"choice": "perhaps"},
                                token=_secret(fixture.reps["org-0"])))  # not a choice this rule knows
    requests.append(CastRequest(fixture.slug, number, "org-1", {"choice": "yes"},
                                token=_secret(fixture.reps["org-2"])))  # another member's representative
    writer = VoteWriter(app.state)
    before = len(log_events(app.state.engine, fixture.slug))

    answers = _run(_cast_together(writer, requests))

    assert (writer.groups, writer.votes) == (1, len(requests))
    receipts, (bad_choice, wrong_member) = answers[:-2], answers[-2:]
    assert isinstance(bad_choice, RuleViolation) and isinstance(wrong_member, Forbidden)
    assert wrong_member.message == "Only a representative of Org 1 can vote for it."
    key = app.state.log_keys.verifier_key(fixture.slug)
    size = before + 2 * len(MEMBERS)
    assert [r.log_index for r in receipts] == list(range(before, size))  # in the order they arrived
    assert [(r.vote.member, r.vote.vote["choice"], r.vote.casts) for r in receipts] == [
        (member, choice, casts) for member in MEMBERS for casts, choice in ((1, "yes"), (2, "no"))]
    for receipt in receipts:
        verified = verify_receipt(receipt.receipt, base64.b64decode(receipt.entry), [key])
        assert (verified.index, verified.size) == (receipt.log_index, size)
    events = log_events(app.state.engine, fixture.slug)
    assert len(events) == size  # the two refused votes left nothing in the log
    counted = client.get(fixture.url(f"/proposals/{number}/ballot/votes")).json()["items"]
    assert sorted(item["member"] for item in counted) == sorted(MEMBERS)
    assert {item["casts"] for item in counted} == {2}


def test_a_group_that_cannot_get_a_worker_thread_answers_each_vote_with_that_error(app, client, clock,
                                                                                     monkeypatch) -> None:
    fixture = quick_coalition(app, members=MEMBERS)
    number = make_proposal(client, fixture)
    open_ballot(client, fixture, number, now=clock.now)

    async def no_threads(*_args, **_options):  # noqa: ANN002, ANN003, ANN202
        raise RuntimeError("the thread pool is shut down")

    before = len(log_events(app.state.engine, fixture.slug))
    monkeypatch.setattr("app.vote_writer.anyio.to_thread.run_sync", no_threads)
    writer = VoteWriter(app.state)
    requests = [CastRequest(fixture.slug, number, member, {"choice": "yes"}, token=_secret(fixture.reps[member]))
                for member in MEMBERS]
    answers = _run(_cast_together(writer, requests))
    assert all(isinstance(answer, RuntimeError) for answer in answers)
    assert writer.task is None and not writer.waiting
    assert len(log_events(app.state.engine, fixture.slug)) == before

    monkeypatch.undo()  # threads again: the writer takes the next votes as if nothing had happened
    (receipt,) = _run(_cast_together(writer, requests[:1]))
    assert receipt.log_index == before and receipt.vote.casts == 1


def test_a_group_whose_held_connection_broke_is_written_on_a_fresh_one(app, client, clock) -> None:
    fixture = quick_coalition(app, members=MEMBERS)
    number = make_proposal(client, fixture)
    open_ballot(client, fixture, number, now=clock.now)
    writer = VoteWriter(app.state)
    writer.held = app.state.engine.connect()
    writer.held.connection.dbapi_connection.close()  # as a database restart leaves it
    requests = [CastRequest(fixture.slug, number, member, {"choice": "no"}, token=_secret(fixture.reps[member]))
                for member in MEMBERS]

    answers = writer._write(requests)

    assert [answer.vote.member for answer in answers] == list(MEMBERS)
    assert len(log_events(app.state.engine, fixture.slug)) == answers[-1].log_index + 1
    writer._release()


def test_the_writer_keeps_its_connection_while_votes_keep_coming_and_gives_it_back_when_they_stop(
        app, client, clock, monkeypatch) -> None:
    fixture = quick_coalition(app, members=MEMBERS)
    number = make_proposal(client, fixture)
    open_ballot(client, fixture, number, now=clock.now)
    monkeypatch.setattr("app.vote_writer.HOLD_IDLE", 0.2)
    writer = VoteWriter(app.state)
    requests = [CastRequest(fixture.slug, number, member, {"choice": "yes"}, token=_secret(fixture.reps[member]))
                for member in MEMBERS]

    async def one_after_another() -> tuple[list, list, bool]:
        held, answers = [], []
        for request in requests:
            answers.append(await writer.cast(request))
            held.append(writer.held)  # the group is written; the writer waits for more with its connection
        await asyncio.sleep(0.5)  # no vote for longer than HOLD_IDLE
        return answers, held, writer.held is None and writer.task is None

    answers, held, released = _run(one_after_another())
    assert [answer.vote.member for answer in answers] == list(MEMBERS)
    assert writer.groups == len(MEMBERS)  # one at a time: each its own group
    assert held[0] is not None and all(connection is held[0] for connection in held)  # one checkout for them all
    assert released
