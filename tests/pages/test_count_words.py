"""A count's rounds in the visitor's words: who was elected, eliminated, or chosen in a tie, with the recorded text."""

import html

import pytest

from tests.factories import make_proposal, open_ballot, vote
from tests.pages.pagekit import busy_coalition, set_language

FSI, PDI = "\u2068", "\u2069"
RANKINGS = {"north": ["Amman", "Cairo", "Beirut"], "south": ["Cairo", "Beirut", "Amman"],
            "east": ["Beirut", "Cairo", "Amman"]}


def _counted(client, clock, counting: str) -> tuple[str, dict]:  # noqa: ANN001
    """An instant-runoff choice of an office city by north (weight 3), south (2) and east (1.5), closed."""
    fixture, _ = busy_coalition(client, clock.now)
    number = make_proposal(client, fixture, kind="choice", title="Office city", options=["Amman", "Cairo", "Beirut"])
    open_ballot(client, fixture, number, now=clock.now, rule={"type": "method", "method": "irv", "counting": counting})
    for member, ranking in RANKINGS.items():
        assert vote(client, fixture, number, member, ranking=ranking).status_code == 200
    assert client.post(fixture.url(f"/proposals/{number}/ballot/close"), headers=fixture.admin).status_code == 200
    return f"/c/wpn/proposals/{number}", client.get(fixture.url(f"/proposals/{number}/ballot")).json()["result"]


def test_arabic_rounds_say_who_was_eliminated_and_elected_with_the_recorded_text_beside(client, clock) -> None:
    page, result = _counted(client, clock, "weighted")  # 3 : 2 : 1.5, then Beirut's 1.5 goes to Cairo
    set_language(client, "ar")

    shown = html.unescape(client.get(page).text)

    assert [(r["elected"], r["eliminated"]) for r in result["rounds"]] == [([], ["Beirut"]), (["Cairo"], [])]
    assert f"استُبعد: {FSI}Beirut{PDI}" in shown and f"انتُخب: {FSI}Cairo{PDI}" in shown
    assert "<summary>النص كما سُجّل، بالإنجليزية</summary>" in shown
    assert '<p lang="en" dir="ltr">Cairo has a majority of the continuing votes and is elected.</p>' in shown
    assert "الشرح كما سُجّل، بالإنجليزية" in shown


def test_a_tie_broken_by_lot_is_told_in_arabic_naming_everyone_tied(client, clock) -> None:
    page, result = _counted(client, clock, "equal")  # one vote each: a three-way tie in the first round
    set_language(client, "ar")

    shown = html.unescape(client.get(page).text)

    tie = result["rounds"][0]["tie_breaks"][0]
    assert sorted(tie["tied"]) == ["Amman", "Beirut", "Cairo"] and tie["by"] == "lot"
    tied = "، ".join(f"{FSI}{name}{PDI}" for name in tie["tied"])
    chosen = "، ".join(f"{FSI}{name}{PDI}" for name in tie["chosen"])
    assert f"تعادل بين {tied}؛ واختير {chosen} بالقرعة." in shown
    assert result["rounds"][0]["eliminated"] == tie["chosen"]  # the lot picked who goes: the round says so too
    assert f"استُبعد: {chosen}" in shown


@pytest.mark.parametrize("counting", ["weighted", "equal"])
def test_english_rounds_show_the_recorded_explanation_itself(client, clock, counting) -> None:
    page, result = _counted(client, clock, counting)

    shown = html.unescape(client.get(page).text)

    assert all(f"<td>{r['explanation']}</td>" in shown for r in result["rounds"])
    assert "<details>" not in shown.split("Rounds of the count")[1].split("</table>")[0]
