"""Proxies through the API: grant, accept, decline, revoke; the caps; votes by proxy and the grantor's own vote."""

from datetime import timedelta

import pytest
from sqlmodel import select

from app.db import read_session
from app.outbox.render import render
from governance.models import Account, Notification
from tests.app.support import snapshot, verified_export
from tests.factories import make_coalition, make_proposal, open_ballot, vote
from tests.proxies.support import answer, constituted, grant, held, proxy_vote


def votes_of(client, fixture, number):  # noqa: ANN001, ANN201
    return {item["member"]: item for item in client.get(fixture.url(f"/proposals/{number}/ballot/votes")).json()["items"]}


def test_a_proxy_vote_counts_for_the_grantor_and_shows_who_cast_it(client, clock):
    fixture = constituted(client)
    number = make_proposal(client, fixture)
    proxy = held(client, fixture, "lantern", "orchard", proposal=number)
    open_ballot(client, fixture, number, now=clock())

    cast = proxy_vote(client, fixture, number, "lantern", "orchard", "no")
    client.post(fixture.url(f"/proposals/{number}/ballot/close"), headers=fixture.admin)

    assert cast.status_code == 200, cast.text
    lantern = votes_of(client, fixture, number)["lantern"]
    assert lantern["vote"] == {"choice": "no"} and lantern["cast_by_proxy"] == "orchard"
    assert lantern["account"] == "rep-wpn-orchard"
    listed = client.get(fixture.url("/proxies")).json()
    assert listed["caps"] == {"max_held": 1, "max_weight_share": "0.25"}
    assert [(p["number"], p["status"], p["in_force"]) for p in listed["items"]] == [(proxy, "accepted", False)]
    assert verified_export(client, fixture).state.proxies[proxy].voted == {number}


def test_an_acceptance_past_the_weight_share_is_refused_and_leaves_no_trace(client):
    fixture = constituted(client)
    number = grant(client, fixture, "lantern", "harbour", kind="decision").json()["number"]
    before = snapshot(client.app.state.engine)

    response = answer(client, fixture, number, "harbour", "accept")

    assert response.status_code == 409
    assert response.json()["detail"] == ("Harbour with its proxies would hold 20/49 of the weight; the charter "
                                         "allows at most 0.25.")
    assert snapshot(client.app.state.engine) == before


def test_a_second_proxy_past_the_count_cap_is_refused(client):
    fixture = constituted(client, caps={"max_held": 1, "max_weight_share": "0.9"})
    held(client, fixture, "lantern", "ferry", kind="decision")
    number = grant(client, fixture, "orchard", "ferry", kind="decision").json()["number"]

    response = answer(client, fixture, number, "ferry", "accept")

    assert response.status_code == 409
    assert response.json()["detail"] == "Ferry would hold proxies for 2 members; the charter allows at most 1."


def test_the_grantors_own_vote_overrides_the_proxy_until_the_ballot_closes(client, clock):
    fixture = constituted(client)
    first, second = make_proposal(client, fixture), make_proposal(client, fixture)
    held(client, fixture, "lantern", "orchard", kind="decision")
    for number in (first, second):
        open_ballot(client, fixture, number, now=clock())

    own_then_proxy = (vote(client, fixture, first, "lantern", choice="yes"),
                      proxy_vote(client, fixture, first, "lantern", "orchard", "no"))
    proxy_then_own = (proxy_vote(client, fixture, second, "lantern", "orchard", "no"),
                      vote(client, fixture, second, "lantern", choice="yes"))

    assert own_then_proxy[1].status_code == 409
    assert "own vote overrides any proxy" in own_then_proxy[1].json()["detail"]
    assert [r.status_code for r in proxy_then_own] == [200, 200]
    for number in (first, second):
        client.post(fixture.url(f"/proposals/{number}/ballot/close"), headers=fixture.admin)
        lantern = votes_of(client, fixture, number)["lantern"]
        assert (lantern["vote"], lantern["cast_by_proxy"]) == ({"choice": "yes"}, None)
    verified_export(client, fixture)


def test_a_one_ballot_proxy_cannot_be_revoked_once_used_but_a_kind_proxy_ends_for_the_future(client, clock):
    fixture = constituted(client)
    first, second = make_proposal(client, fixture), make_proposal(client, fixture)
    one = held(client, fixture, "lantern", "orchard", proposal=first)
    open_ballot(client, fixture, first, now=clock())
    proxy_vote(client, fixture, first, "lantern", "orchard")

    refused = answer(client, fixture, one, "lantern", "revoke")
    client.post(fixture.url(f"/proposals/{first}/ballot/close"), headers=fixture.admin)
    kind = held(client, fixture, "lantern", "orchard", kind="decision")
    open_ballot(client, fixture, second, now=clock())
    used = proxy_vote(client, fixture, second, "lantern", "orchard")
    revoked = answer(client, fixture, kind, "lantern", "revoke")
    after = proxy_vote(client, fixture, second, "lantern", "orchard", "no")

    assert refused.status_code == 409 and "can no longer be revoked" in refused.json()["detail"]
    assert used.status_code == 200 and revoked.status_code == 200
    assert after.status_code == 403
    assert verified_export(client, fixture).state.proxies[kind].status == "revoked"


