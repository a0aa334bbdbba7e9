"""E-mail from the outbox through a real SMTP server (aiosmtpd) in the test process: STARTTLS or implicit TLS with
AUTH, text and HTML parts in the member's language and time zone, RFC 8058 one-click unsubscribe, retries while the
server is down, the daily digest, and the demo's folder of messages."""

from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlmodel import select

from app.db import read_session
from app.outbox.delivery import Courier
from app.outbox.worker import Worker
from governance import outbox
from governance.clock import utcnow
from governance.models import Notification
from tests.app.support import quick_coalition
from tests.factories import make_proposal, open_ballot, vote
from tests.outbox.certs import self_signed
from tests.outbox.receivers import smtp_server

ALL_ON = [f"{k}:email" for k in ("proposal.submitted", "ballot.opened", "ballot.reminder", "ballot.closed")]


def worker_with(app, **changes) -> Worker:  # noqa: ANN001
    return Worker(app.state.engine, app.state.settings.model_copy(update=changes))


def subscribe(client, fixture, member: str, *, email: str, language: str = "en", zone: str = "UTC",  # noqa: ANN001
              on: list[str] = ALL_ON, digest: bool = False) -> None:
    response = client.put(fixture.url("/notifications/preferences"), headers=fixture.reps[member], json={
        "email": email, "language": language, "time_zone": zone, "digest": digest, "on": on})
    assert response.status_code == 200, response.text


def parts(message) -> dict[str, str]:  # noqa: ANN001
    return {part.get_content_type(): part.get_content() for part in message.walk() if not part.is_multipart()}


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_a_ballot_opening_reaches_the_member_by_smtp_with_tls_and_login(app, client, clock, tmp_path: Path,
                                                                        security: str) -> None:
    fixture = quick_coalition(app, members={"aden": 1, "basra": 1})
    subscribe(client, fixture, "aden", email="rep@aden.example", zone="Asia/Aden", on=["ballot.opened:email"])
    cert, key = self_signed(tmp_path)
    number = make_proposal(client, fixture, title="Open the Aden office")
    closes = clock.now.replace(hour=12, minute=0, second=0) + timedelta(days=2)
    response = client.post(fixture.url(f"/proposals/{number}/ballot"), headers=fixture.admin,
                           json={"closes_at": closes.isoformat()})
    assert response.status_code == 201
    with smtp_server(security=security, cert=cert, key=key, login=("concord", "s3cret")) as (inbox, port):
        worker = worker_with(app, smtp_host="127.0.0.1", smtp_port=port, smtp_security=security,
                             smtp_user="concord", smtp_password="s3cret", smtp_ca_file=cert,
                             mail_sender="Concord <noreply@concord.example>")

        worker.tick()

    [message] = inbox.messages
    assert inbox.envelopes == [("noreply@concord.example", ["rep@aden.example"])]
    assert message["Subject"] == f"[Women Peacebuilders Network] Vote open on #{number}: Open the Aden office"
    body = parts(message)
    assert set(body) == {"text/plain", "text/html"}
    assert "3:00" in body["text/plain"] and "(Asia/Aden)" in body["text/plain"]  # noon UTC: 15:00 in Aden (UTC+3)
    assert f"https://concord.example/c/wpn/proposals/{number}" in body["text/plain"]
    assert f'href="https://concord.example/c/wpn/proposals/{number}"' in body["text/html"]
    unsubscribe = message["List-Unsubscribe"].strip("<>")
    assert unsubscribe.startswith("https://concord.example/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_without_the_password_nothing_is_delivered_and_it_is_retried(app, client, clock, tmp_path: Path,
                                                                      session) -> None:
    fixture = quick_coalition(app, members={"aden": 1})
    subscribe(client, fixture, "aden", email="rep@aden.example")
    cert, key = self_signed(tmp_path)
    make_proposal(client, fixture)
    with smtp_server(security="starttls", cert=cert, key=key, login=("concord", "s3cret")) as (inbox, port):
        worker_with(app, smtp_host="127.0.0.1", smtp_port=port, smtp_user="concord", smtp_password="wrong",
                    smtp_ca_file=cert, smtp_timeout=3).tick()

    notification = session.exec(select(Notification)).one()
    assert inbox.messages == []
    assert notification.status == "pending" and notification.attempts == 1
    assert notification.last_error.startswith("SMTP")


def test_an_arabic_mail_for_an_arabic_speaking_member(app, client, clock) -> None:
    fixture = quick_coalition(app, members={"aden": 1})
    subscribe(client, fixture, "aden", email="rep@aden.example", language="ar")
    make_proposal(client, fixture, title="فتح مكتب عدن")
    with smtp_server() as (inbox, port):
        worker_with(app, smtp_host="127.0.0.1", smtp_port=port, smtp_security="none").tick()

    [message] = inbox.messages
    assert message["Content-Language"] == "ar"
    assert "فتح مكتب عدن" in message["Subject"] and "مقترح" in message["Subject"]
    assert 'dir="rtl"' in parts(message)["text/html"]


