"""The deadline check every coalition request runs first: a due ballot closes in a transaction of its own, once."""

from sqlalchemy import event

from tests.app.support import log_events, quick_coalition
from tests.factories import make_proposal, open_ballot, vote


def ballot_past_its_deadline(app, client, clock, *, voter: str, choice: str):  # noqa: ANN001, ANN201
    """A two-member coalition whose one-day ballot got one vote and is now a second past its closing time."""
    fixture = quick_coalition(app, members={"a": 1, "b": 1})
    number = make_proposal(client, fixture)
    open_ballot(client, fixture, number, now=clock.now, days=1)
    vote(client, fixture, number, voter, choice=choice)
    clock.advance(days=1, seconds=1)
    return fixture, number


def test_a_refused_write_after_the_deadline_still_leaves_the_ballot_closed(app, client, clock, engine) -> None:
    fixture, number = ballot_past_its_deadline(app, client, clock, voter="a", choice="yes")

    refused = client.put(fixture.url(f"/proposals/{number}/ballot/votes/b"), headers=fixture.reps["a"],
                         json={"choice": "no"})
    events = log_events(engine, fixture.slug)
    ballot = client.get(fixture.url(f"/proposals/{number}/ballot")).json()

    assert refused.status_code == 403, refused.text
    assert [e["type"] for e in events].count("ballot.closed") == 1 and events[-1]["type"] == "ballot.closed"
    assert ballot["status"] == "closed" and ballot["voted"] == ["a"]
    assert ballot["result"]["members"]["yes"] == 1 and ballot["result"]["members"]["no"] == 0


def test_a_read_that_closes_a_ballot_answers_with_the_closed_ballot(app, client, clock, engine) -> None:
    fixture, number = ballot_past_its_deadline(app, client, clock, voter="b", choice="no")

    ballot = client.get(fixture.url(f"/proposals/{number}/ballot")).json()

    assert ballot["status"] == "closed" and ballot["result"]["outcome"] == "rejected"
    assert [e["type"] for e in log_events(engine, fixture.slug)].count("ballot.closed") == 1


def test_a_request_with_nothing_due_uses_one_connection(app, client, clock, engine) -> None:
    fixture = quick_coalition(app, members={"a": 1})
    number = make_proposal(client, fixture)
    open_ballot(client, fixture, number, now=clock.now, days=1)
    checkouts = []

    def count(*_: object) -> None:
        checkouts.append(1)

    event.listen(engine, "checkout", count)
    try:
        assert vote(client, fixture, number, "a", choice="yes").status_code == 200
        assert client.get(fixture.url(f"/proposals/{number}/ballot")).status_code == 200
    finally:
        event.remove(engine, "checkout", count)
    assert len(checkouts) == 2
