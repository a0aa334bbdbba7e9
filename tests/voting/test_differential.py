"""Differential checks: Concord's winners against pref_voting and pyvoting on thousands of random weighted profiles.

Convention differences, and how each comparison avoids them:
- pref_voting counts voters in integers: exact weights are scaled by their common denominator.
- pref_voting's instant_runoff removes every candidate tied for last at once; Concord breaks the tie
  (earlier round, then lot). Compared only on counts where Concord needed no tie-break.
- pref_voting's ranked_pairs returns every winner under some order of equal-margin pairs, as Concord
  does ("parallel universes"): compared always.
- pref_voting's beat_path measures links by margin: compared with Schulze's ``variant="margin"``
  always, and with the default winning-votes variant on complete strict ballots, where the two agree.
- pref_voting's copeland scores win 1, tie 0, loss -1: an affine image of Concord's 1, 1/2, 0.
- pyvoting has no weights: a ballot of integer weight k is given to it k times. Its IRV removes every
  candidate tied for last and its STAR advances every candidate tied for a finalist place: compared
  only where Concord broke no tie. Its plurality ballots name one candidate; its approval ballots
  approve at least one.
"""

import random
from fractions import Fraction

import pytest

from tests.voting.oracles import pref_voting_profile, pref_voting_winners, pyvoting_winners
from voting.borda import borda
from voting.condorcet import copeland, ranked_pairs, schulze
from voting.irv import irv
from voting.scored import approval, plurality, score, star
from voting.types import ApprovalBallot, RankedBallot, ScoreBallot

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning")  # pyvoting indexes pandas Series by position

NAMES = ("Ada", "Ben", "Cy", "Dee", "Eve", "Fay")


def _weight(rng: random.Random, small: bool) -> Fraction:
    if small:
        return Fraction(rng.randint(1, 3))
    return Fraction(rng.randint(1, 40), rng.choice([1, 1, 2, 3, 4, 10]))


def _strict_profile(rng: random.Random, *, complete: bool, small: bool = False):
    candidates = NAMES[: rng.randint(3, 6)]
    rankings, weights = [], []
    for _ in range(rng.randint(1, 9)):
        order = rng.sample(candidates, len(candidates) if complete else rng.randint(1, len(candidates)))
        rankings.append(tuple((name,) for name in order))
        weights.append(_weight(rng, small))
    return candidates, rankings, weights


def _weak_profile(rng: random.Random):
    candidates = NAMES[: rng.randint(3, 6)]
    rankings, weights = [], []
    for _ in range(rng.randint(1, 9)):
        chosen = rng.sample(candidates, rng.randint(1, len(candidates)))
        groups, start = [], 0
        while start < len(chosen):
            size = rng.choice([1, 1, 2])
            groups.append(tuple(chosen[start:start + size]))
            start += size
        rankings.append(tuple(groups))
        weights.append(_weight(rng, False))
    return candidates, rankings, weights


def _ballots(rankings, weights):
    return [RankedBallot(ranking, weight) for ranking, weight in zip(rankings, weights)]


def test_complete_strict_profiles_agree_with_pref_voting() -> None:
    rng = random.Random(20260301)
    methods = {"plurality": plurality, "borda": borda, "copeland": copeland, "schulze": schulze,
               "ranked_pairs": ranked_pairs}
    compared_irv = 0
    for _ in range(500):
        candidates, rankings, weights = _strict_profile(rng, complete=True, small=rng.random() < 0.5)
        oracle, ballots = pref_voting_profile(rankings, weights, candidates), _ballots(rankings, weights)
        for name, method in methods.items():
            assert method(ballots, candidates=candidates).winners == pref_voting_winners(name, oracle, candidates), name
        assert schulze(ballots, candidates=candidates, variant="margin").winners == pref_voting_winners(
            "schulze", oracle, candidates)
        result = irv(ballots, candidates=candidates)
        if not result.tie_breaks:
            compared_irv += 1
            assert result.winners == pref_voting_winners("irv", oracle, candidates)
    assert compared_irv > 300


def test_weak_and_truncated_profiles_agree_with_pref_voting_on_condorcet_methods() -> None:
    rng = random.Random(7)
    for _ in range(400):
        candidates, rankings, weights = _weak_profile(rng)
        oracle, ballots = pref_voting_profile(rankings, weights, candidates), _ballots(rankings, weights)

        assert schulze(ballots, candidates=candidates, variant="margin").winners == pref_voting_winners(
            "schulze", oracle, candidates)
        assert copeland(ballots, candidates=candidates).winners == pref_voting_winners("copeland", oracle, candidates)
        assert ranked_pairs(ballots, candidates=candidates).winners == pref_voting_winners(
            "ranked_pairs", oracle, candidates)


def _copies(items, weights):
    return [item for item, weight in zip(items, weights) for _ in range(int(weight))]


def test_plurality_approval_and_score_agree_with_pyvoting() -> None:
    rng = random.Random(11)
    for _ in range(25):
        candidates = list(NAMES[: rng.randint(2, 5)])
        weights = [Fraction(rng.randint(1, 3)) for _ in range(rng.randint(1, 6))]
        firsts = [rng.choice(candidates) for _ in weights]
        approvals = [rng.sample(candidates, rng.randint(1, len(candidates))) for _ in weights]
        sheets = [{name: rng.randint(0, 5) for name in rng.sample(candidates, rng.randint(1, len(candidates)))}
                  for _ in weights]

        ours = plurality([RankedBallot.of(f, weight=w) for f, w in zip(firsts, weights)], candidates=candidates)
        assert ours.winners == pyvoting_winners("PluralityVoting", _copies(firsts, weights), candidates)
        ours = approval([ApprovalBallot(frozenset(a), w) for a, w in zip(approvals, weights)], candidates=candidates)
        assert ours.winners == pyvoting_winners("ApprovalVoting", _copies(approvals, weights), candidates)
        ours = score([ScoreBallot.of(s, weight=w) for s, w in zip(sheets, weights)], candidates=candidates)
        assert ours.winners == pyvoting_winners("ScoreVoting", _copies(sheets, weights), candidates)


def test_star_and_irv_agree_with_pyvoting_where_no_tie_was_broken() -> None:
    rng = random.Random(13)
    compared = {"star": 0, "irv": 0}
    for _ in range(40):
        candidates = list(NAMES[: rng.randint(2, 5)])
        weights = [Fraction(rng.randint(1, 3)) for _ in range(rng.randint(1, 7))]
        sheets = [{name: rng.randint(0, 5) for name in candidates} for _ in weights]
        orders = [rng.sample(candidates, rng.randint(1, len(candidates))) for _ in weights]

        ours = star([ScoreBallot.of(s, weight=w) for s, w in zip(sheets, weights)], candidates=candidates)
        if not ours.tie_breaks:
            compared["star"] += 1
            assert ours.winners == pyvoting_winners("STARVoting", _copies(sheets, weights), candidates)
        ours = irv([RankedBallot.of(*o, weight=w) for o, w in zip(orders, weights)], candidates=candidates)
        if not ours.tie_breaks:
            compared["irv"] += 1
            assert ours.winners == pyvoting_winners("RankedChoiceVoting", _copies(orders, weights), candidates)
    assert min(compared.values()) > 15
