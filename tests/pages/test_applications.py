"""Applying to join without an account: the public form, its honeypot and rate limit, the private status link, and
the secretariat turning an application into an admission proposal (the member exists once it passes) or declining."""

from sqlmodel import select

from app.db import read_session
from governance.models import Application, Notification
from tests.app.charter_kit import constituted, decide_change
from tests.app.support import snapshot
from tests.pages.pagekit import post_form, sign_in

APPLICATION = {"name": "Mill Collective", "country": "Sudan", "statement": "We mediate in Kassala.",
               "contact": "mill@example.org"}


def told(client) -> list[dict]:  # noqa: ANN001
    """What the outbox holds for applicants."""
    with read_session(client.app.state.engine) as session:
        return [n.payload for n in session.exec(select(Notification).where(Notification.kind == "application.decided"))]


def apply(client, **changes):  # noqa: ANN001, ANN201
    return post_form(client, "/c/wpn/apply", {**APPLICATION, **changes}, page="/c/wpn/apply")


def test_an_application_is_followed_at_its_private_link_and_becomes_a_member_when_its_admission_passes(client, clock):
    fixture = constituted(client)
    sent = apply(client)
    link = sent.headers["location"]
    sign_in(client, "wpn-admin")

    proposed = post_form(client, "/c/wpn/applications/1/decide", {"decision": "propose", "weight": "4.5",
                                                                  "basis": "450 members"}, page="/c/wpn/applications")
    number = int(proposed.headers["location"].rsplit("/", 1)[1])
    decide_change(client, fixture, number, clock())

    assert sent.status_code == 303 and link.startswith("/c/wpn/applications/")
    status = client.get(link).text
    assert "proposal #" in status and "Passed" in status
    member = client.get("/api/v1/coalitions/wpn/members/mill-collective").json()
    assert (member["name"], member["weight"], member["weight_basis"]) == ("Mill Collective", "4.5", "450 members")
    assert [(n["to"], n["outcome"], n["number"]) for n in told(client)] == [("mill@example.org", "passed", number)]


def test_a_declined_application_shows_its_reason_to_the_applicant(client):
    constituted(client)
    link = apply(client).headers["location"]
    sign_in(client, "wpn-admin")

    post_form(client, "/c/wpn/applications/1/decide", {"decision": "decline", "reason": "Not in the region."},
              page="/c/wpn/applications")

    client.cookies.clear()
    assert "Not in the region." in client.get(link).text
    assert [(n["to"], n["outcome"], n["reason"]) for n in told(client)] == [
        ("mill@example.org", "declined", "Not in the region.")]


def test_a_filled_honeypot_is_thanked_and_nothing_is_stored(client):
    constituted(client)
    before = snapshot(client.app.state.engine)

    response = apply(client, website="http://spam.example")

    assert response.headers["location"] == "/c/wpn/apply/received"
    assert snapshot(client.app.state.engine) == before


def test_applications_from_one_address_are_rate_limited(client):
    constituted(client)

    statuses = [apply(client, name=f"Org {n}").status_code for n in range(6)]

    assert statuses == [303] * 5 + [429]
    with read_session(client.app.state.engine) as session:
        assert len(session.exec(select(Application)).all()) == 5


def test_an_unknown_link_is_not_found_and_a_representative_cannot_read_the_applications(client):
    constituted(client)
    apply(client)
    sign_in(client, "rep-wpn-ferry")

    assert client.get("/c/wpn/applications/not-a-token").status_code == 404
    assert client.get("/c/wpn/applications").status_code == 403


def test_an_application_without_a_contact_is_refused_beside_the_field(client):
    constituted(client)

    response = apply(client, contact="")

    assert response.status_code == 422 and 'id="apply-contact-error"' in response.text


def test_the_api_takes_an_application_without_an_account_and_shows_its_status_by_its_secret(client):
    constituted(client)

    sent = client.post("/api/v1/coalitions/wpn/applications", json=APPLICATION)

    assert sent.status_code == 201
    status = client.get(f"/api/v1/coalitions/wpn/applications/{sent.json()['token']}").json()
    assert (status["name"], status["status"], status["proposal"]) == ("Mill Collective", "received", None)
    assert "contact" not in status
    assert client.get("/api/v1/coalitions/wpn/applications/guess").status_code == 404
