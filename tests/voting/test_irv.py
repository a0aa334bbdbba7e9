"""Instant-runoff: published counts (Burlington 2009, Tennessee), overvotes, repeated rankings, ties, batch elimination."""

from fractions import Fraction

import pytest

from tests.voting.golden_data import exact_map, load_json, ranked_ballots, read_abif_ballots
from voting.irv import irv
from voting.profile import BallotError
from voting.types import RankedBallot

BURLINGTON = load_json("burlington_2009_mayor_official.json")


def test_burlington_2009_matches_every_official_round_total_with_batch_elimination() -> None:
    ballots = read_abif_ballots(BURLINGTON["ballots_file"])

    result = irv(ballots, candidates=BURLINGTON["candidates"], batch_elimination=True)

    assert result.winners == (BURLINGTON["winner"],)
    assert len(result.rounds) == len(BURLINGTON["rounds"])
    for counted, official in zip(result.rounds, BURLINGTON["rounds"]):
        assert dict(counted.tally) == exact_map(official["tally"])
        assert counted.exhausted == Fraction(official["exhausted"])
        assert sorted(counted.eliminated) == sorted(official.get("eliminated", []))
        assert list(counted.elected) == official.get("elected", [])


def test_burlington_2009_one_at_a_time_reaches_the_same_final_round() -> None:
    ballots = read_abif_ballots(BURLINGTON["ballots_file"])

    result = irv(ballots, candidates=BURLINGTON["candidates"])

    final = BURLINGTON["rounds"][-1]
    assert result.winners == ("Kiss",)
    assert dict(result.rounds[-1].tally) == exact_map(final["tally"])
    assert result.rounds[-1].exhausted == Fraction(final["exhausted"])
    assert [r.eliminated for r in result.rounds[:3]] == [("Simpson",), ("Write-in",), ("Smith",)]


def test_tennessee_example_matches_published_rounds() -> None:
    example = load_json("tennessee.json")

    result = irv(ranked_ballots(example["ranked"]), candidates=example["candidates"])

    assert result.winners == (example["irv"]["winner"],)
    for counted, published in zip(result.rounds, example["irv"]["rounds"], strict=True):
        assert dict(counted.tally) == exact_map(published["tally"])
        assert list(counted.eliminated) == published.get("eliminated", [])


def test_round_data_is_json_shaped_with_exact_strings() -> None:
    ballots = [RankedBallot.of("A", weight=Fraction(1, 3)), RankedBallot.of("B", "A", weight=Fraction(1, 4)),
               RankedBallot.of("C", weight=Fraction(1, 5))]

    result = irv(ballots, candidates=["A", "B", "C"])

    assert result.rounds[0].data["tally"] == {"A": "1/3", "B": "0.25", "C": "0.2"}
    assert "fewest votes" in result.rounds[0].explanation


def test_overvote_exhausts_the_ballot_where_it_is_reached() -> None:
    ballots = [RankedBallot.of("C", ("A", "B"), "A", weight=2), RankedBallot.of("A", weight=3), RankedBallot.of("B", weight=4)]

    result = irv(ballots, candidates=["A", "B", "C"])

    assert result.rounds[0].eliminated == ("C",)
    assert result.rounds[1].exhausted == 2
    assert result.winners == ("B",)


def test_tied_group_counts_once_only_one_of_its_candidates_continues() -> None:
    ballots = [RankedBallot.of(("A", "C"), weight=2), RankedBallot.of("A", weight=2), RankedBallot.of("B", weight=3),
               RankedBallot.of("C", weight=1)]

    result = irv(ballots, candidates=["A", "B", "C"])

    assert result.rounds[0].exhausted == 2
    assert result.winners == ("B",)


def test_repeated_candidate_keeps_its_first_ranking() -> None:
    repeated = [RankedBallot.of("C", "A", "C", "B", weight=2), RankedBallot.of("A", weight=3), RankedBallot.of("B", weight=4)]
    cleaned = [RankedBallot.of("C", "A", "B", weight=2), RankedBallot.of("A", weight=3), RankedBallot.of("B", weight=4)]

    assert irv(repeated, candidates=["A", "B", "C"]) == irv(cleaned, candidates=["A", "B", "C"])


def test_last_place_tie_is_broken_by_earlier_round_then_recorded() -> None:
    ballots = [RankedBallot.of("A", weight=5), RankedBallot.of("B", weight=3), RankedBallot.of("C", weight=2),
               RankedBallot.of("D", "C", weight=1), RankedBallot.of("E", "B", weight=1)]

    result = irv(ballots, candidates=["A", "B", "C", "D", "E"])

    assert result.rounds[0].tie_breaks[0].by == "lot"
    assert result.tie_breaks and result.data["seed"]
    assert irv(list(reversed(ballots)), candidates=["A", "B", "C", "D", "E"]).winners == result.winners


def test_earlier_round_decides_a_later_tie() -> None:
    ballots = [RankedBallot.of("A", weight=4), RankedBallot.of("B", weight=3), RankedBallot.of("C", weight=2),
               RankedBallot.of("D", "C", weight=1), RankedBallot.of("X", weight=6)]

    result = irv(ballots, candidates=["A", "B", "C", "D", "X"])

    assert result.rounds[1].tally["B"] == result.rounds[1].tally["C"] == 3
    assert result.rounds[1].tie_breaks[0].by == "earlier round"
    assert [r.eliminated for r in result.rounds[:2]] == [("D",), ("C",)]


def test_explicit_seed_is_used_for_the_lot() -> None:
    ballots = [RankedBallot.of("A"), RankedBallot.of("B")]

    result = irv(ballots, candidates=["A", "B"], seed="public draw 2026-03-01")

    assert result.tie_breaks[0].seed == "public draw 2026-03-01"
    assert len(result.winners) == 1 and not result.tied


def test_batch_elimination_never_removes_a_candidate_who_could_catch_up() -> None:
    ballots = [RankedBallot.of("A", weight=10), RankedBallot.of("B", weight=9), RankedBallot.of("C", "B", weight=5),
               RankedBallot.of("D", "C", weight=4)]

    result = irv(ballots, candidates=["A", "B", "C", "D"], batch_elimination=True)

    assert result.rounds[0].eliminated == ("D",)


def test_majority_is_of_continuing_weight_not_of_all_ballots() -> None:
    ballots = [RankedBallot.of("A", weight=4), RankedBallot.of("B", weight=3), RankedBallot.of("C", weight=2)]

    result = irv(ballots, candidates=["A", "B", "C"])

    assert result.rounds[-1].tally == {"A": Fraction(4), "B": Fraction(3)}
    assert result.rounds[-1].exhausted == 2
    assert result.rounds[-1].elected == ("A",)


@pytest.mark.parametrize(
    ("ballot", "message"),
    [
        (RankedBallot.of("Z"), "not a candidate"),
        (RankedBallot.of("A", weight=-1), "negative"),
    ],
)
def test_bad_ballots_are_refused_with_a_clear_message(ballot: RankedBallot, message: str) -> None:
    with pytest.raises(BallotError, match=message):
        irv([ballot], candidates=["A", "B"])
