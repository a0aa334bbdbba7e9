"""The whole journey in Chromium, with and without JavaScript; keyboard-only voting; axe, RTL and page weight."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from governance.log import verify_cli
from tests.browser.conftest import ROOT, screenshot, sign_in

pytestmark = pytest.mark.browser
AXE = (Path(__file__).parent / "vendor" / "axe-4.14.1.min.js").read_text()
LIMIT = 100_000


def _csp_errors(page) -> list[str]:  # noqa: ANN001
    """Content-Security-Policy refusals of scripts (htmx's settling of inline styles is refused harmlessly)."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(f"{page.url} {message.location} {message.text[:60]}")
            if "Content Security Policy" in message.text and "inline style" not in message.text else None)
    return errors


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_admin_opens_two_representatives_vote_one_changes_and_an_observer_reads_it(browser, seeded, javascript,
                                                                                   tmp_path) -> None:
    base, number = seeded["url"], seeded["draft"]
    proposal = f"{base}/c/wpn/proposals/{number}"
    closes = (datetime.now(UTC) + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    contexts = {name: browser.new_context(java_script_enabled=javascript) for name in ("admin", "north", "south", "obs")}
    pages = {name: context.new_page() for name, context in contexts.items()}
    csp = [_csp_errors(page) for page in pages.values()]

    admin = pages["admin"]
    sign_in(admin, base, "wpn-admin")
    admin.goto(proposal)
    admin.get_by_label("Closing date and time (UTC)").fill(closes)
    admin.get_by_role("button", name="Open the ballot").click()
    admin.wait_for_load_state()
    for name, choices in (("north", ["Yes"]), ("south", ["No", "Yes"])):
        page = pages[name]
        sign_in(page, base, f"rep-wpn-{name}")
        page.goto(proposal)
        for choice in choices:
            page.get_by_label(choice, exact=True).check()
            page.get_by_role("button", name="vote").click()
            page.get_by_text("Your vote is recorded").wait_for()
        screenshot(page, f"vote-{name}-{'js' if javascript else 'nojs'}")
    admin.goto(proposal)
    admin.get_by_role("button", name="Close the ballot now and count").click()
    admin.wait_for_load_state()
    observer = pages["obs"]
    observer.goto(proposal)

    text = observer.locator("main").inner_text()
    assert "Result: Passed" in text.replace("\n", " ")
    votes = observer.locator("#votes + .table-wrap").inner_text()
    assert "North" in votes and "Did not vote" in votes and votes.count("Yes") == 2
    assert "changed once" in votes
    screenshot(observer, f"result-{'js' if javascript else 'nojs'}")
    nav = observer.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Power").click()
    assert observer.locator("h1").count() == 1
    observer.goto(f"{base}/c/wpn/log")
    with observer.expect_download() as download:
        observer.get_by_role("link", name="Download the whole log").click()
    archive = tmp_path / download.value.suggested_filename
    download.value.save_as(archive)
    key = observer.locator("h2:has-text('Public key') + pre").inner_text().strip()
    assert verify_cli.main([str(archive), "--key", key]) == 0
    assert observer.locator("h2:has-text('Latest signed checkpoint') + pre").inner_text().startswith("concord.test/wpn")
    assert [error for errors in csp for error in errors] == []
    for context in contexts.values():
        context.close()


def test_a_ranking_can_be_built_and_cast_with_the_keyboard_alone(browser, seeded) -> None:
    base = seeded["url"]
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, base, "rep-wpn-north")
    page.goto(f"{base}/c/wpn/proposals/{seeded['ranked']}")

    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "vote-rank-1":
            break
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Cast the vote":
            break
    page.keyboard.press("Enter")
    page.get_by_text("Your vote is recorded").wait_for()

    shown = page.locator("#vote").inner_text()
    assert "Safe corridors > Peace talks" in shown
    focus = page.evaluate("getComputedStyle(document.querySelector('a')).outlineStyle")
    assert focus is not None
    context.close()


