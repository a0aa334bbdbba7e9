"""The power page, the rule what-if and the proposal page's power and rounds, in English and Arabic."""

import re

import pytest

from governance import power as governance_power
from tests.factories import decide, make_coalition, make_proposal, open_ballot, vote
from tests.pages.pagekit import set_language
from tests.pages.test_pages_render import LIMIT, page_weight
from voting.power import PowerError

WEIGHTED = {"counting": "weighted"}
WHAT_IF = {"kind": "decision", "counting": "weighted", "member_strict": "more", "member_fraction": "1/2",
           "member_base": "yes_no", "weight_strict": "more", "weight_fraction": "1/2", "weight_base": "yes_no",
           "quorum_members": "", "quorum_weight": "", "w-big": "50", "w-mid": "49", "w-small": "1"}


def fifty_forty_nine_one(client, *, rule: dict | None = None):
    """Big 50, Mid 49, Small 1, with decisions by more than half of the weight voting yes or no."""
    fixture = make_coalition(client, members={"big": 50, "mid": 49, "small": 1})
    response = client.put(fixture.url("/rules/decision"), headers=fixture.admin,
                          json={"rule": rule or WEIGHTED, "reason": "Weight decides."})
    assert response.status_code == 200, response.text
    return fixture


def cells(html: str) -> list[str]:
    """The text of each table cell, tags removed, spaces collapsed (the power over time left out)."""
    html = re.sub(r'<h3 id="power-over-time">.*?</table>', "", html, flags=re.DOTALL)
    found = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", html, flags=re.DOTALL)
    return [" ".join(re.sub(r"<[^>]+>", "", cell).split()) for cell in found]


def test_fifty_forty_nine_one_gives_sixty_twenty_twenty_banzhaf_and_names_the_blocker(client) -> None:
    fifty_forty_nine_one(client)

    response = client.get("/c/wpn/power")

    assert response.status_code == 200
    shown = cells(response.text)
    big = shown.index("Big")
    assert shown[big:big + 5] == ["Big", "50", "50%", "60%", "66.7%"]
    mid, small = shown.index("Mid"), shown.index("Small")
    assert shown[mid:mid + 5] == ["Mid", "49", "49%", "20%", "16.7%"]
    assert shown[small:small + 5] == ["Small", "1", "1%", "20%", "16.7%"]
    assert '<span title="0.6">60%</span>' in response.text and '<span title="1/6">16.7%</span>' in response.text
    assert "With these rules, Big can block any proposal alone." in response.text
    assert "The smallest group that can pass a proposal has 2 members." in response.text
    assert "The smallest group that can block a proposal has 1 member." in response.text
    assert "Approximate" not in response.text


def test_power_page_in_arabic_is_right_to_left_with_the_same_figures(client) -> None:
    fifty_forty_nine_one(client)
    set_language(client, "ar")

    response = client.get("/c/wpn/power")

    assert '<html lang="ar" dir="rtl">' in response.text
    assert "القوة التصويتية" in response.text
    assert "بهذه القواعد، يستطيع Big أن يعطّل أي مقترح وحده." in response.text
    assert 'direction="rtl"' in response.text
    big = cells(response.text).index("Big")
    assert cells(response.text)[big + 3] == "60%"
    assert page_weight(client, response) < LIMIT


def test_chart_is_an_accessible_image_with_bars_mirrored_in_arabic(client) -> None:
    fifty_forty_nine_one(client)

    english = client.get("/c/wpn/power").text
    set_language(client, "ar")
    arabic = client.get("/c/wpn/power").text

    chart = re.search(r"<svg.*?</svg>", english, flags=re.DOTALL).group(0)
    assert 'role="img"' in chart and 'aria-labelledby="chart-decision-title chart-decision-desc"' in chart
    assert "<title id=\"chart-decision-title\">" in chart and "<desc id=\"chart-decision-desc\">" in chart
    assert "style=" not in english and "<script>" not in english
    def bars(html: str) -> list[tuple[float, float]]:
        chart = re.search(r"<svg.*?</svg>", html, flags=re.DOTALL).group(0)
        return [(float(x), float(width)) for x, width in re.findall(r'<rect x="([\d.]+)" y="\d+" width="([\d.]+)"', chart)]

    assert len(bars(english)) == 3 + 3 * 3
    assert all(x == 0 for x, _ in bars(english))
    assert all(x + width == pytest.approx(400, abs=0.1) and x > 0 for x, width in bars(arabic))


