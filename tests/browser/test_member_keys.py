"""In Chromium: a representative makes a member key in the browser, registers it, signs a vote, and the closed
ballot shows the vote as signed by the member; the verifier accepts the log."""

from datetime import UTC, datetime

import httpx
import pytest

from governance.log.canonical import canonical_text
from governance.log.recount import vote_commitment
from governance.log.sources import read_archive_bytes
from governance.log.verify import verify_log
from tests.browser.conftest import screenshot, sign_in
from tests.factories import make_coalition, make_proposal, open_ballot

pytestmark = pytest.mark.browser


def test_a_key_made_in_the_browser_signs_a_vote_shown_as_signed(browser, live_server) -> None:
    with httpx.Client(base_url=live_server, timeout=30) as client:
        fixture = make_coalition(client, members={"north": 3, "south": 2})
        number = make_proposal(client, fixture, title="Adopt the joint statement")
        open_ballot(client, fixture, number, now=datetime.now(UTC))
    page = browser.new_context().new_page()
    sign_in(page, live_server, "rep-wpn-north")

    page.goto(f"{live_server}/c/wpn/me#keys")
    page.get_by_role("button", name="Make a key in this browser").click()
    page.get_by_text("This browser holds a member key").wait_for()
    page.get_by_label("Label (where the key lives").fill("North's browser")
    page.get_by_role("button", name="Register the key").click()
    page.wait_for_load_state()
    page.goto(f"{live_server}/c/wpn/proposals/{number}")
    page.get_by_text("This vote will be signed in your browser with the member key North's browser").wait_for()
    page.get_by_label("Yes", exact=True).check()
    page.get_by_role("button", name="vote").click()
    page.get_by_text("Your vote is recorded").wait_for()
    screenshot(page, "signed-vote")
    with httpx.Client(base_url=live_server, timeout=30) as client:
        client.post(fixture.url(f"/proposals/{number}/ballot/close"), headers=fixture.admin)
        source = read_archive_bytes(client.get(fixture.url("/log/export")).content)
        key = client.get(fixture.url("/log/key")).text.strip()
    page.goto(f"{live_server}/c/wpn/proposals/{number}")

    votes = page.locator("#votes + .table-wrap").inner_text()
    assert "signed by the member (key North's browser)" in votes
    assert verify_log(source.entries, source.checkpoint, key).state.vote_seqs["north"] > 0


VOTES = [{"choice": "yes"}, {"approve": ["Peace talks", "Ṣafe corridors", "Justice"]},
         {"scores": {"b": 3, "a": 0, "é": 5, "Z": 1, "𝒜": 2, "ﬀ": 4}},
         {"ranking": [["tie \"quoted\"", "back\\slash"], "new\nline\ttab\u0001", "عدالة"]},
         {"option": "\u2028 line separator and emoji 🕊"}]


def test_the_browser_writes_canonical_json_and_commitments_as_the_server_does(browser, live_server) -> None:
    page = browser.new_context().new_page()
    page.goto(f"{live_server}/")
    page.add_script_tag(url=f"{live_server}/static/concord-keys.js")

    found = page.evaluate("""async (votes) => Promise.all(votes.map(async (vote) => [
        window.concordKeys.canonical(vote), await window.concordKeys.commitment("mémber", 12, "ab".repeat(16), vote)
    ]))""", VOTES)

    assert found == [[canonical_text(vote), vote_commitment(number=12, member="mémber", vote=vote, salt="ab" * 16)]
                     for vote in VOTES]
