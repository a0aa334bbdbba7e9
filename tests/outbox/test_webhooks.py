"""Webhooks from the outbox: signed per Standard Webhooks (checked with the specification's own Python library),
delivered to a real HTTP receiver, retried after failures, dead letters sent again; nothing sent in a request."""

import json
import time
from datetime import UTC, datetime

import pytest
from sqlmodel import select
from standardwebhooks.webhooks import Webhook

from app.db import read_session
from app.outbox import webhooks
from governance import outbox
from governance.clock import utcnow
from governance.models import DeliveryAttempt, Notification
from tests.app.support import quick_coalition, snapshot
from tests.factories import make_proposal, open_ballot, vote
from tests.outbox.receivers import webhook_receiver


def register(client, fixture, url: str, *, events=("proposal.submitted", "ballot.opened", "ballot.closed")) -> dict:  # noqa: ANN001
    response = client.post(fixture.url("/webhooks"), headers=fixture.admin,
                           json={"url": url, "events": list(events), "secretariat": True})
    assert response.status_code == 201, response.text
    return response.json()


def test_a_signature_is_what_the_reference_library_makes_and_verifies() -> None:
    secret, body, now = webhooks.new_secret(), '{"type":"ballot.opened","title":"مكتب عدن"}'.encode(), int(time.time())

    signature = webhooks.sign(secret, msg_id="msg_1", timestamp=now, body=body)

    reference = Webhook(secret)
    assert signature == reference.sign("msg_1", datetime.fromtimestamp(now, UTC), body.decode())
    assert reference.verify(body, {"webhook-id": "msg_1", "webhook-timestamp": str(now),
                                   "webhook-signature": signature})["title"] == "مكتب عدن"


