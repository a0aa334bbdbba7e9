"""Helpers for charter tests: a constituted coalition, change proposals put to a vote and closed, the replayed log."""

from datetime import timedelta

from fastapi.testclient import TestClient

from governance.log.replay import replay
from tests.app.support import log_events
from tests.factories import CoalitionFixture, make_coalition, vote

WEIGHTS = {"ferry": 12, "harbour": 7, "lantern": 3, "orchard": "2.5"}
SETTINGS = {"durations": {"minimum_hours": 1, "default_hours": 48}, "weight_basis": "paying members"}


def constituted(client: TestClient, *, slug: str = "wpn", members: dict | None = None) -> CoalitionFixture:
    fixture = make_coalition(client, slug=slug, members=members or WEIGHTS)
    response = client.post(fixture.url("/charter"), headers=fixture.admin,
                           json={"text": "# Our charter\n\nWe decide together.", "settings": SETTINGS})
    assert response.status_code == 201, response.text
    return fixture


def propose(client: TestClient, fixture: CoalitionFixture, kind: str, payload: dict, *, title: str = "A change",
            author: str | None = None) -> int:
    headers = fixture.reps[author] if author else fixture.admin
    response = client.post(fixture.url("/proposals"), headers=headers,
                           json={"kind": kind, "title": title, "payload": payload})
    assert response.status_code == 201, response.text
    return response.json()["number"]


def open_it(client: TestClient, fixture: CoalitionFixture, number: int, now, hours: float = 48) -> dict:  # noqa: ANN001
    response = client.post(fixture.url(f"/proposals/{number}/ballot"), headers=fixture.admin,
                           json={"closes_at": (now + timedelta(hours=hours)).isoformat()})
    assert response.status_code == 201, response.text
    return response.json()


def close(client: TestClient, fixture: CoalitionFixture, number: int) -> dict:
    response = client.post(fixture.url(f"/proposals/{number}/ballot/close"), headers=fixture.admin)
    assert response.status_code == 200, response.text
    return response.json()


def vote_all(client: TestClient, fixture: CoalitionFixture, number: int, choice: str,
             members: dict | None = None) -> None:
    for member in members or fixture.reps:
        response = vote(client, fixture, number, member, choice=choice)
        assert response.status_code == 200, response.text


def decide_change(client: TestClient, fixture: CoalitionFixture, number: int, now, choice: str = "yes") -> dict:  # noqa: ANN001
    """Open the ballot on ``number``, every eligible member votes ``choice``, close it; the proposal as it ends."""
    ballot = open_it(client, fixture, number, now)
    eligible = {row["member"] for row in ballot["eligible"]}
    vote_all(client, fixture, number, choice, [m for m in fixture.reps if m in eligible])
    close(client, fixture, number)
    return client.get(fixture.url(f"/proposals/{number}")).json()


def charter_version(client: TestClient, fixture: CoalitionFixture) -> int:
    return client.get(fixture.url("/charter")).json()["version"]


def replayed(app, slug: str = "wpn"):  # noqa: ANN001, ANN201
    return replay(log_events(app.state.engine, slug))
