"""The designer's entry points: search a problem, the optimal quota for given weights, and the rules to compare with."""

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from voting.design.candidates import Candidate, evaluate_rule
from voting.design.constraints import Constraints
from voting.design.errors import DesignError
from voting.design.quota_search import best_fit
from voting.design.problem import Problem
from voting.design.weight_search import Progress, search
from voting.design.targets import target_shares
from voting.power import jagiellonian_quota, penrose_weights, quota_from_share

__all__ = ["Design", "baseline", "design", "jagiellonian_compromise", "optimal_quota"]


@dataclass(frozen=True)
class Design:
    """The best candidates found for ``problem`` (best first), each confirmed by the power engine."""

    problem: Problem
    candidates: tuple[Candidate, ...]
    evaluations: int
    seconds: float
    stopped_by_clock: bool
    seed: int
    trace: tuple[tuple[float, Fraction], ...]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: candidates with integer weights and quotas, exact indices and distances as strings."""
        p = self.problem
        return {
            "index": p.index,
            "measure": p.measure,
            "max_weight": p.max_weight,
            "double_majority": p.double_majority,
            "constraints": p.constraints.to_dict(),
            "members": list(p.names),
            "targets": {name: str(t) for name, t in zip(p.names, p.targets)},
            "candidates": [candidate.to_dict() for candidate in self.candidates],
            "search": {"seed": self.seed, "evaluations": self.evaluations, "seconds": round(self.seconds, 3),
                       "stopped_by_clock": self.stopped_by_clock},
        }


def design(problem: Problem, *, seed: int = 0, evaluations: int = 3000, seconds: float | None = None,
           keep: int = 5, progress: Progress | None = None) -> Design:
    """Search weights 1..max_weight and quotas for ``problem``; every returned candidate re-evaluated
    exactly by ``voting.power.analyze`` (see ``voting.design.weight_search`` for the method).

    >>> p = Problem.of("ABC", target_shares([2, 1, 1], "proportional"), max_weight=4)
    >>> best = design(p, evaluations=50).candidates[0]
    >>> best.weights, best.quota, str(best.max_deviation)
    ((2, 1, 1), 3, '1/10')
    """
    found = search(problem, seed=seed, evaluations=evaluations, seconds=seconds, keep=keep, progress=progress)
    candidates = tuple(
        evaluate_rule(problem.names, weights, fit.quota, fit.members_quota, problem.targets, problem.index)
        for weights, fit in found.rules
    )
    return Design(problem, candidates, found.evaluations, found.seconds, found.stopped_by_clock, seed, found.trace)


def optimal_quota(names: Sequence[str], weights: Sequence[int], targets: Sequence[Fraction], *,
                  index: str = "banzhaf", constraints: Constraints = Constraints(),
                  double_majority: bool = False, measure: str = "squares") -> Candidate:
    """The quota (and members quota) that brings these integer weights' index closest to ``targets``,
    over every allowed quota; by default by the sum of squares, as Słomczyński & Życzkowski (2006) do.

    >>> str(optimal_quota("ABCD", [3, 1, 1, 1], [Fraction(1, 2)] + [Fraction(1, 6)] * 3).quota_share)
    '5/6'
    """
    if any(isinstance(w, bool) or not isinstance(w, int) or w < 1 for w in weights):
        raise DesignError("the optimal quota needs whole-number weights of 1 or more")
    Problem.of(names, targets, index=index, measure=measure)
    fit = best_fit(tuple(weights), tuple(targets), index=index, constraints=constraints,
                   double_majority=double_majority, measure=measure)
    if fit is None:
        raise DesignError("no quota meets the constraints for these weights")
    return evaluate_rule(names, weights, fit.quota, fit.members_quota, targets, index)


def baseline(names: Sequence[str], targets: Sequence[Fraction], *, index: str = "banzhaf") -> Candidate:
    """What a coalition would otherwise do: weights = target shares in whole percent, quota more than half.

    >>> baseline("AB", [Fraction(3, 4), Fraction(1, 4)]).weights
    (75, 25)
    """
    weights = tuple(round(t * 100) for t in targets)
    quota = quota_from_share(weights, Fraction(1, 2), strict=True)
    return evaluate_rule(names, weights, quota, None, targets, index)


def jagiellonian_compromise(names: Sequence[str], sizes: Sequence[object], *, index: str = "banzhaf",
                            places: int = 3) -> Candidate:
    """Słomczyński & Życzkowski's rule: square-root weights (``places`` decimals) and their quota
    q = (1 + sqrt(sum w^2) / sum w) / 2, measured against the square-root target.

    >>> c = jagiellonian_compromise("ABCD", [9, 4, 4, 1])
    >>> [str(w) for w in c.weights], [str(a) for a in c.achieved], str(c.max_deviation)
    (['3', '2', '2', '1'], ['1/3', '1/3', '1/3', '0'], '1/8')
    """
    weights = penrose_weights(sizes, places=places).weights
    quota = jagiellonian_quota(weights).quota
    return evaluate_rule(names, weights, quota, None, target_shares(sizes, "sqrt"), index)
