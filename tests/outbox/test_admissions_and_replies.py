"""Members hear of an admission (by the secretariat in set-up, or by a passed admission proposal under the charter)
and of a reply to their organization's comment, staged in the transaction of the event that causes it."""

from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlmodel import Session, select

from app.outbox.worker import Worker
from app.settings import Settings
from governance.models import Account, Notification
from tests.app.charter_kit import constituted, decide_change, propose
from tests.app.support import quick_coalition
from tests.deliberation.support import comment
from tests.factories import make_proposal
from tests.pages.pagekit import post_form, sign_in

KINDS_ON = ["member.admitted:email", "comment.reply:email"]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The outbox settings with time for the power analysis that opening a ballot freezes (a busy test machine)."""
    return settings.model_copy(update={"compute_seconds": 60})


def subscribe(client, fixture, member: str, email: str, on: list[str] = KINDS_ON) -> None:  # noqa: ANN001
    response = client.put(fixture.url("/notifications/preferences"), headers=fixture.reps[member], json={
        "email": email, "language": "en", "time_zone": "UTC", "digest": False, "on": on})
    assert response.status_code == 200, response.text


def staged(app, kind: str) -> list[tuple[str, dict]]:  # noqa: ANN001
    with Session(app.state.engine) as session:
        rows = session.exec(select(Notification, Account).join(Account, Account.id == Notification.account_id)
                            .where(Notification.kind == kind).order_by(Notification.id)).all()
        return [(account.username, notification.payload) for notification, account in rows]


def test_a_reply_reaches_the_member_whose_comment_it_answers_and_nobody_else(app, client, clock) -> None:
    fixture = quick_coalition(app, members={"aden": 1, "basra": 1, "cairo": 1})
    for member in fixture.reps:
        subscribe(client, fixture, member, f"rep@{member}.example")
    number = make_proposal(client, fixture, title="Open an office")
    first = comment(client, fixture, number, "aden", "We should open it in Aden.").json()["number"]

    comment(client, fixture, number, "aden", "And soon.", parent=first)  # answering itself: no notice
    reply = comment(client, fixture, number, "basra", "Basra is closer to most of us.", parent=first).json()["number"]

    [(username, payload)] = staged(app, "comment.reply")
    assert username == "rep-wpn-aden"
    assert (payload["number"], payload["parent"], payload["comment"], payload["name"]) == (number, first, reply, "Basra")


def test_an_admission_in_set_up_reaches_every_member_and_arrives_as_mail(app, client, clock, tmp_path: Path) -> None:
    fixture = quick_coalition(app, members={"aden": 1, "basra": 1})
    subscribe(client, fixture, "aden", "rep@aden.example")
    subscribe(client, fixture, "basra", "rep@basra.example", on=[])

    admitted = client.post(fixture.url("/members"), headers=fixture.admin, json={
        "name": "Cairo Women's Forum", "slug": "cairo", "weight": "2", "basis": "members"})
    assert admitted.status_code == 201, admitted.text
    Worker(app.state.engine, app.state.settings.model_copy(update={"mail_dir": tmp_path / "mail"})).tick()

    assert [username for username, _ in staged(app, "member.admitted")] == ["rep-wpn-aden"]
    [file] = (tmp_path / "mail").glob("*.eml")
    message = message_from_bytes(file.read_bytes(), policy=policy.default)
    assert message["To"] == "rep@aden.example" and "New member: Cairo Women's Forum" in message["Subject"]
    assert "/c/wpn/members" in message.get_body(("plain",)).get_content()


def test_a_passed_admission_proposal_reaches_every_member_once_a_rejected_one_not(app, client, clock) -> None:
    fixture = constituted(client)
    for member in fixture.reps:
        subscribe(client, fixture, member, f"rep@{member}.example", on=["member.admitted:email"])
    rejected = propose(client, fixture, "admission", {"name": "Quarry Guild", "slug": "quarry", "weight": "1"})
    passed = propose(client, fixture, "admission", {"name": "Mill Collective", "slug": "mill", "weight": "2"})

    assert decide_change(client, fixture, rejected, clock.now, choice="no")["outcome"] == "rejected"
    assert decide_change(client, fixture, passed, clock.now)["outcome"] == "passed"

    notices = staged(app, "member.admitted")
    assert sorted(username for username, _ in notices) == sorted(f"rep-wpn-{m}" for m in fixture.reps)
    assert {(p["member"], p["name"], p["number"]) for _, p in notices} == {("mill", "Mill Collective", passed)}


def test_an_applicant_that_gave_an_address_gets_one_mail_without_an_unsubscribe_link(app, client, clock,
                                                                                      tmp_path: Path) -> None:
    constituted(client)
    post_form(client, "/c/wpn/apply", {"name": "Mill Collective", "country": "Sudan", "statement": "Kassala.",
                                        "contact": "Amna Idris, +249 1 234, amna@mill.example"}, page="/c/wpn/apply")
    post_form(client, "/c/wpn/apply", {"name": "Quarry Guild", "country": "Sudan", "statement": "Port Sudan.",
                                        "contact": "call +249 9 876"}, page="/c/wpn/apply")
    sign_in(client, "wpn-admin")

    for number in (1, 2):
        post_form(client, f"/c/wpn/applications/{number}/decide", {"decision": "decline", "reason": "Not yet."},
                  page="/c/wpn/applications")
    Worker(app.state.engine, app.state.settings.model_copy(update={"mail_dir": tmp_path / "mail"})).tick()

    [file] = (tmp_path / "mail").glob("*.eml")
    message = message_from_bytes(file.read_bytes(), policy=policy.default)
    assert message["To"] == "amna@mill.example" and "List-Unsubscribe" not in message
    assert "Your application to join: Declined" in message["Subject"]
    assert "declined the application of Mill Collective. The reason given: Not yet." in message.get_body(
        ("plain",)).get_content()
