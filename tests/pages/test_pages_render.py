"""Every page renders in English and Arabic, light, with its security headers; errors come in the visitor's language."""

import re
from pathlib import Path

import pytest

from app.catalog import template, untranslated
from tests.pages.pagekit import busy_coalition, post_form, set_language, sign_in

ROOT = Path(__file__).resolve().parents[2]
PUBLIC = ["/", "/c/wpn", "/c/wpn/members", "/c/wpn/proposals", "/c/wpn/proposals?status=passed", "/c/wpn/log",
          "/c/wpn/proxies", "/sign-in"]
ADMIN = ["/c/wpn/me", "/c/wpn/admin", "/c/wpn/admin/accounts", "/c/wpn/admin/rules", "/c/wpn/proposals/new",
         "/c/wpn/notifications", "/c/wpn/webhooks", "/c/wpn/admin/outbox"]
REPRESENTATIVE = ["/c/wpn/me", "/c/wpn/notifications", "/c/wpn/webhooks", "/c/wpn/proxies"]
LIMIT = 100_000


def page_weight(client, response) -> int:  # noqa: ANN001
    """Bytes of the page with its stylesheet and scripts."""
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', response.text)
    return len(response.content) + sum(len(client.get(asset).content) for asset in assets)


@pytest.mark.parametrize("locale", ["en", "ar", "sv"])
def test_every_page_renders_light_and_safe_in_both_languages(client, clock, locale) -> None:
    _, numbers = busy_coalition(client, clock.now)
    set_language(client, locale)
    proposal_pages = [f"/c/wpn/proposals/{n}" for n in numbers.values()]

    seen = {path: client.get(path) for path in PUBLIC + proposal_pages}
    sign_in(client, "wpn-admin")
    seen.update({f"admin {path}": client.get(path) for path in ADMIN + proposal_pages})
    sign_in(client, "rep-wpn-north")
    seen.update({f"rep {path}": client.get(path) for path in REPRESENTATIVE + proposal_pages})

    for name, response in seen.items():
        assert response.status_code == 200, name
        assert f'<html lang="{locale}" dir="{"rtl" if locale == "ar" else "ltr"}">' in response.text, name
        assert "script-src 'self'" in response.headers["content-security-policy"], name
        assert "HX-Request" in response.headers["vary"], name
        assert "<script>" not in response.text and " on" + "click=" not in response.text, name
        assert page_weight(client, response) < LIMIT, name


def test_arabic_pages_show_arabic_words_and_arabic_dates(client, clock) -> None:
    busy_coalition(client, clock.now)

    set_language(client, "ar")
    members = client.get("/c/wpn/members").text
    proposal = client.get("/c/wpn/proposals/1").text

    assert "الأعضاء والأوزان" in members and "سجل الأوزان" in members
    assert "أُقرّ" in proposal and "يُقرّ المقترح عندما تنال «نعم»" in proposal
    assert "مارس" in proposal or "آذار" in proposal


def test_language_choice_is_remembered_and_browser_language_is_the_default(client, clock) -> None:
    busy_coalition(client, clock.now)

    by_header = client.get("/c/wpn", headers={"Accept-Language": "ar-EG,ar;q=0.9"}).text
    set_language(client, "ar")
    remembered = client.get("/c/wpn", headers={"Accept-Language": "en"}).text

    assert 'lang="ar" dir="rtl"' in by_header
    assert 'lang="ar" dir="rtl"' in remembered


@pytest.mark.parametrize("locale", ["ar", "sv"])
def test_every_ui_string_has_a_translation(locale: str) -> None:
    catalog = template()

    assert len(catalog) > 400  # the extraction sees the code and templates it is meant to
    assert untranslated(catalog, locale) == []


def test_the_language_picker_offers_swedish_and_swedish_pages_speak_swedish(client, clock) -> None:
    busy_coalition(client, clock.now)

    picker = client.get("/c/wpn").text
    by_header = client.get("/c/wpn", headers={"Accept-Language": "sv-SE,sv;q=0.9"}).text
    set_language(client, "sv")
    members = client.get("/c/wpn/members").text

    assert '<option value="sv" lang="sv"' in picker and "Svenska" in picker
    assert '<html lang="sv" dir="ltr">' in members and "Medlemmar och vikter" in members and "Viktregister" in members
    assert 'lang="sv"' in by_header


@pytest.mark.parametrize(("locale", "heading"), [("en", "Page not found"), ("ar", "الصفحة غير موجودة"),
                                                ("sv", "Sidan hittades inte")])
def test_missing_pages_answer_404_in_the_visitors_language(client, clock, locale, heading) -> None:
    busy_coalition(client, clock.now)
    set_language(client, locale)

    responses = [client.get(path) for path in ("/c/nowhere", "/c/wpn/proposals/999", "/c/wpn/proposals/abc",
                                               "/no/such/page")]

    for response in responses:
        assert response.status_code == 404
        assert heading in response.text and f'lang="{locale}"' in response.text


def test_representative_gets_a_403_page_in_arabic_on_the_secretariat_pages(client, clock) -> None:
    busy_coalition(client, clock.now)
    set_language(client, "ar")
    sign_in(client, "rep-wpn-north")

    response = client.get("/c/wpn/admin")

    assert response.status_code == 403
    assert "غير مسموح" in response.text and 'dir="rtl"' in response.text


def test_api_errors_stay_json_while_page_errors_are_html(client, clock) -> None:
    busy_coalition(client, clock.now)

    api = client.get("/api/v1/coalitions/nowhere")
    page = client.get("/c/nowhere")
    refused = post_form(client, "/api/v1/coalitions/wpn/members", {"name": "x"})

    assert api.status_code == 404 and api.json()["detail"]
    assert page.headers["content-type"].startswith("text/html")
    assert refused.status_code == 401 and refused.headers["content-type"] == "application/json"


def test_signed_out_visitor_is_sent_to_sign_in_and_back(client, clock) -> None:
    busy_coalition(client, clock.now)

    response = client.get("/c/wpn/me", follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/sign-in?next=/c/wpn/me"


def test_notes_commands_and_log_facts_read_left_to_right_on_arabic_pages(client, clock) -> None:
    busy_coalition(client, clock.now)
    set_language(client, "ar")

    page = client.get("/c/wpn/log").text
    stylesheet = client.get("/static/concord.css").text

    assert "<pre>" not in page and page.count('<pre dir="ltr">') == 4  # the checkpoint, the key, two commands
    assert page.count('<dl dir="ltr">') == page.count("<details><summary>") > 0  # each entry's technical view
    assert re.search(r"code \{[^}]*direction: ltr; unicode-bidi: isolate;", stylesheet)


def test_text_people_typed_is_isolated_so_it_keeps_its_own_direction_in_arabic(client, clock) -> None:
    fixture, numbers = busy_coalition(client, clock.now)
    changed = client.put(fixture.url("/members/north/weight"), headers=fixture.admin,
                         json={"weight": "4", "basis": "1,200 members", "reason": "audit of 2026"})
    assert changed.status_code == 200, changed.text
    set_language(client, "ar")

    members = client.get("/c/wpn/members").text
    proposal = client.get(f"/c/wpn/proposals/{numbers['ranked']}").text

    assert "<td><bdi>1,200 members</bdi></td><td><bdi>audit of 2026</bdi></td>" in members
    assert '<div class="body" dir="auto">' in proposal and "<li><bdi>Peace</bdi></li>" in proposal
