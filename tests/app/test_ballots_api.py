"""Ballots end to end through the API: freezing, casting, changing, closing at the deadline."""

from tests.factories import decide, make_coalition, make_proposal, open_ballot, vote


def test_weighted_majority_passes_where_member_majority_fails(client, clock) -> None:
    fixture = make_coalition(client, members={"big": 60, "small-a": 20, "small-b": 20})
    rule = {"counting": "weighted", "weight_threshold": {"fraction": "1/2", "strict": True, "base": "yes_no"}}

    result = decide(client, fixture, {"big": "yes", "small-a": "no", "small-b": "no"}, now=clock.now, rule=rule)

    assert result["outcome"] == "passed"
    assert result["members"]["yes"] == 1 and result["members"]["no"] == 2
    assert result["weight"]["yes"] == "60" and result["weight"]["no"] == "40"


def test_ballot_closes_once_at_its_deadline_on_the_next_read(client, clock, session) -> None:
    fixture = make_coalition(client, members={"a": 1, "b": 1, "c": 1})
    number = make_proposal(client, fixture)
    open_ballot(client, fixture, number, now=clock.now, days=1)
    assert vote(client, fixture, number, "a", choice="yes").status_code == 200
    assert vote(client, fixture, number, "b", choice="yes").status_code == 200
    clock.advance(days=2)

    first = client.get(fixture.url(f"/proposals/{number}/ballot")).json()
    second = client.get(fixture.url(f"/proposals/{number}/ballot")).json()
    late = vote(client, fixture, number, "c", choice="no")

    assert first["status"] == "closed" and first["result"]["outcome"] == "passed"
    assert second["closed_at"] == first["closed_at"]
    assert late.status_code == 409
    entries = client.get(fixture.url("/log/entries")).json()["items"]
    assert [e["type"] for e in entries].count("ballot.closed") == 1
