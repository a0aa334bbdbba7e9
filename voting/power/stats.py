"""Concentration of weight or power, exactly: Gini coefficient, Herfindahl-Hirschman index, largest-k shares."""

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

__all__ = ["Concentration", "concentration", "gini", "herfindahl", "largest_shares"]


def gini(values: Sequence[Fraction | int]) -> Fraction | None:
    """The Gini coefficient sum_i sum_j |x_i - x_j| / (2 n sum x); None when every value is 0.

    Computed from the ascending order: G = 2 sum_i i x_(i) / (n sum x) - (n + 1) / n (Gini 1912).

    >>> gini([1, 1, 1, 1]), gini([0, 0, 0, 4])
    (Fraction(0, 1), Fraction(3, 4))
    """
    ordered = sorted(Fraction(value) for value in values)
    total = sum(ordered, Fraction(0))
    if total == 0:
        return None
    n = len(ordered)
    ranked = sum((rank * value for rank, value in enumerate(ordered, 1)), Fraction(0))
    return 2 * ranked / (n * total) - Fraction(n + 1, n)


def herfindahl(values: Sequence[Fraction | int]) -> Fraction | None:
    """The Herfindahl-Hirschman index: the sum of squared shares (1/n when equal, 1 for a monopoly).

    >>> herfindahl([1, 1, 2])
    Fraction(3, 8)
    """
    total = sum((Fraction(value) for value in values), Fraction(0))
    if total == 0:
        return None
    return sum(((Fraction(value) / total) ** 2 for value in values), Fraction(0))


def largest_shares(values: Sequence[Fraction | int]) -> tuple[Fraction, ...] | None:
    """Share of the total held by the largest k values together, for k = 1..n; None when the total is 0.

    >>> [str(share) for share in largest_shares([1, 3, 4])]
    ['1/2', '7/8', '1']
    """
    ordered = sorted((Fraction(value) for value in values), reverse=True)
    total = sum(ordered, Fraction(0))
    if total == 0:
        return None
    shares, running = [], Fraction(0)
    for value in ordered:
        running += value
        shares.append(running / total)
    return tuple(shares)


@dataclass(frozen=True)
class Concentration:
    """Gini, Herfindahl-Hirschman and largest-k shares of one distribution; None where undefined."""

    gini: Fraction | None
    herfindahl: Fraction | None
    largest_shares: tuple[Fraction, ...] | None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: exact fraction strings, null where undefined."""
        return {
            "gini": None if self.gini is None else str(self.gini),
            "herfindahl": None if self.herfindahl is None else str(self.herfindahl),
            "largest_shares": None if self.largest_shares is None else [str(s) for s in self.largest_shares],
        }


def concentration(values: Sequence[Fraction | int]) -> Concentration:
    """All three concentration measures of ``values``.

    >>> concentration([1, 1]).gini
    Fraction(0, 1)
    """
    return Concentration(gini(values), herfindahl(values), largest_shares(values))
