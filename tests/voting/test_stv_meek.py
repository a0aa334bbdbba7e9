"""Meek STV against the PR Foundation reference rule's published outputs, and its properties."""

import json
import random
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voting.formats.blt import read_blt
from voting.meek import meek_stv
from voting.stv import STVInputError
from voting.types import RankedBallot

DATA = Path(__file__).parent / "data" / "stv"
REFERENCE = sorted(DATA.glob("*.meek-prf.json"))


def count_reference(path: Path):
    golden = json.loads(path.read_text())
    election = read_blt((DATA / golden["ballots"]).read_text())
    return golden, meek_stv(election.ballots, candidates=election.standing, seats=election.seats)


def nonzero(tally) -> dict[str, Fraction]:
    return {name: Fraction(votes) for name, votes in tally.items() if Fraction(votes)}


@pytest.mark.parametrize("path", REFERENCE, ids=lambda p: p.name.split(".")[0])
def test_meek_matches_the_reference_rule_round_by_round_to_nine_places(path: Path) -> None:
    golden, result = count_reference(path)

    counted = result.rounds[1:]
    assert len(counted) == len(golden["rounds"])
    for stage, expected in zip(counted, golden["rounds"], strict=True):
        assert stage.data["quota"] == expected["quota"].rstrip("0").rstrip(".")
        assert nonzero(stage.tally) == nonzero(expected["tally"])
        decided = stage.elected if expected["event"] == "elected" else stage.eliminated
        if "tied" in expected:
            assert len(decided) == 1 and decided[0] in expected["tied"]
            assert all(set(record.tied) <= set(expected["tied"]) for record in stage.tie_breaks)
        else:
            assert set(decided) == set(expected["candidates"])
    assert set(result.winners) == set(golden["winners"])


def test_meek_first_round_is_the_first_preferences() -> None:
    golden, result = count_reference(DATA / "droop-SC.meek-prf.json")

    assert result.rounds[0].action == "first preferences"
    assert result.rounds[0].tally == {name: Fraction(v) for name, v in golden["rounds"][0]["tally"].items()}


def test_tied_defeats_are_drawn_by_a_recorded_seeded_lot() -> None:
    election = read_blt((DATA / "droop-SC.blt").read_text())

    first = meek_stv(election.ballots, candidates=election.standing, seats=4, seed="draw")
    again = meek_stv(election.ballots, candidates=election.standing, seats=4, seed="draw")

    assert first == again
    assert [record.by for record in first.tie_breaks] == ["lot", "lot", "lot"]
    assert {r.eliminated[0] for r in first.rounds[2:6]} == {"Write-In 2", "Write-In 1", "Steve Greenfield", "Jimmy Leas"}


def test_a_coarser_omega_stops_iterating_sooner_but_keeps_the_arithmetic() -> None:
    election = read_blt((DATA / "droop-SC.blt").read_text())

    result = meek_stv(election.ballots, candidates=election.standing, seats=4, omega=Fraction(1, 10))

    assert result.data["omega"] == "0.1"
    assert set(result.winners) == {"Pat LaMarche", "Rebecca Rotzler", "Steve Kramer", "Kristen Olsen"}
    assert all((v * 10**9).denominator == 1 for r in result.rounds for v in r.tally.values())


@pytest.mark.parametrize(("options", "message"), [({"precision": 0}, "precision"), ({"omega": Fraction(0)}, "omega")])
def test_meek_refuses_meaningless_options(options: dict, message: str) -> None:
    with pytest.raises(STVInputError, match=message):
        meek_stv([RankedBallot.of("A")], candidates="AB", seats=1, **options)


NAMES = "ABCDEF"
ranking = st.permutations(NAMES).flatmap(lambda order: st.integers(1, len(order)).map(lambda n: tuple(order[:n])))
profiles = st.lists(st.tuples(ranking, st.integers(1, 5)), min_size=1, max_size=10)


def as_ballots(profile):
    return [RankedBallot.of(*names, weight=weight) for names, weight in profile]


@settings(max_examples=25, deadline=None)
@given(profiles, st.integers(1, 4))
def test_one_meek_ballot_of_weight_k_counts_as_k_identical_ballots(profile, seats) -> None:
    spread = [RankedBallot.of(*names) for names, weight in profile for _ in range(weight)]

    assert meek_stv(as_ballots(profile), candidates=NAMES, seats=seats) == meek_stv(spread, candidates=NAMES, seats=seats)


@settings(max_examples=25, deadline=None)
@given(profiles, st.integers(1, 4), st.randoms(use_true_random=False))
def test_meek_ignores_the_order_of_ballots(profile, seats, shuffler: random.Random) -> None:
    shuffled = as_ballots(profile)
    shuffler.shuffle(shuffled)

    assert meek_stv(shuffled, candidates=NAMES, seats=seats) == meek_stv(as_ballots(profile), candidates=NAMES, seats=seats)


@settings(max_examples=25, deadline=None)
@given(profiles, st.integers(1, 6))
def test_meek_fills_every_seat_and_never_loses_a_vote(profile, seats) -> None:
    result = meek_stv(as_ballots(profile), candidates=NAMES, seats=seats)

    total = sum(weight for _, weight in profile)
    assert len(result.winners) == len(set(result.winners)) == seats
    decisions = [stage for stage in result.rounds if "remaining" not in stage.action]
    for stage in decisions:
        defeated_before = {name for earlier in result.rounds[: stage.number - 1] for name in earlier.eliminated}
        counted = sum(votes for name, votes in stage.tally.items() if name not in defeated_before)
        assert counted + stage.exhausted == total
