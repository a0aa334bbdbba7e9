"""Profiles: the bitmask profile against the named one and against pairwise counts taken from the definition."""

from collections import defaultdict
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voting.condorcet import schulze, schulze_profile
from voting.irv import irv, irv_profile
from voting.pairwise import masked_pairwise, pairwise_counts
from voting.profile import BallotError, aggregate_rankings, masked_rankings, sum_by_key
from voting.types import ApprovalBallot, RankedBallot

NAMES = ("A", "B", "C", "D", "E")
SOME = settings(max_examples=150, deadline=None)

weights = st.one_of(st.integers(0, 9), st.fractions(min_value=0, max_value=9, max_denominator=7))
groups = st.lists(st.sampled_from(NAMES), min_size=0, max_size=3).map(tuple)


@st.composite
def messy_ballots(draw: st.DrawFn) -> list[RankedBallot]:
    """Rankings with ties, empty positions, repeated names and truncation; integer and fractional weights."""
    return [RankedBallot(tuple(draw(st.lists(groups, max_size=6))), draw(weights)) for _ in range(draw(st.integers(0, 12)))]


@st.composite
def clean_ballots(draw: st.DrawFn) -> list[RankedBallot]:
    """Rankings with ties and truncation but no name twice, many of them identical."""
    pool = []
    for _ in range(draw(st.integers(1, 6))):
        order = draw(st.permutations(NAMES))[: draw(st.integers(0, len(NAMES)))]
        cuts = sorted(set(draw(st.lists(st.integers(1, max(1, len(order))), max_size=3))))
        bounds = [0, *[cut for cut in cuts if cut < len(order)], len(order)]
        pool.append(tuple(tuple(order[a:b]) for a, b in zip(bounds, bounds[1:]) if order[a:b]))
    return [RankedBallot(draw(st.sampled_from(pool)), draw(weights)) for _ in range(draw(st.integers(1, 25)))]


def _pairwise_by_definition(ballots: list[RankedBallot]) -> dict[tuple[str, str], Fraction]:
    """Weight preferring a over b, ballot by ballot: a's position earlier than b's; unranked last, all equal."""
    totals: dict[tuple[str, str], Fraction] = defaultdict(Fraction)
    for ballot in ballots:
        place = {name: position for position, group in enumerate(ballot.ranking) for name in group}
        for a in NAMES:
            for b in NAMES:
                if a != b and place.get(a, len(NAMES)) < place.get(b, len(NAMES)):
                    totals[a, b] += ballot.weight
    return totals


@SOME
@given(messy_ballots(), st.sampled_from(["error", "keep_first"]))
def test_masked_profile_names_the_same_profile_as_aggregate_rankings(ballots, repeated) -> None:
    try:
        expected = aggregate_rankings(ballots, NAMES, repeated=repeated)
    except BallotError as error:
        with pytest.raises(BallotError, match="more than once"):
            masked_rankings(ballots, NAMES, repeated=repeated)
        assert "more than once" in str(error)
        return

    assert masked_rankings(ballots, NAMES, repeated=repeated).named() == expected


@SOME
@given(clean_ballots())
def test_masked_pairwise_counts_match_the_definition(ballots) -> None:
    counts = masked_pairwise(masked_rankings(ballots, NAMES))
    expected = _pairwise_by_definition(ballots)

    for i, a in enumerate(NAMES):
        for j, b in enumerate(NAMES):
            if i != j:
                assert counts.exact(i, j) == expected[a, b]
    assert Fraction(counts.total, counts.scale) == sum((ballot.weight for ballot in ballots), Fraction(0))


@SOME
@given(clean_ballots())
def test_pairwise_counts_of_a_named_profile_match_the_masked_ones(ballots) -> None:
    named = pairwise_counts(aggregate_rankings(ballots, NAMES), NAMES)
    masked = masked_pairwise(masked_rankings(ballots, NAMES))

    assert [[named.exact(i, j) for j in range(5)] for i in range(5)] == [
        [masked.exact(i, j) for j in range(5)] for i in range(5)]


@SOME
@given(clean_ballots())
def test_counting_a_profile_equals_counting_its_ballots(ballots) -> None:
    profile = masked_rankings(ballots, NAMES, repeated="keep_first")

    assert schulze_profile(profile) == schulze(ballots, candidates=NAMES)
    assert schulze_profile(profile, variant="margin") == schulze(ballots, candidates=NAMES, variant="margin")
    assert irv_profile(profile) == irv(ballots, candidates=NAMES)


@SOME
@given(st.lists(st.tuples(st.sampled_from("abc"), st.integers(-5, 5))))
def test_sum_by_key_adds_every_weight_to_its_key(pairs) -> None:
    expected: dict[str, int] = {}
    for key, weight in pairs:
        expected[key] = expected.get(key, 0) + weight

    summed = sum_by_key([key for key, _ in pairs], [weight for _, weight in pairs])

    assert summed == expected and list(summed) == list(expected)


def test_a_tied_group_merges_with_its_reordering_and_empty_positions_vanish() -> None:
    ballots = [RankedBallot((("B", "A"), ()), Fraction(1)), RankedBallot((("A", "B"),), Fraction(2))]

    assert aggregate_rankings(ballots, ["A", "B"]) == {(("A", "B"),): Fraction(3)}
    assert masked_rankings(ballots, ["A", "B"]).rankings == {(3,): 3}


def test_weights_are_summed_exactly_over_mixed_denominators() -> None:
    ballots = [RankedBallot.of("A", weight=Fraction(1, 3)), RankedBallot.of("A", weight=Fraction(1, 6)),
               RankedBallot.of("B", weight=2)]

    profile = masked_rankings(ballots, ["A", "B"])

    assert profile.named() == {(("A",),): Fraction(1, 2), (("B",),): Fraction(2)}


@pytest.mark.parametrize(
    ("ballots", "message"),
    [
        ([RankedBallot.of("A", "Z")], "'Z', which is not a candidate"),
        ([RankedBallot.of("A", "A")], "more than once"),
        ([RankedBallot.of("A", weight=-1)], "is negative"),
        ([RankedBallot((("A",),), 0.5)], "not an exact number"),  # type: ignore[arg-type]
        ([RankedBallot((("A",),), True)], "not an exact number"),  # type: ignore[arg-type]
        ([RankedBallot.of("A"), ApprovalBallot(frozenset({"A"}))], "expected a RankedBallot"),
    ],
)
def test_bad_ballots_are_refused_alike_by_both_profiles(ballots, message) -> None:
    for read in (aggregate_rankings, masked_rankings):
        with pytest.raises(BallotError, match=message):
            read(ballots, ["A", "B"])
