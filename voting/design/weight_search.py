"""The search: weights adjusted by the ratio of target to achieved power, then local integer moves.

Each step evaluates a weight vector exactly at every quota in a window around the best quota share
found so far (``voting.design.quota_search``; the final candidates get every allowed quota). Phase one (the
iteration Penrose's limit theorem motivates: for many members the normalized Banzhaf index is nearly
proportional to the weights) multiplies each weight by target / achieved, rescales to a largest weight
and rounds; it runs from every largest weight between ``max_weight`` and half of it, since where the
rounding falls matters most for the small members. Phase two moves one weight up or down, or one unit
from an over- to an under-represented member, the most misrepresented first, keeping every
improvement; then it perturbs the best rule at random (seeded) and descends again until the budget is
spent. The same seed and budget give the same candidates; a wall-clock limit, if given, may stop the
search earlier (for servers), and the result then says so.
"""

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from math import gcd

from voting.design.quota_search import Fit, best_fit
from voting.design.problem import Problem

__all__ = ["Progress", "SearchResult", "search"]

Progress = Callable[[int, int], None]
RATIO_STEPS = 8
PRECISION = 10_000
STALE_ROUNDS = 30
PAIRED = 4
Weights = tuple[int, ...]


@dataclass(frozen=True)
class SearchResult:
    """The best rules found (weights and their fit at the optimal quota), best first, and how the search ended;
    ``trace``: (seconds, largest deviation) each time the best improved."""

    rules: tuple[tuple[Weights, Fit], ...]
    evaluations: int
    seconds: float
    stopped_by_clock: bool
    trace: tuple[tuple[float, Fraction], ...]


