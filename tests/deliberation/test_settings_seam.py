"""The charter's three settings, read through governance.deliberation_settings: member moderators, a discussion
period before a ballot may open, and the rule an amendment ballot is counted by."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from governance import deliberation_settings
from tests.deliberation.support import comment, discussed


def test_members_named_as_moderators_may_hide_and_others_may_not(client: TestClient,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(deliberation_settings, "moderators", lambda session, coalition: {"south"})
    fixture, number = discussed(client)
    posted = comment(client, fixture, number, "north", "Off topic").json()

    by_east = client.post(fixture.url(f"/comments/{posted['number']}/hide"), headers=fixture.reps["east"],
                          json={"reason": "Off topic"})
    by_south = client.post(fixture.url(f"/comments/{posted['number']}/hide"), headers=fixture.reps["south"],
                           json={"reason": "Off topic"})

    assert by_east.status_code == 403
    assert by_south.status_code == 200 and by_south.json()["hidden"]["hidden_by"] == "rep-wpn-south"


def test_a_ballot_waits_for_the_discussion_period_while_amendments_come_in(client: TestClient, clock,  # noqa: ANN001
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(deliberation_settings, "discussion_period", lambda session, coalition: timedelta(days=2))
    fixture, number = discussed(client)
    closes = {"closes_at": (clock.now + timedelta(days=9)).isoformat()}

    early = client.post(fixture.url(f"/proposals/{number}/ballot"), headers=fixture.admin, json=closes)
    amended = client.post(fixture.url(f"/proposals/{number}/amendments"), headers=fixture.reps["east"],
                          json={"title": "Open a regional office soon", "body": "Details."})
    clock.advance(days=2)
    on_time = client.post(fixture.url(f"/proposals/{number}/ballot"), headers=fixture.admin, json=closes)

    assert early.status_code == 409 and "discussion period" in early.json()["detail"]
    assert amended.status_code == 201
    assert on_time.status_code == 201


def test_an_amendment_ballot_is_counted_by_the_amendment_rule(client: TestClient, clock,  # noqa: ANN001
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    unanimity = {"type": "majority", "counting": "equal",
                 "member_threshold": {"fraction": "1", "strict": False, "base": "eligible"}}
    monkeypatch.setattr(deliberation_settings, "amendment_rule", lambda session, coalition: unanimity)
    fixture, number = discussed(client)
    client.post(fixture.url(f"/proposals/{number}/amendments"), headers=fixture.reps["east"],
                json={"title": "Open two offices", "body": "Details."})
    client.post(fixture.url(f"/proposals/{number}/amendments/1/decline"), headers=fixture.admin)

    decision = client.post(fixture.url(f"/proposals/{number}/amendments/1/ballot"), headers=fixture.admin,
                           json={"closes_at": (clock.now + timedelta(days=3)).isoformat()}).json()["number"]

    ballot = client.get(fixture.url(f"/proposals/{decision}/ballot")).json()
    assert ballot["rule"]["member_threshold"]["fraction"] == "1"
