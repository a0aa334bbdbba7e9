"""Yes/no/abstain majority rules: the rule as data (``rule``) and the decision it gives, explained (``decision``)."""

from voting.majority.decision import Choice, Count, Criterion, MajorityResult, VoteError, decide, passes
from voting.majority.rule import Base, Counting, MajorityRule, RuleError, Threshold

__all__ = [
    "Base",
    "Choice",
    "Count",
    "Counting",
    "Criterion",
    "MajorityResult",
    "MajorityRule",
    "RuleError",
    "Threshold",
    "VoteError",
    "decide",
    "passes",
]