def test_a_member_whose_vote_never_counts_is_called_a_dummy(client) -> None:
    fixture = make_coalition(client, members={"north": 2, "south": 2, "east": 1})
    rule = {"counting": "weighted", "weight_threshold": {"fraction": "4/5", "strict": False, "base": "yes_no"}}
    client.put(fixture.url("/rules/decision"), headers=fixture.admin, json={"rule": rule, "reason": "Four fifths."})

    text = client.get("/c/wpn/power").text

    assert "East&#39;s vote never changes an outcome, whatever its weight." in text
    assert "With these rules, North can block any proposal alone." in text
    assert "With these rules, South can block any proposal alone." in text


def test_names_are_escaped_in_the_chart_and_the_tables(client) -> None:
    fixture = make_coalition(client)
    payload = '<script>alert("x")</script> & Co'
    response = client.post(fixture.url("/members"), headers=fixture.admin,
                           json={"name": payload, "slug": "evil", "weight": "2"})
    assert response.status_code == 201, response.text

    text = client.get("/c/wpn/power").text

    assert "<script>alert" not in text
    chart = re.search(r"<svg.*?</svg>", text, flags=re.DOTALL).group(0)
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Co" in chart


def test_an_estimated_report_is_labelled_approximate(client, monkeypatch) -> None:
    def no_exact_method(*args: object, **kwargs: object) -> None:
        raise PowerError("no exact method in this test")

    monkeypatch.setattr(governance_power, "analyze", no_exact_method)
    monkeypatch.setattr(governance_power, "MONTE_CARLO_SAMPLES", 500)
    make_coalition(client, members={"north": 7, "south": 5, "east": 3, "west": 2})

    text = client.get("/c/wpn/power").text

    assert "<strong>Approximate.</strong>" in text
    assert "95% interval" in text and "≈" in text


def test_past_the_memory_budget_the_page_says_what_the_exact_count_needs(client, app, monkeypatch) -> None:
    monkeypatch.setattr(governance_power, "MONTE_CARLO_SAMPLES", 300)
    app.state.power_cache.memory_bytes = 1000
    make_coalition(client, members={"north": 7, "south": 5, "east": 3, "west": 2})

    english = client.get("/c/wpn/power").text
    arabic = client.get("/c/wpn/power", headers={"Accept-Language": "ar"}).text

    assert "<strong>Approximate.</strong>" in english
    assert "The exact count needs about 1 MB of memory, more than this server allows for one count (1 MB)." in english
    assert "يحتاج العدّ الدقيق إلى نحو" in arabic


def test_history_says_who_was_pivotal_and_each_members_record(client, clock) -> None:
    fixture = fifty_forty_nine_one(client)
    decide(client, fixture, {"big": "yes", "mid": "no", "small": "yes"}, now=clock.now)

    text = client.get("/c/wpn/power").text

    assert "Had Big voted “No”, the proposal would have failed." in text
    assert "Had Small voted “No”, the proposal would have failed." in text
    assert "Had Mid voted" not in text
    shown = cells(text)
    records = shown.index("Times pivotal")
    mid = shown.index("Mid", records)
    assert shown[mid:mid + 5] == ["Mid", "1", "0", "0%", "0"]
    big = shown.index("Big", records)
    assert shown[big:big + 5] == ["Big", "1", "1", "100%", "1"]


def test_proposal_page_shows_frozen_power_and_pivotal_members_in_words(client, clock) -> None:
    fixture = fifty_forty_nine_one(client)
    decide(client, fixture, {"big": "yes", "mid": "no", "small": "yes"}, now=clock.now)

    english = client.get("/c/wpn/proposals/1").text
    set_language(client, "ar")
    arabic = client.get("/c/wpn/proposals/1").text

    assert "Voting power under this ballot&#39;s rule" in english
    assert "60%" in cells(english)
    assert "Had Big voted “No” instead of “Yes”, the proposal would have failed." in english
    assert "Had Mid voted" not in english
    assert "لو صوّت Big بـ«لا» بدلًا من «نعم»، لسقط المقترح." in arabic


def test_what_if_without_javascript_is_a_whole_page_with_both_tables_and_flipped_decisions(client, clock) -> None:
    fixture = fifty_forty_nine_one(client)
    decide(client, fixture, {"big": "no", "mid": "yes", "small": "yes"}, now=clock.now)

    response = client.get("/c/wpn/power/what-if", params={**WHAT_IF, "counting": "equal"})

    assert response.status_code == 200
    assert response.text.startswith("<!doctype html>")
    shown = cells(response.text)
    big = shown.index("Big", shown.index("Shapley-Shubik proposed"))
    assert shown[big:big + 7] == ["Big", "50", "50", "60%", "33.3%", "66.7%", "33.3%"]
    assert "1 closed ballot of this kind was counted again" in response.text
    assert re.search(r"#1 <bdi>A proposal</bdi></a>:\s*Rejected; under the proposed rule: Passed\.", response.text)
    assert page_weight(client, response) < LIMIT


