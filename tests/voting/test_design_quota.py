"""The optimal quota, every quota's exact indices and the constraints, against the power engine run quota by quota."""

import random
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voting.design.constraints import Constraints, smallest_blocking
from voting.bigint import pure_integers
from voting.design.quota_search import best_fit, quota_fits
from voting.design.table import score_columns
from voting.power import Criterion, Game, analyze


def engine_index(weights, quota, index, members_quota=None):
    criteria = [Criterion(tuple(weights), quota)]
    if members_quota is not None:
        criteria.append(Criterion((1,) * len(weights), members_quota))
    report = analyze(Game(tuple(f"m{i}" for i in range(len(weights))), tuple(criteria)))
    return report, [getattr(member, index) for member in report.members]


def distances(achieved, targets):
    return max(abs(a - t) for a, t in zip(achieved, targets)), sum((a - t) ** 2 for a, t in zip(achieved, targets))


def brute_force_best(weights, targets, index, quotas, members_quotas=(None,)):
    """The optimal rule by running the engine at every quota: least largest deviation, then squares, then quota."""
    best = None
    for quota in quotas:
        for m in members_quotas:
            report, achieved = engine_index(weights, quota, index, m)
            if achieved[0] is None:
                continue
            key = (*distances(achieved, targets), quota, m or 0)
            best = key if best is None or key < best else best
    return best


def random_problem(seed, n_max=7, w_max=9):
    rng = random.Random(seed)
    n = rng.randint(2, n_max)
    weights = [rng.randint(1, w_max) for _ in range(n)]
    raw = [rng.randint(1, 20) for _ in range(n)]
    return weights, [Fraction(r, sum(raw)) for r in raw]


@pytest.mark.parametrize("index", ["banzhaf", "shapley_shubik"])
@pytest.mark.parametrize("seed", range(12))
def test_every_quota_gives_the_engines_exact_indices(seed, index):
    weights, targets = random_problem(seed)

    fits = quota_fits(weights, targets, index=index, constraints=Constraints(min_quota=Fraction(0)))

    assert fits
    for fit in fits:
        _, achieved = engine_index(weights, fit.quota, index)
        assert list(fit.achieved) == achieved
        assert (fit.max_deviation, fit.sum_of_squares) == distances(achieved, targets)


@pytest.mark.parametrize("index", ["banzhaf", "shapley_shubik"])
@pytest.mark.parametrize("seed", range(8))
def test_double_majority_gives_the_engines_exact_indices(seed, index):
    weights, targets = random_problem(seed, n_max=6)

    fits = quota_fits(weights, targets, index=index, double_majority=True)

    for fit in fits:
        _, achieved = engine_index(weights, fit.quota, index, fit.members_quota)
        assert list(fit.achieved) == achieved


@pytest.mark.parametrize("index", ["banzhaf", "shapley_shubik"])
@pytest.mark.parametrize("seed", range(12))
def test_optimal_quota_is_the_brute_force_optimum(seed, index):
    weights, targets = random_problem(seed + 100)
    total = sum(weights)

    fit = best_fit(weights, targets, index=index, constraints=Constraints(min_quota=Fraction(0)))

    expected = brute_force_best(weights, targets, index, range(1, total + 1))
    assert (fit.max_deviation, fit.sum_of_squares, fit.quota) == expected[:3]


@pytest.mark.parametrize("seed", range(6))
def test_optimal_double_majority_is_the_brute_force_optimum(seed):
    weights, targets = random_problem(seed + 200, n_max=6)
    total, n = sum(weights), len(weights)

    fit = best_fit(weights, targets, double_majority=True, constraints=Constraints(min_quota=Fraction(0)))

    expected = brute_force_best(weights, targets, "banzhaf", range(1, total + 1), range(1, n + 1))
    assert (fit.max_deviation, fit.sum_of_squares, fit.quota, fit.members_quota) == expected


@settings(max_examples=25, deadline=None)
@given(
    weights=st.lists(st.integers(1, 12), min_size=2, max_size=7),
    no_veto=st.booleans(),
    no_dummy=st.booleans(),
    min_blocking=st.none() | st.integers(1, 4),
    cap=st.none() | st.fractions(Fraction(1, 5), Fraction(1)),
    double=st.booleans(),
)
def test_every_fit_meets_its_constraints(weights, no_veto, no_dummy, min_blocking, cap, double):
    constraints = Constraints(no_veto=no_veto, no_dummy=no_dummy, max_share=cap, min_blocking=min_blocking)
    targets = [Fraction(1, len(weights))] * len(weights)

    fits = quota_fits(weights, targets, constraints=constraints, double_majority=double)

    for fit in fits:
        report, achieved = engine_index(weights, fit.quota, "banzhaf", fit.members_quota)
        assert 2 * fit.quota > sum(weights)
        assert not (no_veto and report.veto)
        assert not (no_dummy and report.dummies)
        assert cap is None or max(achieved) <= cap
        assert min_blocking is None or report.smallest_blocking >= min_blocking
        assert report.smallest_blocking == smallest_blocking(weights, fit.quota, fit.members_quota)


@settings(max_examples=15, deadline=None)
@given(
    weights=st.lists(st.integers(1, 9), min_size=2, max_size=6),
    no_veto=st.booleans(),
    no_dummy=st.booleans(),
    min_blocking=st.none() | st.integers(1, 4),
    double=st.booleans(),
)
def test_no_rule_meeting_the_constraints_is_left_out(weights, no_veto, no_dummy, min_blocking, double):
    constraints = Constraints(no_veto=no_veto, no_dummy=no_dummy, min_blocking=min_blocking)
    targets = [Fraction(1, len(weights))] * len(weights)
    members_quotas = range(1, len(weights) + 1) if double else (None,)

    found = {(fit.quota, fit.members_quota) for fit in quota_fits(weights, targets, constraints=constraints,
                                                                   double_majority=double)}

    for quota in range(sum(weights) // 2 + 1, sum(weights) + 1):
        for m in members_quotas:
            report, _ = engine_index(weights, quota, "banzhaf", m)
            allowed = (not (no_veto and report.veto) and not (no_dummy and report.dummies)
                       and (min_blocking is None or report.smallest_blocking >= min_blocking))
            assert ((quota, m) in found) == allowed


@pytest.mark.parametrize("seed", range(10))
def test_the_packed_table_and_the_list_table_agree(seed):
    rng = random.Random(seed)
    weights = [rng.randint(1, 60) for _ in range(rng.randint(2, 40))]
    quotas = range(1, sum(weights) + 1)

    packed = score_columns(weights, "banzhaf", quotas)
    with pure_integers():
        lists = score_columns(weights, "banzhaf", quotas)

    assert packed == lists
