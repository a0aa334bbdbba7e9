"""Proxy pages without JavaScript: grant, accept and revoke by plain forms; the proposal page shows who cast a vote
by proxy and the bloc it made; the public page shows the limits and the proxies in force, in every language."""

import pytest

from tests.factories import make_proposal, open_ballot
from tests.pages.pagekit import post_form, set_language, sign_in
from tests.proxies.support import constituted, held, proxy_vote


def test_a_representative_grants_by_form_and_the_holder_accepts_by_form(client):
    fixture = constituted(client)
    number = make_proposal(client, fixture, title="Field office in Kassala")
    sign_in(client, "rep-wpn-lantern")

    granted = post_form(client, "/c/wpn/proxies", {"holder": "orchard", "scope": "ballot", "proposal": str(number)},
                        page="/c/wpn/proxies")
    client.post("/sign-out", data={}, follow_redirects=False)
    client.cookies.clear()
    sign_in(client, "rep-wpn-orchard")
    page = client.get("/c/wpn/proxies").text
    accepted = post_form(client, "/c/wpn/proxies/1/accept", {}, page="/c/wpn/proxies")

    assert granted.status_code == 303
    assert 'action="/c/wpn/proxies/1/accept"' in page and 'action="/c/wpn/proxies/1/decline"' in page
    assert accepted.status_code == 303
    public = client.get("/c/wpn/proxies").text
    assert "Orchard may vote on behalf of Lantern, for the ballot on #1 (proxy #1)." in public


def test_a_refused_grant_shows_its_reason_on_the_page(client):
    constituted(client)
    sign_in(client, "rep-wpn-lantern")

    response = post_form(client, "/c/wpn/proxies", {"holder": "harbour", "scope": "until", "until": "not a day"},
                         page="/c/wpn/proxies")

    assert response.status_code == 422
    assert "give the last day of the proxy as a date" in response.text


def test_the_proposal_page_shows_the_proxy_vote_and_its_bloc_and_offers_the_holder_the_grantor(client, clock):
    fixture = constituted(client)
    number = make_proposal(client, fixture)
    held(client, fixture, "lantern", "orchard", proposal=number)
    open_ballot(client, fixture, number, now=clock())
    sign_in(client, "rep-wpn-orchard")

    form = client.get(f"/c/wpn/proposals/{number}").text
    cast = post_form(client, f"/c/wpn/proposals/{number}/vote", {"choice": "no", "on_behalf": "lantern"},
                     page=f"/c/wpn/proposals/{number}")
    client.post(fixture.url(f"/proposals/{number}/ballot/close"), headers=fixture.admin)
    page = client.get(f"/c/wpn/proposals/{number}").text

    assert '<option value="lantern"' in form
    assert cast.status_code == 303
    assert "cast by Orchard on behalf of Lantern" in page
    assert "Voting blocs made by proxies" in page


@pytest.mark.parametrize(("locale", "phrase"), [("ar", "الوكالات"), ("sv", "Fullmakter")])
def test_the_proxies_page_speaks_arabic_and_swedish(client, locale, phrase):
    constituted(client)
    set_language(client, locale)

    page = client.get("/c/wpn/proxies").text

    assert phrase in page
