"""Pages show shares as percentages and totals as decimals, the exact value in a title; no long fraction on a page."""

import re
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.i18n import exact_text, format_readable, format_share, share_places
from tests.pages.test_pages_render import LIMIT, page_weight

LONG_FRACTION = re.compile(r"\d\s*/\s*\d[\d,.٬]{4,}")
DEMO_PAGES = ["/c/wpn", "/c/wpn/members", "/c/wpn/power", "/c/wpn/log", "/c/wpn/proposals", "/time-zone",
              *[f"/c/wpn/proposals/{n}" for n in range(1, 6)]]


def visible(html: str) -> str:
    """The page without its attributes (a title may hold the exact fraction)."""
    return re.sub(r'\s[a-z-]+="[^"]*"', "", html)


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_no_page_of_the_demo_shows_a_fraction_with_a_five_digit_denominator(demo_client, locale) -> None:
    pages = {path: demo_client.get(path, headers={"Accept-Language": locale}) for path in DEMO_PAGES}

    assert all(page.status_code == 200 for page in pages.values())
    assert {path: page_weight(demo_client, page) for path, page in pages.items()
            if page_weight(demo_client, page) >= LIMIT} == {}  # every page of the demo under 100 KB with its assets
    assert {path: LONG_FRACTION.findall(visible(page.text)) for path, page in pages.items()
            if LONG_FRACTION.search(visible(page.text))} == {}


def test_power_shares_read_as_percentages_with_the_exact_value_in_a_title(demo_client) -> None:
    page = demo_client.get("/c/wpn/power", headers={"Accept-Language": "en"}).text
    api = demo_client.get("/api/v1/coalitions/wpn/members/baghdad-dialogue").json()

    cells = dict(re.findall(r'<span title="([0-9/.]+)">([0-9.,]+%)</span>', page))

    assert cells[api["weight_share"]] == "20.1%"  # 1,100 of the 5,468.5 active weight (after the 2026 audit)
    assert all(exact_text(Fraction(exact)) == exact for exact in cells)


def test_members_that_differ_never_look_equal_and_equal_members_keep_one_decimal() -> None:
    assert share_places([Fraction(1, 12)] * 12) == 1
    assert format_share(Fraction(1, 12), "en", share_places([Fraction(1, 12), Fraction(1001, 12000)])) == "8.33%"


@given(st.lists(st.fractions(min_value=0, max_value=1, max_denominator=10**6), min_size=2, max_size=12))
def test_shares_shown_at_share_places_are_as_distinct_as_the_shares(shares) -> None:
    places = share_places(shares)

    shown = {format_share(share, "en", places) for share in shares}

    assert places == 6 or len(shown) == len(set(shares))


@pytest.mark.parametrize(("value", "shown", "exact"), [
    ("11481/2", "5,740.5", "5740.5"), (Fraction(1, 3), "≈ 0.333", "1/3"), ("33.5", "33.5", "33.5"), (7, "7", "7"),
    (Fraction(10567, 8), "1,320.875", "1320.875")])
def test_totals_are_decimals_when_finite_and_rounded_with_the_exact_value_kept_otherwise(value, shown, exact) -> None:
    assert format_readable(value, "en") == shown
    assert exact_text(value) == exact