def test_what_if_with_htmx_returns_only_its_region_and_varies_on_the_header(client) -> None:
    fifty_forty_nine_one(client)

    response = client.get("/c/wpn/power/what-if", params={**WHAT_IF, "w-mid": "1"},
                          headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="whatif"') and "<html" not in response.text
    assert 'hx-target="closest section"' in response.text and 'hx-trigger="change, submit"' in response.text
    assert "HX-Request" in response.headers["vary"]
    assert "Big decides every proposal alone" in response.text


def test_what_if_starts_from_the_current_rule_and_decimal_weights(client) -> None:
    fixture = fifty_forty_nine_one(client)
    client.put(fixture.url("/members/small/weight"), headers=fixture.admin, json={"weight": "1.5", "reason": "Grew."})

    response = client.get("/c/wpn/power/what-if")

    assert response.status_code == 200
    assert re.search(r'<option value="weighted"\s+selected>', response.text)
    assert 'name="w-small" value="1.5"' in response.text and 'name="w-mid" value="49"' in response.text
    assert "0 closed ballots of this kind were counted again" in response.text


@pytest.mark.parametrize("htmx", [False, True], ids=["no-js", "htmx"])
def test_bad_what_if_input_comes_back_beside_its_field_with_the_input_kept(client, htmx) -> None:
    fifty_forty_nine_one(client)
    bad = {**WHAT_IF, "member_fraction": "3/2", "quorum_weight": "half", "w-small": "-4"}

    response = client.get("/c/wpn/power/what-if", params=bad, headers={"HX-Request": "true"} if htmx else {})

    assert response.status_code == 422
    assert ('<html' in response.text) is not htmx
    for name, value, message in (("member_fraction", "3/2", "A threshold must be more than 0 and at most 1."),
                                 ("quorum_weight", "half", "Write a share such as 1/2, 2/3 or 0.55."),
                                 ("w-small", "-4", "A weight is a number of at least 0, such as 12 or 12.5.")):
        field = re.search(rf'<input[^>]*name="{name}" value="{re.escape(value)}"[^>]*>\s*<p class="error" '
                          rf'id="whatif-{name}-error">([^<]*)</p>', response.text)
        assert field, name
        assert field.group(1) == message.replace("'", "&#39;")
    assert "Correct the marked fields to see the effect." in response.text


def test_bad_what_if_input_is_explained_in_arabic(client) -> None:
    fifty_forty_nine_one(client)
    set_language(client, "ar")

    response = client.get("/c/wpn/power/what-if", params={**WHAT_IF, "weight_fraction": "0"})

    assert response.status_code == 422
    assert "يجب أن تكون العتبة أكبر من 0 وألا تتجاوز 1." in response.text


def test_ranked_choice_shows_its_rounds_as_a_table_and_a_chart_and_schulze_its_matrices(client, clock) -> None:
    fixture = make_coalition(client, members={"north": 1, "south": 1, "east": 1, "west": 1, "centre": 1})
    irv = make_proposal(client, fixture, kind="choice", title="Theme", options=["Peace", "Aid", "Justice"])
    open_ballot(client, fixture, irv, now=clock.now, rule={"type": "method", "method": "irv", "counting": "equal"})
    schulze = make_proposal(client, fixture, kind="choice", title="Slogan", options=["One", "Two"])
    open_ballot(client, fixture, schulze, now=clock.now)
    for member, ranking in (("north", ["Peace", "Aid"]), ("south", ["Aid"]), ("east", ["Justice", "Aid"]),
                            ("west", ["Justice", "Peace"]), ("centre", ["Aid", "Justice"])):
        assert vote(client, fixture, irv, member, ranking=ranking).status_code == 200
        assert vote(client, fixture, schulze, member, ranking=["One", "Two"]).status_code == 200
    for number in (irv, schulze):
        assert client.post(fixture.url(f"/proposals/{number}/ballot/close"), headers=fixture.admin).status_code == 200

    irv_page = client.get(f"/c/wpn/proposals/{irv}").text
    schulze_page = client.get(f"/c/wpn/proposals/{schulze}").text

    assert "Rounds of the count" in irv_page
    chart = re.search(r'<svg class="chart".*?</svg>', irv_page, flags=re.DOTALL).group(0)
    assert "Round 1: 1" in chart and "Round 2: 3" in chart and "Round 2: 2" in chart
    assert "Each candidate&#39;s total in each round" in chart
    assert "Pairwise contests" in schulze_page and "Strongest paths" in schulze_page
    shown = cells(schulze_page.split("Pairwise contests", 1)[1])
    assert shown[:6] == ["", "One", "Two", "One", "—", "5"]
