"""How close a rule comes to the target shares, at every quota at once, and the best quota under constraints.

Distances (Słomczyński & Życzkowski 2006 minimise the second): the largest absolute deviation
max_i |achieved_i - target_i| and the sum of squares sum_i (achieved_i - target_i)^2, both exact. With
integer numerators over the common denominator D of the targets, a member of score s in a game of total
score S deviates by |s D - T_i S| / (S D); members of equal weight share s, so per quota only each weight
group's smallest and largest target and its sums of T_i and T_i^2 are read.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import repeat
from math import lcm
from operator import add, mul, sub

from voting.design.constraints import Constraints, members_quota_range, quota_range
from voting.design.table import score_columns

__all__ = ["MEASURES", "Fit", "best_fit", "quota_fits"]

MEASURES = ("max", "squares")


@dataclass(frozen=True)
class Fit:
    """One rule's achieved index (``scores[i] / total``) and its two distances to the targets."""

    quota: int
    members_quota: int | None
    scores: tuple[int, ...]
    total: int
    max_deviation: Fraction
    sum_of_squares: Fraction

    @property
    def achieved(self) -> tuple[Fraction, ...]:
        """Each member's exact index under this rule."""
        return tuple(Fraction(score, self.total) for score in self.scores)

    def key(self, measure: str) -> tuple[Fraction, Fraction]:
        """Sort key: the chosen distance first, the other to break ties."""
        pair = (self.max_deviation, self.sum_of_squares)
        return pair if measure == "max" else pair[::-1]


@dataclass(frozen=True)
class _Group:
    weight: int
    size: int
    low: int
    high: int
    total: int
    squares: int


def _groups(weights: Sequence[int], numerators: Sequence[int]) -> list[_Group]:
    groups = []
    for weight in sorted(set(weights)):
        mine = [t for w, t in zip(weights, numerators) if w == weight]
        groups.append(_Group(weight, len(mine), min(mine), max(mine), sum(mine), sum(t * t for t in mine)))
    return groups


def _numerators(targets: Sequence[Fraction]) -> tuple[int, list[int]]:
    denominator = lcm(*(t.denominator for t in targets))
    return denominator, [int(t * denominator) for t in targets]


def _rows(weights: Sequence[int], targets: Sequence[Fraction], index: str, constraints: Constraints,
          double_majority: bool, window: range | None = None):
    """Every allowed (quota, members quota) with its total, largest-deviation and squares numerators."""
    quotas = quota_range(weights, constraints)
    if window is not None:
        quotas = range(max(quotas.start, window.start), min(quotas.stop, window.stop))
    if not quotas:
        return
    members = list(members_quota_range(len(weights), constraints)) if double_majority else None
    columns = score_columns(weights, index, quotas, members)
    denominator, numerators = _numerators(targets)
    groups = _groups(weights, numerators)
    cap = constraints.max_share
    for m, by_weight in columns.items():
        lists = [by_weight[g.weight] for g in groups]
        totals, largest, squares = _measures(groups, lists, denominator)
        least = [min(row) for row in zip(*lists)] if constraints.no_dummy else None
        most = [max(row) for row in zip(*lists)] if cap is not None else None
        for position, quota in enumerate(quotas):
            total = totals[position]
            if total == 0 or (least is not None and least[position] == 0):
                continue
            if most is not None and most[position] * cap.denominator > cap.numerator * total:
                continue
            yield quota, m, [column[position] for column in lists], total, largest[position], squares[position]


def _measures(groups: list[_Group], lists: list[list[int]], denominator: int) -> tuple[list[int], ...]:
    """Per quota, with every member's score s over the total S: S, max_i |s D - T_i S| and
    sum_i (s D - T_i S)^2, a column at a time (members of a group share s: only its extreme targets and
    the sums of T_i and T_i^2 matter)."""
    count = len(lists[0])
    totals = [0] * count
    for g, column in zip(groups, lists):
        totals = list(map(add, totals, map(mul, column, repeat(g.size))))
    largest, squares = [0] * count, [0] * count
    for g, column in zip(groups, lists):
        scaled = [s * denominator for s in column]
        below = map(sub, scaled, map(mul, totals, repeat(g.low)))
        above = map(sub, map(mul, totals, repeat(g.high)), scaled)
        largest = list(map(max, largest, below, above))
        cross = map(sub, map(mul, scaled, repeat(g.size)), map(mul, totals, repeat(2 * g.total)))
        squares = list(map(add, squares, map(mul, scaled, cross)))
    spread = sum(g.squares for g in groups)
    squares = list(map(add, squares, map(mul, map(mul, totals, totals), repeat(spread))))
    return totals, largest, squares


def _fit(weights: Sequence[int], groups_scores: list[int], quota: int, m: int | None, total: int,
         largest: int, squares: int, denominator: int) -> Fit:
    by_weight = dict(zip(sorted(set(weights)), groups_scores))
    scale = total * denominator
    return Fit(quota, m, tuple(by_weight[w] for w in weights), total,
               Fraction(largest, scale), Fraction(squares, scale * scale))


def quota_fits(weights: Sequence[int], targets: Sequence[Fraction], *, index: str = "banzhaf",
               constraints: Constraints = Constraints(), double_majority: bool = False) -> list[Fit]:
    """Every allowed rule for these weights (each quota, and members quota if ``double_majority``), with
    its exact distances to ``targets``; quotas where nobody swings are left out.

    >>> [(f.quota, str(f.max_deviation)) for f in quota_fits([2, 1, 1], [Fraction(1, 2), Fraction(1, 4), Fraction(1, 4)])]
    [(3, '1/10'), (4, '1/6')]
    """
    denominator = lcm(*(t.denominator for t in targets))
    return [_fit(weights, scores, quota, m, total, largest, squares, denominator)
            for quota, m, scores, total, largest, squares
            in _rows(weights, targets, index, constraints, double_majority)]


def best_fit(weights: Sequence[int], targets: Sequence[Fraction], *, index: str = "banzhaf",
             constraints: Constraints = Constraints(), double_majority: bool = False,
             measure: str = "max", window: range | None = None) -> Fit | None:
    """The optimal quota (and members quota) for these weights: the least distance by ``measure``, then
    the other distance, then the lowest quota; None when the constraints leave no rule. ``window``
    narrows the quotas tried (the search's shortcut); without it every allowed quota is tried.

    >>> best_fit([3, 1, 1, 1], [Fraction(1, 2)] + [Fraction(1, 6)] * 3).quota
    5
    """
    best = None
    for row in _rows(weights, targets, index, constraints, double_majority, window):
        if best is None or _better(row, best, measure):
            best = row
    if best is None:
        return None
    quota, m, scores, total, largest, squares = best
    return _fit(weights, scores, quota, m, total, largest, squares, lcm(*(t.denominator for t in targets)))


def _better(row: tuple, best: tuple, measure: str) -> bool:
    """Compare largest / total and squares / total^2 by cross-multiplying (the common D cancels)."""
    *_, total, largest, squares = row
    *_, best_total, best_largest, best_squares = best
    first = (largest * best_total, best_largest * total)
    second = (squares * best_total * best_total, best_squares * total * total)
    primary, secondary = (first, second) if measure == "max" else (second, first)
    if primary[0] != primary[1]:
        return primary[0] < primary[1]
    return secondary[0] < secondary[1]
