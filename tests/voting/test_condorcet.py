"""Schulze, ranked pairs, Copeland and Condorcet winner/loser against published examples."""

from fractions import Fraction

import pytest

from tests.voting.golden_data import exact_map, load_json, ranked_ballots, read_abif_ballots
from voting.condorcet import condorcet_loser, condorcet_winner, copeland, pairwise_matrix, ranked_pairs, schulze
from voting.profile import BallotError
from voting.types import RankedBallot

TENNESSEE = load_json("tennessee.json")
SCHULZE_1 = load_json("schulze_example_1.json")


def test_schulze_example_matches_published_matrix_paths_and_ranking() -> None:
    ballots = ranked_ballots(SCHULZE_1["ranked"])

    result = schulze(ballots, candidates=SCHULZE_1["candidates"])

    assert result.data["pairwise"] == SCHULZE_1["d"]
    assert result.data["strongest_paths"] == SCHULZE_1["p"]
    assert result.winners == (SCHULZE_1["winner"],)
    assert [group[0] for group in result.ranking] == SCHULZE_1["ranking"]


def test_schulze_margin_variant_agrees_on_complete_ballots() -> None:
    ballots = ranked_ballots(SCHULZE_1["ranked"])

    result = schulze(ballots, candidates=SCHULZE_1["candidates"], variant="margin")

    assert result.winners == ("E",)
    assert result.data["strongest_paths"]["E"]["A"] == "5"  # on 45 complete ballots a margin is 2*d - 45: 2*25 - 45


def test_tennessee_pairwise_matrix_matches_published_counts() -> None:
    matrix = pairwise_matrix(ranked_ballots(TENNESSEE["ranked"]), candidates=TENNESSEE["candidates"])

    assert {a: {b: v for b, v in row.items()} for a, row in matrix.items()} == {
        a: exact_map(row) for a, row in TENNESSEE["pairwise"].items()
    }


def test_tennessee_condorcet_methods_match_published_winners() -> None:
    ballots, names = ranked_ballots(TENNESSEE["ranked"]), TENNESSEE["candidates"]

    assert condorcet_winner(ballots, candidates=names) == TENNESSEE["condorcet_winner"]
    assert condorcet_loser(ballots, candidates=names) == TENNESSEE["condorcet_loser"]
    assert schulze(ballots, candidates=names).winners == (TENNESSEE["schulze"]["winner"],)
    pairs = ranked_pairs(ballots, candidates=names)
    assert [group[0] for group in pairs.ranking] == TENNESSEE["ranked_pairs"]["ranking"]
    result = copeland(ballots, candidates=names)
    assert result.winners == (TENNESSEE["copeland"]["winner"],)
    assert dict(result.rounds[0].tally) == exact_map(TENNESSEE["copeland"]["scores"])


def test_burlington_2009_condorcet_winner_is_montroll() -> None:
    official = load_json("burlington_2009_mayor_official.json")
    ballots = read_abif_ballots(official["ballots_file"])

    assert condorcet_winner(ballots, candidates=official["candidates"]) == official["condorcet_winner"]
    assert schulze(ballots, candidates=official["candidates"]).winners == ("Montroll",)


def test_condorcet_cycle_has_no_winner_and_copeland_ties_everyone() -> None:
    cycle = [RankedBallot.of("A", "B", "C"), RankedBallot.of("B", "C", "A"), RankedBallot.of("C", "A", "B")]

    assert condorcet_winner(cycle, candidates=["A", "B", "C"]) is None
    result = copeland(cycle, candidates=["A", "B", "C"])
    assert result.tied and result.winners == ("A", "B", "C")
    assert schulze(cycle, candidates=["A", "B", "C"]).winners == ("A", "B", "C")


def test_ranked_pairs_equal_margins_return_every_possible_winner() -> None:
    cycle = [RankedBallot.of("A", "B", "C"), RankedBallot.of("B", "C", "A"), RankedBallot.of("C", "A", "B")]

    result = ranked_pairs(cycle, candidates=["A", "B", "C"])

    assert result.tied and result.winners == ("A", "B", "C") and result.ranking == ()


def test_ranked_pairs_skips_the_weakest_link_of_a_cycle() -> None:
    ballots = [RankedBallot.of("A", "B", "C", weight=4), RankedBallot.of("B", "C", "A", weight=3),
               RankedBallot.of("C", "A", "B", weight=2)]

    result = ranked_pairs(ballots, candidates=["A", "B", "C"])

    assert result.winners == ("A",)
    assert result.data["skipped"] == [{"pair": ["C", "A"], "margin": "1"}]


def test_equal_ranks_and_unranked_candidates_count_as_ties_in_the_matrix() -> None:
    ballots = [RankedBallot.of(("A", "B"), weight=Fraction(3, 2)), RankedBallot.of("C")]

    matrix = pairwise_matrix(ballots, candidates=["A", "B", "C"])

    assert matrix["A"]["B"] == matrix["B"]["A"] == 0
    assert matrix["A"]["C"] == Fraction(3, 2) and matrix["C"]["A"] == 1


def test_schulze_refuses_an_unknown_variant() -> None:
    with pytest.raises(BallotError, match="variant"):
        schulze([], candidates=["A"], variant="losing")


def test_candidate_ranked_twice_is_refused_for_condorcet_methods() -> None:
    with pytest.raises(BallotError, match="more than once"):
        schulze([RankedBallot.of("A", "B", "A")], candidates=["A", "B"])
