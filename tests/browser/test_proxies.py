"""The proxy pages in Chromium without JavaScript: the representative's forms, the public page and the ballot page
with a bloc have no axe violations and mirror in Arabic."""

from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from tests.browser.test_journey import _sign_in_any
from tests.factories import make_coalition, make_proposal, open_ballot

pytestmark = pytest.mark.browser
AXE = (Path(__file__).parent / "vendor" / "axe-4.14.1.min.js").read_text()


def proxied(base: str) -> int:
    """A constituted coalition where east holds north's proxy for an open ballot; the ballot's number."""
    with httpx.Client(base_url=base, timeout=30) as client:
        fixture = make_coalition(client, members={"north": 3, "south": 2, "east": 1})
        client.post(fixture.url("/charter"), headers=fixture.admin, json={
            "text": "# Charter", "settings": {"proxy_caps": {"max_held": 1, "max_weight_share": "0.9"}}})
        number = make_proposal(client, fixture, title="Open a regional office")
        proxy = client.post(fixture.url("/proxies"), headers=fixture.reps["north"],
                            json={"holder": "east", "proposal": number}).json()["number"]
        client.post(fixture.url(f"/proxies/{proxy}/accept"), headers=fixture.reps["east"])
        client.post(fixture.url("/proxies"), headers=fixture.reps["south"], json={"holder": "east", "kind": "choice"})
        open_ballot(client, fixture, number, now=datetime.now(UTC))
    return number


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_the_proxy_pages_have_no_axe_violations_and_mirror_in_arabic(browser, live_server, locale) -> None:
    number = proxied(live_server)
    context = browser.new_context(bypass_csp=True, viewport={"width": 360, "height": 740},
                                  extra_http_headers={"Accept-Language": locale})
    page = context.new_page()
    problems = []

    _sign_in_any(page, live_server, "rep-wpn-east")
    for path in ("/c/wpn/proxies", f"/c/wpn/proposals/{number}"):
        page.goto(live_server + path)
        page.wait_for_load_state("networkidle")
        page.evaluate(AXE)
        found = page.evaluate("async () => (await axe.run(document)).violations.map(v => v.id + ': ' + "
                              "v.nodes.map(n => n.target.join(' ')).join(', '))")
        direction = page.evaluate("document.documentElement.dir")
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
        problems += [(path, item) for item in found]
        problems += [(path, "direction", direction)] if direction != ("rtl" if locale == "ar" else "ltr") else []
        problems += [(path, "overflows")] if overflow else []

    assert "Votes it casts on behalf of" in page.content() or locale == "ar"
    assert problems == []
    context.close()
