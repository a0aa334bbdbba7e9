"""Signed votes through the API: accepted and verified, replays and forgeries refused, the charter's requirement."""

import pytest

from tests.app.support import log_events, verified_export
from tests.factories import make_coalition, make_proposal, open_ballot, vote
from tests.keys.support import put_vote, register, signed_vote

pytestmark = pytest.mark.db


def test_a_signed_vote_is_accepted_logged_with_its_signature_and_verified(app, client, clock) -> None:
    fixture = make_coalition(client, members={"ferry": 1, "harbour": 1})
    key = register(client, fixture, "ferry")
    number = make_proposal(client, fixture)
    open_ballot(client, fixture, number, now=clock.now)
    body = signed_vote(client, fixture, number, "ferry", key, seq=1)

    response = put_vote(client, fixture, number, "ferry", body)
    unsigned = vote(client, fixture, number, "harbour", choice="no")

    assert response.status_code == 200, response.text
    assert response.json()["vote"]["key_id"] == key.key_id and response.json()["salt"] == body["salt"]
    assert unsigned.status_code == 200 and unsigned.json()["vote"]["key_id"] is None
    entries = log_events(app.state.engine, fixture.slug)
    signed_body = next(e for e in entries if e["type"] == "vote.cast" and e["body"]["member"] == "ferry")["body"]
    assert {k: signed_body[k] for k in ("key_id", "seq", "signature")} == {
        "key_id": key.key_id, "seq": 1, "signature": body["signature"]}
    plain = next(e for e in entries if e["type"] == "vote.cast" and e["body"]["member"] == "harbour")["body"]
    assert sorted(plain) == ["actor", "commitment", "member", "number"]
    assert verified_export(client, fixture).state.vote_seqs == {"ferry": 1}
    assert client.get(fixture.url("/members/ferry/keys")).json()["last_seq"] == 1


def test_a_replayed_signed_vote_is_refused_and_leaves_no_trace(client, clock) -> None:
    fixture = make_coalition(client, members={"ferry": 1, "harbour": 1})
    key = register(client, fixture, "ferry")
    number = make_proposal(client, fixture)
    open_ballot(client, fixture, number, now=clock.now)
    first = signed_vote(client, fixture, number, "ferry", key, seq=5, choice="yes")
    assert put_vote(client, fixture, number, "ferry", first).status_code == 200
    later = signed_vote(client, fixture, number, "ferry", key, seq=6, choice="no")
    assert put_vote(client, fixture, number, "ferry", later).status_code == 200
    size = len(client.get(fixture.url("/log/entries")).json()["items"])

    replayed = put_vote(client, fixture, number, "ferry", first)

    assert replayed.status_code == 409
    assert "cannot be replayed" in replayed.json()["detail"]
    assert len(client.get(fixture.url("/log/entries")).json()["items"]) == size
    closed = client.post(fixture.url(f"/proposals/{number}/ballot/close"), headers=fixture.admin).json()
    assert closed["result"]["members"]["no"] == 1


@pytest.mark.parametrize("tamper", ["choice", "seq", "signature", "other member's key", "salt"])
def test_a_vote_whose_signature_does_not_match_is_refused(client, clock, tamper) -> None:
    fixture = make_coalition(client, members={"ferry": 1, "harbour": 1})
    key = register(client, fixture, "ferry")
    other = register(client, fixture, "harbour")
    number = make_proposal(client, fixture)
    open_ballot(client, fixture, number, now=clock.now)
    body = signed_vote(client, fixture, number, "ferry", key, seq=1, choice="yes")
    changed = {"choice": {"choice": "no"}, "seq": {"seq": 2}, "salt": {"salt": "ab" * 16},
               "signature": {"signature": signed_vote(client, fixture, number, "ferry", key, seq=1,
                                                      choice="no")["signature"]},
               "other member's key": {"key_id": other.key_id}}[tamper]

    response = put_vote(client, fixture, number, "ferry", {**body, **changed})

    assert response.status_code == 422, response.text
    assert client.get(fixture.url(f"/proposals/{number}/ballot")).json()["voted"] == []


def test_a_revoked_key_signs_no_more_votes(client, clock) -> None:
    fixture = make_coalition(client, members={"ferry": 1})
    key = register(client, fixture, "ferry")
    number = make_proposal(client, fixture)
    open_ballot(client, fixture, number, now=clock.now)
    client.post(fixture.url(f"/members/ferry/keys/{key.key_id}/revoke"), headers=fixture.reps["ferry"])

    response = put_vote(client, fixture, number, "ferry", signed_vote(client, fixture, number, "ferry", key, seq=1))

    assert response.status_code == 422 and "revoked" in response.json()["detail"]


@pytest.mark.parametrize("fields", [{"salt": "ab" * 16}, {"salt": "AB" * 16, "key_id": "0" * 64, "seq": 1,
                                                             "signature": "A" * 88}])
def test_incomplete_or_malformed_signature_fields_are_refused(client, clock, fields) -> None:
    fixture = make_coalition(client, members={"ferry": 1})
    number = make_proposal(client, fixture)
    open_ballot(client, fixture, number, now=clock.now)

    response = put_vote(client, fixture, number, "ferry", {"choice": "yes", **fields})

    assert response.status_code == 422
