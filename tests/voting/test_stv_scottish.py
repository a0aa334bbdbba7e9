"""Scottish STV against official council counts, a hand count, the Order's tie rules and properties."""

import json
import random
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voting.formats.blt import read_blt
from voting.stv import STVInputError, aggregate_rankings, scottish_stv
from voting.types import RankedBallot

DATA = Path(__file__).parent / "data" / "stv"
OFFICIAL = sorted(DATA.glob("*.official.json"))


def count_official(path: Path):
    golden = json.loads(path.read_text())
    election = read_blt((DATA / golden["ballots"]).read_text())
    result = scottish_stv(election.ballots, candidates=election.standing, seats=election.seats)
    return golden, result


@pytest.mark.parametrize("path", OFFICIAL, ids=lambda p: p.name.split(".")[0])
def test_scottish_stv_matches_official_stage_totals(path: Path) -> None:
    golden, result = count_official(path)

    assert len(result.rounds) == len(golden["stages"])
    for stage, expected in zip(result.rounds, golden["stages"], strict=True):
        assert stage.action == expected["action"]
        assert stage.tally == {name: Fraction(total) for name, total in expected["totals"].items()}


@pytest.mark.parametrize("path", OFFICIAL, ids=lambda p: p.name.split(".")[0])
def test_scottish_stv_matches_official_quota_elections_and_winners(path: Path) -> None:
    golden, result = count_official(path)

    assert result.data["quota"] == golden["quota"]
    assert result.data["valid_votes"] == golden["valid_votes"]
    assert result.winners == tuple(golden["winners"])
    for stage, expected in zip(result.rounds, golden["stages"], strict=True):
        assert set(expected["elected"]) <= set(stage.elected)


@pytest.mark.parametrize("path", OFFICIAL, ids=lambda p: p.name.split(".")[0])
def test_every_stage_accounts_for_every_valid_vote(path: Path) -> None:
    golden, result = count_official(path)

    lost = Fraction(0)
    for stage in result.rounds:
        lost = Fraction(stage.data["lost_to_truncation"])
        assert sum(stage.tally.values()) + stage.exhausted + lost == Fraction(golden["valid_votes"])


FOOD = [
    RankedBallot.of("Orange", weight=4),
    RankedBallot.of("Pear", "Orange", weight=2),
    RankedBallot.of("Chocolate", "Strawberry", weight=8),
    RankedBallot.of("Chocolate", "Hamburger", weight=4),
    RankedBallot.of("Strawberry", weight=1),
    RankedBallot.of("Hamburger", weight=1),
]
FOOD_CANDIDATES = ["Orange", "Pear", "Chocolate", "Strawberry", "Hamburger"]


def test_wikipedia_food_election_counts_as_by_hand() -> None:
    result = scottish_stv(FOOD, candidates=FOOD_CANDIDATES, seats=3)

    assert result.data["quota"] == "6"
    assert [r.action for r in result.rounds] == [
        "first preferences", "surplus of Chocolate", "exclusion of Pear", "exclusion of Hamburger",
    ]
    assert result.rounds[1].tally == {"Orange": 4, "Pear": 2, "Chocolate": 6, "Strawberry": 5, "Hamburger": 3}
    assert result.rounds[2].tally == {"Orange": 6, "Chocolate": 6, "Strawberry": 5, "Hamburger": 3}
    assert result.rounds[3].exhausted == 3
    assert result.winners == ("Chocolate", "Orange", "Strawberry")


def test_transfer_values_are_truncated_to_five_places() -> None:
    ballots = [RankedBallot.of("A", "B", weight=6), RankedBallot.of("B", weight=2), RankedBallot.of("C", weight=3)]

    result = scottish_stv(ballots, candidates="ABC", seats=2)

    assert result.rounds[1].data["transfer_values"] == ["0.33333"]
    assert result.rounds[1].tally["B"] == Fraction("3.99998")
    assert result.rounds[1].data["lost_to_truncation"] == "0.00002"
    assert result.winners == ("A", "B")
    assert result.rounds[2].action == "exclusion of C"


def test_exclusion_tie_goes_to_the_most_recent_stage_where_the_tied_differed() -> None:
    ballots = [
        RankedBallot.of("A", "C", weight=5), RankedBallot.of("A", weight=5), RankedBallot.of("B", weight=4),
        RankedBallot.of("C", "D", weight=3), RankedBallot.of("D", weight=5),
    ]

    result = scottish_stv(ballots, candidates="ABCD", seats=2)

    assert result.rounds[1].tally["B"] == result.rounds[1].tally["C"] == 4
    assert result.rounds[2].action == "exclusion of C"
    assert result.rounds[2].tie_breaks[0].by == "earlier round"
    assert result.rounds[2].tie_breaks[0].tied == ("B", "C")


def test_lot_is_seeded_recorded_and_reproducible() -> None:
    ballots = [RankedBallot.of(name) for name in "ABCD"] + [RankedBallot.of("E", weight=6)]

    first = scottish_stv(ballots, candidates="ABCDE", seats=2, seed="public draw 1")
    again = scottish_stv(ballots, candidates="ABCDE", seats=2, seed="public draw 1")

    assert first == again
    assert first.tie_breaks and all(record.seed == "public draw 1" for record in first.tie_breaks)


