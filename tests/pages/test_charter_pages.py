"""The charter's pages without JavaScript, in English and Arabic: the charter, its versions and their difference in
words; change proposals made through the form, with each member's power before and after."""

import pytest

from tests.app.charter_kit import constituted, decide_change, propose
from tests.factories import make_coalition
from tests.pages.pagekit import post_form, set_language, sign_in


def test_the_charter_page_shows_the_versions_and_their_difference_in_words(client, clock):
    fixture = constituted(client)
    rule = {"counting": "weighted", "quorum_weight": "0.6"}
    number = propose(client, fixture, "rule_change", {"rules": {"decision": rule}})
    decide_change(client, fixture, number, clock())

    page = client.get("/c/wpn/charter?from_version=1&to_version=2")

    assert page.status_code == 200
    assert "Version 2, adopted" in page.text and f'href="/c/wpn/proposals/{number}"' in page.text
    assert "Quorum by weight for decision" in page.text and "60%" in page.text
    assert 'href="/c/wpn/charter"' in client.get("/c/wpn").text


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_the_charter_page_reads_in_both_languages(client, locale):
    constituted(client)
    set_language(client, locale)

    page = client.get("/c/wpn/charter")

    assert page.status_code == 200
    assert ('dir="rtl"' in page.text) == (locale == "ar")
    assert ("الميثاق" in page.text) == (locale == "ar")


def test_a_coalition_in_set_up_says_so_on_its_charter_page(client):
    make_coalition(client, members={"ferry": 1})

    page = client.get("/c/wpn/charter")

    assert page.status_code == 200 and "still in set-up" in page.text


def test_a_representative_proposes_a_weight_change_through_the_form_and_sees_the_power_chart(client):
    constituted(client)
    sign_in(client, "rep-wpn-ferry")

    response = post_form(client, "/c/wpn/charter/propose", {
        "kind": "weight_change", "title": "Lantern grew", "member": "lantern", "weight": "9", "reason": "Census",
        "basis": "9,000 members"}, page="/c/wpn/charter/propose?kind=weight_change")

    assert response.status_code == 303
    page = client.get(response.headers["location"])
    assert "New weight of Lantern" in page.text and "<svg" in page.text and "Banzhaf after" in page.text
    proposal = client.get("/api/v1/coalitions/wpn/proposals/1").json()
    assert proposal["payload"] == {"weights": {"lantern": "9"}, "basis": "9,000 members", "reason": "Census"}


@pytest.mark.parametrize("kind", ["rule_change", "suspension", "readmission", "expulsion", "charter_amendment",
                                  "admission"])
def test_every_change_form_renders_and_a_bad_one_is_refused_beside_the_form(client, kind):
    constituted(client)
    sign_in(client, "rep-wpn-ferry")
    page = f"/c/wpn/charter/propose?kind={kind}"

    shown = client.get(page)
    refused = post_form(client, "/c/wpn/charter/propose", {"kind": kind, "title": "Bad", "member": "nobody",
                                                           "weight": "-1", "rule_kind": "decision",
                                                           "member_threshold": "150", "witness_quorum": "x"},
                        page=page)

    assert shown.status_code == 200 and 'name="kind" value="' + kind + '"' in shown.text
    assert refused.status_code == 422 and 'class="alert"' in refused.text
    assert client.get("/api/v1/coalitions/wpn/proposals").json()["items"] == []
