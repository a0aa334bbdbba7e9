"""The rule designer: integer weights and a quota (or a double majority) whose power comes closest to a target.

>>> from voting.design import Problem, design, target_shares
>>> best = design(Problem.of("ABC", target_shares([2, 1, 1], "proportional"), max_weight=4), evaluations=50).candidates[0]
>>> best.weights, best.quota, [str(a) for a in best.achieved]
((2, 1, 1), 3, ['3/5', '1/5', '1/5'])
"""

from voting.design.candidates import Candidate, evaluate_rule
from voting.design.constraints import Constraints
from voting.design.designer import Design, baseline, design, jagiellonian_compromise, optimal_quota
from voting.design.errors import DesignError
from voting.design.quota_search import MEASURES, Fit, best_fit, quota_fits
from voting.design.inputs import Members, members_from_json, members_from_text
from voting.design.problem import Problem
from voting.design.weight_search import SearchResult, search
from voting.design.targets import INDICES, TARGETS, target_shares

__all__ = [
    "INDICES",
    "MEASURES",
    "TARGETS",
    "Candidate",
    "Constraints",
    "Design",
    "DesignError",
    "Fit",
    "Members",
    "Problem",
    "SearchResult",
    "baseline",
    "best_fit",
    "design",
    "evaluate_rule",
    "jagiellonian_compromise",
    "members_from_json",
    "members_from_text",
    "optimal_quota",
    "quota_fits",
    "search",
    "target_shares",
]
