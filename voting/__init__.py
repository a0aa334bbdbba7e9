"""Exact, standard-library-only voting: ballot types, decision rules, tie-breaking and the method registry."""

from voting.exact import ExactNumberError, format_exact, parse_exact, truncate
from voting.majority import (
    Base,
    Choice,
    Count,
    Counting,
    Criterion,
    MajorityResult,
    MajorityRule,
    RuleError,
    Threshold,
    VoteError,
    decide,
    passes,
)
from voting.registry import METHODS, MethodNotFound, get_method
from voting.ties import break_tie, lot_order, profile_seed
from voting.types import ApprovalBallot, Ballot, RankedBallot, Result, Round, ScoreBallot, TieBreakRecord

__all__ = [
    "METHODS",
    "ApprovalBallot",
    "Ballot",
    "Base",
    "Choice",
    "Count",
    "Counting",
    "Criterion",
    "ExactNumberError",
    "MajorityResult",
    "MajorityRule",
    "MethodNotFound",
    "RankedBallot",
    "Result",
    "Round",
    "RuleError",
    "ScoreBallot",
    "Threshold",
    "TieBreakRecord",
    "VoteError",
    "break_tie",
    "decide",
    "format_exact",
    "get_method",
    "lot_order",
    "parse_exact",
    "passes",
    "profile_seed",
    "truncate",
]
