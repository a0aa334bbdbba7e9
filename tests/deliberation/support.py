"""Helpers for the deliberation tests: a coalition with a draft, comments through the API, the export verified."""

from fastapi.testclient import TestClient

from governance.log.sources import read_archive_bytes
from tests.factories import CoalitionFixture, make_coalition, make_proposal

MEMBERS = {"north": 3, "south": 2, "east": 1}


def discussed(client: TestClient) -> tuple[CoalitionFixture, int]:
    fixture = make_coalition(client, members=MEMBERS)
    return fixture, make_proposal(client, fixture, title="Open a regional office")


def comment(client: TestClient, fixture: CoalitionFixture, number: int, member: str, text: str,
            parent: int | None = None):  # noqa: ANN201
    return client.post(fixture.url(f"/proposals/{number}/comments"), headers=fixture.reps[member],
                       json={"text": text, "parent": parent})


def exported_texts(client: TestClient, fixture: CoalitionFixture) -> list[dict]:
    return read_archive_bytes(client.get(fixture.url("/log/export")).content).texts
