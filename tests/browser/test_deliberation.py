"""Deliberation in Chromium: commenting and replying in place, amending, the members' agenda; English with
JavaScript, Arabic without."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.browser.conftest import screenshot, sign_in
from tests.browser.test_journey import AXE
from tests.factories import token_headers

pytestmark = pytest.mark.browser
LIMIT = 100_000


def _closing() -> str:
    return (datetime.now(UTC) + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")


def test_commenting_amending_and_the_agenda_in_english_with_javascript(browser, seeded) -> None:
    base, number = seeded["url"], seeded["draft"]
    proposal = f"{base}/c/wpn/proposals/{number}"
    north, south, admin = (browser.new_context().new_page() for _ in range(3))
    sign_in(north, base, "rep-wpn-north")
    sign_in(south, base, "rep-wpn-south")
    sign_in(admin, base, "wpn-admin")

    north.goto(proposal)
    north.get_by_label("Your comment").fill("We need this office **soon**.")
    north.get_by_role("button", name="Post the comment").click()
    north.locator("#thread-1").get_by_text("We need this office").wait_for()
    assert north.url == proposal  # added in place, no reload
    assert north.get_by_label("Your comment").input_value() == ""
    south.goto(proposal)
    south.locator("#comment-1").get_by_role("link", name="Reply").click()
    south.get_by_label("Your reply").fill("Agreed, but in Aden.")
    south.get_by_role("button", name="Post the reply").click()
    south.locator("#replies-1").get_by_text("Agreed, but in Aden.").wait_for()
    south.get_by_role("link", name="Propose an amendment").click()
    south.get_by_label("Title").fill("Open a regional office in Aden")
    south.get_by_role("button", name="Propose the amendment").click()
    south.locator("#amendment-1 ins").first.wait_for()
    admin.goto(proposal)
    admin.get_by_role("button", name="Accept and merge").click()
    admin.wait_for_load_state()
    admin.get_by_role("link", name="See the 2 versions side by side").click()
    assert "Open a regional office in Aden" in admin.locator(".side-by-side").inner_text()
    screenshot(admin, "deliberation-versions-en")

    admin.goto(f"{base}/c/wpn/agenda")
    admin.get_by_label("For which meeting or period?").fill("Spring meeting")
    admin.get_by_role("button", name="Open the round").click()
    admin.wait_for_load_state()
    for page, topic in ((north, "Funding"), (south, "Staff safety")):
        page.goto(f"{base}/c/wpn/agenda/1")
        page.get_by_label("Topic", exact=True).fill(topic)
        page.get_by_role("button", name="Submit the topic").click()
        page.wait_for_load_state()
    admin.goto(f"{base}/c/wpn/agenda/1")
    admin.get_by_label("Closing date and time (UTC)").fill(_closing())
    admin.get_by_role("button", name="Open the vote on the topics").click()
    admin.wait_for_load_state()
    ballot = admin.url.split("#")[0]
    for page, approved in ((north, ["Funding", "Staff safety"]), (south, ["Staff safety"])):
        page.goto(ballot)
        for topic in approved:
            page.get_by_label(topic).check()
        page.get_by_role("button", name="Cast the vote").click()
        page.get_by_text("Your vote is recorded").wait_for()
    admin.goto(ballot)
    admin.get_by_role("button", name="Close the ballot now and count").click()
    admin.wait_for_load_state()
    admin.goto(f"{base}/c/wpn/agenda/1")

    agreed = admin.locator("ol.agreed").inner_text().split("\n")
    assert agreed == ["Staff safety (2)", "Funding (1)"]
    screenshot(admin, "deliberation-agenda-en")
    for page in (north, south, admin):
        page.context.close()


def test_commenting_amending_and_the_agenda_in_arabic_without_javascript(browser, seeded) -> None:
    base, number = seeded["url"], seeded["draft"]
    proposal = f"{base}/c/wpn/proposals/{number}"
    context = browser.new_context(java_script_enabled=False, locale="ar", extra_http_headers={"Accept-Language": "ar"})
    page = context.new_page()
    page.goto(f"{base}/sign-in")
    page.get_by_label("اسم المستخدم").fill("rep-wpn-east")
    page.get_by_label("كلمة المرور").fill("correct horse battery")
    page.get_by_role("button", name="تسجيل الدخول").last.click()
    page.wait_for_load_state()

    page.goto(proposal)
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.get_by_label("تعليقك").fill("نؤيد هذا المقترح.")
    page.get_by_role("button", name="انشر التعليق").click()
    page.wait_for_load_state()
    page.locator("#thread-1").get_by_text("نؤيد هذا المقترح.").wait_for()
    page.get_by_role("link", name="اقترح تعديلًا").click()
    page.get_by_label("العنوان").fill("افتتاح مكتب إقليمي في عدن")
    page.get_by_role("button", name="قدّم التعديل").click()
    page.wait_for_load_state()
    page.locator("#amendment-1 ins").first.wait_for()
    weight = len(page.content().encode())
    screenshot(page, "deliberation-proposal-ar")
    page.goto(f"{base}/c/wpn/agenda")

    assert "جدول أعمال الأعضاء" in page.locator("h1").inner_text()
    assert weight < LIMIT
    context.close()


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_the_deliberation_pages_have_no_axe_violations_and_stay_light(browser, seeded, locale) -> None:
    base, number = seeded["url"], seeded["draft"]
    api = f"{base}/api/v1/coalitions/wpn"
    with httpx.Client(base_url=base, timeout=30) as client:
        north, south, admin = (token_headers(client, name) for name in ("rep-wpn-north", "rep-wpn-south", "wpn-admin"))
        top = client.post(f"{api}/proposals/{number}/comments", headers=north, json={"text": "A *first* point."}).json()
        client.post(f"{api}/proposals/{number}/comments", headers=south, json={"text": "Reply.", "parent": top["number"]})
        client.post(f"{api}/proposals/{number}/amendments", headers=south,
                    json={"title": "Open a regional office in Aden", "body": "Details."})
        client.post(f"{api}/agenda", headers=admin, json={"title": "Spring", "method": "approval"})
        client.post(f"{api}/agenda/1/topics", headers=north, json={"title": "Funding", "body": "Why it matters."})
    context = browser.new_context(bypass_csp=True, viewport={"width": 360, "height": 740},
                                  extra_http_headers={"Accept-Language": locale})
    page = context.new_page()
    sizes: list[int] = []
    page.on("response", lambda response: sizes.append(len(response.body())) if response.ok else None)
    if locale == "en":  # signed in: the forms too; in Arabic, what an observer sees
        sign_in(page, base, "rep-wpn-east")
        page.wait_for_load_state("networkidle")  # the landing page's assets, before the weighing starts
    problems = []

    for path in (f"/c/wpn/proposals/{number}", f"/c/wpn/proposals/{number}/versions", "/c/wpn/comments/1",
                 f"/c/wpn/proposals/{number}/amend", "/c/wpn/agenda", "/c/wpn/agenda/1"):
        sizes.clear()
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        page.evaluate(AXE)
        violations = page.evaluate("async () => (await axe.run(document)).violations.map(v => v.id + ': ' + "
                                   "v.nodes.map(n => n.target.join(' ')).join(', '))")
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
        if violations or sum(sizes) >= LIMIT or overflow:
            problems.append((path, violations, sum(sizes), overflow))

    assert problems == [], "\n".join(map(str, problems))
    context.close()