class _Evaluator:
    """Evaluates weight vectors once each, counting them, within the budget and the clock."""

    def __init__(self, problem: Problem, budget: int, seconds: float | None, progress: Progress | None) -> None:
        self.problem, self.budget, self.progress = problem, budget, progress
        self.started = time.monotonic()
        self.deadline = None if seconds is None else self.started + seconds
        self.fits: dict[Weights, Fit | None] = {}
        self.best: Weights | None = None
        self.trace: list[tuple[float, Fraction]] = []
        self.clock_stopped = False

    def exhausted(self) -> bool:
        if self.deadline is not None and time.monotonic() > self.deadline:
            self.clock_stopped = True
        return self.clock_stopped or len(self.fits) >= self.budget

    def key(self, weights: Weights) -> tuple[Fraction, Fraction] | None:
        fit = self.fits.get(weights)
        return None if fit is None else fit.key(self.problem.measure)

    def fit(self, weights: Weights, window: range | None) -> Fit | None:
        p = self.problem
        return best_fit(weights, p.targets, index=p.index, constraints=p.constraints,
                        double_majority=p.double_majority, measure=p.measure, window=window)

    def _window(self, weights: Weights) -> range | None:
        """Quotas within 3% of the total weight (at least 3) of the best rule's quota share."""
        if self.best is None:
            return None
        best = self.fits[self.best]
        total, best_total = sum(weights), sum(self.best)
        centre = best.quota * total // best_total
        spread = max(3, total * 3 // 100)
        return range(centre - spread, centre + spread + 1)

    def __call__(self, weights: Weights) -> Fit | None:
        if weights in self.fits:
            return self.fits[weights]
        window = self._window(weights)
        fit = self.fit(weights, window)
        if fit is None and window is not None:
            fit = self.fit(weights, None)
        self.fits[weights] = fit
        if fit is not None and self.better(weights, self.best):
            self.best = weights
            self.trace.append((time.monotonic() - self.started, fit.max_deviation))
        if self.progress is not None:
            self.progress(len(self.fits), self.budget)
        return fit

    def better(self, weights: Weights, than: Weights | None) -> bool:
        mine, theirs = self.key(weights), None if than is None else self.key(than)
        return mine is not None and (theirs is None or mine < theirs)


def _rounded(values: list[Fraction], largest: int) -> Weights:
    return tuple(min(largest, max(1, round(value))) for value in values)


def _ratio_iteration(evaluate: _Evaluator, scale: int) -> None:
    """Weights times target / achieved (doubled for a dummy), rescaled so the largest is ``scale``; halfway
    to their mean when no quota meets the constraints (a member too heavy not to have a veto, say)."""
    targets = evaluate.problem.targets
    top = max(targets)
    values = [Fraction(scale) * t / top for t in targets]
    seen = set()
    for _ in range(RATIO_STEPS):
        weights = _rounded(values, evaluate.problem.max_weight)
        if weights in seen or evaluate.exhausted():
            return
        seen.add(weights)
        fit = evaluate(weights)
        if fit is None:
            middle = sum(values) / len(values)
            values = [(v + middle) / 2 for v in values]
        else:
            values = [v * (t / a if a else 2) for v, t, a in zip(values, targets, fit.achieved)]
        peak = max(values)
        values = [Fraction(round(v * scale * PRECISION / peak), PRECISION) for v in values]


def _gaps(evaluate: _Evaluator, weights: Weights) -> list[Fraction]:
    return [a - t for a, t in zip(evaluate.fits[weights].achieved, evaluate.problem.targets)]


def _moves(evaluate: _Evaluator, weights: Weights, rng: random.Random) -> list[tuple[tuple[int, int], ...]]:
    """Single steps, the largest deviations first and the correcting direction first, then transfers of
    one unit from each of the most over-represented to each of the most under-represented members."""
    gaps = _gaps(evaluate, weights)
    members = list(range(len(weights)))
    rng.shuffle(members)
    members.sort(key=lambda i: -abs(gaps[i]))
    moves = [((i, step),) for i in members for step in ((-1, 1) if gaps[i] > 0 else (1, -1))]
    over = sorted(members, key=lambda i: -gaps[i])[:PAIRED]
    under = sorted(members, key=lambda i: gaps[i])[:PAIRED]
    moves += [((i, -1), (j, 1)) for i in over for j in under if i != j]
    return moves


def _moved(weights: Weights, move: tuple[tuple[int, int], ...], largest: int) -> Weights | None:
    changed = list(weights)
    for i, step in move:
        changed[i] += step
        if not 1 <= changed[i] <= largest:
            return None
    return tuple(changed)


def _descend(evaluate: _Evaluator, weights: Weights, rng: random.Random) -> Weights:
    """First-improvement local search, until no move improves."""
    improved = True
    while improved and not evaluate.exhausted():
        improved = False
        for move in _moves(evaluate, weights, rng):
            neighbour = _moved(weights, move, evaluate.problem.max_weight)
            if neighbour is None:
                continue
            if evaluate.exhausted():
                break
            evaluate(neighbour)
            if evaluate.better(neighbour, weights):
                weights, improved = neighbour, True
                break
    return weights


def _perturbed(weights: Weights, largest: int, rng: random.Random) -> Weights:
    changed = list(weights)
    for i in rng.sample(range(len(weights)), min(len(weights), rng.randint(2, 4))):
        changed[i] = min(largest, max(1, changed[i] + rng.choice((-2, -1, 1, 2))))
    return tuple(changed)


def _explore(evaluate: _Evaluator, rng: random.Random) -> None:
    """Descend from the best rule; perturb it and descend again, until the budget or nothing new is left."""
    current, stale = evaluate.best, 0
    while current is not None and not evaluate.exhausted() and stale < STALE_ROUNDS:
        before = len(evaluate.fits)
        _descend(evaluate, current, rng)
        for _ in range(20):
            current = _perturbed(evaluate.best, evaluate.problem.max_weight, rng)
            if current not in evaluate.fits:
                break
        if evaluate.exhausted():
            break
        if evaluate(current) is None:
            current = evaluate.best
        stale = stale + 1 if len(evaluate.fits) == before else 0


def search(problem: Problem, *, seed: int = 0, evaluations: int = 3000, seconds: float | None = None,
           keep: int = 5, progress: Progress | None = None) -> SearchResult:
    """The ``keep`` best rules found within ``evaluations`` weight vectors (and ``seconds``, if given),
    each at its optimal quota over every allowed quota.

    >>> from voting.design.targets import target_shares
    >>> p = Problem.of("ABC", target_shares([2, 1, 1], "proportional"), max_weight=4)
    >>> weights, fit = search(p, evaluations=50).rules[0]
    >>> weights, fit.quota, str(fit.max_deviation)
    ((2, 1, 1), 3, '1/10')
    """
    rng = random.Random(seed)
    evaluate = _Evaluator(problem, evaluations, seconds, progress)
    largest = problem.max_weight
    for scale in range(largest, (largest - 1) // 2, -1):
        if len(evaluate.fits) * 5 >= evaluations * 2:
            break
        _ratio_iteration(evaluate, scale)
    if evaluate.best is None and not evaluate.exhausted():
        evaluate((max(1, largest // 2),) * len(problem.targets))
    _explore(evaluate, rng)
    return SearchResult(_distinct_best(evaluate, keep), len(evaluate.fits), time.monotonic() - evaluate.started,
                        evaluate.clock_stopped, tuple(evaluate.trace))


def _reduced(weights: Weights) -> Weights:
    """The weights divided by their greatest common divisor: the same games (quota q becomes ceil(q / g)).

    >>> _reduced((50, 50, 100))
    (1, 1, 2)
    """
    divisor = gcd(*weights)
    return tuple(w // divisor for w in weights)


def _distinct_best(evaluate: _Evaluator, keep: int) -> tuple[tuple[Weights, Fit], ...]:
    """The best rules at their optimal quota over every allowed quota, one per distinct power distribution
    (the one with the least total weight, divided by any common factor: the same power with smaller numbers
    is easier to explain); twice ``keep`` are refitted over every quota, ``keep`` when the clock stopped the search."""
    ranked = sorted((w for w, fit in evaluate.fits.items() if fit is not None),
                    key=lambda w: (evaluate.key(w), sum(w), w))
    shortlist, seen_here = [], set()
    for weights in ranked:
        achieved = evaluate.fits[weights].achieved
        if achieved not in seen_here:
            seen_here.add(achieved)
            shortlist.append(weights)
            if len(shortlist) == (keep if evaluate.clock_stopped else 2 * keep):
                break
    final = [(w, evaluate.fit(w, None)) for w in map(_reduced, shortlist)]
    final.sort(key=lambda pair: (pair[1].key(evaluate.problem.measure), sum(pair[0]), pair[0]))
    chosen, seen = [], set()
    for weights, fit in final:
        if fit.achieved not in seen:
            seen.add(fit.achieved)
            chosen.append((weights, fit))
    return tuple(chosen[:keep])
