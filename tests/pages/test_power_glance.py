"""The power page starts where power strays most from the counting, in one-line findings with named blockers;
ballot pages chart the count against each threshold."""

import html
import re
from itertools import combinations

import pytest

from app.pages.power_glance import blockers
from governance.power import game_for_rule
from tests.pages.test_power_pages import fifty_forty_nine_one
from voting.power import is_winning


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def headings(page: str) -> list[str]:
    return [text_of(h).strip() for h in re.findall(r'<h2 id="power-[^"]+-heading">(.*?)</h2>', page)]


def test_the_demos_power_page_starts_with_the_double_majority_rules_and_their_findings(demo_client) -> None:
    page = demo_client.get("/c/wpn/power", headers={"Accept-Language": "en"}).text
    budget = page[page.index("power-ballot-2-heading"):page.index('<section aria-labelledby="power-',
                                                                  page.index("power-ballot-2-heading") + 10)]

    # the charter decides weight changes by two thirds of the members and of the weight; the budget rule of #2 by
    # 55% of the members and 65% of the weight. Weights after the 2026 audit: Baghdad 1,100 and Beirut 33.5 of 5,468.5
    assert headings(page)[:2] == ["Weight change", "The rule of #2, Open a regional office in Amman"]
    assert "Baghdad Women's Dialogue Forum: 20.1% of the weight, 14% of the power." in text_of(budget)
    assert "Beirut Feminist Peace Lab: 0.6% of the weight, 4% of the power." in text_of(budget)
    assert ("Together, Baghdad Women's Dialogue Forum and Khartoum Women for Ceasefire can block any proposal; "
            "no smaller group can.") in text_of(budget)


def test_one_org_one_vote_rules_come_after_and_say_any_members_can_block(demo_client) -> None:
    page = demo_client.get("/c/wpn/power", headers={"Accept-Language": "en"}).text

    assert headings(page)[2:] == ["Decision and suspension and readmission",
                                  "Charter amendment and rule change and admission and expulsion"]
    assert "Any 7 members together can block a proposal." in text_of(page)  # 13 members, a simple majority
    assert "Any 5 members together can block a proposal." in text_of(page)  # two thirds of 13


def test_the_power_page_in_arabic_has_the_findings_in_arabic(demo_client) -> None:
    page = text_of(demo_client.get("/c/wpn/power", headers={"Accept-Language": "ar"}).text)

    assert "من الوزن، و" in page and "تستطيع" in page


def test_fifty_forty_nine_one_names_the_veto_player(client) -> None:
    fifty_forty_nine_one(client)

    page = text_of(client.get("/c/wpn/power").text)

    assert "Big can block any proposal alone" in page


@pytest.mark.parametrize("weights", [[5, 4, 3, 2, 1, 1], [40, 30, 20, 5, 5], [1, 1, 1, 1, 1, 9]])
@pytest.mark.parametrize("counting", ["weighted", "double"])
def test_the_named_blockers_block_and_no_smaller_group_does(weights, counting) -> None:
    eligible = [{"member": f"m{i}", "name": f"M{i}", "weight": str(w)} for i, w in enumerate(weights)]
    rule = {"type": "majority", "counting": counting,
            "member_threshold": {"fraction": "1/2", "strict": True, "base": "eligible"},
            "weight_threshold": {"fraction": "2/3", "strict": False, "base": "eligible"}}
    game = game_for_rule(rule, eligible)
    slugs = [row["member"] for row in eligible]
    smallest = min(size for size in range(1, len(slugs) + 1) for group in combinations(slugs, size)
                   if not is_winning(game, [s for s in slugs if s not in group]))

    found = blockers(rule, eligible, smallest)

    assert found is not None
    if found.any_of is None:
        named = {row["member"] for row in eligible if row["name"] in found.names}
        assert len(named) == smallest and not is_winning(game, [s for s in slugs if s not in named])
    else:
        assert found.any_of == smallest


def test_a_closed_ballot_charts_its_count_against_each_threshold(demo_client) -> None:
    page = demo_client.get("/c/wpn/proposals/2", headers={"Accept-Language": "en"}).text

    chart = re.search(r'<svg class="chart"[^>]*aria-labelledby="count-chart-title.*?</svg>', page, re.S).group(0)

    assert "Majority of members" in chart and "75% against a threshold of 55%: met" in chart
    assert "Majority of weight" in chart and "against a threshold of 65%: not met" in chart


def test_power_over_time_steps_at_each_change_of_the_weights_and_ends_at_todays_power(demo_client) -> None:
    page = demo_client.get("/c/wpn/power", headers={"Accept-Language": "en"}).text
    section = page[page.index('id="power-over-time"'):page.index("</table>", page.index('id="power-over-time"'))]
    today = page[page.index("</table>", page.index('id="power-over-time"')):]

    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", section, re.S)
    baghdad = [re.findall(r'<span title="([^"]+)">', row)[0] for row in rows]
    current = re.search(r"Baghdad Women&#39;s Dialogue Forum</bdi></th>.*?</td>\s*<td>.*?</td>\s*<td><span title=\"([^\"]+)\"",
                        today, re.S).group(1)

    assert len(rows) == 3  # the founding weights, the membership count of Khartoum, the audit weight change
    assert 'aria-labelledby="history-chart-title history-chart-desc"' in section
    assert baghdad[0] != baghdad[1] and baghdad[-1] == current
