"""Target power shares: proportional to a size, to its square root (Penrose), equal, or given explicitly.

Every target is an exact Fraction and the targets sum to 1. Square roots are irrational in general,
so the square-root target uses each root rounded to ``SQRT_PLACES`` decimals (halves up, the rounding
of ``voting.power.penrose_weights``), then normalized exactly.
"""

from collections.abc import Sequence
from fractions import Fraction

from voting.design.errors import DesignError
from voting.exact import ExactNumberError, parse_exact
from voting.power import PowerError, penrose_weights

__all__ = ["INDICES", "SQRT_PLACES", "TARGETS", "target_shares"]

TARGETS = ("sqrt", "proportional", "equal", "shares")
INDICES = ("banzhaf", "shapley_shubik")
SQRT_PLACES = 6


def target_shares(values: Sequence[object], kind: str) -> tuple[Fraction, ...]:
    """The power each member should have, as exact shares summing to 1.

    ``values`` are the members' sizes (``sqrt``, ``proportional``, ``equal``) or their intended shares
    (``shares``, normalized if they do not already sum to 1).

    >>> [str(t) for t in target_shares([1, 4, 4], "sqrt")]
    ['1/5', '2/5', '2/5']
    >>> [str(t) for t in target_shares([3, 1], "proportional")], [str(t) for t in target_shares([3, 1], "equal")]
    (['3/4', '1/4'], ['1/2', '1/2'])
    """
    if kind not in TARGETS:
        raise DesignError(f"unknown target {kind!r}: choose one of {', '.join(TARGETS)}")
    if len(values) < 2:
        raise DesignError("a design needs at least two members")
    numbers = _exact_values(values)
    if kind == "equal":
        return tuple(Fraction(1, len(numbers)) for _ in numbers)
    if kind == "sqrt":
        numbers = list(penrose_weights(numbers, places=SQRT_PLACES).weights)
    total = sum(numbers, Fraction(0))
    if total <= 0:
        raise DesignError("the sizes or shares must not all be zero")
    return tuple(number / total for number in numbers)


def _exact_values(values: Sequence[object]) -> list[Fraction]:
    numbers = []
    for position, value in enumerate(values, 1):
        try:
            number = parse_exact(value)
        except (ExactNumberError, PowerError) as error:
            raise DesignError(f"value {position}: {error}") from None
        if number < 0:
            raise DesignError(f"value {position} is negative; sizes and shares must be zero or more")
        numbers.append(number)
    return numbers
