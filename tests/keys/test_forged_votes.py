"""Votes written straight into the database, past every check: the verifier names each forged or replayed one."""

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlmodel import select

from app.db import write_session
from governance.log import store
from governance.log.recount import vote_commitment
from governance.log.signing import sign_vote
from governance.log.verify import VerifyError
from governance.models import Coalition
from tests.app.charter_kit import SETTINGS, decide_change, open_it, propose
from tests.factories import make_coalition, make_proposal, open_ballot
from tests.app.support import verified_export
from tests.keys.support import put_vote, register, signed_ballot, signed_vote

pytestmark = pytest.mark.db


def write_straight(app, slug: str, body: dict) -> int:  # noqa: ANN001
    """Append a vote.cast event as a server operator could, skipping every check; its index."""
    with write_session(app.state.engine) as session:
        session.info["log_signer"] = app.state.log_signer
        coalition = session.exec(select(Coalition).where(Coalition.slug == slug)).one()
        entry = store.append(session, coalition=coalition, type="vote.cast", body=body)
        session.commit()
    return entry.idx


def forged_body(client, fixture, number: int, member: str, *, key_id: str, seq: int, signer=None) -> dict:  # noqa: ANN001
    signing = client.get(fixture.url(f"/proposals/{number}/ballot")).json()["signing"]
    fields = sign_vote(signer or Ed25519PrivateKey.generate(), origin=signing["origin"], number=number,
                       ballot=signing["ballot"], member=member, vote={"choice": "no"}, seq=seq)
    commitment = vote_commitment(number=number, member=member, vote={"choice": "no"}, salt=fields["salt"])
    return {"number": number, "member": member, "commitment": commitment, "actor": f"rep-{fixture.slug}-{member}",
            "key_id": key_id, "seq": seq, "signature": fields["signature"]}


def test_a_vote_signed_with_another_key_in_the_members_name_is_named_as_forged(app, client, clock) -> None:
    fixture, key, number = signed_ballot(client, clock, unsigned=False)

    index = write_straight(app, fixture.slug, forged_body(client, fixture, number, "ferry", key_id=key.key_id, seq=2))

    with pytest.raises(VerifyError) as caught:
        verified_export(client, fixture)
    assert caught.value.index == index and "forged vote" in str(caught.value)


def test_a_signed_vote_written_again_is_named_as_replayed(app, client, clock) -> None:
    fixture = make_coalition(client, members={"ferry": 1, "harbour": 1})
    key = register(client, fixture, "ferry")
    number = make_proposal(client, fixture)
    open_ballot(client, fixture, number, now=clock.now)
    body = forged_body(client, fixture, number, "ferry", key_id=key.key_id, seq=3, signer=key.private)
    first = write_straight(app, fixture.slug, body)
    write_straight(app, fixture.slug, forged_body(client, fixture, number, "ferry", key_id=key.key_id, seq=4,
                                                 signer=key.private))
    assert verified_export(client, fixture).state.vote_seqs == {"ferry": 4}

    index = write_straight(app, fixture.slug, body)

    with pytest.raises(VerifyError) as caught:
        verified_export(client, fixture)
    assert caught.value.index == index > first and "replayed vote" in str(caught.value)


@pytest.fixture
def signed_charter(client):  # noqa: ANN001, ANN201
    fixture = make_coalition(client, members={"ferry": 2, "harbour": 1})
    response = client.post(fixture.url("/charter"), headers=fixture.admin, json={
        "text": "# Charter", "settings": {**SETTINGS, "signed_votes": ["decision"]}})
    assert response.status_code == 201, response.text
    return fixture


def test_the_charter_requires_signed_votes_on_decisions(app, client, clock, signed_charter) -> None:
    fixture = signed_charter
    key = register(client, fixture, "ferry")
    number = make_proposal(client, fixture)
    ballot = open_it(client, fixture, number, clock.now)

    unsigned = put_vote(client, fixture, number, "ferry", {"choice": "yes"})
    signed = put_vote(client, fixture, number, "ferry", signed_vote(client, fixture, number, "ferry", key, seq=1))

    assert ballot["signing"]["required"] is True
    assert unsigned.status_code == 422 and "signed_votes" in unsigned.json()["detail"]
    assert signed.status_code == 200
    verified_export(client, fixture)
    index = write_straight(app, fixture.slug, {"number": number, "member": "harbour", "commitment": "0" * 64,
                                               "actor": f"rep-{fixture.slug}-harbour"})
    with pytest.raises(VerifyError) as caught:
        verified_export(client, fixture)
    assert caught.value.index == index and "unsigned" in str(caught.value)


def test_a_charter_amendment_makes_signatures_required_and_the_verifier_replays_it(client, clock) -> None:
    fixture = make_coalition(client, members={"ferry": 2, "harbour": 1})
    client.post(fixture.url("/charter"), headers=fixture.admin, json={"text": "# Charter", "settings": SETTINGS})
    refused = client.post(fixture.url("/proposals"), headers=fixture.admin, json={
        "kind": "charter_amendment", "title": "Sign", "payload": {"settings": {"signed_votes": ["no-such-kind"]}}})
    number = propose(client, fixture, "charter_amendment", {"settings": {"signed_votes": "all"}, "reason": "trust"})

    decided = decide_change(client, fixture, number, clock.now)
    ballot = open_it(client, fixture, make_proposal(client, fixture), clock.now)

    assert refused.status_code == 422 and "signed_votes" in refused.json()["detail"]
    assert decided["outcome"] == "passed" and ballot["signing"]["required"] is True
    assert client.get(fixture.url("/charter")).json()["rules"]["signed_votes"] == "all"
    verified_export(client, fixture)
