"""The Council of the EU's qualified majority (TEU art. 16(4)) on the published 2016 population shares."""

import json
from fractions import Fraction
from pathlib import Path

import pytest

from voting.majority import MajorityRule, Threshold, decide

DATA = json.loads((Path(__file__).parent / "data" / "eu_council_qmv_2016.json").read_text(encoding="utf-8"))
POPULATION = {state: Fraction(share) for state, share in DATA["population_percent"].items()}
BY_SIZE = sorted(POPULATION, key=POPULATION.__getitem__, reverse=True)
QMV = MajorityRule(
    counting="double",
    member_threshold=Threshold(Fraction(55, 100), strict=False, base="eligible"),
    weight_threshold=Threshold(Fraction(65, 100), strict=False, base="eligible"),
    blocking_minority_members=4,
)


def votes_where(**against: str) -> dict[str, str]:
    named = {state.replace("_", " "): choice for state, choice in against.items()}
    return {state: named.get(state, "yes") for state in POPULATION}


def test_the_data_file_holds_the_28_member_states_of_2016():
    assert len(POPULATION) == 28
    assert POPULATION["Germany"] == Fraction("15.93")


def test_three_large_states_cannot_block_alone():
    # Against: 15.93 + 13.04 + 12.73 = 41.70 points of 100.01 (the published shares' sum), so the
    # states in favour hold 58.31 / 100.01 < 65%; but only 3 members oppose, fewer than the 4 a
    # blocking minority needs, so "the qualified majority shall be deemed attained".
    votes = votes_where(Germany="no", France="no", United_Kingdom="no")

    result = decide(QMV, eligible=POPULATION, votes=votes)

    weight = next(c for c in result.criteria if c.name == "weight")
    assert weight.share == Fraction("58.31") / Fraction("100.01")
    assert weight.deemed_met
    assert result.outcome == "passed"
    assert "deemed met because only 3 members counted against" in result.explanation


def test_four_large_states_holding_over_35_percent_block():
    votes = votes_where(Germany="no", France="no", United_Kingdom="no", Italy="no")  # 53.77 points against

    result = decide(QMV, eligible=POPULATION, votes=votes)

    assert result.outcome == "rejected"
    assert [(c.name, c.met) for c in result.criteria] == [("members", True), ("weight", False)]


def test_an_abstention_counts_against_and_completes_a_blocking_minority():
    votes = votes_where(Germany="no", France="no", United_Kingdom="no", Italy="abstain")

    result = decide(QMV, eligible=POPULATION, votes=votes)

    assert result.outcome == "rejected"


def test_four_states_holding_under_35_percent_cannot_block():
    votes = votes_where(Spain="no", Poland="no", Romania="no", Netherlands="no")  # 23.86 points against

    result = decide(QMV, eligible=POPULATION, votes=votes)

    assert result.outcome == "passed"
    assert not any(c.deemed_met for c in result.criteria)


def test_sixteen_of_28_states_are_needed_as_the_source_says():
    sixteen = {state: "yes" if state in BY_SIZE[:16] else "no" for state in POPULATION}
    fifteen = {state: "yes" if state in BY_SIZE[:15] else "no" for state in POPULATION}

    with_sixteen = decide(QMV, eligible=POPULATION, votes=sixteen)
    with_fifteen = decide(QMV, eligible=POPULATION, votes=fifteen)

    assert with_sixteen.outcome == "passed"
    assert with_fifteen.outcome == "rejected"
    assert [(c.name, c.met) for c in with_fifteen.criteria] == [("members", False), ("weight", True)]


@pytest.mark.parametrize(("in_favour", "met"), [(15, True), (14, False)])
def test_fifteen_of_27_states_meet_the_member_criterion(in_favour, met):
    eligible = {f"state{i}": Fraction(1) for i in range(27)}
    votes = {f"state{i}": "yes" if i < in_favour else "no" for i in range(27)}

    result = decide(QMV, eligible=eligible, votes=votes)

    assert result.criteria[0].met is met