def test_equal_surpluses_go_to_the_higher_total_at_the_latest_stage_they_differed() -> None:
    ballots = [
        RankedBallot.of("A", "C", "E"), RankedBallot.of("A", "D", "F", weight=16), RankedBallot.of("A", weight=3),
        RankedBallot.of("C", "E", weight=11), RankedBallot.of("D", "F", weight=3), RankedBallot.of("E", weight=6),
        RankedBallot.of("F", weight=5), RankedBallot.of("G", weight=4),
    ]

    result = scottish_stv(ballots, candidates="ACDEFG", seats=4)

    assert result.rounds[1].tally["C"] == result.rounds[1].tally["D"] == 11
    assert [r.action for r in result.rounds][1:4] == ["surplus of A", "surplus of C", "surplus of D"]
    assert result.rounds[2].tie_breaks[0].by == "earlier round"


def test_a_tied_group_ends_the_ballot_at_that_point() -> None:
    ballots = [RankedBallot.of("A", ("B", "C"), "D", weight=2), RankedBallot.of("A", "A", "B")]

    assert aggregate_rankings(ballots, "ABCD") == {("A",): Fraction(3)}


def test_a_ballot_with_no_first_preference_is_not_a_valid_vote() -> None:
    ballots = [RankedBallot.of(("A", "B")), RankedBallot.of("A", weight=3), RankedBallot.of("B", weight=2)]

    result = scottish_stv(ballots, candidates="AB", seats=1)

    assert result.data["valid_votes"] == "5"
    assert result.data["quota"] == "3"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"candidates": "AB", "seats": 0}, "seats must be at least 1"),
        ({"candidates": "AA", "seats": 1}, "only once"),
        ({"candidates": "A", "seats": 1}, "'B', who is not among the candidates"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(kwargs: dict, message: str) -> None:
    with pytest.raises(STVInputError, match=message):
        scottish_stv([RankedBallot.of("B")], **kwargs)


def test_negative_weights_are_refused() -> None:
    with pytest.raises(STVInputError, match="negative"):
        scottish_stv([RankedBallot.of("A", weight=-1)], candidates="A", seats=1)


def test_integer_scaling_is_not_invariant_because_of_the_plus_one_quota_and_truncation() -> None:
    ballots = [RankedBallot.of("A", "B", weight=6), RankedBallot.of("B", weight=2), RankedBallot.of("C", weight=3)]

    once = scottish_stv(ballots, candidates="ABC", seats=2)
    tenfold = scottish_stv([RankedBallot(b.ranking, b.weight * 10) for b in ballots], candidates="ABC", seats=2)

    assert tenfold.rounds[0].tally == {name: 10 * votes for name, votes in once.rounds[0].tally.items()}
    assert (once.data["quota"], tenfold.data["quota"]) == ("4", "37")
    assert tenfold.rounds[1].tally["B"] != 10 * once.rounds[1].tally["B"]


NAMES = "ABCDEF"
ranking = st.permutations(NAMES).flatmap(lambda order: st.integers(1, len(order)).map(lambda n: tuple(order[:n])))
profiles = st.lists(st.tuples(ranking, st.integers(1, 5)), min_size=1, max_size=12)


def as_ballots(profile):
    return [RankedBallot.of(*names, weight=weight) for names, weight in profile]


@settings(max_examples=30, deadline=None)
@given(profiles, st.integers(1, 4))
def test_one_ballot_of_weight_k_counts_as_k_identical_ballots(profile, seats) -> None:
    spread = [RankedBallot.of(*names) for names, weight in profile for _ in range(weight)]

    assert scottish_stv(as_ballots(profile), candidates=NAMES, seats=seats) == scottish_stv(
        spread, candidates=NAMES, seats=seats
    )


@settings(max_examples=30, deadline=None)
@given(profiles, st.integers(1, 4), st.randoms(use_true_random=False))
def test_the_order_of_ballots_does_not_matter(profile, seats, shuffler: random.Random) -> None:
    shuffled = as_ballots(profile)
    shuffler.shuffle(shuffled)

    assert scottish_stv(shuffled, candidates=NAMES, seats=seats) == scottish_stv(
        as_ballots(profile), candidates=NAMES, seats=seats
    )


@settings(max_examples=40, deadline=None)
@given(profiles, st.integers(1, 6))
def test_exactly_seats_winners_and_every_stage_balances(profile, seats) -> None:
    result = scottish_stv(as_ballots(profile), candidates=NAMES, seats=seats)

    total = sum(weight for _, weight in profile)
    assert len(result.winners) == len(set(result.winners)) == seats
    for stage in result.rounds:
        assert sum(stage.tally.values()) + stage.exhausted + Fraction(stage.data["lost_to_truncation"]) == total
        assert all(10**5 % value.denominator == 0 for value in stage.tally.values())


def test_scottish_stv_agrees_with_droops_independent_scottish_count_of_the_gpus_election() -> None:
    """Droop's reference report test/ref/report/SC-scotland-fixed-p5-d5.txt (jklundell/droop, commit 67e4bf6)."""
    election = read_blt((DATA / "droop-SC.blt").read_text())

    result = scottish_stv(election.ballots, candidates=election.standing, seats=election.seats)

    by_action = {stage.action: stage.tally for stage in result.rounds}
    assert by_action["surplus of Rebecca Rotzler"]["Kristen Olsen"] == Fraction("12.45448")
    assert by_action["surplus of Pat LaMarche"]["Steve Kramer"] == Fraction("18.54544")
    assert by_action["surplus of Steve Kramer"]["Budd Dickinson"] == Fraction("9.01084")
    assert by_action["exclusion of Kirit Mookerjee"]["Tom Sevigny"] == Fraction("10.59132")
    assert {k: v for k, v in by_action["exclusion of Budd Dickinson"].items() if v != 19} == {
        "Tom Sevigny": Fraction("16.62204"), "Kristen Olsen": Fraction("16.59988"),
    }
    assert set(result.winners) == {"Rebecca Rotzler", "Pat LaMarche", "Steve Kramer", "Tom Sevigny"}
