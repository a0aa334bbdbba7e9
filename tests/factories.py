"""Plain factory functions that build state through the real API."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from fastapi.testclient import TestClient

PASSWORD = "correct horse battery"


@dataclass
class CoalitionFixture:
    slug: str
    admin: dict[str, str]
    reps: dict[str, dict[str, str]] = field(default_factory=dict)

    def url(self, path: str = "") -> str:
        return f"/api/v1/coalitions/{self.slug}{path}"


def token_headers(client: TestClient, username: str, password: str = PASSWORD) -> dict[str, str]:
    response = client.post("/api/v1/auth/tokens", json={"username": username, "password": password})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def make_coalition(client: TestClient, *, slug: str = "wpn", members: dict[str, str | int] | None = None,
                   name: str = "Women Peacebuilders Network") -> CoalitionFixture:
    """A coalition with an admin, the given members (slug -> weight) and one representative per member."""
    response = client.post("/api/v1/coalitions", json={
        "slug": slug, "name": name, "description": "A test coalition.",
        "admin": {"username": f"{slug}-admin", "password": PASSWORD}})
    assert response.status_code == 201, response.text
    fixture = CoalitionFixture(slug=slug, admin=token_headers(client, f"{slug}-admin"))
    for member, weight in (members or {}).items():
        add_member(client, fixture, member, weight)
    return fixture


def add_member(client: TestClient, fixture: CoalitionFixture, member: str, weight: str | int = 1) -> None:
    response = client.post(fixture.url("/members"), headers=fixture.admin, json={
        "name": member.replace("-", " ").title(), "slug": member, "weight": str(weight), "basis": "members"})
    assert response.status_code == 201, response.text
    username = f"rep-{fixture.slug}-{member}"
    response = client.post(fixture.url("/accounts"), headers=fixture.admin, json={
        "username": username, "password": PASSWORD, "role": "representative", "member": member})
    assert response.status_code == 201, response.text
    fixture.reps[member] = token_headers(client, username)


def make_proposal(client: TestClient, fixture: CoalitionFixture, *, kind: str = "decision", title: str = "A proposal",
                  options: list[str] | None = None, seats: int = 1, payload: dict | None = None) -> int:
    body = {"kind": kind, "title": title, "body": "Details.", "options": options or [], "seats": seats,
            "payload": payload or {}}
    response = client.post(fixture.url("/proposals"), headers=fixture.admin, json=body)
    assert response.status_code == 201, response.text
    return response.json()["number"]


def open_ballot(client: TestClient, fixture: CoalitionFixture, number: int, *, now: datetime,
                days: float = 7, rule: dict | None = None, live_results: bool = False) -> dict:
    body = {"closes_at": (now + timedelta(days=days)).isoformat(), "live_results": live_results}
    if rule is not None:
        body["rule"] = rule
    response = client.post(fixture.url(f"/proposals/{number}/ballot"), headers=fixture.admin, json=body)
    assert response.status_code == 201, response.text
    return response.json()


def vote(client: TestClient, fixture: CoalitionFixture, number: int, member: str, **choice: object):  # noqa: ANN201
    return client.put(fixture.url(f"/proposals/{number}/ballot/votes/{member}"), headers=fixture.reps[member],
                      json=choice)


def decide(client: TestClient, fixture: CoalitionFixture, votes: dict[str, str], *, now: datetime,
           rule: dict | None = None) -> dict:
    """Put a decision to a vote, cast ``votes`` (member -> choice), close it early, return the result."""
    number = make_proposal(client, fixture)
    open_ballot(client, fixture, number, now=now, rule=rule)
    for member, choice in votes.items():
        assert vote(client, fixture, number, member, choice=choice).status_code == 200
    response = client.post(fixture.url(f"/proposals/{number}/ballot/close"), headers=fixture.admin)
    assert response.status_code == 200, response.text
    return response.json()["result"]
