"""Where the PyPI peers go wrong, Concord is right: zero weights, n >= 63, fractional quotas."""

import warnings
from fractions import Fraction

import powerindex
import powerindices
import pytest

from voting.power import analyze, banzhaf, weighted_game


def test_powerindex_is_wrong_with_a_zero_weight_member_and_concord_is_right() -> None:
    peer = powerindex.Game(quota=3, weights=[2, 0, 1, 1])
    peer.calc()

    ours = banzhaf(weighted_game([2, 0, 1, 1], 3))

    # hand count: A swings with {C},{D},{C,D} and each of those with B (6); C and D with {A},{A,B} (2 each)
    assert ours == (Fraction(3, 5), Fraction(0), Fraction(1, 5), Fraction(1, 5))
    assert peer.banzhaf[0] == pytest.approx(0.5)


def test_powerindices_overflows_from_63_members_and_concord_stays_exact() -> None:
    weights, quota = [1] * 70, 36
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        peer = powerindices.compute_pbi(quota, list(weights))

    ours = analyze(weighted_game(weights, quota)).members[0].penrose

    # symmetric majority of 70: a member swings when exactly 35 of the other 69 vote yes
    from math import comb
    assert ours == Fraction(comb(69, 35), 2**69)
    assert abs(peer[0] - ours.numerator / ours.denominator) > 0.05


@pytest.mark.parametrize("peer", ["powerindex", "powerindices"])
def test_peers_crash_on_a_fractional_quota_that_concord_handles(peer: str) -> None:
    with pytest.raises(TypeError):
        if peer == "powerindex":
            powerindex.Game(quota=2.5, weights=[2, 1, 1]).calc()
        else:
            powerindices.compute_pbi(2.5, [2, 1, 1])

    ours = banzhaf(weighted_game([2, 1, 1], "2.5"))

    assert ours == (Fraction(3, 5), Fraction(1, 5), Fraction(1, 5))
