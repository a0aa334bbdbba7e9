"""Multi-option ballots through the API: ranked choices, scores and committee elections."""

import pytest

from governance.log.recount import vote_commitment

from tests.factories import make_coalition, make_proposal, open_ballot, vote

RANKINGS = {"a": ["X", "Y", "Z"], "b": ["X", "Z"], "c": ["Y", "Z"], "d": ["Z", "Y"], "e": ["Z", "Y"]}


def close(client, fixture, number: int) -> dict:  # noqa: ANN001
    response = client.post(fixture.url(f"/proposals/{number}/ballot/close"), headers=fixture.admin)
    assert response.status_code == 200, response.text
    return response.json()["result"]


def irv_choice(client, fixture, clock, counting: str) -> dict:  # noqa: ANN001
    number = make_proposal(client, fixture, kind="choice", options=["X", "Y", "Z"])
    open_ballot(client, fixture, number, now=clock.now, rule={"method": "irv", "counting": counting})
    for member, ranking in RANKINGS.items():
        assert vote(client, fixture, number, member, ranking=ranking).status_code == 200
    return close(client, fixture, number)


def test_instant_runoff_choice_one_vote_per_member(client, clock) -> None:
    fixture = make_coalition(client, members={"a": 10, "b": 1, "c": 1, "d": 1, "e": 1})

    result = irv_choice(client, fixture, clock, "equal")

    # Round 1: X 2, Y 1, Z 2 -> Y is eliminated and c's ballot moves to Z: Z 3 of 5 wins.
    assert result["outcome"] == "decided"
    assert result["winners"] == ["Z"]
    assert result["rounds"][0]["tally"] == {"X": "2", "Y": "1", "Z": "2"}
    assert result["rounds"][0]["eliminated"] == ["Y"]


def test_instant_runoff_choice_weighted_by_members_weights(client, clock) -> None:
    fixture = make_coalition(client, members={"a": 10, "b": 1, "c": 1, "d": 1, "e": 1})

    result = irv_choice(client, fixture, clock, "weighted")

    # Round 1: X = 10 + 1 = 11 of 14, a majority.
    assert result["winners"] == ["X"]
    assert result["rounds"][0]["tally"] == {"X": "11", "Y": "1", "Z": "2"}


@pytest.mark.parametrize(("method", "ballot", "message"), [
    ("irv", {"ranking": ["X", "W"]}, "not one of the options"),
    ("irv", {"ranking": ["X", "X"]}, "ranked more than once"),
    ("irv", {"choice": "yes"}, "takes a vote of the form"),
    ("score", {"scores": {"X": 6}}, "from 0 to 5"),
    ("score", {"scores": {"X": -1}}, "from 0 to 5"),
    ("approval", {"approve": ["X", "X"]}, "distinct options"),
    ("plurality", {"option": "nobody"}, "not one of the options"),
])
def test_a_ballot_that_does_not_fit_the_method_is_refused_and_leaves_no_trace(client, clock, method, ballot,
                                                                               message) -> None:
    fixture = make_coalition(client, members={"a": 1, "b": 1})
    number = make_proposal(client, fixture, kind="choice", options=["X", "Y", "Z"])
    open_ballot(client, fixture, number, now=clock.now, rule={"method": method})
    size = client.get(fixture.url()).json()["log_size"]

    response = vote(client, fixture, number, "a", **ballot)

    assert response.status_code == 422
    assert message in response.json()["detail"]
    assert client.get(fixture.url()).json()["log_size"] == size


def test_committee_election_by_scottish_stv(client, clock) -> None:
    fixture = make_coalition(client, members={m: 1 for m in "abcdef"})
    number = make_proposal(client, fixture, kind="election", options=["A", "B", "C", "D"], seats=2)
    open_ballot(client, fixture, number, now=clock.now, rule={"method": "stv_scottish"})
    ballots = {"a": ["A", "B"], "b": ["A", "B"], "c": ["A", "B"], "d": ["C"], "e": ["C"], "f": ["D", "C"]}
    for member, ranking in ballots.items():
        assert vote(client, fixture, number, member, ranking=ranking).status_code == 200

    result = close(client, fixture, number)

    # Quota floor(6 / 3) + 1 = 3: A is elected at once; then D's ballot goes to C, who reaches 3.
    assert sorted(result["winners"]) == ["A", "C"]
    assert result["data"]["quota"] == "3"


def test_stv_refuses_equal_rankings(client, clock) -> None:
    fixture = make_coalition(client, members={"a": 1, "b": 1, "c": 1})
    number = make_proposal(client, fixture, kind="election", options=["A", "B", "C"], seats=2)
    open_ballot(client, fixture, number, now=clock.now, rule={"method": "stv_meek"})

    response = vote(client, fixture, number, "a", ranking=[["A", "B"], "C"])

    assert response.status_code == 422


def test_log_seals_every_ballot_while_open_and_reveals_it_with_the_full_count(client, clock) -> None:
    fixture = make_coalition(client, members={"a": 10, "b": 1, "c": 1, "d": 1, "e": 1})

    irv_choice(client, fixture, clock, "equal")
    events = [item["event"] for item in client.get(fixture.url("/log/entries")).json()["items"]]

    casts = {e["body"]["member"]: e["body"] for e in events if e["type"] == "vote.cast"}
    assert "vote" not in casts["a"] and len(casts["a"]["commitment"]) == 64
    closed = [e for e in events if e["type"] == "ballot.closed"][0]
    reveal = closed["body"]["votes"]["a"]
    assert reveal["vote"] == {"ranking": ["X", "Y", "Z"]}
    assert vote_commitment(number=1, member="a", vote=reveal["vote"], salt=reveal["salt"]) == casts["a"]["commitment"]
    assert closed["body"]["result"]["rounds"][1]["tally"] == {"X": "2", "Z": "3"}


def test_members_may_abstain_on_a_choice(client, clock) -> None:
    fixture = make_coalition(client, members={"a": 1, "b": 1, "c": 1})
    number = make_proposal(client, fixture, kind="choice", options=["X", "Y"])
    open_ballot(client, fixture, number, now=clock.now, rule={"method": "plurality", "quorum_members": "1"})
    vote(client, fixture, number, "a", option="X")
    vote(client, fixture, number, "b", option="Y")
    vote(client, fixture, number, "c", choice="abstain")

    result = close(client, fixture, number)

    assert result["quorum_reached"] is True
    assert result["outcome"] == "tied" and sorted(result["winners"]) == ["X", "Y"]
