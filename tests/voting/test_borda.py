"""Borda count: the published Tennessee totals and the equal-rank / unranked conventions."""

from fractions import Fraction

import pytest

from tests.voting.golden_data import exact_map, load_json, ranked_ballots
from voting.borda import borda
from voting.profile import BallotError
from voting.types import RankedBallot


def test_tennessee_borda_totals_match_published_figures() -> None:
    example = load_json("tennessee.json")

    result = borda(ranked_ballots(example["ranked"]), candidates=example["candidates"])

    assert dict(result.rounds[0].tally) == exact_map(example["borda"]["totals"])
    assert result.winners == (example["borda"]["winner"],)
    assert result.data["totals"] == example["borda"]["totals"]


def test_equal_ranks_share_the_average_of_their_places() -> None:
    result = borda([RankedBallot.of(("A", "B"), "C", "D")], candidates=["A", "B", "C", "D"])

    assert result.rounds[0].tally == {"A": Fraction(5, 2), "B": Fraction(5, 2), "C": Fraction(1), "D": Fraction(0)}
    assert result.tied


def test_unranked_candidates_share_the_bottom_places() -> None:
    result = borda([RankedBallot.of("A", weight=Fraction(1, 3))], candidates=["A", "B", "C", "D"])

    assert result.rounds[0].tally == {"A": Fraction(1), "B": Fraction(1, 3), "C": Fraction(1, 3), "D": Fraction(1, 3)}


def test_every_ballot_hands_out_the_same_number_of_points() -> None:
    ballots = [RankedBallot.of("B"), RankedBallot.of(("A", "C"), "B"), RankedBallot.of()]

    result = borda(ballots, candidates=["A", "B", "C"])

    assert sum(result.rounds[0].tally.values()) == 3 * 3


def test_more_than_one_seat_is_refused() -> None:
    with pytest.raises(BallotError, match="one seat"):
        borda([], candidates=["A", "B"], seats=2)