def test_a_declined_proxy_gives_no_vote_and_the_grantor_may_grant_again(client, clock):
    fixture = constituted(client)
    number = make_proposal(client, fixture)
    declined = grant(client, fixture, "lantern", "ferry", proposal=number).json()["number"]
    answer(client, fixture, declined, "ferry", "decline")
    open_ballot(client, fixture, number, now=clock())

    refused = proxy_vote(client, fixture, number, "lantern", "ferry")
    again = grant(client, fixture, "lantern", "orchard", proposal=number)

    assert refused.status_code == 403
    assert again.status_code == 201
    assert client.get(fixture.url(f"/proxies/{declined}")).json()["status"] == "declined"


def test_bad_grants_are_refused_with_a_reason(client, clock):
    fixture = constituted(client)
    setup = make_coalition(client, slug="setup", members={"a": 1, "b": 1})
    future = (clock() + timedelta(days=3)).isoformat()

    cases = {
        "self": grant(client, fixture, "lantern", "lantern", kind="decision"),
        "stranger": grant(client, fixture, "lantern", "nobody", kind="decision"),
        "two scopes": grant(client, fixture, "lantern", "orchard", kind="decision", until=future),
        "no scope": grant(client, fixture, "lantern", "orchard"),
        "unknown kind": grant(client, fixture, "lantern", "orchard", kind="coup"),
        "no such ballot": grant(client, fixture, "lantern", "orchard", proposal=99),
        "past": grant(client, fixture, "lantern", "orchard", until="2000-01-01T00:00:00Z"),
        "set-up": grant(client, setup, "a", "b", kind="decision"),
        "admin": client.post(fixture.url("/proxies"), headers=fixture.admin, json={"holder": "a", "kind": "decision"}),
    }

    assert {name: r.status_code for name, r in cases.items()} == {
        "self": 422, "stranger": 404, "two scopes": 422, "no scope": 422, "unknown kind": 422, "no such ballot": 409,
        "past": 422, "set-up": 409, "admin": 403}
    assert client.get(fixture.url("/proxies")).json()["items"] == []


def test_a_member_has_one_proxy_pending_or_in_force_at_a_time(client):
    fixture = constituted(client)
    first = grant(client, fixture, "lantern", "orchard", kind="decision").json()["number"]

    second = grant(client, fixture, "lantern", "ferry", kind="election")
    answer(client, fixture, first, "lantern", "revoke")
    third = grant(client, fixture, "lantern", "ferry", kind="election")

    assert second.status_code == 409 and f"#{first}" in second.json()["detail"]
    assert third.status_code == 201


def test_an_offer_notifies_the_holder_and_its_answer_the_grantor(client):
    fixture = constituted(client)
    for member in ("lantern", "orchard"):
        response = client.put(fixture.url("/notifications/preferences"), headers=fixture.reps[member],
                              json={"email": f"{member}@example.org"})
        assert response.status_code == 200, response.text

    number = grant(client, fixture, "lantern", "orchard", kind="decision").json()["number"]
    answer(client, fixture, number, "orchard", "decline")

    with read_session(client.app.state.engine) as session:
        sent = [(account.username, note.payload["event"]) for note, account in session.exec(
            select(Notification, Account).join(Account).where(Notification.kind == "proxy.addressed")
            .order_by(Notification.id))]
    assert sent == [("rep-wpn-orchard", "granted"), ("rep-wpn-lantern", "declined")]


@pytest.mark.parametrize(("locale", "subject"), [
    ("en", "[WPN] Lantern offers you its proxy #3"), ("ar", "[WPN] يعرض عليكم Lantern وكالته رقم 3"),
    ("sv", "[WPN] Lantern erbjuder er sin fullmakt nr 3")])
def test_a_proxy_notification_reads_in_the_recipients_language_and_links_to_the_proxy(locale, subject):
    payload = {"kind": "proxy.addressed", "event": "granted", "proxy": 3, "grantor": "Lantern", "holder": "Orchard",
               "coalition": "wpn", "coalition_name": "WPN", "at": "2026-12-07T08:00:00Z"}

    words = render(payload, locale=locale, time_zone="UTC", public_url="https://concord.test")

    assert words.subject == subject
    assert words.links[0][1] == "https://concord.test/c/wpn/proxies#proxy-3"


def test_the_list_filters_by_member_and_status(client):
    fixture = constituted(client)
    held(client, fixture, "lantern", "orchard", kind="decision")
    declined = grant(client, fixture, "ferry", "harbour", kind="decision").json()["number"]
    answer(client, fixture, declined, "harbour", "decline")

    by_member = client.get(fixture.url("/proxies"), params={"member": "orchard"}).json()["items"]
    by_status = client.get(fixture.url("/proxies"), params={"status": "declined"}).json()["items"]

    assert [(p["grantor"], p["holder"], p["in_force"]) for p in by_member] == [("lantern", "orchard", True)]
    assert [p["number"] for p in by_status] == [declined]
