"""The search: planted exact solutions are found, constraints hold in every candidate, a seed fixes the result."""

import random
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voting.design import Constraints, Problem, baseline, design, optimal_quota, target_shares
from voting.power import Criterion, Game, analyze, banzhaf, weighted_game


def planted_game(seed):
    """A random weighted game whose Banzhaf indices are all positive: the targets an exact rule meets."""
    rng = random.Random(seed)
    while True:
        weights = [rng.randint(1, 8) for _ in range(rng.randint(3, 6))]
        total = sum(weights)
        quota = rng.randint(total // 2 + 1, total)
        indices = banzhaf(weighted_game(weights, quota))
        if indices is not None and 0 not in indices:
            return weights, quota, indices


@pytest.mark.parametrize("seed", range(16))
def test_the_search_finds_a_planted_exact_solution(seed):
    weights, quota, indices = planted_game(seed)
    problem = Problem.of([f"m{i}" for i in range(len(weights))], indices, max_weight=8)

    best = design(problem, evaluations=400, seed=seed).candidates[0]

    assert best.max_deviation == 0
    assert best.achieved == tuple(indices)


def test_the_same_seed_gives_the_same_candidates():
    problem = Problem.of("ABCDEFG", target_shares([90, 40, 33, 20, 12, 5, 1], "sqrt"), max_weight=30)

    first = design(problem, seed=7, evaluations=120)
    second = design(problem, seed=7, evaluations=120)

    assert [c.to_dict() for c in first.candidates] == [c.to_dict() for c in second.candidates]


def test_candidates_are_best_first_and_confirmed_by_the_engine():
    problem = Problem.of("ABCDEF", target_shares([50, 30, 30, 10, 5, 2], "proportional"), max_weight=20)

    candidates = design(problem, evaluations=150).candidates

    keys = [(c.max_deviation, c.sum_of_squares) for c in candidates]
    assert keys == sorted(keys)
    for c in candidates:
        report = analyze(Game(c.names, (Criterion(c.weights, c.quota),)))
        assert c.achieved == tuple(m.banzhaf for m in report.members)
        assert c.max_deviation == max(abs(a - t) for a, t in zip(c.achieved, problem.targets))


def test_the_search_beats_the_naive_rule_on_a_skewed_coalition():
    sizes = [400, 120, 80, 60, 30, 20, 10, 5]
    targets = target_shares(sizes, "proportional")
    problem = Problem.of("ABCDEFGH", targets, max_weight=50)

    best = design(problem, evaluations=300).candidates[0]

    assert best.max_deviation < baseline("ABCDEFGH", targets).max_deviation


def test_the_optimal_quota_of_sqrt_weights_is_no_worse_than_half():
    targets = target_shares([81, 49, 25, 9, 4, 1], "sqrt")

    best = optimal_quota("ABCDEF", [9, 7, 5, 3, 2, 1], targets, constraints=Constraints(min_quota=Fraction(0)))

    half = optimal_quota("ABCDEF", [9, 7, 5, 3, 2, 1], targets, constraints=Constraints(min_quota=Fraction(1, 2)))
    assert best.sum_of_squares <= half.sum_of_squares


@settings(max_examples=15, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 10_000), min_size=2, max_size=8),
    target=st.sampled_from(["sqrt", "proportional", "equal"]),
    index=st.sampled_from(["banzhaf", "shapley_shubik"]),
    no_veto=st.booleans(),
    no_dummy=st.booleans(),
    min_blocking=st.none() | st.integers(1, 3),
    cap=st.none() | st.sampled_from([Fraction(1, 2), Fraction(2, 3)]),
    double=st.booleans(),
    min_quota=st.sampled_from([Fraction(1, 2), Fraction(2, 3)]),
)
def test_every_candidate_meets_the_constraints(sizes, target, index, no_veto, no_dummy, min_blocking, cap, double,
                                               min_quota):
    constraints = Constraints(no_veto=no_veto, no_dummy=no_dummy, max_share=cap, min_blocking=min_blocking,
                              min_quota=min_quota)
    problem = Problem.of([f"m{i}" for i in range(len(sizes))], target_shares(sizes, target), index=index,
                         max_weight=12, double_majority=double, constraints=constraints)

    candidates = design(problem, evaluations=40).candidates

    for c in candidates:
        criteria = [Criterion(c.weights, c.quota)] + ([Criterion((1,) * len(sizes), c.members_quota)] if double else [])
        report = analyze(Game(c.names, tuple(criteria)))
        assert all(1 <= w <= 12 for w in c.weights)
        assert c.quota > min_quota * sum(c.weights)
        assert not (no_veto and report.veto)
        assert not (no_dummy and report.dummies)
        assert cap is None or max(getattr(m, index) for m in report.members) <= cap
        assert min_blocking is None or report.smallest_blocking >= min_blocking
        assert (c.members_quota is None) == (not double)
