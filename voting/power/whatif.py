"""What-if helpers: Penrose square-root weights and the Jagiellonian quota, with the rounding they used stated."""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from voting.exact import parse_exact
from voting.power.game import PowerError

__all__ = ["JagiellonianQuota", "SquareRootWeights", "jagiellonian_quota", "penrose_weights", "sqrt_rounded"]


def sqrt_rounded(value: Fraction, places: int, *, up: bool) -> Fraction:
    """The square root of ``value`` at ``places`` decimals, rounded up (``up``) or to nearest (halves up).

    >>> sqrt_rounded(Fraction(2), 3, up=True), sqrt_rounded(Fraction(2), 3, up=False)
    (Fraction(283, 200), Fraction(707, 500))
    """
    if value < 0:
        raise PowerError("a square root needs a non-negative number")
    scaled = value * 10 ** (2 * places)
    if up:
        ceiling = math.ceil(scaled)
        root = math.isqrt(ceiling)
        root += root * root < ceiling
    else:
        root = math.isqrt(math.floor(scaled))
        root += scaled >= (root + Fraction(1, 2)) ** 2
    return Fraction(root, 10**places)


@dataclass(frozen=True)
class SquareRootWeights:
    """Weights proportional to the square roots of the members' sizes, and how they were rounded."""

    weights: tuple[Fraction, ...]
    rounding: str


@dataclass(frozen=True)
class JagiellonianQuota:
    """The Jagiellonian compromise quota: as a share of the total weight and in weight units."""

    share: Fraction
    quota: Fraction
    rounding: str


def penrose_weights(sizes: Sequence[object], *, places: int = 3) -> SquareRootWeights:
    """Penrose's square-root rule (Penrose 1946; Felsenthal & Machover 1998, sec. 3.4): weight_i = sqrt(size_i).

    Square roots are irrational in general, so each is rounded to the nearest multiple of 10**-places
    (halves up); the rounding is stated in the result.

    >>> result = penrose_weights([100, 2], places=2)
    >>> [str(w) for w in result.weights], result.rounding
    (['10', '141/100'], 'each square root rounded to the nearest 0.01 (halves up)')
    """
    values = [parse_exact(size) for size in sizes]
    if any(value < 0 for value in values):
        raise PowerError("sizes must not be negative")
    weights = tuple(sqrt_rounded(value, places, up=False) for value in values)
    return SquareRootWeights(weights, f"each square root rounded to the nearest {_decimal(places)} (halves up)")


def _decimal(places: int) -> str:
    return "1" if places == 0 else "0." + "0" * (places - 1) + "1"


def jagiellonian_quota(weights: Sequence[object], *, places: int = 6) -> JagiellonianQuota:
    """The Jagiellonian compromise quota (Slomczynski & Zyczkowski 2006): q = (1 + sqrt(sum w_i^2) / sum w_i) / 2.

    With square-root weights w_i = sqrt(N_i) this is (1 + sqrt(sum N_i) / sum sqrt(N_i)) / 2 of the total
    weight. The square root is rounded up at ``places`` decimals, so the quota share is never below the
    exact optimum; ``quota`` is that share of the total weight (a coalition wins with weight >= quota).

    >>> result = jagiellonian_quota([1, 1, 1, 1], places=3)
    >>> result.share, result.quota
    (Fraction(3, 4), Fraction(3, 1))
    """
    values = [parse_exact(weight) for weight in weights]
    total = sum(values, Fraction(0))
    if total <= 0:
        raise PowerError("the Jagiellonian quota needs a positive total weight")
    root = sqrt_rounded(sum((v * v for v in values), Fraction(0)), places, up=True)
    share = (1 + root / total) / 2
    rounding = f"sqrt(sum of squared weights) rounded up to {_decimal(places)}; quota = share x total weight"
    return JagiellonianQuota(share, share * total, rounding)