def test_a_swedish_mail_for_a_swedish_speaking_member_with_its_closing_time_in_stockholm(app, client, clock) -> None:
    fixture = quick_coalition(app, members={"aden": 1})
    subscribe(client, fixture, "aden", email="rep@aden.example", language="sv", zone="Europe/Stockholm")
    number = make_proposal(client, fixture, title="Öppna kontoret i Aden")
    closes = clock.now.replace(month=1, day=15, hour=12, minute=0, second=0) + timedelta(days=366)
    client.post(fixture.url(f"/proposals/{number}/ballot"), headers=fixture.admin, json={"closes_at": closes.isoformat()})
    with smtp_server() as (inbox, port):
        worker_with(app, smtp_host="127.0.0.1", smtp_port=port, smtp_security="none").tick()

    subjects = sorted(m["Subject"] for m in inbox.messages)
    opened = next(m for m in inbox.messages if "Omröstning öppen" in m["Subject"])
    assert all(m["Content-Language"] == "sv" for m in inbox.messages)
    assert subjects[0] == "[Women Peacebuilders Network] Nytt förslag nr 1: Öppna kontoret i Aden"
    assert "13:00 (Europe/Stockholm)" in parts(opened)["text/plain"]  # noon UTC in January: 13:00 in Stockholm
    assert "Rösta: https://concord.example/c/wpn/proposals/1" in parts(opened)["text/plain"]


def test_one_click_unsubscribe_stops_that_kind_of_mail(app, client, clock) -> None:
    fixture = quick_coalition(app, members={"aden": 1})
    subscribe(client, fixture, "aden", email="rep@aden.example")
    make_proposal(client, fixture)
    with smtp_server() as (inbox, port):
        worker = worker_with(app, smtp_host="127.0.0.1", smtp_port=port, smtp_security="none")
        worker.tick()
        link = inbox.messages[0]["List-Unsubscribe"].strip("<>").removeprefix("https://concord.example")

        page = client.get(link)
        unsubscribed = client.post(link, content=b"List-Unsubscribe=One-Click",
                                   headers={"content-type": "application/x-www-form-urlencoded"})
        make_proposal(client, fixture)
        number = make_proposal(client, fixture)
        open_ballot(client, fixture, number, now=clock.now)
        worker.tick()

    assert page.status_code == 200 and "<form" in page.text
    assert unsubscribed.status_code == 200
    assert [m["Subject"].split("]")[1].split(" on ")[0].strip() for m in inbox.messages] == [
        "New proposal #1: A proposal", "Vote open"]
    preferences = client.get(fixture.url("/notifications/preferences"), headers=fixture.reps["aden"]).json()
    assert "proposal.submitted:email" not in preferences["on"] and "ballot.opened:email" in preferences["on"]


def test_mail_waits_while_the_server_is_down_then_arrives_once(app, client, clock, session) -> None:
    fixture = quick_coalition(app, members={"aden": 1})
    subscribe(client, fixture, "aden", email="rep@aden.example")
    make_proposal(client, fixture)
    with smtp_server() as (_, port):
        pass  # the port is known and nothing listens on it now
    worker = worker_with(app, smtp_host="127.0.0.1", smtp_port=port, smtp_security="none", delivery_max_attempts=5)
    worker.tick()
    worker.tick()

    with smtp_server(port=port) as (inbox, _):
        worker.tick()
        worker.tick()

    notification = session.exec(select(Notification)).one()
    assert len(inbox.messages) == 1
    assert notification.status == "delivered" and notification.attempts == 3
    assert inbox.messages[0]["Message-ID"] == f"<{notification.key}@concord.test>"


def test_a_daily_digest_gathers_the_days_mail_into_one(app, client, clock, session) -> None:
    fixture = quick_coalition(app, members={"aden": 1})
    subscribe(client, fixture, "aden", email="rep@aden.example", digest=True)
    first = make_proposal(client, fixture, title="First")
    open_ballot(client, fixture, first, now=clock.now)
    make_proposal(client, fixture, title="Second")
    with smtp_server() as (inbox, port):
        worker = worker_with(app, smtp_host="127.0.0.1", smtp_port=port, smtp_security="none")
        worker.tick()
        held = len(inbox.messages)

        worker.tick(now=clock.now + timedelta(days=1))
        worker.tick(now=clock.now + timedelta(days=1, minutes=1))

    assert held == 0
    [digest] = inbox.messages
    text = parts(digest)["text/plain"]
    assert "3" in digest["Subject"] and "First" in text and "Second" in text
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_demo_folder_gets_one_file_per_message(app, client, clock, tmp_path: Path) -> None:
    fixture = quick_coalition(app, members={"aden": 1, "basra": 1})
    subscribe(client, fixture, "aden", email="rep@aden.example")
    subscribe(client, fixture, "basra", email="rep@basra.example")
    make_proposal(client, fixture)

    worker_with(app, mail_dir=tmp_path / "mail").tick()

    files = sorted((tmp_path / "mail").glob("*.eml"))
    recipients = sorted(message_from_bytes(f.read_bytes(), policy=policy.default)["To"] for f in files)
    assert recipients == ["rep@aden.example", "rep@basra.example"]


