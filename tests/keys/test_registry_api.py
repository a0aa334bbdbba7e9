"""The member key registry through the API: who may register and revoke, what is refused, what the log says."""

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from governance.log.replay import replay
from tests.app.support import log_events, quick_coalition, snapshot

pytestmark = pytest.mark.db


def new_public_key() -> str:
    return base64.b64encode(Ed25519PrivateKey.generate().public_key().public_bytes_raw()).decode()


def keys_url(fixture, member: str, path: str = "") -> str:  # noqa: ANN001
    return fixture.url(f"/members/{member}/keys{path}")


def test_a_representative_registers_lists_and_revokes_its_key(app, client) -> None:
    fixture = quick_coalition(app, members={"ferry": 1, "harbour": 1})
    public_key = new_public_key()
    key_id = hashlib.sha256(base64.b64decode(public_key)).hexdigest()

    made = client.post(keys_url(fixture, "ferry"), json={"public_key": public_key, "label": "laptop"},
                       headers=fixture.reps["ferry"])
    revoked = client.post(keys_url(fixture, "ferry", f"/{key_id}/revoke"), headers=fixture.reps["ferry"])
    listed = client.get(keys_url(fixture, "ferry")).json()["items"]

    assert made.status_code == 201 and made.json()["key_id"] == key_id and made.json()["purpose"] == "vote"
    assert revoked.status_code == 200 and revoked.json()["active"] is False
    assert [(k["key_id"], k["label"], k["active"]) for k in listed] == [(key_id, "laptop", False)]
    events = log_events(app.state.engine, fixture.slug)
    assert [e["type"] for e in events[-2:]] == ["key.registered", "key.revoked"]
    assert events[-2]["body"] == {"member": "ferry", "key_id": key_id, "public_key": public_key, "label": "laptop",
                                  "purpose": "vote", "actor": "rep-wpn-ferry"}
    assert events[-1]["body"] == {"member": "ferry", "key_id": key_id, "actor": "rep-wpn-ferry"}
    state = replay(events)
    assert state.keys[key_id].registered_idx == len(events) - 2 and state.keys[key_id].revoked_idx == len(events) - 1


@pytest.mark.parametrize("who", ["admin", "other member"])
def test_only_the_members_own_representative_registers_its_keys(app, client, who) -> None:
    fixture = quick_coalition(app, members={"ferry": 1, "harbour": 1})
    headers = fixture.admin if who == "admin" else fixture.reps["harbour"]
    before = snapshot(app.state.engine)

    response = client.post(keys_url(fixture, "ferry"), json={"public_key": new_public_key(), "label": "x"},
                           headers=headers)

    assert response.status_code == 403
    assert "Only a representative of Ferry can register its keys" in response.json()["detail"]
    assert snapshot(app.state.engine) == before


def test_another_representative_cannot_revoke_the_key(app, client) -> None:
    fixture = quick_coalition(app, members={"ferry": 1, "harbour": 1})
    made = client.post(keys_url(fixture, "ferry"), json={"public_key": new_public_key(), "label": "x"},
                       headers=fixture.reps["ferry"]).json()

    response = client.post(keys_url(fixture, "ferry", f"/{made['key_id']}/revoke"), headers=fixture.reps["harbour"])

    assert response.status_code == 403


@pytest.mark.parametrize("public_key", ["", "not base64!", base64.b64encode(bytes(31)).decode(),
                                        base64.b64encode(bytes(33)).decode(), "AAAA" * 11])
def test_a_malformed_key_is_refused_naming_the_field(app, client, public_key) -> None:
    fixture = quick_coalition(app, members={"ferry": 1})
    before = snapshot(app.state.engine)

    response = client.post(keys_url(fixture, "ferry"), json={"public_key": public_key, "label": "x"},
                           headers=fixture.reps["ferry"])

    assert response.status_code == 422
    assert snapshot(app.state.engine) == before


def test_a_key_registered_twice_or_revoked_twice_is_a_conflict(app, client) -> None:
    fixture = quick_coalition(app, members={"ferry": 1, "harbour": 1})
    public_key, headers = new_public_key(), fixture.reps["ferry"]
    key_id = client.post(keys_url(fixture, "ferry"), json={"public_key": public_key, "label": "a"},
                         headers=headers).json()["key_id"]
    client.post(keys_url(fixture, "ferry", f"/{key_id}/revoke"), headers=headers)

    again = client.post(keys_url(fixture, "ferry"), json={"public_key": public_key, "label": "b"}, headers=headers)
    elsewhere = client.post(keys_url(fixture, "harbour"), json={"public_key": public_key, "label": "b"},
                            headers=fixture.reps["harbour"])
    revoked_again = client.post(keys_url(fixture, "ferry", f"/{key_id}/revoke"), headers=headers)
    unknown = client.post(keys_url(fixture, "ferry", f"/{'0' * 64}/revoke"), headers=headers)

    assert (again.status_code, elsewhere.status_code, revoked_again.status_code) == (409, 409, 409)
    assert unknown.status_code == 404
