"""Signed votes in one group commit: checked before the group's transaction, replays left for the single path."""

import pytest

from app.db import write_session
from app.vote_writer import cast_alone
from governance.casting import CastRequest, cast_many
from governance.errors import Conflict
from governance.signed_votes import parse_signature
from tests.factories import make_coalition, make_proposal, open_ballot
from tests.app.support import verified_export
from tests.keys.support import register, signed_vote

pytestmark = pytest.mark.db


def request(fixture, number: int, member: str, body: dict) -> CastRequest:  # noqa: ANN001
    token = fixture.reps[member]["Authorization"].split()[1]
    vote = {key: value for key, value in body.items() if key == "choice"}
    return CastRequest(fixture.slug, number, member, vote, token=token, signed=parse_signature(body))


def test_a_group_casts_signed_votes_in_order_and_leaves_out_a_replay(app, client, clock) -> None:
    fixture = make_coalition(client, members={"ferry": 1, "harbour": 1})
    key = register(client, fixture, "ferry")
    number = make_proposal(client, fixture)
    open_ballot(client, fixture, number, now=clock.now)
    first = signed_vote(client, fixture, number, "ferry", key, seq=1, choice="yes")
    second = signed_vote(client, fixture, number, "ferry", key, seq=2, choice="no")
    group = [request(fixture, number, "ferry", first), request(fixture, number, "ferry", first),
             request(fixture, number, "ferry", second), request(fixture, number, "harbour", {"choice": "yes"})]

    with write_session(app.state.engine) as session:
        session.info["log_signer"] = app.state.log_signer
        casts = cast_many(session, group, clock.now)
        session.commit()
    with write_session(app.state.engine) as session, pytest.raises(Conflict):
        cast_alone(session, group[1], clock.now)

    assert [cast is not None for cast in casts] == [True, False, True, True]
    assert (casts[0].vote.seq, casts[2].vote.seq, casts[3].vote.key_id) == (1, 2, None)
    assert verified_export(client, fixture).state.vote_seqs == {"ferry": 2}
    assert client.get(fixture.url("/members/ferry/keys")).json()["last_seq"] == 2
