"""Helpers for the proxy tests: a constituted coalition with caps, grants and answers through the API, the export."""

from fastapi.testclient import TestClient

from tests.factories import CoalitionFixture, make_coalition

# Total 24.5: lantern (3) with orchard's proxy holds 5.5/24.5 (about 22%); harbour (7) with lantern's 10/24.5 (41%).
WEIGHTS = {"ferry": 12, "harbour": 7, "lantern": 3, "orchard": "2.5"}
CAPS = {"max_held": 1, "max_weight_share": "1/4"}


def constituted(client: TestClient, *, caps: dict | None = None, weights: dict | None = None) -> CoalitionFixture:
    fixture = make_coalition(client, members=weights or WEIGHTS)
    response = client.post(fixture.url("/charter"), headers=fixture.admin, json={
        "text": "# Charter", "settings": {"durations": {"minimum_hours": 1, "default_hours": 48},
                                          "proxy_caps": caps or CAPS}})
    assert response.status_code == 201, response.text
    return fixture


def grant(client: TestClient, fixture: CoalitionFixture, grantor: str, holder: str, **scope: object):  # noqa: ANN201
    return client.post(fixture.url("/proxies"), headers=fixture.reps[grantor], json={"holder": holder, **scope})


def answer(client: TestClient, fixture: CoalitionFixture, number: int, member: str, action: str):  # noqa: ANN201
    return client.post(fixture.url(f"/proxies/{number}/{action}"), headers=fixture.reps[member])


def held(client: TestClient, fixture: CoalitionFixture, grantor: str, holder: str, **scope: object) -> int:
    """A proxy granted and accepted; its number."""
    response = grant(client, fixture, grantor, holder, **scope)
    assert response.status_code == 201, response.text
    number = response.json()["number"]
    response = answer(client, fixture, number, holder, "accept")
    assert response.status_code == 200, response.text
    return number


def proxy_vote(client: TestClient, fixture: CoalitionFixture, number: int, member: str, holder: str,
               choice: str = "yes"):  # noqa: ANN201
    """``holder``'s representative casts ``member``'s vote on proposal ``number``."""
    return client.put(fixture.url(f"/proposals/{number}/ballot/votes/{member}"), headers=fixture.reps[holder],
                      json={"choice": choice})


