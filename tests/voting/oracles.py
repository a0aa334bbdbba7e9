"""Independent implementations used as test oracles: pref_voting, and pyvoting's modules loaded by path."""

import importlib
import os
import sys
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

# pref_voting compiles numba functions on first call, which takes minutes on a loaded two-core machine;
# the oracle profiles are tiny, so plain Python is faster. Set before numba is first imported.
os.environ.setdefault("NUMBA_DISABLE_JIT", "1")

import pandas as pd  # noqa: E402
import pref_voting.iterative_methods as pv_iterative  # noqa: E402
import pref_voting.margin_based_methods as pv_margin  # noqa: E402
import pref_voting.scoring_methods as pv_scoring  # noqa: E402
import pref_voting.c1_methods as pv_c1  # noqa: E402
from pref_voting.profiles import Profile  # noqa: E402
from pref_voting.profiles_with_ties import ProfileWithTies  # noqa: E402

from voting.profile import common_denominator  # noqa: E402

__all__ = ["pref_voting_profile", "pref_voting_winners", "pyvoting_module", "pyvoting_winners"]

PREF_VOTING_METHODS = {
    "plurality": pv_scoring.plurality,
    "borda": pv_scoring.borda,
    "copeland": pv_c1.copeland,
    "schulze": pv_margin.beat_path,
    # Every winner under some order of equal-margin pairs, found via Zavist-Tideman stacks (the default
    # algorithm tries every order of tied pairs, which is exponential).
    "ranked_pairs": lambda profile: pv_margin.ranked_pairs(profile, algorithm="from_stacks"),
    "irv": pv_iterative.instant_runoff,
}


def integer_counts(weights: Sequence[Fraction]) -> list[int]:
    """Weights scaled by their common denominator: pref_voting counts voters in integers."""
    scale = common_denominator(weights)
    return [int(weight * scale) for weight in weights]


def pref_voting_profile(rankings: Sequence[tuple[tuple[str, ...], ...]], weights: Sequence[Fraction],
                        candidates: Sequence[str]) -> Profile | ProfileWithTies:
    """A pref_voting profile (candidates numbered in ``candidates`` order); weak orders get ProfileWithTies."""
    index = {name: number for number, name in enumerate(candidates)}
    counts = integer_counts(weights)
    strict = all(len(group) == 1 for ranking in rankings for group in ranking)
    if strict and all(len(ranking) == len(candidates) for ranking in rankings):
        return Profile([[index[group[0]] for group in ranking] for ranking in rankings], rcounts=counts)
    orders = [{index[name]: place for place, group in enumerate(ranking, start=1) for name in group} for ranking in rankings]
    profile = ProfileWithTies(orders, rcounts=counts, candidates=list(range(len(candidates))))
    profile.use_extended_strict_preference()
    return profile


def pref_voting_winners(method: str, profile: Profile | ProfileWithTies, candidates: Sequence[str]) -> tuple[str, ...]:
    return tuple(sorted(candidates[number] for number in PREF_VOTING_METHODS[method](profile)))


def pyvoting_module(name: str):
    """One of pyvoting 1.0.4's modules: its package ``__init__`` uses bare imports, so load from its folder."""
    folder = Path(importlib.util.find_spec("pref_voting").origin).parents[1] / "pyvoting"
    if not folder.is_dir():
        raise ModuleNotFoundError(f"pyvoting is not installed (looked in {folder}); pip install pyvoting 'pandas<3'")
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
    return importlib.import_module(name)


def pyvoting_winners(system: str, ballots: Sequence[object], candidates: Sequence[str]) -> tuple[str, ...]:
    """Rank-1 candidates of a pyvoting election; ``ballots`` already in pyvoting's own forms, one per voter."""
    election = getattr(pyvoting_module(system), system)(list(candidates))
    for ballot in ballots:
        if not election.AddBallot(pd.Series(ballot) if isinstance(ballot, dict) else ballot):
            raise ValueError(f"pyvoting refused ballot {ballot!r}")
    return tuple(sorted(name for name, rank, _ in election.RunElection() if rank == 1))
