"""Test support for signed votes: a representative's key made and registered, votes signed as a client signs them."""

import base64
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient

from governance.log.signing import sign_vote
from tests.factories import CoalitionFixture, make_coalition, make_proposal, open_ballot, vote


@dataclass
class MemberKey:
    private: Ed25519PrivateKey
    key_id: str


def register(client: TestClient, fixture: CoalitionFixture, member: str, label: str = "laptop") -> MemberKey:
    private = Ed25519PrivateKey.generate()
    public = base64.b64encode(private.public_key().public_bytes_raw()).decode()
    response = client.post(fixture.url(f"/members/{member}/keys"), json={"public_key": public, "label": label},
                           headers=fixture.reps[member])
    assert response.status_code == 201, response.text
    return MemberKey(private, response.json()["key_id"])


def signed_vote(client: TestClient, fixture: CoalitionFixture, number: int, member: str, key: MemberKey, *,
                seq: int, choice: str = "yes", **overrides: object) -> dict:
    """The body of a vote signed as a client signs it, from what the ballot's public API says."""
    signing = client.get(fixture.url(f"/proposals/{number}/ballot")).json()["signing"]
    fields = sign_vote(key.private, origin=signing["origin"], number=number, ballot=signing["ballot"], member=member,
                       vote={"choice": choice}, seq=seq)
    return {"choice": choice, **fields, **overrides}


def put_vote(client: TestClient, fixture: CoalitionFixture, number: int, member: str, body: dict):  # noqa: ANN201
    return client.put(fixture.url(f"/proposals/{number}/ballot/votes/{member}"), json=body,
                      headers=fixture.reps[member])


def signed_ballot(client: TestClient, clock, *, seq: int = 1,  # noqa: ANN001
                  unsigned: bool = True) -> tuple[CoalitionFixture, MemberKey, int]:
    """Ferry and Harbour's coalition with an open ballot on which Ferry voted yes signed with its registered key
    (sequence number ``seq``) and, with ``unsigned``, Harbour voted no without a signature."""
    fixture = make_coalition(client, members={"ferry": 1, "harbour": 1})
    key = register(client, fixture, "ferry")
    number = make_proposal(client, fixture)
    open_ballot(client, fixture, number, now=clock.now)
    assert put_vote(client, fixture, number, "ferry", signed_vote(client, fixture, number, "ferry", key,
                                                                  seq=seq)).status_code == 200
    if unsigned:
        assert vote(client, fixture, number, "harbour", choice="no").status_code == 200
    return fixture, key, number
