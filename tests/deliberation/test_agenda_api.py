"""The members' agenda through the API: topics, an approval ballot counted by the existing method, the agreed order."""

from fastapi.testclient import TestClient

from tests.app.support import snapshot, verified_export
from tests.deliberation.support import MEMBERS
from tests.factories import make_coalition, vote


def test_an_approval_round_publishes_the_agreed_order_with_its_count(client: TestClient, clock) -> None:  # noqa: ANN001
    fixture = make_coalition(client, members=MEMBERS)
    opened = client.post(fixture.url("/agenda"), headers=fixture.admin, json={"title": "Spring meeting",
                                                                              "method": "approval"})
    for member, topic in (("north", "Funding"), ("south", "Safety of staff"), ("east", "Media training")):
        assert client.post(fixture.url("/agenda/1/topics"), headers=fixture.reps[member],
                           json={"title": topic}).status_code == 201
    started = client.post(fixture.url("/agenda/1/ballot"), headers=fixture.admin,
                          json={"closes_at": clock.now.replace(day=9).isoformat()}).json()
    ballot = started["ballot"]
    vote(client, fixture, ballot, "north", approve=["Funding", "Safety of staff"])
    vote(client, fixture, ballot, "south", approve=["Safety of staff"])
    vote(client, fixture, ballot, "east", approve=["Safety of staff", "Media training"])
    client.post(fixture.url(f"/proposals/{ballot}/ballot/close"), headers=fixture.admin)

    agreed = client.get(fixture.url("/agenda/1")).json()

    assert opened.status_code == 201 and started["state"] == "voting"
    assert agreed["state"] == "closed"
    assert agreed["agreed"] == [["Safety of staff"], ["Funding", "Media training"]]
    assert agreed["explanation"] and agreed["tally"] == {"Safety of staff": "3", "Funding": "1", "Media training": "1"}
    verified_export(client, fixture)


def test_a_topic_becomes_a_draft_in_one_step(client: TestClient) -> None:
    fixture = make_coalition(client, members=MEMBERS)
    client.post(fixture.url("/agenda"), headers=fixture.admin, json={"title": "Q3", "method": "schulze"})
    client.post(fixture.url("/agenda/1/topics"), headers=fixture.reps["north"],
                json={"title": "A shelter fund", "body": "Pooled money for emergencies."})

    made = client.post(fixture.url("/agenda/1/topics/1/proposal"), headers=fixture.reps["south"])
    again = client.post(fixture.url("/agenda/1/topics/1/proposal"), headers=fixture.reps["south"])

    assert made.status_code == 201
    assert (made.json()["title"], made.json()["state"]) == ("A shelter fund", "draft")
    assert again.status_code == 409
    assert client.get(fixture.url("/agenda/1")).json()["topics"][0]["proposal"] == made.json()["number"]


def test_refused_agenda_commands_leave_no_trace(client: TestClient, clock) -> None:  # noqa: ANN001
    fixture = make_coalition(client, members=MEMBERS)
    client.post(fixture.url("/agenda"), headers=fixture.admin, json={"title": "Q3", "method": "approval"})
    client.post(fixture.url("/agenda/1/topics"), headers=fixture.reps["north"], json={"title": "Funding"})
    before = snapshot(client.app.state.engine)

    refusals = [
        (client.post(fixture.url("/agenda"), headers=fixture.reps["north"], json={"title": "Mine"}), 403),
        (client.post(fixture.url("/agenda"), headers=fixture.admin, json={"title": "X", "method": "dictator"}), 422),
        (client.post(fixture.url("/agenda/1/topics"), headers=fixture.reps["south"], json={"title": "Funding"}), 409),
        (client.post(fixture.url("/agenda/1/topics"), headers=fixture.reps["south"], json={"title": " "}), 422),
        (client.post(fixture.url("/agenda/1/ballot"), headers=fixture.admin,
                     json={"closes_at": clock.now.replace(day=9).isoformat()}), 409),
        (client.post(fixture.url("/agenda/7/topics"), headers=fixture.reps["south"], json={"title": "Y"}), 404),
    ]

    assert [response.status_code for response, _ in refusals] == [status for _, status in refusals]
    assert snapshot(client.app.state.engine) == before
