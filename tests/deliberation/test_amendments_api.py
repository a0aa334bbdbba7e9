"""Amendments through the API: accepted and merged, declined and put to a ballot, every version kept and verified."""

from fastapi.testclient import TestClient

from tests.app.support import log_events, snapshot, verified_export
from tests.deliberation.support import discussed, exported_texts
from tests.factories import open_ballot, vote


def amend(client: TestClient, fixture, number: int, member: str, **text):  # noqa: ANN001, ANN201
    current = client.get(fixture.url(f"/proposals/{number}")).json()
    body = {"title": current["title"], "body": current["body"], "options": current["options"], **text}
    return client.post(fixture.url(f"/proposals/{number}/amendments"), headers=fixture.reps[member], json=body)


def test_an_accepted_amendment_becomes_the_next_version_with_a_word_diff(client: TestClient) -> None:
    fixture, number = discussed(client)

    proposed = amend(client, fixture, number, "south", body="Details, with a budget cap.")
    accepted = client.post(fixture.url(f"/proposals/{number}/amendments/1/accept"), headers=fixture.admin)

    assert proposed.status_code == 201, proposed.text
    assert proposed.json()["diff"]["body"] == [{"op": "removed", "text": "Details."},
                                               {"op": "added", "text": "Details, with a budget cap."}]
    assert accepted.json()["state"] == "merged" and accepted.json()["merged_version"] == 2
    versions = client.get(fixture.url(f"/proposals/{number}/versions")).json()
    assert versions["current"] == 2
    assert [v["body"] for v in versions["items"]] == ["Details.", "Details, with a budget cap."]
    assert client.get(fixture.url(f"/proposals/{number}")).json()["body"] == "Details, with a budget cap."
    assert verified_export(client, fixture).state.proposals[number].version == 2


def test_the_log_commits_to_an_amendment_without_its_text(client: TestClient) -> None:
    fixture, number = discussed(client)

    amend(client, fixture, number, "south", title="A confidential new title")

    event = log_events(client.app.state.engine, fixture.slug)[-1]
    assert event["type"] == "amendment.proposed" and "confidential" not in str(event)
    assert exported_texts(client, fixture)[0]["text"]["title"] == "A confidential new title"


def test_a_declined_amendment_passed_by_ballot_is_merged_and_the_ballot_records_the_version(
        client: TestClient, clock) -> None:  # noqa: ANN001
    fixture, number = discussed(client)
    amend(client, fixture, number, "east", title="Open two regional offices")
    client.post(fixture.url(f"/proposals/{number}/amendments/1/decline"), headers=fixture.admin)

    put = client.post(fixture.url(f"/proposals/{number}/amendments/1/ballot"), headers=fixture.admin,
                      json={"closes_at": (clock.now.replace(day=5)).isoformat()})
    decision = put.json()["number"]
    blocked = client.post(fixture.url(f"/proposals/{number}/ballot"), headers=fixture.admin,
                          json={"closes_at": clock.now.replace(day=9).isoformat()})
    blocked_edit = client.patch(fixture.url(f"/proposals/{number}"), headers=fixture.admin, json={"title": "X"})
    for member in ("north", "south", "east"):
        assert vote(client, fixture, decision, member, choice="yes").status_code == 200
    closed = client.post(fixture.url(f"/proposals/{decision}/ballot/close"), headers=fixture.admin)
    opened = open_ballot(client, fixture, number, now=clock.now)

    assert put.status_code == 201, put.text
    assert blocked.status_code == 409 and "being voted on" in blocked.json()["detail"]
    assert blocked_edit.status_code == 409
    assert closed.json()["result"]["outcome"] == "passed"
    assert client.get(fixture.url(f"/proposals/{number}")).json()["title"] == "Open two regional offices"
    assert client.get(fixture.url(f"/proposals/{number}/amendments")).json()["items"][0]["state"] == "merged"
    assert client.get(fixture.url(f"/proposals/{number}/versions")).json()["ballot_version"] == 2
    assert opened["status"] == "open"
    types = [e["type"] for e in log_events(client.app.state.engine, fixture.slug)]
    assert types[types.index("ballot.closed") + 1] == "amendment.merged"
    verified_export(client, fixture)


def test_a_rejected_amendment_leaves_the_text_alone(client: TestClient, clock) -> None:  # noqa: ANN001
    fixture, number = discussed(client)
    amend(client, fixture, number, "east", title="Close every office")
    client.post(fixture.url(f"/proposals/{number}/amendments/1/decline"), headers=fixture.admin)
    decision = client.post(fixture.url(f"/proposals/{number}/amendments/1/ballot"), headers=fixture.admin,
                           json={"closes_at": clock.now.replace(day=5).isoformat()}).json()["number"]
    for member in ("north", "south"):
        vote(client, fixture, decision, member, choice="no")

    client.post(fixture.url(f"/proposals/{decision}/ballot/close"), headers=fixture.admin)

    assert client.get(fixture.url(f"/proposals/{number}")).json()["title"] == "Open a regional office"
    assert client.get(fixture.url(f"/proposals/{number}/amendments")).json()["items"][0]["state"] == "rejected"
    verified_export(client, fixture)


def test_refused_amendments_leave_no_trace(client: TestClient, clock) -> None:  # noqa: ANN001
    fixture, number = discussed(client)
    amend(client, fixture, number, "south", title="Changed once")
    opened = client.post(fixture.url("/proposals"), headers=fixture.admin, json={
        "kind": "decision", "title": "Already voting", "body": ""}).json()["number"]
    open_ballot(client, fixture, opened, now=clock.now)
    before = snapshot(client.app.state.engine)

    refusals = [
        (amend(client, fixture, opened, "south", title="Too late"), 409, "before its ballot opens"),
        (amend(client, fixture, number, "south"), 422, "changes nothing"),
        (amend(client, fixture, number, "south", title=""), 422, "title must not be empty"),
        (client.post(fixture.url(f"/proposals/{number}/amendments/1/accept"), headers=fixture.reps["north"]),
         403, "Only the author"),
        (client.post(fixture.url(f"/proposals/{number}/amendments/1/ballot"), headers=fixture.admin,
                     json={"closes_at": clock.now.replace(day=5).isoformat()}), 409, "is proposed"),
        (client.post(fixture.url(f"/proposals/{number}/amendments/9/accept"), headers=fixture.admin), 404, "no amendment"),
    ]

    for response, status, words in refusals:
        assert response.status_code == status, response.text
        assert words in response.json()["detail"]
    assert snapshot(client.app.state.engine) == before


def test_an_amendment_made_to_an_older_version_cannot_be_accepted(client: TestClient) -> None:
    fixture, number = discussed(client)
    amend(client, fixture, number, "south", title="First idea")
    amend(client, fixture, number, "east", title="Second idea")
    client.post(fixture.url(f"/proposals/{number}/amendments/1/accept"), headers=fixture.admin)

    stale = client.post(fixture.url(f"/proposals/{number}/amendments/2/accept"), headers=fixture.admin)

    assert stale.status_code == 409 and "version 1" in stale.json()["detail"]


def test_an_erased_amendment_keeps_the_log_verifiable(client: TestClient) -> None:
    fixture, number = discussed(client)
    amend(client, fixture, number, "south", body="Libellous text")

    erased = client.post(fixture.url(f"/proposals/{number}/amendments/1/erase"), headers=fixture.admin,
                         json={"reason": "Abuse"})

    assert erased.json()["body"] is None and erased.json()["erased"]["reason"] == "Abuse"
    report = verified_export(client, fixture)
    assert report.texts_checked == 0 and report.state.erased