def _pages(seeded) -> list[tuple[str | None, str]]:  # noqa: ANN001
    public = ["/", "/c/wpn", "/c/wpn/members", "/c/wpn/proposals", f"/c/wpn/proposals/{seeded['closed']}",
              f"/c/wpn/proposals/{seeded['ranked']}", "/c/wpn/log", "/sign-in", "/c/wpn/nothing-here", "/c/wpn/power",
              "/c/wpn/power/what-if", "/c/wpn/power/what-if?kind=decision&counting=double&member_fraction=3/2",
              "/c/wpn/charter", "/c/wpn/apply"]
    admin = ["/c/wpn/admin", "/c/wpn/admin/accounts", "/c/wpn/admin/rules", f"/c/wpn/proposals/{seeded['draft']}",
             "/c/wpn/proposals/new", "/c/wpn/charter/propose?kind=rule_change", "/c/wpn/applications"]
    rep = ["/c/wpn/me", f"/c/wpn/proposals/{seeded['ranked']}"]
    return [(None, path) for path in public] + [("wpn-admin", path) for path in admin] + \
        [("rep-wpn-north", path) for path in rep]


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_every_page_has_no_axe_violations_is_light_and_mirrors_in_arabic(browser, seeded, locale) -> None:
    base = seeded["url"]
    context = browser.new_context(bypass_csp=True, viewport={"width": 360, "height": 740},
                                  extra_http_headers={"Accept-Language": locale})
    page = context.new_page()
    sizes: list[int] = []
    page.on("response", lambda response: sizes.append(len(response.body())) if response.ok else None)
    signed_in_as = None
    problems = []

    for who, path in _pages(seeded):
        if who != signed_in_as:
            context.clear_cookies()
            if who:
                _sign_in_any(page, base, who)
            signed_in_as = who
            page.wait_for_load_state("networkidle")
        sizes.clear()
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        weight = sum(sizes)
        page.evaluate(AXE)
        violations = page.evaluate("async () => (await axe.run(document)).violations.map(v => v.id + ': ' + "
                                   "v.nodes.map(n => n.target.join(' ')).join(', '))")
        direction = page.evaluate("document.documentElement.dir")
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
        if violations or weight >= LIMIT or direction != ("rtl" if locale == "ar" else "ltr") or overflow:
            problems.append((who, path, violations, weight, direction, overflow))
        if who is None or path.endswith("/me"):
            screenshot(page, f"{locale}{path.replace('/', '_') or '_home'}")

    assert problems == [], "\n".join(map(str, problems))
    context.close()


def _sign_in_any(page, base: str, username: str) -> None:  # noqa: ANN001
    page.goto(f"{base}/sign-in")
    page.locator("#signin-username").fill(username)
    page.locator("#signin-password").fill("correct horse battery")
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


def test_arabic_layout_is_mirrored(browser, seeded) -> None:
    context = browser.new_context(extra_http_headers={"Accept-Language": "ar"})
    page = context.new_page()

    page.goto(f"{seeded['url']}/c/wpn/members")

    brand = page.locator("a.brand").bounding_box()
    width = page.viewport_size["width"]
    assert brand["x"] > width / 2
    assert page.evaluate("getComputedStyle(document.querySelector('th')).textAlign") in ("start", "right")
    screenshot(page, "ar-members-wide")
    context.close()


def test_screenshots_land_in_the_ignored_artifacts_folder() -> None:
    assert "/test-artifacts/" in (ROOT / ".gitignore").read_text()


def test_what_if_updates_its_region_live_and_shows_errors_beside_the_field(browser, seeded) -> None:
    context = browser.new_context()
    page = context.new_page()
    csp = _csp_errors(page)
    page.goto(f"{seeded['url']}/c/wpn/power/what-if")
    address = page.url

    page.get_by_label("South").fill("9")
    page.get_by_label("South").press("Tab")
    # a locator assertion polls without evaluating strings, which the page's CSP (no unsafe-eval) would refuse
    expect(page.locator("#whatif-results tbody tr", has_text="South").first.locator("td").nth(1)).to_have_text("9")
    page.get_by_label("Share (a fraction such as 1/2 or 2/3, or a decimal)").first.fill("3/2")
    page.get_by_label("Share (a fraction such as 1/2 or 2/3, or a decimal)").first.press("Tab")
    page.locator("#whatif-member_fraction-error").wait_for()

    assert page.url == address
    assert page.locator("#whatif-member_fraction").input_value() == "3/2"
    assert "more than 0 and at most 1" in page.locator("#whatif-member_fraction-error").inner_text()
    assert csp == []
    screenshot(page, "what-if-error-js")
    context.close()