def test_the_published_example_signature() -> None:
    """The example of the Standard Webhooks specification (spec/standard-webhooks.md, "Signature scheme")."""
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'

    signature = webhooks.sign(secret, msg_id="msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp=1614265330, body=body)

    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_events_reach_a_receiver_signed_once_each_and_not_during_the_request(app, client, clock, worker) -> None:
    fixture = quick_coalition(app, members={"a": 1, "b": 1})
    with webhook_receiver() as receiver:
        endpoint = register(client, fixture, receiver.url)
        number = make_proposal(client, fixture, title="Open the Aden office")
        open_ballot(client, fixture, number, now=clock.now, days=1)
        assert receiver.received == []

        worker.tick()
        worker.tick()

    kinds = sorted(json.loads(hook.body)["type"] for hook in receiver.received)  # sent side by side: in any order
    assert kinds == ["ballot.opened", "proposal.submitted"]
    assert len(set(receiver.ids())) == 2
    for hook in receiver.received:
        verifier = Webhook(endpoint["secret"])
        assert verifier.verify(hook.body, hook.headers)["data"]["title"] == "Open the Aden office"
    assert {json.loads(hook.body)["data"]["url"] for hook in receiver.received} == {
        f"https://concord.example/c/wpn/proposals/{number}"}


def test_a_failing_receiver_gets_retries_then_the_notification(app, client, clock, worker, session) -> None:
    fixture = quick_coalition(app, members={"a": 1})
    with webhook_receiver(500, 503) as receiver:
        register(client, fixture, receiver.url, events=["proposal.submitted"])
        make_proposal(client, fixture)

        for _ in range(3):
            worker.tick()

    assert len(receiver.received) == 1
    notification = session.exec(select(Notification)).one()
    attempts = session.exec(select(DeliveryAttempt).order_by(DeliveryAttempt.number)).all()
    assert notification.status == "delivered" and notification.attempts == 3
    assert [(a.number, a.ok, a.detail) for a in attempts] == [(1, False, "HTTP 500"), (2, False, "HTTP 503"),
                                                               (3, True, "")]


def test_after_the_last_attempt_a_dead_letter_that_the_secretariat_sends_again(app, client, clock, worker) -> None:
    fixture = quick_coalition(app, members={"a": 1})
    with webhook_receiver(500, 500, 500) as receiver:
        register(client, fixture, receiver.url, events=["proposal.submitted"])
        make_proposal(client, fixture)
        for _ in range(4):
            worker.tick()
        dead = client.get(fixture.url("/outbox/dead"), headers=fixture.admin).json()

        again = client.post(fixture.url(f"/outbox/{dead[0]['id']}/send-again"), headers=fixture.admin)
        worker.tick()

    assert [(d["kind"], d["attempts"], d["last_error"]) for d in dead] == [("proposal.submitted", 3, "HTTP 500")]
    assert again.status_code == 200
    assert len(receiver.received) == 1 and receiver.ids() == [dead[0]["key"]]
    assert client.get(fixture.url("/outbox/dead"), headers=fixture.admin).json() == []


def test_a_representative_cannot_see_or_resend_dead_letters(app, client) -> None:
    fixture = quick_coalition(app, members={"a": 1})

    assert client.get(fixture.url("/outbox/dead"), headers=fixture.reps["a"]).status_code == 403
    assert client.post(fixture.url("/outbox/1/send-again"), headers=fixture.reps["a"]).status_code == 403


def test_loopback_and_private_destinations_are_refused_unless_allowed(app, client) -> None:
    fixture = quick_coalition(app, members={"a": 1})
    app.state.settings.webhook_allow_private = False
    before = snapshot(app.state.engine)

    answers = [client.post(fixture.url("/webhooks"), headers=fixture.admin,
                           json={"url": url, "events": ["ballot.opened"], "secretariat": True})
               for url in ("http://127.0.0.1:9/x", "http://10.1.2.3/x", "http://169.254.169.254/latest",
                           "http://[::1]/x", "ftp://example.org/x")]

    assert [a.status_code for a in answers] == [422] * 5
    assert "169.254.169.254 is a private, loopback or link-local address" in answers[2].json()["detail"]
    assert snapshot(app.state.engine) == before


def test_a_redirect_is_not_followed(app, client, worker, session) -> None:
    fixture = quick_coalition(app, members={"a": 1})
    with webhook_receiver(302) as receiver:
        register(client, fixture, receiver.url, events=["proposal.submitted"])
        make_proposal(client, fixture)
        worker.tick()

    assert session.exec(select(DeliveryAttempt)).one().detail == "HTTP 302"


def test_a_batch_read_before_a_delivery_finished_does_not_send_it_again(app, client, worker, monkeypatch) -> None:
    """The worker reads the due notifications, then takes each in hand: one whose delivery was recorded in between
    (the previous pass's thread, which lets it go only after recording) must not go out twice."""
    fixture = quick_coalition(app, members={"a": 1})
    with webhook_receiver() as receiver:
        register(client, fixture, receiver.url, events=["proposal.submitted"])
        make_proposal(client, fixture)
        with read_session(app.state.engine) as session:
            stale = outbox.due(session, now=utcnow(), limit=50)
        assert len(stale) == 1

        worker.courier.deliver_due()
        monkeypatch.setattr(outbox, "due", lambda *args, **kwargs: stale)  # the read that preceded that delivery
        worker.courier.deliver_due()

    assert len(receiver.received) == 1


def test_a_vote_causes_no_notification(app, client, clock, session) -> None:
    fixture = quick_coalition(app, members={"a": 1, "b": 1})
    with webhook_receiver() as receiver:
        register(client, fixture, receiver.url)
        number = make_proposal(client, fixture)
        open_ballot(client, fixture, number, now=clock.now, days=1)
        staged = len(session.exec(select(Notification)).all())

        assert vote(client, fixture, number, "a", choice="yes").status_code == 200

    assert len(session.exec(select(Notification)).all()) == staged == 2


@pytest.mark.parametrize("events", [[], ["vote.cast"], ["ballot.reminder"]])
def test_the_secretariat_chooses_public_events_only(app, client, events) -> None:
    fixture = quick_coalition(app, members={"a": 1})

    answer = client.post(fixture.url("/webhooks"), headers=fixture.admin,
                         json={"url": "http://127.0.0.1:9/x", "events": events, "secretariat": True})

    assert answer.status_code == 422


def test_a_slow_receiver_delays_neither_a_closing_nor_other_deliveries(app, client, clock, worker, session) -> None:
    fixture = quick_coalition(app, members={"a": 1})
    number = make_proposal(client, fixture)
    open_ballot(client, fixture, number, now=clock.now, days=1)
    with webhook_receiver(delay=2) as slow, webhook_receiver() as quick:
        client.post(fixture.url("/webhooks"), headers=fixture.admin,
                    json={"url": slow.url, "events": ["ballot.closed"], "secretariat": True})
        register(client, fixture, quick.url, events=["proposal.submitted"])
        clock.advance(days=1, seconds=1)
        started = time.monotonic()
        closing = worker.tick(now=clock.now, wait=False)  # closes the ballot and starts the slow webhook

        first = worker.tick(wait=False)
        make_proposal(client, fixture)
        second = worker.tick(wait=False)
        elapsed = time.monotonic() - started
        time.sleep(0.5)

        assert elapsed < 1
        assert (closing["closed"], closing["tried"]) == (1, 1)
        assert first["tried"] == 0 and second["tried"] == 1  # the slow one is in hand once, not started again
        assert len(quick.received) == 1 and slow.received == []
        worker.courier.pool.shutdown(wait=True)
    assert len(slow.received) == 1


def test_a_request_goes_to_the_address_that_was_checked_with_the_original_host(monkeypatch) -> None:
    monkeypatch.setattr(webhooks, "_public", lambda address: True)  # let "localhost" pass the check
    with webhook_receiver() as receiver:
        url = f"http://localhost:{receiver.port}/hooks"

        webhooks.post(url, secret=webhooks.new_secret(), msg_id="msg_1", timestamp=int(time.time()), body=b"{}",
                      timeout=5, allow_private=False)

    assert receiver.received[0].headers["host"] == f"localhost:{receiver.port}"
