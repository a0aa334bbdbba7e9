"""Signed votes in one group commit: checked before the group's transaction, replays left for the single path."""

import pytest

from app.db import write_session
from app.vote_writer import cast_alone
from governance import casting
from governance.casting import CastRequest, Facts, cast_many, preverify
from governance.errors import Conflict
from governance.signed_votes import parse_signature
from tests.factories import CoalitionFixture, make_coalition, make_proposal, open_ballot
from tests.app.support import verified_export
from tests.keys.support import MemberKey, register, signed_vote

pytestmark = pytest.mark.db


def request(fixture, number: int, member: str, body: dict) -> CastRequest:  # noqa: ANN001
    token = fixture.reps[member]["Authorization"].split()[1]
    vote = {key: value for key, value in body.items() if key == "choice"}
    return CastRequest(fixture.slug, number, member, vote, token=token, signed=parse_signature(body))


def cast_group(app, group: list[CastRequest], now, facts: Facts | None = None) -> list:  # noqa: ANN001
    """``group`` cast as the vote writer casts it: one transaction, the log signed by the app's key."""
    with write_session(app.state.engine) as session:
        session.info["log_signer"] = app.state.log_signer
        casts = cast_many(session, group, now, facts)
        session.commit()
    return casts


def taught(app, client, clock) -> tuple[CoalitionFixture, MemberKey, int, Facts]:  # noqa: ANN001
    """Ferry and Harbour's coalition with an open ballot, Ferry's registered key, and the facts of a process that
    has cast Ferry's first signed vote there (a yes, sequence number 1): it knows the ballot and the key."""
    fixture = make_coalition(client, members={"ferry": 1, "harbour": 1})
    key = register(client, fixture, "ferry")
    number = make_proposal(client, fixture)
    open_ballot(client, fixture, number, now=clock.now)
    facts = Facts()
    first = signed_vote(client, fixture, number, "ferry", key, seq=1, choice="yes")
    assert cast_group(app, [request(fixture, number, "ferry", first)], clock.now, facts)[0] is not None
    return fixture, key, number, facts


def test_a_group_casts_signed_votes_in_order_and_leaves_out_a_replay(app, client, clock) -> None:
    fixture = make_coalition(client, members={"ferry": 1, "harbour": 1})
    key = register(client, fixture, "ferry")
    number = make_proposal(client, fixture)
    open_ballot(client, fixture, number, now=clock.now)
    first = signed_vote(client, fixture, number, "ferry", key, seq=1, choice="yes")
    second = signed_vote(client, fixture, number, "ferry", key, seq=2, choice="no")
    group = [request(fixture, number, "ferry", first), request(fixture, number, "ferry", first),
             request(fixture, number, "ferry", second), request(fixture, number, "harbour", {"choice": "yes"})]

    casts = cast_group(app, group, clock.now)
    with write_session(app.state.engine) as session, pytest.raises(Conflict):
        cast_alone(session, group[1], clock.now)

    assert [cast is not None for cast in casts] == [True, False, True, True]
    assert (casts[0].vote.seq, casts[2].vote.seq, casts[3].vote.key_id) == (1, 2, None)
    assert verified_export(client, fixture).state.vote_seqs == {"ferry": 2}
    assert client.get(fixture.url("/members/ferry/keys")).json()["last_seq"] == 2


def test_a_signature_checked_on_arrival_is_not_checked_again_and_a_forged_one_is_not_remembered(
        app, client, clock, monkeypatch) -> None:  # noqa: ANN001
    """``preverify`` checks a signed vote as its request arrives (once the process knows the ballot and the key);
    the group then uses that check. A signature that does not verify is not remembered, and the group refuses it."""
    fixture, key, number, facts = taught(app, client, clock)
    second = signed_vote(client, fixture, number, "ferry", key, seq=2, choice="no")
    forged = {**second, "choice": "yes"}  # the signature of a "no", sent with a "yes"
    checks = []
    real = casting.signature_verifies
    monkeypatch.setattr(casting, "signature_verifies", lambda *args: checks.append(args) or real(*args))

    preverify(request(fixture, number, "ferry", second), facts)
    preverify(request(fixture, number, "ferry", forged), facts)
    assert len(checks) == 2 and len(facts.verified) == 1
    casts = cast_group(app, [request(fixture, number, "ferry", forged), request(fixture, number, "ferry", second)],
                       clock.now, facts)

    assert [cast is not None for cast in casts] == [False, True]
    assert len(checks) == 3  # the forged one checked again (and refused); the good one not
    assert facts.verified == set()
    assert verified_export(client, fixture).state.vote_seqs == {"ferry": 2}


def test_remembered_signatures_are_bounded(app, client, clock, monkeypatch) -> None:  # noqa: ANN001
    fixture, key, number, facts = taught(app, client, clock)
    monkeypatch.setattr(casting, "MAX_PREVERIFIED", 3)
    for seq in range(2, 7):  # five votes whose requests went away before any group used their check
        preverify(request(fixture, number, "ferry", signed_vote(client, fixture, number, "ferry", key, seq=seq)), facts)
    assert 0 < len(facts.verified) <= 3


def test_a_check_on_arrival_that_breaks_leaves_the_vote_to_its_group(app, client, clock, monkeypatch) -> None:  # noqa: ANN001
    fixture, key, number, facts = taught(app, client, clock)
    preverify(request(fixture, number, "ferry", signed_vote(client, fixture, number, "ferry", key, seq=2)), facts)
    assert len(facts.verified) == 1  # the check on arrival works for these facts

    def broken(*_args: object) -> None:
        raise RuntimeError("a bug in a check")

    monkeypatch.setattr(casting, "check_choice", broken)
    preverify(request(fixture, number, "ferry", signed_vote(client, fixture, number, "ferry", key, seq=3)), facts)
    assert len(facts.verified) == 1  # nothing raised, nothing more remembered
