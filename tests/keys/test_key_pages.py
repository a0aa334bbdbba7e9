"""Member keys on the pages: register and revoke without JavaScript, a signed vote by form, signed marks in English,
Arabic and Swedish."""

import base64
import html
import json
import re

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from governance.log.signing import sign_vote
from tests.factories import make_coalition, make_proposal, open_ballot
from tests.keys.support import register, signed_ballot, signed_vote
from tests.pages.pagekit import post_form, set_language, sign_in

pytestmark = pytest.mark.db


def test_a_representative_registers_and_revokes_a_key_on_its_page_without_javascript(client) -> None:
    fixture = make_coalition(client, members={"ferry": 1})
    sign_in(client, "rep-wpn-ferry")
    public = base64.b64encode(Ed25519PrivateKey.generate().public_key().public_bytes_raw()).decode()

    made = post_form(client, "/c/wpn/me/keys", {"label": "Office laptop", "public_key": public}, page="/c/wpn/me")
    key_id = client.get(fixture.url("/members/ferry/keys")).json()["items"][0]["key_id"]
    page = client.get("/c/wpn/me").text
    revoked = post_form(client, f"/c/wpn/me/keys/{key_id}/revoke", {}, page="/c/wpn/me")
    bad = post_form(client, "/c/wpn/me/keys", {"label": "x", "public_key": "not a key"}, page="/c/wpn/me")

    assert made.status_code == 303 and revoked.status_code == 303
    assert "Office laptop" in page and key_id[:16] in page and "data-concord-keys" in page
    assert client.get(fixture.url("/members/ferry/keys")).json()["items"][0]["active"] is False
    assert bad.status_code == 422 and "public_key" in bad.text


def test_the_vote_form_carries_what_the_browser_signs_and_a_signed_form_vote_counts(client, clock) -> None:
    fixture = make_coalition(client, members={"ferry": 1, "harbour": 1})
    key = register(client, fixture, "ferry")
    number = make_proposal(client, fixture)
    open_ballot(client, fixture, number, now=clock.now)
    sign_in(client, "rep-wpn-ferry")
    page = client.get(f"/c/wpn/proposals/{number}").text
    spec = json.loads(re.search(r'data-sign="([^"]+)"', page).group(1).replace("&#34;", '"'))
    fields = sign_vote(key.private, origin=spec["origin"], number=number, ballot=spec["ballot"], member="ferry",
                       vote={"choice": "no"}, seq=spec["last_seq"] + 1)

    response = post_form(client, f"/c/wpn/proposals/{number}/vote", {"choice": "no", **fields},
                         page=f"/c/wpn/proposals/{number}")

    assert spec["keys"] == [key.key_id] and spec["shape"] == "choice" and "concord-keys.js" in page
    assert response.status_code == 303, response.text
    assert client.get(fixture.url(f"/proposals/{number}/ballot/votes")).json()["items"][0]["key_id"] == key.key_id


@pytest.mark.parametrize(("locale", "signed", "unsigned"), [
    ("en", "signed by the member (key laptop)", "cast through the server's session"),
    ("ar", "وقّعه العضو (المفتاح laptop)", "أُدلي به عبر جلسة الخادم"),
    ("sv", "signerad av medlemmen (nyckel laptop)", "avgiven via serverns session"),
])
def test_a_closed_ballot_marks_each_vote_signed_or_cast_through_the_server(client, clock, locale, signed,
                                                                          unsigned) -> None:
    fixture, _, number = signed_ballot(client, clock)
    client.post(fixture.url(f"/proposals/{number}/ballot/close"), headers=fixture.admin)
    set_language(client, locale)

    page = html.unescape(client.get(f"/c/wpn/proposals/{number}").text).replace("<bdi>", "").replace("</bdi>", "")

    assert signed in page and unsigned in page


def test_the_log_page_tells_a_signed_vote_by_its_key_and_an_unsigned_one_without(client, clock) -> None:
    _, key, _ = signed_ballot(client, clock, seq=3)

    text = re.sub(r"<[^>]+>", "", html.unescape(client.get("/c/wpn/log?kind=vote.cast").text))
    sentences = [line.strip() for line in text.splitlines() if " voted on " in line]

    assert any(s.startswith("Ferry") and f"signed with its own key {key.key_id[:16]} (vote 3 of that key; sealed "
                                         "until the ballot closes)" in s for s in sentences), sentences
    assert any(s.startswith("Harbour") and "signed" not in s for s in sentences), sentences


def test_the_members_page_lists_every_key_with_its_use_and_its_log_entries(client) -> None:
    fixture = make_coalition(client, members={"ferry": 1, "harbour": 1})
    assert "No member has registered a key." in client.get("/c/wpn/members").text
    old, kept = register(client, fixture, "ferry", label="old laptop"), register(client, fixture, "harbour")
    revoked = client.post(fixture.url(f"/members/ferry/keys/{old.key_id}/revoke"), headers=fixture.reps["ferry"])
    assert revoked.status_code == 200, revoked.text
    listed = {key["key_id"]: key for member in ("ferry", "harbour")
              for key in client.get(fixture.url(f"/members/{member}/keys")).json()["items"]}

    table = html.unescape(client.get("/c/wpn/members").text.split('id="keys"')[1].split("</table>")[0])
    rows = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in table.split("<tr>")[2:]]

    assert rows == [
        f"Ferry signs its votes old laptop {old.key_id[:16]} {listed[old.key_id]['log_index']} "
        f"{listed[old.key_id]['revoked_log_index']}",
        f"Harbour signs its votes laptop {kept.key_id[:16]} {listed[kept.key_id]['log_index']} —"]


@pytest.mark.parametrize("seq", ["²", "１", "-3", "9" * 40, "abc"])
def test_a_vote_form_with_a_malformed_sequence_number_is_refused_with_a_message(client, clock, seq) -> None:
    fixture = make_coalition(client, members={"ferry": 1})
    key = register(client, fixture, "ferry")
    number = make_proposal(client, fixture)
    open_ballot(client, fixture, number, now=clock.now)
    sign_in(client, "rep-wpn-ferry")
    fields = signed_vote(client, fixture, number, "ferry", key, seq=1)

    response = post_form(client, f"/c/wpn/proposals/{number}/vote", {**fields, "seq": seq},
                         page=f"/c/wpn/proposals/{number}")

    assert response.status_code == 422 and "seq" in response.text
