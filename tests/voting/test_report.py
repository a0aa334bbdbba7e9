import decimal
import json
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voting.exact import parse_exact
from voting.formats.load import load_ballot_file
from voting.registry import get_method
from voting.report import result_to_dict, result_to_json, result_to_text
from voting.types import Result, Round, TieBreakRecord

DATA = Path(__file__).parent / "data" / "formats"


def irv_like_result(tally_order: list[str]) -> Result:
    totals = {"Ann": Fraction(2873, 2), "Bo": Fraction(1, 3), "Cy": Fraction(0)}
    record = TieBreakRecord(("Bo", "Cy"), ("Cy",), "lot", "Drawn by lot: Cy.", seed="s-1")
    rounds = (
        Round(1, "eliminate", "Cy has the fewest votes.", tally={name: totals[name] for name in tally_order},
              exhausted=Fraction(5, 4), eliminated=("Cy",), tie_breaks=(record,),
              data={"matrix": {"Bo": {"Ann": Fraction(1, 2)}, "Ann": {"Bo": 3}}}),
        Round(2, "elect", "Ann has a majority.", tally={"Ann": Fraction(2873, 2), "Bo": Fraction(1, 3)}, elected=("Ann",)),
    )  # fmt: skip
    return Result("irv", ("Ann", "Bo", "Cy"), ("Ann",), (("Ann",), ("Bo",), ("Cy",)), rounds,
                  tie_breaks=(record,), summary="Ann wins.", data={"quota": decimal.Decimal("2.50")})  # fmt: skip


def test_every_count_is_an_exact_string_and_only_positions_are_integers() -> None:
    document = result_to_dict(irv_like_result(["Ann", "Bo", "Cy"]))

    first = document["rounds"][0]
    assert first["tally"] == {"Ann": "1436.5", "Bo": "1/3", "Cy": "0"}
    assert first["exhausted"] == "1.25"
    assert first["data"] == {"matrix": {"Ann": {"Bo": "3"}, "Bo": {"Ann": "0.5"}}}
    assert document["data"] == {"quota": "2.5"}
    assert (document["seats"], first["number"]) == (1, 1)
    assert first["tie_breaks"] == [
        {"tied": ["Bo", "Cy"], "chosen": ["Cy"], "by": "lot", "explanation": "Drawn by lot: Cy.", "seed": "s-1"}
    ]
    assert list(document) == [
        "method", "candidates", "seats", "winners", "tied", "ranking", "summary", "tie_breaks", "rounds", "data",
    ]  # fmt: skip


def test_equal_results_give_equal_bytes_whatever_order_the_tallies_were_built_in() -> None:
    one = result_to_json(irv_like_result(["Ann", "Bo", "Cy"]))
    other = result_to_json(irv_like_result(["Cy", "Bo", "Ann"]))

    assert one == other


def test_a_float_in_a_result_is_refused() -> None:
    result = Result("score", ("A",), ("A",), data={"average": 0.5})

    with pytest.raises(TypeError, match="no exact JSON form"):
        result_to_dict(result)


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=8), st.fractions(), max_size=6))
def test_tallies_read_back_exactly_from_the_published_strings(tally: dict[str, Fraction]) -> None:
    result = Result("plurality", tuple(tally), (), rounds=(Round(1, "count", "", tally=tally),))

    published = json.loads(result_to_json(result))["rounds"][0]["tally"]

    assert {name: parse_exact(value) for name, value in published.items()} == tally


def test_text_output_shows_each_round_as_an_aligned_table() -> None:
    text = result_to_text(irv_like_result(["Ann", "Bo", "Cy"]))

    assert text.splitlines()[:6] == [
        "Method: irv",
        "Candidates: Ann, Bo, Cy",
        "Seats: 1",
        "Winner: Ann",
        "Summary: Ann wins.",
        "Ranking: 1. Ann; 2. Bo; 3. Cy",
    ]
    assert "Tie break by lot (seed s-1): Drawn by lot: Cy." in text
    table = text[text.index("  Candidate") :].split("\n\n")[0].splitlines()
    assert table == [
        "  Candidate                      Total",
        "  Ann                           1436.5",
        "  Bo                               1/3",
        "  Cy                                 0  eliminated",
        "  Exhausted / non-transferable    1.25",
    ]
    matrix = text[text.index("  Matrix:") :].split("\n\n")[0].splitlines()
    assert matrix == ["  Matrix:", "         Ann  Bo", "    Ann    -   3", "    Bo   0.5   -"]
    assert "Details:" in text and "Quota: 2.5" in text


def test_tied_results_say_so_in_text_and_json() -> None:
    result = Result("approval", ("A", "B"), ("A", "B"), (("A", "B"),), tied=True)

    assert "Winners: A, B\nTied:" in result_to_text(result)
    assert result_to_dict(result)["tied"] is True


def test_schulze_on_debian_2002_publishes_the_pairwise_matrix_and_the_official_winner() -> None:
    ballot_file = load_ballot_file(DATA / "debian-2002-leader.soi", method="schulze")
    result = get_method("schulze")(ballot_file.ballots, candidates=ballot_file.candidates)

    document = result_to_dict(result)

    assert document["winners"] == ["Bdale Garbee"]
    pairwise = document["rounds"][0]["data"]["pairwise"]
    assert pairwise["Bdale Garbee"]["Branden Robinson"] == "291"
    assert pairwise["None Of The Above"] == {"Bdale Garbee": "18", "Branden Robinson": "68", "Raphael Hertzog": "50"}
    assert "strongest_paths" in document["rounds"][0]["data"]
    assert "Pairwise:" in result_to_text(result)
