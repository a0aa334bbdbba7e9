"""The public names of the voting package, pinned: adding or removing one is a deliberate change."""

import importlib

import pytest

import voting
import voting.power

PUBLIC = [
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
RE_EXPORTED_MODULES = ["types", "exact", "ties", "registry", "majority", "majority.decision"]
POWER_PUBLIC = [
    "ApproximateReport",
    "Concentration",
    "Criterion",
    "Estimate",
    "ExactTooBig",
    "ExactTooSlow",
    "Game",
    "JagiellonianQuota",
    "MemberPower",
    "PowerError",
    "PowerReport",
    "SquareRootWeights",
    "analyze",
    "banzhaf",
    "concentration",
    "estimated_exact_seconds",
    "gini",
    "herfindahl",
    "is_winning",
    "jagiellonian_quota",
    "largest_shares",
    "monte_carlo",
    "penrose_weights",
    "pivotal_members",
    "quota_from_share",
    "swing_counts",
    "weighted_game",
]


def test_voting_all_is_pinned():
    assert voting.__all__ == PUBLIC


def test_every_public_name_is_importable_from_voting():
    missing = [name for name in PUBLIC if not hasattr(voting, name)]

    assert missing == []


@pytest.mark.parametrize("module", RE_EXPORTED_MODULES)
def test_the_package_re_exports_every_public_name_of_its_core_modules(module):
    names = importlib.import_module(f"voting.{module}").__all__

    assert sorted(set(names) - set(PUBLIC)) == []


def test_the_power_package_public_face_is_pinned():
    assert voting.power.__all__ == POWER_PUBLIC


def test_every_name_of_the_power_package_public_face_is_importable():
    missing = [name for name in POWER_PUBLIC if not hasattr(voting.power, name)]

    assert missing == []
