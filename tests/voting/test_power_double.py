"""Double majorities with many members: exact, agreeing with Monte Carlo, and ExactTooSlow (never a bare error)."""

import json
import random
from fractions import Fraction
from pathlib import Path

import pytest

from voting.power import Criterion, ExactTooSlow, Game, analyze, estimated_exact_seconds, monte_carlo
from voting.power.count import _count_by_complements, _count_by_rows
from voting.power.game import integer_game

EU = json.loads((Path(__file__).parent / "data" / "eu_council_qmv_2016.json").read_text())


def eu27_lisbon() -> Game:
    """TEU art. 16(4) for the 27 members after 2020: 15 of 27 states, 65% of the population, blocking minority of 4."""
    shares = {name: Fraction(percent) for name, percent in EU["population_percent"].items() if name != "United Kingdom"}
    names = tuple(shares)
    population = tuple(shares.values())
    return Game(
        names,
        (Criterion((1,) * len(names), 15), Criterion(population, sum(population) * Fraction(65, 100))),
        min_no_to_block=4,
    )


def random_double_majority(n: int, top: int, seed: int, *, counted: bool) -> Game:
    rng = random.Random(seed)
    first = tuple(rng.randint(1, top) for _ in range(n))
    second = (1,) * n if counted else tuple(rng.randint(1, top) for _ in range(n))
    criteria = (Criterion(second, sum(second) * Fraction(55, 100)), Criterion(first, sum(first) * Fraction(65, 100)))
    return Game(tuple(f"m{i}" for i in range(n)), criteria, min_no_to_block=4)


def assert_inside_monte_carlo_intervals(game: Game, samples: int, seed: int) -> None:
    exact = analyze(game)
    estimate = monte_carlo(game, samples=samples, seed=seed)
    penrose_misses = sum(not e.low <= m.penrose <= e.high for m, e in zip(exact.members, estimate.penrose))
    shapley_misses = sum(
        not e.low <= m.shapley_shubik <= e.high for m, e in zip(exact.members, estimate.shapley_shubik)
    )
    # 95% intervals: a few of n members may fall outside by chance, never most of them
    assert penrose_misses <= max(2, game.size // 8)
    assert shapley_misses <= max(2, game.size // 8)


def test_the_eu_council_of_27_is_counted_exactly_with_a_member_count_criterion() -> None:
    report = analyze(eu27_lisbon(), exact_limit_seconds=2.0)

    assert report.exact
    assert sum(m.banzhaf for m in report.members) == 1
    assert sum(m.shapley_shubik for m in report.members) == 1
    assert report.smallest_winning == 15 and report.smallest_blocking == 4
    assert report.dummies == () and report.veto == ()
    # Petroczy & Csato (2023), arXiv:2312.16878, abstract: 13.2% of coalitions win under the current rules
    assert round(Fraction(report.winning_coalitions, 2**27), 3) == Fraction(132, 1000)


def test_the_eu_council_agrees_with_a_monte_carlo_estimate() -> None:
    assert_inside_monte_carlo_intervals(eu27_lisbon(), samples=3000, seed=11)


def test_a_member_count_and_a_weight_criterion_stay_exact_for_150_members() -> None:
    game = random_double_majority(150, 20, seed=5, counted=True)

    report = analyze(game)

    assert report.exact and report.smallest_winning >= 83
    assert sum(m.shapley_shubik for m in report.members) == 1
    assert sum(m.banzhaf for m in report.members) == 1


def test_the_time_estimate_grows_with_the_table_and_trips_the_limit() -> None:
    small, large = random_double_majority(30, 20, 1, counted=True), random_double_majority(400, 100, 1, counted=True)

    assert estimated_exact_seconds(small) < estimated_exact_seconds(large)
    with pytest.raises(ExactTooSlow, match="would take about"):
        analyze(large, exact_limit_seconds=estimated_exact_seconds(large) / 10)


def test_two_weighted_criteria_beyond_enumeration_are_exact_and_agree_with_monte_carlo() -> None:
    game = random_double_majority(26, 12, seed=3, counted=False)

    report = analyze(game)

    assert "both criteria" in report.method
    assert sum(m.shapley_shubik for m in report.members) == 1
    assert report.minimal_winning_coalitions is None
    assert_inside_monte_carlo_intervals(game, samples=3000, seed=2)


def test_three_weighted_criteria_with_many_members_raise_exact_too_slow_not_a_bare_error() -> None:
    rng = random.Random(1)
    criteria = tuple(Criterion(tuple(rng.randint(1, 9) for _ in range(30)), 60) for _ in range(3))
    game = Game(tuple(f"m{i}" for i in range(30)), criteria)

    with pytest.raises(ExactTooSlow, match="Monte Carlo"):
        analyze(game, exact_limit_seconds=2.0)
    with pytest.raises(ExactTooSlow):
        analyze(game)
    assert estimated_exact_seconds(game) == float("inf")


def test_a_large_double_majority_counted_by_complements_matches_the_direct_count() -> None:
    game = random_double_majority(90, 30, seed=8, counted=True)
    integer = integer_game(game)

    direct, complements = _count_by_rows(integer), _count_by_complements(integer)

    assert complements.swings_by_size == direct.swings_by_size
    assert complements.winning_by_size == direct.winning_by_size