def test_a_member_that_voted_gets_no_reminder(app, client, clock) -> None:
    fixture = quick_coalition(app, members={"aden": 1, "basra": 1})
    for member in ("aden", "basra"):
        subscribe(client, fixture, member, email=f"rep@{member}.example", on=["ballot.reminder:email"])
    number = make_proposal(client, fixture)
    open_ballot(client, fixture, number, now=clock.now, days=3)
    assert vote(client, fixture, number, "aden", choice="yes").status_code == 200
    with smtp_server() as (inbox, port):
        worker = worker_with(app, smtp_host="127.0.0.1", smtp_port=port, smtp_security="none")
        worker.tick(now=clock.now + timedelta(days=1))  # 48 hours before the close: not yet (24 by default)

        worker.tick(now=clock.now + timedelta(days=2, hours=1))
        worker.tick(now=clock.now + timedelta(days=2, hours=2))

    assert [m["To"] for m in inbox.messages] == ["rep@basra.example"]
    assert "Not voted yet" in inbox.messages[0]["Subject"]


def test_the_worker_closes_a_due_ballot_once_and_mails_the_result_in_one_line(app, client, clock) -> None:
    fixture = quick_coalition(app, members={"aden": 1, "basra": 1, "sanaa": 1})
    subscribe(client, fixture, "sanaa", email="rep@sanaa.example", on=["ballot.closed:email"])
    number = make_proposal(client, fixture, title="Budget 2027")
    open_ballot(client, fixture, number, now=clock.now, days=1)
    vote(client, fixture, number, "aden", choice="yes")
    vote(client, fixture, number, "basra", choice="yes")
    with smtp_server() as (inbox, port):
        worker = worker_with(app, smtp_host="127.0.0.1", smtp_port=port, smtp_security="none")
        before = worker.tick(now=clock.now + timedelta(hours=23))

        after = worker.tick(now=clock.now + timedelta(days=1, seconds=1))
        again = worker.tick(now=clock.now + timedelta(days=1, seconds=2))

    assert (before["closed"], after["closed"], again["closed"]) == (0, 1, 0)
    [message] = inbox.messages
    assert message["Subject"] == f"[Women Peacebuilders Network] Result of #{number}: Passed"
    assert "Passed: Yes 2, No 0, Abstain 0, 2 of 3 members voted." in parts(message)["text/plain"]
    ballot = client.get(fixture.url(f"/proposals/{number}/ballot")).json()
    assert ballot["status"] == "closed"


def test_a_notification_delivered_since_a_batch_was_read_is_not_mailed_again(app, client, clock) -> None:
    fixture = quick_coalition(app, members={"aden": 1, "basra": 1})
    subscribe(client, fixture, "aden", email="rep@aden.example", on=["proposal.submitted:email"])
    make_proposal(client, fixture, title="Open the Aden office")
    with read_session(app.state.engine) as session:
        [stale] = outbox.due(session, now=utcnow())
    courier, sent = Courier(app.state.engine, app.state.settings), []
    folder = courier.mailer.send
    courier.mailer.send = lambda message: sent.append(message["To"]) or folder(message)

    assert courier.deliver(stale) is None  # delivered
    assert courier.deliver(stale) is None  # the same row as the batch read it: not due any more, nothing sent
    courier.close()

    assert sent == ["rep@aden.example"]
    with read_session(app.state.engine) as session:
        assert session.get(Notification, stale.id).attempts == 1


def test_a_member_that_removed_its_address_since_gets_a_dead_letter_not_retries(app, client, clock) -> None:
    fixture = quick_coalition(app, members={"aden": 1, "basra": 1})
    subscribe(client, fixture, "aden", email="rep@aden.example", on=["proposal.submitted:email"])
    make_proposal(client, fixture, title="Open the Aden office")
    subscribe(client, fixture, "aden", email="", on=["proposal.submitted:email"])  # the address removed meanwhile
    with read_session(app.state.engine) as session:
        [pending] = outbox.due(session, now=utcnow())
    courier = Courier(app.state.engine, app.state.settings)

    assert courier.deliver(pending) == "the account has no e-mail address (any more)"
    courier.close()

    with read_session(app.state.engine) as session:
        assert session.get(Notification, pending.id).status == "dead"
    assert not Path(app.state.settings.mail_dir).exists() or not list(Path(app.state.settings.mail_dir).glob("*.eml"))
