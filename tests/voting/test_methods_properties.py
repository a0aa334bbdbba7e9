"""Properties every method must keep: anonymity, neutrality, weight scaling, weights as copies, Condorcet consistency."""

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from voting.borda import borda
from voting.condorcet import condorcet_winner, copeland, ranked_pairs, schulze
from voting.irv import irv
from voting.scored import approval, plurality, score, star
from voting.types import ApprovalBallot, RankedBallot, ScoreBallot

NAMES = ("A", "B", "C", "D")
RENAME = {"A": "Wren", "B": "Ash", "C": "Oak", "D": "Elm"}
RANKED = {"plurality": plurality, "borda": borda, "copeland": copeland, "schulze": schulze,
          "ranked_pairs": ranked_pairs, "irv": irv}
SCORED = {"score": score, "star": star}
FEW = settings(max_examples=40, deadline=None)

weights = st.fractions(min_value=0, max_value=20, max_denominator=6)


@st.composite
def ranked_profiles(draw: st.DrawFn) -> list[RankedBallot]:
    ballots = []
    for _ in range(draw(st.integers(1, 7))):
        order = draw(st.permutations(NAMES))[: draw(st.integers(1, len(NAMES)))]
        cut = draw(st.integers(0, len(order)))
        groups = tuple((name,) for name in order[:cut]) + ((tuple(order[cut:]),) if order[cut:] else ())
        ballots.append(RankedBallot(groups, draw(weights)))
    return ballots


@st.composite
def score_profiles(draw: st.DrawFn) -> list[ScoreBallot]:
    sheets = st.dictionaries(st.sampled_from(NAMES), st.integers(0, 5))
    return [ScoreBallot.of(draw(sheets), weight=draw(weights)) for _ in range(draw(st.integers(1, 7)))]


def _renamed_ranked(ballot: RankedBallot) -> RankedBallot:
    return RankedBallot(tuple(tuple(RENAME[n] for n in group) for group in ballot.ranking), ballot.weight)


def _ties_broken(result) -> bool:
    return bool(result.tie_breaks)


@FEW
@given(ranked_profiles(), st.randoms(use_true_random=False))
def test_ranked_methods_are_anonymous(ballots: list[RankedBallot], rng) -> None:
    shuffled = ballots[:]
    rng.shuffle(shuffled)
    for name, method in RANKED.items():
        assert method(shuffled, candidates=NAMES) == method(ballots, candidates=NAMES), name


@FEW
@given(ranked_profiles())
def test_ranked_methods_are_neutral_under_renaming(ballots: list[RankedBallot]) -> None:
    renamed = [_renamed_ranked(b) for b in ballots]
    for name, method in RANKED.items():
        original = method(ballots, candidates=NAMES)
        if _ties_broken(original):
            continue  # a lot drawn by name hashes is not neutral by design
        moved = method(renamed, candidates=[RENAME[n] for n in NAMES])
        assert set(moved.winners) == {RENAME[w] for w in original.winners}, name


@FEW
@given(ranked_profiles(), st.fractions(min_value=Fraction(1, 7), max_value=9, max_denominator=7))
def test_scaling_every_weight_by_k_keeps_winners(ballots: list[RankedBallot], k: Fraction) -> None:
    scaled = [RankedBallot(b.ranking, b.weight * k) for b in ballots]
    for name, method in RANKED.items():
        assert method(scaled, candidates=NAMES).winners == method(ballots, candidates=NAMES).winners, name


@FEW
@given(ranked_profiles(), score_profiles(), st.integers(2, 4))
def test_one_ballot_of_weight_k_counts_as_k_ballots_of_weight_one(
    ranked: list[RankedBallot], scored: list[ScoreBallot], k: int
) -> None:
    heavy = [RankedBallot(b.ranking, Fraction(k)) for b in ranked]
    copies = [RankedBallot(b.ranking) for b in ranked for _ in range(k)]
    for name, method in RANKED.items():
        assert method(heavy, candidates=NAMES) == method(copies, candidates=NAMES), name
    heavy_scores = [ScoreBallot(b.scores, Fraction(k)) for b in scored]
    score_copies = [ScoreBallot(b.scores) for b in scored for _ in range(k)]
    for name, method in SCORED.items():
        assert method(heavy_scores, candidates=NAMES) == method(score_copies, candidates=NAMES), name


@FEW
@given(score_profiles())
def test_scored_methods_are_anonymous_and_approval_matches_score_of_one(ballots: list[ScoreBallot]) -> None:
    for name, method in SCORED.items():
        assert method(list(reversed(ballots)), candidates=NAMES) == method(ballots, candidates=NAMES), name
    as_approval = [ApprovalBallot(frozenset(n for n, s in b.scores if s), b.weight) for b in ballots]
    as_zero_one = [ScoreBallot(tuple((n, 1) for n, s in b.scores if s), b.weight) for b in ballots]
    assert approval(as_approval, candidates=NAMES).winners == score(as_zero_one, candidates=NAMES, max_score=1).winners


@FEW
@given(ranked_profiles())
def test_condorcet_winner_wins_schulze_ranked_pairs_and_copeland(ballots: list[RankedBallot]) -> None:
    winner = condorcet_winner(ballots, candidates=NAMES)
    if winner is None:
        return
    for method in (schulze, ranked_pairs, copeland):
        assert method(ballots, candidates=NAMES).winners == (winner,)
    assert schulze(ballots, candidates=NAMES, variant="margin").winners == (winner,)


@FEW
@given(ranked_profiles())
def test_every_count_is_exact(ballots: list[RankedBallot]) -> None:
    for name, method in RANKED.items():
        for round_ in method(ballots, candidates=NAMES).rounds:
            assert all(isinstance(v, (int, Fraction)) for v in round_.tally.values()), name
            assert isinstance(round_.exhausted, (int, Fraction)), name
